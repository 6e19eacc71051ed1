"""Who may merge a pull request: a verdict for each changed path, and the worst of them for the whole.

Pure: `verdict` takes what git says (the changes, the head tree, the base's shops and owners) and
returns a Verdict; `gather` asks a Repo for exactly that; `report.py`'s escapers format it (`formats`).
Ownership is always read from the base revision, so that a pull request cannot grant itself ownership.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from generator.gitrepo import Change, Entry, GitError, Repo
from generator.model import Limits
from generator.report import escape_data, workflow_command
from generator.schema import LOGIN
from generator.sources import decode, parse_yaml

MERCHANT, NEW_SHOP, CURATOR, BLOCKED = "merchant", "new-shop", "curator", "blocked"
RANK = {MERCHANT: 0, NEW_SHOP: 1, CURATOR: 2, BLOCKED: 3}
EXIT = {MERCHANT: 0, NEW_SHOP: 3, CURATOR: 4, BLOCKED: 5}
MEANING = {MERCHANT: "a merchant's change to their own shop: it may be merged without a curator",
           NEW_SHOP: "a new shop: a curator reviews it",
           CURATOR: "a curator must review it",
           BLOCKED: "it cannot be merged as it is"}
STATUS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "C": "copied", "T": "type-changed"}
SHOPS = "content/shops/"
IMAGE = re.compile(r"\.(jpe?g|png|webp)$", re.IGNORECASE)
JSON_VERSION = 1


@dataclass(frozen=True)
class PathVerdict:
    path: str
    status: str  # a word from STATUS
    verdict: str
    reason: str


@dataclass(frozen=True)
class Verdict:
    verdict: str
    shop: str | None
    author: str
    reasons: tuple[str, ...]
    paths: tuple[PathVerdict, ...]
    base: str = ""
    head: str = ""

    @property
    def exit_status(self) -> int:
        return EXIT[self.verdict]


@dataclass(frozen=True)
class Facts:
    """What the verdict depends on, as git gives it."""

    changes: tuple[Change, ...]
    head_tree: dict[str, Entry]
    base_shops: frozenset[str]  # shop folders in the base revision
    base_owners: dict[str, tuple[str, ...]]  # shop slug -> owners in the base shop.yaml
    head_owners: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # None: no readable shop.yaml
    limits: Limits = Limits()


def shop_of(path: str) -> str | None:
    """The shop folder a path lies in, or None."""
    if not path.startswith(SHOPS):
        return None
    slug, sep, rest = path[len(SHOPS):].partition("/")
    return slug if sep and rest else None


def is_login(value: str) -> bool:
    return bool(LOGIN.match(value))


def _key(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]


def collisions(changed: list[str], tree) -> dict[str, str]:
    """Changed paths (or a folder of theirs) that equal another path of the tree but for case or Unicode
    normalisation: {changed path: the path it collides with}.

    Each path of the tree is normalised once; only its folders that a changed path shares (by key) are
    looked at, so a large tree costs little more than reading it.
    """
    spellings: dict[str, set[str]] = {_key(prefix): set() for path in changed for prefix in _prefixes(path)}
    for path in tree:
        keys, parts = _key(path).split("/"), path.split("/")
        key = ""
        for end, part in enumerate(keys):
            key = f"{key}/{part}" if end else part
            if key not in spellings:
                break  # every folder of a changed path is a key too: nothing deeper can be one
            spellings[key].add("/".join(parts[:end + 1]))
    found = {}
    for path in changed:
        for prefix in _prefixes(path):
            others = spellings[_key(prefix)] - {prefix}
            if others:
                found[path] = sorted(others)[0]
                break
    return found


def _where(path: str) -> str:
    """Why a path outside the shops needs a curator."""
    if path == "site.yaml":
        return "site settings"
    if path.startswith("content/pages/"):
        return "a page of the site"
    if path.startswith("content/") and "/" not in path[len("content/"):]:
        return "a curators' file"
    if path.startswith("themes/"):
        return "the theme"
    if path.startswith(".github/"):
        return "the CI workflows"
    return "a project file"


def _same_owners(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> bool:
    return a is not None and b is not None and sorted(x.casefold() for x in a) == sorted(x.casefold() for x in b)


def _blocked(change: Change, facts: Facts, collide: dict[str, str]) -> str | None:
    """Why a change can never be merged as it is, or None."""
    path = change.path
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not UTF-8 text"
    if change.status == "R" and shop_of(change.old_path or "") != shop_of(path):
        return f"renamed from {change.old_path}: a rename may not cross a shop folder's boundary"
    if change.status == "D":
        return None
    entry = facts.head_tree.get(path)
    if entry is not None and entry.mode == "120000":
        return "a symbolic link: links are not accepted"
    if entry is not None and entry.mode == "160000":
        return "a submodule: submodules are not accepted"
    if path in collide:
        return f"collides with {collide[path]} (the two differ only in letter case or Unicode form)"
    if entry is not None and entry.size is not None:
        image = bool(IMAGE.search(path))
        limit = facts.limits.image_bytes if image else facts.limits.file_bytes
        if entry.size > limit:
            return (f"{entry.size:,} bytes; at most {limit:,} are allowed for "
                    f"{'a picture' if image else 'a file'} (limits.{'image' if image else 'file'}_bytes)")
    return None


def _own(change: Change, author: str, facts: Facts) -> tuple[str, str]:
    """The verdict and reason for a change that is not blocked."""
    slug = shop_of(change.path)
    if slug is None:
        return CURATOR, f"{_where(change.path)}: only curators change it"
    me = author.casefold()
    if slug in facts.base_shops:
        owners = facts.base_owners.get(slug, ())
        if me not in {o.casefold() for o in owners}:
            return CURATOR, (f"in shop {slug}, which {author} does not own" if owners
                             else f"in shop {slug}, which has no owners")
        if change.path == f"{SHOPS}{slug}/shop.yaml" and not _same_owners(owners, facts.head_owners.get(slug)):
            return CURATOR, f"changes the owners of shop {slug}"
        return MERCHANT, f"in shop {slug}, which {author} owns"
    head = facts.head_owners.get(slug) or ()
    if me in {o.casefold() for o in head}:
        return NEW_SHOP, f"in the new shop {slug}, which names {author} among its owners"
    return CURATOR, f"in the new shop {slug}, whose owners do not include {author}"


def verdict(facts: Facts, author: str, base: str = "", head: str = "") -> Verdict:
    """Each changed path's verdict and reason, and the worst of them for the pull request."""
    changed = [c.path for c in facts.changes if c.status != "D"]
    collide = collisions(changed, facts.head_tree)
    judged: list[tuple[Change, str, str]] = []
    for change in facts.changes:
        why = _blocked(change, facts, collide)
        judged.append((change, BLOCKED, why) if why else (change, *_own(change, author, facts)))
    shops = {shop_of(c.path) for c, v, _ in judged if v in (MERCHANT, NEW_SHOP)}
    reasons = []
    if len(shops) > 1:  # each shop alone would do; together they need a curator
        judged = [(c, CURATOR, f"{r}; but the pull request changes {len(shops)} shops") if v in (MERCHANT, NEW_SHOP)
                  else (c, v, r) for c, v, r in judged]
        reasons.append(f"changes {len(shops)} shops: {', '.join(sorted(shops))}")
    elif shops:  # an otherwise-merchant change may not delete anything outside its one shop
        (own,) = shops
        outside = [c.status == "D" and shop_of(c.path) != own for c, _, _ in judged]
        if all(out or v in (MERCHANT, NEW_SHOP) for out, (_, v, _) in zip(outside, judged)):
            judged = [(c, BLOCKED, f"deleted outside shop {own}: a change to one shop may not delete other files")
                      if out else (c, v, r) for out, (c, v, r) in zip(outside, judged)]
    paths = tuple(PathVerdict(c.path, STATUS.get(c.status, c.status), v, r) for c, v, r in judged)
    worst = max((p.verdict for p in paths), key=RANK.__getitem__, default=CURATOR)
    if not paths:
        reasons.append("the pull request changes no file")
    every_shop = {shop_of(p.path) for p in paths}
    shop = next(iter(every_shop)) if len(every_shop) == 1 else None
    counted = {v: sum(p.verdict == v for p in paths) for v in RANK}
    reasons += [f"{n} path{'s' if n != 1 else ''} {v}" for v, n in counted.items() if n and v == worst]
    reasons.append(MEANING[worst])
    return Verdict(worst, shop, author, tuple(reasons), paths, base, head)


