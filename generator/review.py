"""shopdir review: what a pull request changes on the built site, for the curator who merges it.

Both revisions are checked out by git and built by this shopdir with one build date. Without a kept
cache the head is built over the base's output, so only the pages that differ are rendered; with one
(--cache-dir), each side keeps a workspace there: git writes only the files that changed since, the
base (usually the same commit as last time) is not built again, and the head is built over the last
head reviewed. Their outputs are compared file by file, so pages that change only through another page
(a category listing that gains a card, the feed) count too. The models of both are compared field by
field for what the merchant wrote.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from generator import build, changes, fingerprint, markup, report
from generator.gitrepo import GitError, Repo, Revision
from generator.model import Directory
from generator.problems import Problem
from generator.validate import load_directory

VERSION = 1


@dataclass
class Review:
    base: Revision
    head: Revision
    pages: changes.PageChanges
    fields: list[changes.FieldChange]
    flags: list[changes.Flag]
    problems: list[Problem] = field(default_factory=list)  # the head's
    base_problems: int = 0  # how many the base has (its pages then count as absent)
    verdict: str | None = None

    @property
    def errors(self) -> int:
        return report.counts(self.problems)[0]

    @property
    def warnings(self) -> int:
        return report.counts(self.problems)[1]


def review(root: Path, base: str, head: str, *, cache_dir: Path | None = None, verdict: str | None = None,
           jobs: int | None = None) -> Review:
    """Build both revisions and compare them. GitError when either cannot be had."""
    repo = Repo(Path(root))
    old, new = repo.revision(base), repo.revision(head)
    # One build date for both, the head commit's day unless SOURCE_DATE_EPOCH is set: listings that turn
    # by day must not show as changed, and a revision built before on the same day need not be built again.
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or str(new.time - new.time % 86400)
    with _place(cache_dir) as place, _build_date(epoch):
        # With a kept cache, each revision has a workspace of its own there (the base's usually built
        # already, the head's built over the last head reviewed); without, the head is built over the base.
        old_side = _side(repo, old, place / "base", epoch, jobs)
        if new.commit == old.commit:
            new_side = old_side
        elif cache_dir:
            new_side = _side(repo, new, place / "head", epoch, jobs)
        else:  # built over the base's output, in the same workspace
            new_side = _side(repo, new, place / "base", epoch, jobs, old_side.digests)
    old_model, new_model = old_side.model, new_side.model
    flags = changes.risk_flags(old_model, new_model, (_delisted(old_model), _delisted(new_model)),
                               _pictures(old_side.pictures, new_side.pictures), _sanitised(old_model, new_model))
    return Review(old, new, changes.page_changes(old_side.files, new_side.files),
                  changes.field_changes(old_model, new_model), flags, list(new_side.result.problems),
                  len(old_side.result.problems), verdict)


@dataclass
class _Side:
    """One revision built: its build's result, its model, its pages' digests and its pictures' sizes."""
    result: build.Result
    model: Directory | None
    files: dict[str, str]  # output path -> digest; empty when the revision does not build
    digests: dict  # output path -> [inode, size, mtime, digest]: what _digests need not read again
    pictures: dict[str, int]


