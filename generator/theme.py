"""Themes: templates, static files and UI strings, with a child theme able to extend the default one."""

from __future__ import annotations

import hashlib
import json
import os
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.bccache
import jinja2.meta
import markupsafe

from generator import routes
from generator.fingerprint import code_digest
from generator.problems import Problem, did_you_mean
from generator.load import read_yaml

THEME_KEYS = ("extends", "name", "description")
# The themes that ship with shopdir, used when a site has no theme folder of that name itself.
BUNDLED_THEMES = Path(__file__).resolve().parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]  # the theme first, then what it extends
    env: jinja2.Environment
    strings: dict  # UI strings for the site's language
    assets: dict  # logical name -> (output path, bytes)

    def asset_path(self, name: str) -> str:
        return self.assets[name][0]


def _find(name: str, root: Path) -> Path | None:
    for themes_dir in (root / "themes", BUNDLED_THEMES):
        if (themes_dir / name).is_dir():
            return themes_dir / name
    return None


def load_theme(root: Path, name: str, language: str,
               cache_dir: Path | None = None) -> tuple[Theme | None, list[Problem]]:
    """The theme and everything it extends; the default theme is always last in the chain. With a cache
    folder, each template's compiled code is kept there (by its source): a build, and each of its
    workers, compiles only the templates changed since the last."""
    problems: list[Problem] = []
    folders: list[Path] = []
    current: str | None = name
    while current:
        folder = _find(current, root)
        if folder is None:
            problems.append(Problem("site.yaml", 1, 1, f'theme "{current}" not found: there is no folder '
                                                       f"themes/{current}"))
            return None, problems
        rel = _rel(folder, root)
        if folder in folders:
            problems.append(Problem(f"{rel}/theme.yaml", 1, 1, "themes extend each other in a circle"))
            return None, problems
        folders.append(folder)
        current = _extends(folder, root, problems)
    default = _find("default", root)
    if default is not None and default not in folders:
        folders.append(default)
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(f / "templates") for f in folders]),
        jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(default / "templates"))} if default else {}),
    ])
    # auto_reload=False: a theme is loaded anew for every build (serve too), so within one build no
    # template changes; Jinja would otherwise stat each template file every time a page asks for it.
    env = _Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, auto_reload=False,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       bytecode_cache=_compiled(cache_dir))
    env.filters["jsonld"] = jsonld
    strings = _strings(folders, language, root, problems)
    assets = _assets(folders)
    return Theme(name, tuple(folders), env, strings, assets), problems


def _compiled(cache_dir: Path | None) -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept: Jinja keys each by its name and file and checks its source; the
    file names hold shopdir's code digest, since the environment's options are not in Jinja's key."""
    if cache_dir is None:
        return None
    folder = Path(cache_dir) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a cache that cannot be written only costs compiling again
        return None
    return _Compiled(str(folder), f"{code_digest()[:16]}-%s.cache")


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates; a damaged or unreadable entry is compiled again, not an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - Jinja reads the entry's checksum with pickle, which raises on garbage
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


class _Environment(jinja2.Environment):
    """Jinja's environment, with `page.title` on a view (a plain dict) looked up without an exception.

    Jinja tries the attribute first and the key after it; on a dict the attribute exists only for the
    dict's own methods, so for any other name the key is the answer, as before. Raising and catching
    an AttributeError for every key a template reads was a fifth of the rendering time.
    """

    _DICT_NAMES = frozenset(dir(dict))

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in self._DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def jsonld(data) -> markupsafe.Markup:
    """JSON for a <script type="application/ld+json"> element: no text inside can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return markupsafe.Markup(text)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _extends(folder: Path, root: Path, problems: list[Problem]) -> str | None:
    path = folder / "theme.yaml"
    if not path.is_file():
        return None
    doc = read_yaml(root, _rel(path, root), problems)
    if doc is None or not isinstance(doc.data, dict):
        return None
    for key in doc.data:
        if key not in THEME_KEYS:
            problems.append(doc.problem((key,), f'unknown key "{key}"'))
    parent = doc.data.get("extends")
    return parent if isinstance(parent, str) and parent else None


def _strings(folders: list[Path], language: str, root: Path, problems: list[Problem]) -> dict:
    """UI strings: the default theme's first, each child theme overriding; language falls back to its base, then en."""
    candidates = [language, language.split("-")[0], "en"]
    merged: dict = {}
    for folder in reversed(folders):
        for lang in reversed(candidates):
            path = folder / "i18n" / f"{lang}.yaml"
            if path.is_file():
                doc = read_yaml(root, _rel(path, root), problems)
                if doc is not None and isinstance(doc.data, dict):
                    merged.update({str(k): str(v) for k, v in doc.data.items()})
    return merged


def _assets(folders: list[Path]) -> dict:
    """Static files, the child theme's winning, named by their content hash so browsers can keep them."""
    found: dict[str, Path] = {}
    for folder in reversed(folders):
        static = folder / "static"
        for directory, _, files in os.walk(static):
            for name in files:
                full = Path(directory) / name
                found[full.relative_to(static).as_posix()] = full
    assets = {}
    for name, path in sorted(found.items()):
        data = path.read_bytes()
        stem, dot, ext = name.rpartition(".")
        digest = hashlib.sha256(data).hexdigest()[:10]
        hashed = f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"
        assets[name] = (routes.asset(hashed), data)
    return assets


def template_problem(error: Exception, theme: Theme, root: Path) -> Problem:
    """A template error as a problem at the template's file and line."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return Problem(_rel(Path(error.filename), root), error.lineno or 1, 1, f"template error: {error.message}")
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(_rel(theme.folders[0], root), 1, 1, f"template not found: {error.name}")
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if any(frame.filename.startswith(str(f)) for f in theme.folders):
            return Problem(_rel(Path(frame.filename), root), frame.lineno or 1, 1, f"template error: {error}")
    return Problem(_rel(theme.folders[0], root), 1, 1, f"template error: {error}")


def _template_names(folder: Path) -> set[str]:
    templates = folder / "templates"
    names = (path.relative_to(templates).as_posix() for path in templates.rglob("*") if path.is_file())
    return {name for name in names if not any(part.startswith(".") for part in name.split("/"))}  # not .DS_Store


def unused_templates(theme: Theme, root: Path) -> list[Problem]:
    """Warnings for templates of a child theme that replace none of the default theme's and that no
    template includes, imports or extends: a misspelt override, which changes nothing on the site."""
    if len(theme.folders) < 2:
        return []
    known = _template_names(theme.folders[-1])
    referenced: set[str] = set()
    for name in theme.env.list_templates():
        try:
            tree = theme.env.parse(theme.env.loader.get_source(theme.env, name)[0])
        except jinja2.TemplateError:
            continue  # its error is reported when a page is rendered with it
        for found in jinja2.meta.find_referenced_templates(tree):
            if found is None:  # a template named by a variable: any template may be used
                return []
            referenced.add(found.removeprefix("default/"))
    problems = []
    for folder in theme.folders[:-1]:
        for name in sorted(_template_names(folder) - known - referenced):
            problems.append(Problem(f"{_rel(folder, root)}/templates/{name}", 1, 1,
                                    f'the template "{name}" is not used by any page or template'
                                    + did_you_mean(name, known - {n for n in known if n.startswith("_")}),
                                    rule="template-unused"))
    return problems
