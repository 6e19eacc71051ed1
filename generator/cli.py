"""The shopdir command. The only module that prints and sets the exit status.

Exit status: 0 success, 1 content problems (and an output folder or search indexer that fails),
2 usage errors (and internal errors), 130 stopped by Ctrl-C, 143 stopped by SIGTERM.
"""

from __future__ import annotations

import argparse
import atexit
import errno
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from generator import __version__
from generator.output import OutputError

EXAMPLES = {
    "build": """examples:
  shopdir build                                  build the site in this folder into output/
  shopdir build --root ~/my-directory --out /srv/www
  shopdir build --base-url https://example.org/dir/   publish under a sub-path
  shopdir build --drafts                         include products marked draft: true""",
    "check": """examples:
  shopdir check                 check every file, write nothing (for pull requests in CI)
  shopdir check --root site/    check the site in another folder
  shopdir check --format github annotate a pull request in GitHub Actions
  shopdir check --format json > report.json""",
    "pr-check": """examples:
  shopdir pr-check --base origin/main --head HEAD --author shanye-tea-owner
  shopdir pr-check --base "$BASE_SHA" --head "$HEAD_SHA" --author "$PR_AUTHOR" --format github

exit status: 0 merchant, 3 new-shop, 4 curator, 5 blocked, 2 bad input (see docs/pull-requests.md)""",
    "serve": """examples:
  shopdir serve                 build, serve on http://127.0.0.1:8000/ and rebuild on every change
  shopdir serve --port 9000 --drafts""",
    "review": """examples:
  shopdir review --base origin/main --head HEAD          what merging HEAD changes on the built site
  shopdir review --base main --head pr --format json --out review.json
  shopdir review --base "$BASE" --head "$HEAD" --verdict merchant --preview-url https://preview.example/""",
    "new": """examples:
  shopdir new shop shanye-tea               create content/shops/shanye-tea/shop.yaml
  shopdir new product shanye-tea dhp-2023   create content/shops/shanye-tea/products/dhp-2023.md""",
    "print": """examples:
  shopdir print --out kit.pdf                    cards, tents and posters for every shop
  shopdir print shanye-tea --out shanye.pdf      only one shop's stores and guides""",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 with the usage line, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="shopdir", formatter_class=formatter,
                     description="Build a curated shop directory as a static website.",
                     epilog="examples:\n  shopdir build && python -m http.server -d output\n"
                            "  shopdir check\n  shopdir serve\n  shopdir new shop my-shop\n\n"
                            "Run 'shopdir COMMAND --help' for each command's options.")
    parser.add_argument("--version", action="version", version=f"shopdir {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an internal error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def site_options(sub, drafts=True):
        sub.add_argument("--root", type=Path, default=Path("."), metavar="DIR",
                         help="the site's folder, holding site.yaml (default: the current folder)")
        sub.add_argument("--base-url", metavar="URL", help="override site.yaml's base_url")
        if drafts:
            sub.add_argument("--drafts", action="store_true", help="include products marked draft: true")
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    build = commands.add_parser("build", help="build the site into a folder", epilog=EXAMPLES["build"],
                                formatter_class=formatter, description="Build the site into a folder.")
    site_options(build)
    build.add_argument("--out", type=Path, metavar="DIR", help="the output folder (default: ROOT/output)")
    build.add_argument("--cache-dir", type=Path, metavar="DIR", help="where processed images are kept "
                                                                     "(default: ROOT/.cache; safe to delete)")
    build.add_argument("--jobs", "-j", type=int, metavar="N", help="processes to render with (default: one per CPU)")
    build.add_argument("--quiet", "-q", action="store_true", help="print nothing but problems")
    build.add_argument("--no-search", action="store_true",
                       help="make no search index: a quicker build for a look at a large directory")

    check = commands.add_parser("check", help="check every file; write nothing", epilog=EXAMPLES["check"],
                                formatter_class=formatter,
                                description="Load, validate, plan and render the site as a build would, without writing "
                                            "output: it fails exactly when shopdir build would.")
    site_options(check)
    check.add_argument("--format", choices=("text", "github", "json"), default="text",
                       help="text: a line per problem on stderr (default); github: GitHub Actions annotations and "
                            "the full list, on stdout; json: a versioned report on stdout (see docs/check.md)")

    review = commands.add_parser("review", help="what a pull request changes on the built site",
                                 epilog=EXAMPLES["review"], formatter_class=formatter,
                                 description="Build two git revisions of the site and report, for the curator, "
                                             "which pages a merge adds, changes and removes, what the merchant "
                                             "changed, and what to look at first (see docs/review.md).")
    review.add_argument("--root", type=Path, default=Path("."), metavar="DIR",
                        help="the site's folder inside a git repository (default: the current folder)")
    review.add_argument("--base", required=True, metavar="REV", help="the revision merged into (e.g. main)")
    review.add_argument("--head", required=True, metavar="REV", help="the pull request's revision")
    review.add_argument("--verdict", choices=("merchant", "new-shop", "curator", "blocked"),
                        help="the ownership verdict of shopdir pr-check, shown first")
    review.add_argument("--preview-url", metavar="URL", help="where the head is previewed: pages link there")
    review.add_argument("--format", choices=("markdown", "json"), default="markdown")
    review.add_argument("--out", type=Path, metavar="FILE", help="write the report here (default: stdout)")
    review.add_argument("--json", type=Path, metavar="FILE", dest="json_out",
                        help="also write the JSON report here (one review, both forms)")
    review.add_argument("--cache-dir", type=Path, metavar="DIR", help="a build cache to use and keep")
    review.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    schema = commands.add_parser("schema", help="write JSON Schemas of the site's files, for editors",
                                 formatter_class=formatter,
                                 description="Write JSON Schemas (draft-07) of site.yaml, categories.yaml, "
                                             "curation.yaml, shop.yaml and product front matter, made from this "
                                             "site (its category and shop slugs), so that editors complete and "
                                             "check while a merchant types. See docs/editors.md.",
                                 epilog="examples:\n  shopdir schema            write content/schemas/*.json\n"
                                        "  shopdir schema --out /tmp/schemas")
    schema.add_argument("--root", type=Path, default=Path("."), metavar="DIR", help="the site's folder")
    schema.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: ROOT/content/schemas)")
    schema.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    pr = commands.add_parser("pr-check", help="say who may merge a pull request", epilog=EXAMPLES["pr-check"],
                             formatter_class=formatter,
                             description="Read a pull request's changes from git and decide whether it stays inside a "
                                         "shop its author owns (owners as they stand in the base revision).")
    pr.add_argument("--base", required=True, metavar="REV", help="the branch or commit the pull request targets")
    pr.add_argument("--head", required=True, metavar="REV", help="the pull request's commit")
    pr.add_argument("--author", required=True, metavar="LOGIN", help="the pull request author's GitHub login")
    pr.add_argument("--root", type=Path, default=Path("."), metavar="DIR", help="the git repository (default: .)")
    pr.add_argument("--format", choices=("text", "github", "json", "markdown"), default="text",
                    help="text (default), github (annotations), json (docs/schemas/pr-check.schema.json), markdown")
    pr.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    serve = commands.add_parser("serve", help="build, serve and rebuild on changes", epilog=EXAMPLES["serve"],
                                formatter_class=formatter,
                                description="Build into a temporary folder, serve it with live reload, and "
                                            "rebuild once per burst of changes to content/, themes/ or site.yaml.")
    site_options(serve)
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")

    new = commands.add_parser("new", help="create a shop or a product from a commented template",
                              epilog=EXAMPLES["new"], formatter_class=formatter,
                              description="Create the files a merchant fills in, with a comment for each field.")
    new.add_argument("--root", type=Path, default=Path("."), metavar="DIR", help="the site's folder")
    new.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    kinds = new.add_subparsers(dest="kind", metavar="KIND", parser_class=_Parser, required=True)
    new_shop = kinds.add_parser("shop", help="create content/shops/SLUG/shop.yaml", epilog=EXAMPLES["new"],
                                formatter_class=formatter)
    new_shop.add_argument("slug", metavar="SLUG", help="the shop's slug: lowercase letters, digits, hyphens")
    new_product = kinds.add_parser("product", help="create content/shops/SHOP/products/SLUG.md",
                                   epilog=EXAMPLES["new"], formatter_class=formatter)
    new_product.add_argument("shop", metavar="SHOP", help="the shop's slug")
    new_product.add_argument("slug", metavar="SLUG", help="the product's slug")
    printing = commands.add_parser("print", help="a PDF of QR cards, table tents and posters for stores and guides",
                                   epilog=EXAMPLES["print"], formatter_class=formatter,
                                   description="Make a print-ready PDF: a card and a table tent for every guide "
                                               "(or shop without stores), a poster for every store. See docs/print.md.")
    site_options(printing, drafts=False)
    printing.add_argument("shops", nargs="*", metavar="SHOP", help="shop slugs (default: every shop)")
    printing.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF to write")
    return parser


