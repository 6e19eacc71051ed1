"""The editors' JSON Schemas and the checker agree: valid sites pass the schemas, and every mistake a schema
can express fails them as it fails `shopdir check`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator import editorschema
from generator.validate import load_directory
from tests.conftest import BASE_SITE, ROOT, TESTS, overlay_case

ERROR_CASES = sorted(path for path in (TESTS / "cases" / "errors").iterdir() if path.is_dir())

# Mistakes a JSON Schema cannot see, each with why. The test fails if one of them starts failing the schemas
# (then it belongs with the others) or if a case not listed here passes them.
_REASONS = {
    "the shop folder's name, not a file's content": ["09-shop-folder-uppercase", "10-shop-folder-underscore",
                                                      "11-bad-product-file-name", "12-missing-shop-yaml"],
    "YAML features a loader resolves before a schema sees the data": ["18-duplicate-key", "19-yaml-anchor-and-alias"],
    "a date YAML cannot read stays text that looks like a date": ["22-impossible-date"],
    "invisible characters inside text": ["28-zero-width-in-shop-name", "29-bidi-override-in-product-name"],
    "pictures: whether a file exists and what it holds": ["36-image-missing-with-hint",
                                                          "37-image-missing-no-similar-file", "41-image-not-really-an-image",
                                                          "42-truncated-jpeg", "43-qr-image-disagrees-with-qr",
                                                          "44-qr-image-without-qr-code",
                                                          "71-qr-image-holds-more-than-the-site-draws"],
    "paths: .. and absolute paths are refused by the checker's path rules": ["38-image-path-with-dotdot",
                                                                             "40-image-path-backslash"],
    "the site's qr_schemes setting and the schemes a link may use": ["45-qr-http-when-only-https-allowed",
                                                                     "46-guide-qr-javascript",
                                                                     "65-qr-image-alone-with-javascript-text"],
    "slugs unique within a list": ["48-duplicate-store-slug", "49-duplicate-guide-slug", "55-duplicate-category-slug"],
    "references to products and between lists of curation.yaml": ["52-collection-item-missing-product",
                                                                  "54-featured-and-delisted"],
    "free pages, templates and themes have no schema": ["56-page-with-reserved-name",
                                                        "72-child-theme-template-syntax-error",
                                                        "73-child-theme-unknown-filter",
                                                        "74-child-theme-fails-only-on-a-page-with-a-logo"],
    "a QR code's capacity in bytes": ["70-contact-url-too-long-for-its-qr-code"],
    "the same QR text in two places (a warning across files)": ["86-qr-code-shared"],
    "owners that differ only in letter case (logins ignore case; uniqueItems does not)":
        ["77-owner-listed-twice-in-other-case"],
}
NOT_EXPRESSIBLE = {case: reason for reason, cases in _REASONS.items() for case in cases}


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it for a schema: a date stays the text it was written as."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def documents(root: Path):
    """(file, schema file name, data) for every file of a site that has a schema."""
    found = [(root / "site.yaml", "site")]
    for name in ("categories", "curation"):
        found.append((root / "content" / f"{name}.yaml", name))
    shops = root / "content" / "shops"
    for folder in sorted(shops.iterdir()) if shops.is_dir() else ():
        found.append((folder / "shop.yaml", "shop"))
        for product in sorted((folder / "products").glob("*.md")):
            found.append((product, "product"))
    for path, kind in found:
        if not path.is_file():
            continue
        text = path.read_text("utf-8")
        if kind == "product":
            parts = text.split("---\n")
            text = parts[1] if text.startswith("---\n") and len(parts) > 2 else "{}"
        yield path, editorschema.FILES[kind], yaml.load(text, Loader=EditorLoader)


def schema_failures(root: Path) -> list[str]:
    schemas = editorschema.schemas(load_directory(root), editorschema.shop_folders(root))
    failures = []
    for path, name, data in documents(root):
        for error in jsonschema.Draft7Validator(schemas[name]).iter_errors(data):
            failures.append(f"{path.relative_to(root)}: {error.message}")
    return failures


@pytest.mark.parametrize("root", [BASE_SITE, ROOT], ids=["test-site", "example"])
def test_valid_sites_pass_their_schemas(root):
    assert schema_failures(root) == []


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda path: path.name)
def test_each_mistake_a_schema_can_express_fails_it(case, tmp_path):
    root = overlay_case(case, tmp_path / "site", skip=lambda rel: rel.name in ("expected.txt", "delete.txt"))
    try:
        failures = schema_failures(root)
    except (yaml.YAMLError, UnicodeDecodeError):
        failures = ["the file is not YAML an editor can read"]  # the editor shows syntax errors too
    if case.name in NOT_EXPRESSIBLE:
        assert failures == [], f"{case.name} now fails the schema ({failures[0]}): take it off NOT_EXPRESSIBLE"
    else:
        assert failures, f"{case.name} passes the schemas: express its rule, or list it in NOT_EXPRESSIBLE with why"


def test_the_example_ships_its_current_schemas():
    schemas = editorschema.schemas(load_directory(ROOT), editorschema.shop_folders(ROOT))
    for name, schema in schemas.items():
        shipped = ROOT / editorschema.FOLDER / name
        assert shipped.is_file() and shipped.read_bytes() == editorschema.as_bytes(schema), \
            f"{shipped} is out of date: run shopdir schema"


def test_category_slugs_are_offered_with_their_names():
    schema = editorschema.shop_schema(load_directory(ROOT))
    slug = schema["properties"]["categories"]["anyOf"][0]
    names = dict(zip(slug["enum"], slug["enumDescriptions"]))
    assert names["oolong"] == "乌龙茶"
    assert len(names) == len(load_directory(ROOT).categories)


def test_every_shop_file_of_the_example_names_its_schema():
    for path in (ROOT / "content" / "shops").glob("*/shop.yaml"):
        first = path.read_text("utf-8").splitlines()[0]
        assert first == editorschema.modeline(path.relative_to(ROOT).as_posix(), "shop"), path
        assert (path.parent / first.split("=", 1)[1]).resolve() == (ROOT / editorschema.FOLDER / "shop.schema.json")


def test_the_schema_command_rewrites_only_what_changed(run_cli, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(BASE_SITE, root)
    status, out, _ = run_cli("schema", "--root", str(root))
    assert status == 0 and out.count("wrote ") == len(editorschema.FILES)
    before = {path: os.stat(path).st_mtime_ns for path in (root / editorschema.FOLDER).iterdir()}
    status, out, _ = run_cli("schema", "--root", str(root))
    assert status == 0 and out == ""
    assert before == {path: os.stat(path).st_mtime_ns for path in (root / editorschema.FOLDER).iterdir()}
