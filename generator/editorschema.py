"""JSON Schemas (draft-07) of the files merchants and curators edit, made from the site itself, so an
editor can complete keys, offer the site's own category slugs (with their names) and flag mistakes
while a merchant types. `shopdir check` stays the judge: a schema says what it can of the same rules
(keys, types, slugs, lengths), and tests/unit/test_editorschema.py keeps the two in step.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path

from generator import validate
from generator.config import LIMIT_RANGES, PAPERS, PIECES, SITE_KEYS
from generator.model import Directory
from generator.schema import LOGIN, MAX_PRICE, SLUG

DRAFT = "http://json-schema.org/draft-07/schema#"
FOLDER = "content/schemas"  # where `shopdir schema` writes them, beside what they describe
FILES = {"site": "site.schema.json", "categories": "categories.schema.json", "curation": "curation.schema.json",
         "shop": "shop.schema.json", "product": "product.schema.json"}


def _text(description: str, max_length: int, **more) -> dict:
    return {"type": "string", "description": description, "maxLength": max_length, **more}


def _slug(description: str, choices: dict[str, str] | None = None) -> dict:
    found = {"type": "string", "description": description, "pattern": SLUG.pattern, "minLength": 2, "maxLength": 64}
    if choices:  # the site's own slugs, each with its name, as editors show them
        found["enum"] = sorted(choices)
        found["enumDescriptions"] = [choices[slug] for slug in sorted(choices)]
        found["markdownEnumDescriptions"] = found["enumDescriptions"]
    return found


def _one_or_list(item: dict, description: str, max_items: int | None = None, min_items: int = 0) -> dict:
    listed = {"type": "array", "items": item, **({"minItems": min_items} if min_items else {})}
    if max_items:
        listed["maxItems"] = max_items
    return {"description": description, "anyOf": [item, listed]}


def _object(properties: dict, required: tuple[str, ...] = (), description: str = "") -> dict:
    found = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        found["required"] = list(required)
    if description:
        found["description"] = description
    return found


PATH = {"type": "string", "minLength": 1, "pattern": r"^[^/\\].*", "description":
        "A path inside the shop folder, such as images/photo.jpg"}
QR = _text("The text of a WeChat QR code, as your phone reads it: an https:// address, such as "
           "https://u.wechat.com/… (scan your code and copy what it says)", 2000, pattern=r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
TAGS = _one_or_list(_text("A tag", 40, minLength=1), "Tags, such as [岩茶, 手工]", 30)


def site_schema() -> dict:
    limits = {key: {"type": "integer", "minimum": low, "maximum": high} for key, (low, high) in LIMIT_RANGES.items()}
    properties = {
        "title": _text("The site's name, shown on every page", 200, minLength=1),
        "description": _text("One sentence about the site", 300),
        "base_url": _text("Where the site is published: an absolute http(s) address", 300, pattern=r"^https?://"),
        "language": _text("The site's language, such as zh-CN or en", 35, pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"),
        "currency": _text("The default currency of prices, such as CNY", 3, pattern=r"^[A-Z]{3}$"),
        "theme": _text("A folder under themes/", 64, pattern=r"^[a-z0-9][a-z0-9_-]*$"),
        "per_page": {"type": "integer", "minimum": 1, "maximum": 500, "description": "Cards on a listing page"},
        "qr_schemes": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": r"^[a-z][a-z0-9+.-]*$"},
                       "description": "The address schemes a QR text may use (default: https, http)"},
        "limits": _object(limits, description="How much one submission may ask of a build"),
        "print": _object({"paper": {"enum": list(PAPERS), "description": "The paper the kit is printed on"},
                          "pieces": {"type": "array", "minItems": 1, "items": {"enum": list(PIECES)},
                                     "description": "Which pieces shopdir print makes"},
                          "brand": _text("A line printed on every piece, such as the directory's name", 80)},
                         description="Choices for shopdir print, the paper QR kit"),
        "search": _object({"engine": {"enum": ["shopdir", "pagefind"],
                                      "description": "shopdir's own index (the default) or pagefind (docs/search.md)"}},
                          description="Which search index the site gets"),
    }
    return _described(_object(_only(properties, SITE_KEYS), ("title", "base_url")), "site.yaml: the site's settings")


def categories_schema(directory: Directory) -> dict:
    category = _object({
        "slug": _slug("The category's slug: lowercase letters, digits and single hyphens"),
        "name": _text("The category's name", 60, minLength=1),
        "description": _text("A few words about the category (Markdown)", 5000),
        "children": {"type": "array", "items": {"$ref": "#/definitions/category"}, "description": "Subcategories"},
    }, ("slug", "name"))
    found = {"type": "array", "items": {"$ref": "#/definitions/category"}, "definitions": {"category": category}}
    return _described(found, "content/categories.yaml: the category tree")


def curation_schema(directory: Directory, folders: tuple[str, ...] = ()) -> dict:
    """`folders`: every shop folder's slug, delisted ones and those with problems too (curation names them)."""
    shops = {**{slug: slug for slug in folders}, **{shop.slug: shop.name for shop in directory.shops}}
    shop_list = {"type": "array", "items": _slug("A shop's slug", shops)}
    item = {"type": "string", "description": "A shop's slug, or shop-slug/product-slug",
            "pattern": rf"^{SLUG.pattern[1:-1]}(/{SLUG.pattern[1:-1]})?$"}
    collection = _object({
        "slug": _slug("The collection's slug"),
        "title": _text("The collection's title", 60, minLength=1),
        "description": _text("A few words about the collection (Markdown)", 5000),
        "items": {"type": "array", "items": item, "description": "Shops and products in this collection"},
    }, ("slug", "title", "items"))
    properties = {"featured": {**shop_list, "description": "Shops on the home page, in this order"},
                  "collections": {"type": "array", "items": collection, "description": "Editor's picks"},
                  "delisted": {**shop_list, "description": "Shops kept in the repository but left out of the site"}}
    return _described(_object(_only(properties, validate.CURATION_KEYS)), "content/curation.yaml")