class Progress:
    """Stage names as the build goes: a bar redrawn in place on a terminal, plain lines elsewhere (CI).

    A plain line is printed when a stage ends, and while it runs at most every PLAIN_EVERY seconds: a CI
    log of a 10,000-shop build reads a dozen lines, not one per 500 pages. The bar is redrawn at most
    every BAR_EVERY seconds.
    """

    PLAIN_EVERY = 5.0
    BAR_EVERY = 0.1

    def __init__(self, stream=None, clock=time.perf_counter):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.clock = clock
        self.started = clock()
        self.shown = self.started  # when the last line or bar was shown

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        elapsed = now - self.started
        if done != total and now - self.shown < (self.BAR_EVERY if self.tty else self.PLAIN_EVERY):
            return
        self.shown = now
        if self.tty:
            width = 24
            filled = width * done // max(total, 1)
            bar = "#" * filled + "." * (width - filled)
            self.stream.write(f"\r\x1b[K  {stage:<9} [{bar}] {done}/{total}  {elapsed:5.1f}s")
            self.stream.flush()
        elif done == total:
            print(f"shopdir: {stage} done at {elapsed:.2f}s", file=self.stream)
        else:
            print(f"shopdir: {stage} {done}/{total}", file=self.stream)

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def print_problems(problems: list, written: bool = False) -> None:
    """Problems as text, `path:line:column: message [rule]`, and a line counting errors and warnings."""
    from generator import report
    print(report.text(problems, written), end="", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    if getattr(args, "base_url", None) is not None:
        from generator.config import base_url_problem
        problem = base_url_problem(args.base_url)
        if problem:
            parser.error(f"--base-url: {problem}")
    previous = _stopped_by_signals(args.command)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("shopdir: interrupted", file=sys.stderr)
        return 130
    except OutputError as error:
        print(f"shopdir: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # a bug in shopdir: one line, and the traceback only on request
        if isinstance(error, OSError) and error.errno in _MACHINE:
            where = f" ({error.filename})" if error.filename else ""
            print(f"shopdir: {error.strerror or error}{where}. This is about the machine, not your files: make room "
                  "(or allow the writing) and run the command again; a site already published is left as it was.",
                  file=sys.stderr)
            return 1
        if args.debug:
            traceback.print_exc()
        else:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            print(f"shopdir: internal error ({type(error).__name__}: {error}) at {where}. This is a bug in "
                  f"shopdir, not in your files: please report it with the output of --debug.", file=sys.stderr)
        return 2
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run() -> None:
    """The `shopdir` command: main(), then the process ends without freeing its objects one by one (a
    build's model and plan: 45 ms at 1,000 shops, more at 10,000). Exit handlers still run and output is
    flushed; with another thread still running, the process ends the ordinary way, which waits for it."""
    code = main()
    if threading.active_count() > 1:
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken pipe: nothing more can be said there
            pass
    os._exit(code)


# a disk or quota full, a file larger than the system allows, a read-only or forbidden folder
_MACHINE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM})


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