def _owners_in(repo: Repo, rev: str, slug: str) -> tuple[str, ...] | None:
    """The valid logins of a shop's `owners` in a commit; None without a readable shop.yaml."""
    path = f"{SHOPS}{slug}/shop.yaml"
    raw = repo.blob(rev, path)
    text = decode(path, raw)[0] if raw is not None else None
    doc = parse_yaml(path, text)[0] if text is not None else None
    if doc is None or not isinstance(doc.data, dict):
        return None
    owners = doc.data.get("owners")
    owners = [owners] if isinstance(owners, str) else owners if isinstance(owners, list) else []
    return tuple(o for o in owners if isinstance(o, str) and is_login(o))


def gather(repo: Repo, base: str, head: str) -> Facts:
    """What git says about the pull request from base to head: the changes since their merge base."""
    since = repo.merge_base(base, head)
    changes = tuple(repo.changes(since, head))
    slugs = {s for c in changes for s in (shop_of(c.path), shop_of(c.old_path or "")) if s}
    base_shops = frozenset(repo.folders(base, SHOPS))
    tree = repo.tree(head)
    tree.update(repo.tree(head, [c.path for c in changes if c.status != "D" and c.path in tree], sizes=True))
    return Facts(changes=changes, head_tree=tree, base_shops=base_shops,
                 base_owners={s: _owners_in(repo, base, s) or () for s in slugs if s in base_shops},
                 head_owners={s: _owners_in(repo, head, s) for s in slugs}, limits=_limits(repo, base))