def shop_schema(directory: Directory) -> dict:
    categories = {category.slug: category.name for category in directory.categories}
    guide = _object(_only({"slug": _slug("The guide's slug"), "name": _text("The guide's name", 40, minLength=1),
                           "title": _text("The guide's title, such as 茶艺师", 40), "photo": PATH,
                           "qr": {**QR, "description": "The guide's own WeChat QR code text"}},
                          validate.GUIDE_KEYS), ("slug", "name", "qr"))
    store = _object(_only({"slug": _slug("The store's slug"), "name": _text("The store's name", 60, minLength=1),
                           "address": _text("The street address", 200), "city": _text("The city", 40),
                           "hours": _text('Opening hours, in quotes, such as "10:00–21:00"', 80),
                           "guides": {"type": "array", "items": guide, "description": "Shopping guides (导购)"}},
                          validate.STORE_KEYS), ("slug", "name"))
    contact = _object(_only({
        "qr": QR, "qr_image": {**PATH, "description": "A picture of your WeChat QR code; the build reads it"},
        "wechat_id": _text("Your WeChat id, shown as text", 40), "url": _text("Your website", 2000, pattern=r"^https?://"),
        "phone": _text('A phone number, in quotes, such as "+86 591 0000 0000"', 40),
        "email": _text("An email address", 120, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    }, validate.CONTACT_KEYS), description="How visitors reach you: at least one of qr, qr_image or url")
    contact["anyOf"] = [{"required": [key]} for key in ("qr", "qr_image", "url")]
    properties = {
        "name": _text("The shop's name", 60, minLength=1),
        "tagline": _text("One line under the name", 120),
        "categories": _one_or_list(_slug("A category slug from content/categories.yaml", categories),
                                   "The shop's categories; the first is the main one", min_items=1),
        "city": _text("The shop's city", 40), "tags": TAGS,
        "logo": {**PATH, "description": "The logo picture"}, "cover": {**PATH, "description": "A wide cover picture"},
        "since": {"type": "integer", "minimum": 1800, "maximum": 2100, "description": "The year the shop opened"},
        "contact": contact,
        "description": _text("About the shop (Markdown)", 20_000),
        "stores": {"type": "array", "items": store, "description": "Offline stores (门店)"},
        "owners": {"type": "array", "items": {"type": "string", "pattern": LOGIN.pattern}, "uniqueItems": True,
                   "maxItems": validate.MAX_OWNERS, "description": "GitHub logins who may change this shop by pull request"},
    }
    return _described(_object(_only(properties, validate.SHOP_KEYS), ("name", "categories", "contact")),
                      "shop.yaml: a shop")


def product_schema(directory: Directory) -> dict:
    categories = {category.slug: category.name for category in directory.categories}
    properties = {
        "name": _text("The product's name", 100, minLength=1),
        "price": {"description": 'A number, or text such as "询价"',
                  "anyOf": [{"type": "number", "minimum": 0, "maximum": MAX_PRICE}, _text("A price as text", 40)]},
        "currency": _text("A three-letter currency code such as CNY (default: the site's)", 3, pattern=r"^[A-Z]{3}$"),
        "images": _one_or_list(PATH, "Pictures of the product, paths inside the shop folder", validate.MAX_IMAGES),
        "category": _slug("The product's category (default: the shop's main category)", categories),
        "tags": TAGS,
        "available": {"type": "boolean", "description": "false shows the product as sold out"},
        "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                 "description": "When it was listed, YYYY-MM-DD (new arrivals)"},
        "draft": {"type": "boolean", "description": "true: built only with --drafts"},
    }
    return _described(_object(_only(properties, validate.PRODUCT_KEYS), ("name",)),
                      "The front matter of a product's Markdown file")


def _only(properties: dict, keys) -> dict:
    """The properties of exactly the keys the checker accepts: a key it does not know is a bug here."""
    missing = set(keys) - set(properties)
    assert not missing, f"no schema for {sorted(missing)}"
    return {key: properties[key] for key in keys}


def _described(schema: dict, title: str) -> dict:
    return {"$schema": DRAFT, "title": title, **schema}


def shop_folders(root: Path) -> tuple[str, ...]:
    shops = root / "content" / "shops"
    return tuple(sorted(entry.name for entry in shops.iterdir() if (entry / "shop.yaml").is_file())) \
        if shops.is_dir() else ()


def schemas(directory: Directory, folders: tuple[str, ...] = ()) -> dict[str, dict]:
    """Every schema, by its file name. `folders`: the shop folders' slugs (see shop_folders)."""
    return {FILES["site"]: site_schema(), FILES["categories"]: categories_schema(directory),
            FILES["curation"]: curation_schema(directory, folders), FILES["shop"]: shop_schema(directory),
            FILES["product"]: product_schema(directory)}


def as_bytes(schema: dict) -> bytes:
    return (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def modeline(rel: str, kind: str) -> str:
    """The comment line that points an editor's YAML language server at a schema, by a path relative to
    the file (`rel`, from the site's root)."""
    target = posixpath.relpath(f"{FOLDER}/{FILES[kind]}", posixpath.dirname(rel))
    return f"# yaml-language-server: $schema={target}"


def write(root: Path, directory: Directory, folder: Path | None = None) -> list[Path]:
    """Write every schema into the folder (default ROOT/content/schemas); the files whose bytes changed."""
    folder = folder or root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, schema in schemas(directory, shop_folders(root)).items():
        path, data = folder / name, as_bytes(schema)
        if not path.is_file() or path.read_bytes() != data:
            temporary = path.with_name(f".{name}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, path)
            changed.append(path)
    return changed