_COMMAND_PID = 0  # the process that runs the command (set as its answers to signals are set)


def _stopped(signum, frame):
    """SIGTERM (a cancelled CI job, `kill PID`) or Ctrl-C: stop now, and every process the command started
    with it (see processes), which would otherwise finish their task first, or wait for ever for work.

    Nothing is raised: an exception from a signal handler can land where Python only prints it and
    goes on. What a stopped build leaves (its staging folder, its search work folder) is what a
    killed one leaves, and the next build removes it; the previous output is untouched.
    """
    from generator import processes

    if os.getpid() != _COMMAND_PID:  # a process forked a moment before it could take its own answer: the
        os._exit(130 if signum == signal.SIGINT else 143)  # command speaks for it, once
    processes.stop()
    if signum == signal.SIGINT:
        os.write(2, b"shopdir: interrupted; the previous output is kept\n")
        os._exit(130)
    os.write(2, b"shopdir: stopped (SIGTERM); the previous output is kept\n")
    os._exit(143)


def _stopped_by_signals(command: str | None) -> dict:
    """Answer SIGTERM, and Ctrl-C, with _stopped while the command runs; the handlers replaced (none off
    the main thread). `shopdir serve` answers Ctrl-C itself: it stops serving and removes its folder."""
    global _COMMAND_PID
    if threading.current_thread() is not threading.main_thread():
        return {}
    _COMMAND_PID = os.getpid()
    numbers = (signal.SIGTERM,) if command == "serve" else (signal.SIGTERM, signal.SIGINT)
    return {number: signal.signal(number, _stopped) for number in numbers}