def _limits(repo: Repo, rev: str) -> Limits:
    """limits.file_bytes and limits.image_bytes of a commit's site.yaml (a value that is not a positive
    whole number is left at its default, as the base's own check reports it)."""
    raw = repo.blob(rev, "site.yaml")
    text = decode("site.yaml", raw)[0] if raw is not None else None
    doc = parse_yaml("site.yaml", text)[0] if text is not None else None
    given = doc.data.get("limits") if doc is not None and isinstance(doc.data, dict) else None
    given = given if isinstance(given, dict) else {}
    return Limits(**{key: value for key, value in given.items() if key in ("file_bytes", "image_bytes")
                     and isinstance(value, int) and not isinstance(value, bool) and value > 0})


def check(root, base: str, head: str, author: str) -> Verdict:
    """The verdict on the pull request from base to head in the repository at root. Raises GitError."""
    if not is_login(author):
        raise GitError(f'--author "{author}" is not a GitHub login')
    repo = Repo(root)
    base_commit, head_commit = repo.commit(base), repo.commit(head)
    return verdict(gather(repo, base_commit, head_commit), author, base_commit, head_commit)


# -- formats -------------------------------------------------------------------------------------


def _shown(path: str) -> str:
    """A path as text for people: anything not UTF-8 and every control character escaped."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def text(v: Verdict) -> str:
    lines = [f"{p.verdict:<8}  {p.status:<8}  {_shown(p.path)}: {_shown(p.reason)}" for p in v.paths]
    lines.append(_shown(f"shopdir pr-check: {v.verdict}" + (f" (shop {v.shop})" if v.shop else "")
                        + f": {'; '.join(v.reasons)}"))
    return "\n".join(lines) + "\n"


def json_report(v: Verdict) -> str:
    """The shape docs/schemas/pr-check.schema.json describes."""
    report = {"version": JSON_VERSION, "verdict": v.verdict, "shop": _shown(v.shop) if v.shop else None,
              "author": v.author, "base": v.base, "head": v.head, "reasons": [_shown(r) for r in v.reasons],
              "paths": [{"path": _shown(p.path), "status": p.status, "verdict": p.verdict, "reason": _shown(p.reason)}
                        for p in v.paths]}
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def github(v: Verdict) -> str:
    out = [workflow_command("error", f"{_shown(p.path)}: {_shown(p.reason)}", file=_shown(p.path),
                            title=f"shopdir pr-check: {p.verdict}") for p in v.paths if p.verdict == BLOCKED]
    out.append(workflow_command("notice", _shown(f"pr-check: {v.verdict}: {'; '.join(v.reasons)}"),
                                title="shopdir pr-check"))
    return "\n".join(out + [escape_data(line) for line in text(v).splitlines()]) + "\n"


_MARKUP = re.compile(r"[^\w \u0080-\U0010ffff]|_")  # anything but letters, digits and spaces


def _md(value: str) -> str:
    """Text that stays text in GitHub Markdown: every sign a character reference, so that a file name
    makes no markup, HTML, @mention, #reference, :emoji:, link or table cell."""
    return _MARKUP.sub(lambda m: f"&#{ord(m.group())};", _shown(value))


def markdown(v: Verdict, limit: int = 200) -> str:
    icon = {MERCHANT: "✅", NEW_SHOP: "🆕", CURATOR: "👀", BLOCKED: "⛔"}[v.verdict]
    lines = [f"### {icon} Ownership check: **{v.verdict}**", "",
             f"{_md('; '.join(v.reasons))}.", "",
             "| verdict | change | path | why |", "| --- | --- | --- | --- |"]
    ordered = sorted(v.paths, key=lambda p: (-RANK[p.verdict], p.path))
    lines += [f"| {p.verdict} | {p.status} | {_md(p.path)} | {_md(p.reason)} |" for p in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"\n… and {len(ordered) - limit} more paths.")
    return "\n".join(lines) + "\n"


FORMATS = {"text": text, "json": json_report, "github": github, "markdown": markdown}