@contextlib.contextmanager
def _place(cache_dir: Path | None):
    """Where the revisions are checked out and built: in the kept cache, one review at a time, or a
    temporary folder."""
    if cache_dir is None:
        work = Path(tempfile.mkdtemp(prefix="shopdir-review-"))
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    place = Path(cache_dir) / "review"
    place.mkdir(parents=True, exist_ok=True)
    with open(place / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise GitError(f"another shopdir review is using {cache_dir}: wait for it to end, "
                                          "or give another --cache-dir") from None
        yield place  # the kernel lets go of the lock when the file is closed or the process ends


def _side(repo: Repo, revision: Revision, space: Path, epoch: str, jobs: int | None,
          digests: dict | None = None) -> _Side:
    """Check a revision out into a workspace and build it there, unless the workspace's record says it
    holds that very build already (same commit, build date and shopdir)."""
    tree, out, cache, record = space / "tree", space / "output", space / "cache", space / "built.json"
    stamp = {"commit": revision.commit, "epoch": epoch, "shopdir": fingerprint.shopdir_digest()}
    if _recorded(record) == stamp and out.is_dir():
        result = build.Result()
        model = load_directory(tree, cache)
    else:
        record.unlink(missing_ok=True)  # until the build below succeeds, the workspace holds nothing known
        repo.checkout(revision, tree, space / "index")
        result = build.build(tree, out, cache_dir=cache, search_index=False, jobs=jobs)
        model = result.directory if result.directory is not None else load_directory(tree, cache)
        if result.ok:
            record.write_text(json.dumps(stamp), "utf-8")
    kept = digests if digests is not None else _recorded(space / "digests.json") or {}
    found = _digests(out, kept) if result.ok else {}
    if result.ok and digests is None:
        (space / "digests.json").write_text(json.dumps(found), "utf-8")
    files = {path: entry[3] for path, entry in found.items()}
    return _Side(result, model, files, found, _picture_sizes(tree))


def _recorded(path: Path):
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _build_date(epoch: str):
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _digests(out: Path, known: dict) -> dict[str, list]:
    """Every file of a built site, by its path, to [inode, size, time, digest of its bytes]. A file whose
    inode, size and time are those known is not read again: the build never changes a file in place (an
    unchanged page is the same file, linked from the site before)."""
    found: dict[str, list] = {}
    folders = [(str(out), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, rel + "/"))
                    continue
                status = entry.stat(follow_symlinks=False)
                kept = known.get(rel)
                if kept is None or kept[:3] != [status.st_ino, status.st_size, status.st_mtime_ns]:
                    with open(entry.path, "rb") as handle:
                        digest = hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
                    kept = [status.st_ino, status.st_size, status.st_mtime_ns, digest]
                found[rel] = kept
    return found


def _delisted(directory: Directory | None) -> tuple[str, ...]:
    return directory.curation.delisted if directory is not None else ()


def _picture_sizes(tree: Path) -> dict[str, int]:
    """The size of each picture file in the shop folders, by path."""
    found = {}
    for folder, _, names in os.walk(tree / "content" / "shops"):
        for name in names:
            if name.lower().endswith(changes.IMAGE_SUFFIXES):
                path = Path(folder, name)
                found[path.relative_to(tree).as_posix()] = path.stat().st_size
    return found


def _pictures(base: dict[str, int], head: dict[str, int]) -> list[tuple[str, int | None, int]]:
    """Picture files that the head adds or makes bigger: (path, old size or None, new size)."""
    return sorted((path, base.get(path), size) for path, size in head.items()
                  if path not in base or size > base[path])


def _texts(directory: Directory | None) -> dict[str, str]:
    if directory is None:
        return {}
    texts = {shop.source: shop.description for shop in directory.shops}
    texts.update({product.source: product.body for product in directory.products})
    return texts


def _sanitised(base: Directory | None, head: Directory | None) -> list[tuple[str, list[str]]]:
    """Texts the head adds or changes whose raw HTML the sanitiser takes out."""
    old = _texts(base)
    found = []
    for path, text in sorted(_texts(head).items()):
        if text and old.get(path) != text:
            removed = markup.sanitised_away(text)
            if removed:
                found.append((path, removed))
    return found


# -- the report -------------------------------------------------------------------------------------

LIMIT = 60_000  # bytes of Markdown: a pull request comment holds 65,536 characters
WHICH = (("added", "+"), ("changed", "~"), ("removed", "−"))


def code(value) -> str:
    """Merchant text shown literally: a code span, in which GitHub renders no link, mention, image or HTML."""
    text = " ".join(str(value).split())
    text = text if len(text) <= 200 else text[:199] + "…"
    longest = max((len(run) for run in _backtick_runs(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _backtick_runs(text: str):
    run = 0
    for character in text:
        if character == "`":
            run += 1
        elif run:
            yield "`" * run
            run = 0
    if run:
        yield "`" * run


def scoreboard(review: Review) -> str:
    pages = review.pages
    verdict = f"verdict **{review.verdict}** · " if review.verdict else ""
    return (f"**shopdir review** · {verdict}head `{review.head.commit[:10]}` · pages "
            f"+{pages.count('added')} added, ~{pages.count('changed')} changed, −{pages.count('removed')} removed"
            f" · {review.errors} errors, {review.warnings} warnings")


def markdown(review: Review, preview_url: str | None = None) -> str:
    """The report for a pull request comment and the job summary, always under LIMIT bytes."""
    cap = 20
    while True:
        text = _markdown(review, preview_url, cap)
        if len(text.encode("utf-8")) <= LIMIT or cap == 1:
            break
        cap = max(1, cap // 2)
    if len(text.encode("utf-8")) > LIMIT:  # the last resort: cut at a line, and say so
        cut = text.encode("utf-8")[:LIMIT - 200].decode("utf-8", "ignore").rsplit("\n", 1)[0]
        text = cut + "\n\n… the report is cut here; the whole of it is in the JSON report.\n"
    return text


def _more(items: list, cap: int) -> tuple[list, str]:
    return items[:cap], (f"\n- … and {len(items) - cap} more" if len(items) > cap else "")


def _markdown(review: Review, preview_url: str | None, cap: int) -> str:
    out = [scoreboard(review), ""]
    if review.base_problems:
        out += [f"The base revision does not build ({review.base_problems} problems): every page of the head "
                "counts as added.", ""]
    if review.flags:
        out += ["### Look at these first", ""]
        shown, more = _more(review.flags, cap * 2)
        for flag in shown:
            change = f": {code(flag.old) if flag.old else '—'} → {code(flag.new)}" if flag.new else ""
            out.append(f"- **{flag.kind}** {code(flag.where)}: {flag.message}{change}")
        out += [more.strip("\n")] if more else []
        out.append("")
    if review.problems:
        out += [f"### Problems in the head ({review.errors} errors, {review.warnings} warnings)", ""]
        shown, more = _more(review.problems, cap * 2)
        out += [f"- {code(report.line(problem))}" for problem in shown] + ([more.strip("\n")] if more else [])
        out.append("")
    out += _pages(review.pages, preview_url, cap)
    if review.fields:
        out += ["### What the merchant changed", ""]
        shown, more = _more(review.fields, cap * 3)
        for change in shown:
            out.append(f"- {code(change.entity)} {change.field}: {code(change.old) if change.old else '—'} → "
                       f"{code(change.new) if change.new else '—'}")
        out += [more.strip("\n")] if more else []
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _pages(pages: changes.PageChanges, preview_url: str | None, cap: int) -> list[str]:
    kinds = [kind for kind in changes.KINDS if any(getattr(pages, which).get(kind) for which, _ in WHICH)]
    if not kinds:
        return ["No page of the site changes.", ""]
    out = ["### Pages", "", "| kind | added | changed | removed |", "| --- | ---: | ---: | ---: |"]
    out += [f"| {kind} | " + " | ".join(str(len(getattr(pages, which).get(kind, ()))) for which, _ in WHICH) + " |"
            for kind in kinds]
    files = pages.files
    if any(files.values()):
        out.append(f"| pictures, QR codes and other files | {files['added']} | {files['changed']} | {files['removed']} |")
    out.append("")
    for kind in kinds:
        for which, _ in WHICH:
            paths = getattr(pages, which).get(kind, [])
            if not paths:
                continue
            shown, more = _more(paths, cap)
            out.append(f"<details><summary>{kind}: {len(paths)} {which}</summary>\n")
            for path in shown:
                link = preview_url and which != "removed"
                out.append(f"- [{code('/' + path)}]({_link(preview_url, path)})" if link else f"- {code('/' + path)}")
            out += [more.strip("\n")] if more else []
            out += ["", "</details>", ""]
    return out


def _link(preview_url: str, path: str) -> str:
    return preview_url.rstrip("/") + "/" + quote(path, safe="/-._~")


def as_json(review: Review) -> str:
    """The whole report, uncapped, in the shape docs/schemas/review.schema.json describes."""
    pages = review.pages
    data = {
        "version": VERSION, "tool": "shopdir",
        "verdict": review.verdict,
        "base": review.base.commit, "head": review.head.commit,
        "summary": {"added": pages.count("added"), "changed": pages.count("changed"),
                    "removed": pages.count("removed"), "errors": review.errors, "warnings": review.warnings,
                    "base_problems": review.base_problems, "files": dict(pages.files)},
        "flags": [{"kind": f.kind, "where": f.where, "message": f.message, "old": f.old, "new": f.new}
                  for f in review.flags],
        "pages": {kind: {which: getattr(pages, which).get(kind, []) for which, _ in WHICH}
                  for kind in changes.KINDS if any(getattr(pages, which).get(kind) for which, _ in WHICH)},
        "fields": [{"entity": c.entity, "field": c.field, "old": c.old, "new": c.new} for c in review.fields],
        "problems": [{"path": p.path, "line": p.line, "column": p.column, "text": report.line(p)}
                     for p in review.problems],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