def _run(args) -> int:
    root = args.root
    if args.command in ("build", "check", "serve", "schema", "print") and not (root / "site.yaml").is_file():
        print(f"shopdir: no site.yaml in {root.resolve()}: run shopdir in a site's folder, or pass --root DIR",
              file=sys.stderr)
        return 2
    if args.command == "build":
        return _build(args)
    if args.command == "pr-check":
        from generator import gitrepo, prcheck
        try:
            verdict = prcheck.check(root, args.base, args.head, args.author)
        except gitrepo.GitError as error:
            print(f"shopdir pr-check: {error}", file=sys.stderr)
            return 2
        print(prcheck.FORMATS[args.format](verdict), end="")
        return verdict.exit_status
    if args.command == "print":  # the print kit's own pipeline (printkit.kit): no build is needed
        return _print(args)
    from generator import build, scaffold
    if args.command == "check":
        from generator import report
        result = build.build(root, None, base_url=args.base_url, drafts=args.drafts)
        # text is for people, on stderr as ever; json and github are for machines, on stdout
        print(report.FORMATS[args.format](result.problems), end="",
              file=sys.stderr if args.format == "text" else sys.stdout)
        return 0 if result.ok else 1
    if args.command == "review":
        return _review(args)
    if args.command == "schema":
        from generator import editorschema, validate
        try:
            changed = editorschema.write(root, validate.load_directory(root), args.out)
        except OSError as error:
            print(f"shopdir: cannot write the schemas: {error}", file=sys.stderr)
            return 2
        for path in changed:
            print(f"wrote {path}")
        print(f"shopdir: {len(changed)} schema{'s' if len(changed) != 1 else ''} changed", file=sys.stderr)
        return 0
    if args.command == "serve":
        from generator import serve
        return serve.serve(root, port=args.port, host=args.host, base_url=args.base_url, drafts=args.drafts)
    if args.command == "new":
        try:
            created = scaffold.new_shop(root, args.slug) if args.kind == "shop" else \
                scaffold.new_product(root, args.shop, args.slug)
        except scaffold.ScaffoldError as error:
            print(f"shopdir: {error}", file=sys.stderr)
            return 2
        for path in created:
            print(f"created {path}")
        return 0
    return 2


def _review(args) -> int:
    """shopdir review: 0 when the revisions were compared, 1 when the head has errors, 2 for git trouble."""
    from generator import gitrepo, review

    try:
        done = review.review(args.root, args.base, args.head, cache_dir=args.cache_dir, verdict=args.verdict)
    except gitrepo.GitError as error:
        print(f"shopdir: {error}", file=sys.stderr)
        return 2
    text = review.as_json(done) if args.format == "json" else review.markdown(done, args.preview_url)
    for path, content in ((args.out, text), (args.json_out, review.as_json(done))):
        try:
            path and path.write_text(content, encoding="utf-8")
        except OSError as error:
            print(f"shopdir: cannot write {path}: {error.strerror}", file=sys.stderr)
            return 2
    if not args.out:
        sys.stdout.write(text)
    return 1 if done.errors else 0


def _print(args) -> int:
    """shopdir print: the kit is made in memory, then written beside its place and moved there."""
    from generator import printkit
    try:
        data, problems = printkit.kit(args.root, args.shops, base_url=args.base_url)
    except printkit.FontMissing as error:
        print(f"shopdir: {error}", file=sys.stderr)
        return 1
    if problems:
        print_problems(problems)
        return 1
    try:
        printkit.write(args.out, data)
    except OSError as error:
        print(f"shopdir: cannot write {args.out}: {error.strerror or error}; nothing was written", file=sys.stderr)
        return 1
    print(f"shopdir: wrote {args.out} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def _build(args) -> int:
    """shopdir build. Until the inputs are known to have changed, only the standard library is loaded."""
    from generator import fingerprint

    started = time.perf_counter()
    root = args.root
    out = args.out or root / "output"
    cache = args.cache_dir or root / ".cache"
    if args.jobs is not None and args.jobs < 1:
        print("shopdir: --jobs must be 1 or more", file=sys.stderr)
        return 2
    inputs = fingerprint.Scan(root, out, fingerprint.options(base_url=args.base_url, drafts=args.drafts,
                                                             search_index=not args.no_search))
    summary = fingerprint.up_to_date(cache, out, inputs)
    if summary is not None:
        if not args.quiet:
            print(f"shopdir: {out} is up to date: no file or option changed since the last build "
                  f"({summary.get('pages', 0)} pages, {summary.get('files', 0)} files; "
                  f"{time.perf_counter() - started:.2f}s)", file=sys.stderr)
        return 0

    from generator import build
    progress = Progress() if not args.quiet else None
    try:
        result = build.build(root, out, base_url=args.base_url, drafts=args.drafts, cache_dir=cache,
                             jobs=args.jobs, inputs=inputs, search_index=not args.no_search, told=_say,
                             **({"progress": progress} if progress else {}))
    finally:
        if progress:
            progress.close()
    if not result.ok:
        print_problems(result.problems)
        return 1
    if result.problems:  # warnings: the site was written all the same
        print_problems(result.problems, written=True)
    if not args.quiet:
        stats = result.stats
        stages = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in result.times.items())
        print(f"shopdir: built {result.pages} pages ({result.files} files) into {out} in "
              f"{time.perf_counter() - started:.2f}s: {stats.get('written', 0)} written, "
              f"{stats.get('unchanged', 0)} unchanged, {stats.get('removed', 0)} removed\n"
              f"  stages: {stages}", file=sys.stderr)
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
