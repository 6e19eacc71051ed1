"""The shopdir command as a person runs it: exit status, what it prints, what it leaves on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from generator import __version__


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_version_and_help(run_cli):
    status, out, _ = run_cli("--version")
    assert status == 0 and __version__ in out
    status, out, _ = run_cli("--help")
    assert status == 0 and "examples:" in out
    for command in ("build", "check", "serve", "new"):
        status, out, _ = run_cli(command, "--help")
        assert status == 0 and "examples:" in out and f"shopdir {command}" in out, command


def test_usage_errors_exit_2(run_cli, make_site, tmp_path):
    assert run_cli("build", "--no-such-option")[0] == 2
    assert run_cli()[0] == 2
    status, _, err = run_cli("build", "--root", str(tmp_path / "nowhere"))
    assert status == 2 and "site.yaml" in err
    status, _, err = run_cli("build", "--root", str(make_site()), "--base-url", "not-a-url")
    assert status == 2 and "--base-url" in err


def test_build_writes_the_site_and_a_summary(run_cli, make_site):
    root = make_site()
    status, _, err = run_cli("build", "--root", str(root))
    assert status == 0, err
    assert (root / "output" / "index.html").is_file()
    assert (root / "output" / "shops" / "alpha-tea" / "products" / "dhp" / "index.html").is_file()
    assert "pages" in err and "written" in err


def test_check_reports_every_problem_and_writes_nothing(run_cli, make_site):
    root = make_site({
        "content/shops/alpha-tea/shop.yaml": "name: Alpha\ncategoris: [oolong]\ncontact:\n  qr: https://u.wechat.com/a\n",
        "content/shops/beta-kiln/products/cup.md": "---\nname: Cup\nprice: -1\n---\n",
    })
    status, out, err = run_cli("check", "--root", str(root))
    assert status == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("content/")]
    assert ('content/shops/alpha-tea/shop.yaml:2:1: unknown key "categoris" (did you mean "categories"?) '
            "[unknown-key]") in lines
    assert "content/shops/beta-kiln/products/cup.md:3:1: price must be a number from 0 to 10,000,000,000 " \
           "[invalid-value]" in lines
    assert not (root / "output").exists()


def test_failed_build_leaves_the_previous_output_untouched(run_cli, make_site):
    root = make_site()
    assert run_cli("build", "--root", str(root))[0] == 0
    before = snapshot(root / "output")
    (root / "content/shops/alpha-tea/products/dhp.md").write_text("---\nname: [broken\n---\n", "utf-8")
    status, _, err = run_cli("build", "--root", str(root))
    assert status == 1 and "dhp.md:3:1: YAML syntax error" in err and "starts on line 2" in err
    assert snapshot(root / "output") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".output")  and p.is_dir()], "no staging left behind"


def test_unchanged_files_keep_their_time_and_removed_pages_go(run_cli, make_site):
    root = make_site()
    assert run_cli("build", "--root", str(root))[0] == 0
    out = root / "output"
    past = 1_000_000_000
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))
    (root / "content/shops/beta-kiln/products/cup.md").unlink()
    (root / "content/curation.yaml").write_text("featured: [alpha-tea]\n", "utf-8")
    status, _, err = run_cli("build", "--root", str(root))
    assert status == 0, err
    assert not (out / "shops/beta-kiln/products/cup").exists()
    assert (out / "shops/alpha-tea/products/dhp/index.html").stat().st_mtime == past
    assert (out / "shops/beta-kiln/index.html").stat().st_mtime != past  # its product grid changed
    assert "removed" in err


def test_two_builds_are_byte_identical(make_site, tmp_path):
    from generator.build import build

    root = make_site()
    first, second = tmp_path / "one", tmp_path / "two"
    assert build(root, first, cache_dir=tmp_path / "cache1").ok
    assert build(root, second, cache_dir=tmp_path / "cache2").ok
    strip = lambda snap: {k: v[0] for k, v in snap.items()}  # noqa: E731
    assert strip(snapshot(first)) == strip(snapshot(second))


def test_new_shop_and_product_scaffolds_pass_check_once_the_qr_code_is_real(run_cli, make_site, monkeypatch):
    root = make_site()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(20_426 * 86400))  # 2025-12-04
    status, out, _ = run_cli("new", "--root", str(root), "shop", "gamma-goods")
    assert status == 0 and "shop.yaml" in out
    shop = root / "content/shops/gamma-goods/shop.yaml"
    text = shop.read_text("utf-8")
    assert "# required" in text and "categories: [tea]" in text
    assert text.startswith("# yaml-language-server: $schema=../../schemas/shop.schema.json\n")
    status, out, _ = run_cli("new", "--root", str(root), "product", "gamma-goods", "first-thing")
    assert status == 0
    product = (root / "content/shops/gamma-goods/products/first-thing.md").read_text("utf-8")
    assert "\ndate: 2025-12-04 " in product and product.startswith("---\n# yaml-language-server: $schema=")
    status, _, err = run_cli("check", "--root", str(root))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("  qr: "))
    assert status == 1 and f"content/shops/gamma-goods/shop.yaml:{line}:3: " in err
    assert "scan your own QR code" in err and "[qr-placeholder]" in err
    shop.write_text(text.replace("https://u.wechat.com/YOUR-CODE", "https://u.wechat.com/gamma-8Hk2"), "utf-8")
    status, _, err = run_cli("check", "--root", str(root))
    assert status == 0, err
    assert run_cli("new", "--root", str(root), "shop", "Bad_Slug")[0] == 2
    assert run_cli("new", "--root", str(root), "shop", "gamma-goods")[0] == 2  # exists: nothing overwritten
    assert run_cli("new", "--root", str(root), "product", "nobody", "thing")[0] == 2


def test_template_error_is_reported_at_the_template_line(run_cli, make_site):
    root = make_site({
        "site.yaml": (Path(__file__).parents[1] / "cases/base/site.yaml").read_text("utf-8").replace(
            "theme: default", "theme: child"),
        "themes/child/theme.yaml": "extends: default\n",
        "themes/child/templates/page.html": '{% extends "default/page.html" %}\n{% block main %}\n{{ page.nope.deeper }}\n{% endblock %}\n',
    })
    status, _, err = run_cli("build", "--root", str(root))
    assert status == 1
    assert "themes/child/templates/page.html:3:1: template error:" in err


def test_child_theme_overrides_one_template_and_extends_the_default(run_cli, make_site):
    root = make_site({
        "site.yaml": (Path(__file__).parents[1] / "cases/base/site.yaml").read_text("utf-8").replace(
            "theme: default", "theme: child"),
        "themes/child/theme.yaml": "extends: default\n",
        "themes/child/templates/page.html": '{% extends "default/page.html" %}\n{% block main %}<p class="child">{{ page.title }}</p>{{ super() }}{% endblock %}\n',
    })
    assert run_cli("build", "--root", str(root))[0] == 0
    html = (root / "output/about/index.html").read_text("utf-8")
    assert '<p class="child">About</p>' in html and "<strong>good</strong>" in html


def test_module_entry_point_runs_as_a_real_process(make_site):
    root = make_site({"content/shops/alpha-tea/shop.yaml": "name: [unclosed\n"})
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--root", str(root)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].startswith("content/shops/alpha-tea/shop.yaml:")


def test_a_real_process_ends_with_its_report_whole_on_a_pipe_and_its_own_exit_status(make_site, tmp_path):
    """The command ends its process without freeing its objects one by one (cli.run): what it printed to a
    pipe, which Python holds back until flushed, still arrives whole, and the status is the command's."""
    import json

    import os

    held_back = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    root = make_site({"content/shops/alpha-tea/shop.yaml": "name: [unclosed\n"})
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--root", str(root), "--format", "json"],
                          capture_output=True, text=True, timeout=60, env=held_back)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report and "alpha-tea/shop.yaml" in json.dumps(report)
    good = make_site(name="good")
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(good), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=120, env=held_back)
    assert done.returncode == 0, done.stderr
    assert "shopdir: built" in done.stderr and (tmp_path / "out/index.html").is_file()


def test_parallel_and_serial_builds_are_byte_identical(make_site, tmp_path, monkeypatch):
    from generator import build as builder, texts

    monkeypatch.setattr(builder.render, "CHUNK", 3)  # small chunks, so this small site is split over processes
    monkeypatch.setattr(builder.processes, "PARALLEL_FROM", 2)  # and its Markdown and QR codes too
    monkeypatch.setattr(texts.Ahead, "BATCH", 2)  # Markdown sent to workers while shops load
    left = []  # shop texts not yet rendered when loading is done
    render_rest = texts.render_rest

    def spy(sources, markdown, jobs, shops=True):
        left.append(len(markdown.not_rendered(t for shop in sources.shops for t in texts._shop_texts(shop))))
        render_rest(sources, markdown, jobs, shops)

    monkeypatch.setattr(texts, "render_rest", spy)
    root = make_site()
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert builder.build(root, serial, cache_dir=tmp_path / "serial-cache", jobs=1).ok
    assert builder.build(root, parallel, cache_dir=tmp_path / "parallel-cache", jobs=2).ok
    assert left[0] > 0 and left[1] == 0, left  # with workers, every shop's Markdown was rendered during loading
    strip = lambda snap: {k: v[0] for k, v in snap.items()}  # noqa: E731
    assert strip(snapshot(serial)) == strip(snapshot(parallel))
    assert len(snapshot(parallel)) > 20


def test_markdown_too_slow_to_render_in_a_worker_process_is_reported_as_in_one(make_site, tmp_path, monkeypatch):
    from generator import build as builder

    monkeypatch.setattr(builder.processes, "PARALLEL_FROM", 2)
    slow = "---\nname: Slow\nprice: 1\n---\n" + "[" * 20000 + "\n"
    root = make_site({"content/shops/alpha-tea/products/slow.md": slow})
    serial = builder.build(root, None, jobs=1).problems
    parallel = builder.build(root, tmp_path / "out", cache_dir=tmp_path / "cache", jobs=2).problems
    assert [str(p) for p in parallel] == [str(p) for p in serial]
    assert any("slow.md" in p.path and "to render" in p.message for p in parallel)


def test_a_directory_without_shops_builds_and_its_search_page_says_so(make_site, tmp_path):
    from generator.build import build

    root = make_site()
    shutil.rmtree(root / "content/shops")
    (root / "content/curation.yaml").unlink()
    result = build(root, tmp_path / "out", cache_dir=tmp_path / "cache")
    assert result.problems == []
    search_page = (tmp_path / "out/search/index.html").read_text("utf-8")
    assert "no shops yet" in search_page and "pagefind" not in search_page
    assert not (tmp_path / "out/pagefind").exists()


def test_no_search_builds_the_site_without_an_index_and_says_so_on_the_search_page(make_site, run_cli, tmp_path):
    root, out = make_site(engine="pagefind"), tmp_path / "out"
    status, _, err = run_cli("build", "--root", str(root), "--out", str(out), "--no-search")
    assert status == 0, err
    assert not (out / "pagefind").exists()
    page = (out / "search/index.html").read_text("utf-8")
    assert "has no search" in page and "pagefind" not in page
    assert (out / "shops/alpha-tea/index.html").is_file()
    status, _, err = run_cli("build", "--root", str(root), "--out", str(out))
    assert status == 0 and (out / "pagefind/pagefind-entry.json").is_file()


def test_a_failing_search_indexer_is_reported_in_one_line_and_the_previous_site_stays(make_site, run_cli, tmp_path,
                                                                                         monkeypatch):
    """The index is made in a process of its own: what goes wrong there still reaches the person."""
    from generator import pagefind

    root, out = make_site(engine="pagefind"), tmp_path / "out"
    status, _, err = run_cli("build", "--root", str(root), "--out", str(out))
    assert status == 0, err
    before = snapshot(out)
    broken = tmp_path / "broken-indexer"
    broken.write_text("#!/bin/sh\necho 'index store is full' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(pagefind, "_indexer", lambda: str(broken))
    (root / "content/shops/alpha-tea/products/dhp.md").write_text(
        (root / "content/shops/alpha-tea/products/dhp.md").read_text("utf-8").replace("Roasted", "Toasted"), "utf-8")
    status, _, err = run_cli("build", "--root", str(root), "--out", str(out), "--quiet")
    assert status == 1, "not a bug in shopdir: something on this machine to fix"
    lines = err.strip().splitlines()
    assert lines == ["shopdir: the search indexer failed, so nothing was published: index store is full"], err
    assert snapshot(out) == before


def test_plain_progress_lines_are_few_and_every_stage_end_is_told():
    import io

    from generator.cli import Progress

    now = [0.0]
    stream = io.StringIO()
    progress = Progress(stream, clock=lambda: now[0])
    for done in range(500, 131_781, 500):  # the render stage of a 10,000-shop build, 40 s long
        now[0] += 40 / 263
        progress("render", done, 131_780)
    progress("render", 1, 1)
    progress("write", 1, 1)
    lines = stream.getvalue().splitlines()
    assert 6 <= len(lines) <= 11, lines  # one every five seconds and the stage ends, not 263
    assert lines[-2:] == ["shopdir: render done at 40.00s", "shopdir: write done at 40.00s"]
    assert all(line.startswith("shopdir: render ") for line in lines[:-1])


def test_a_full_disk_is_told_as_the_machine_s_problem_and_the_published_site_stays(make_site, tmp_path):
    """A write the system refuses (here: a file larger than the process may write, as a full disk would
    refuse it) is one plain line saying so, not an internal error, and the site published before stays."""
    import resource

    from tests.cli.test_cache import tree

    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    command = [sys.executable, "-m", "generator", "build", "--root", str(root), "--out", str(out),
               "--cache-dir", str(cache)]
    assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
    published = tree(out)
    product = root / "content/shops/alpha-tea/products/dhp.md"
    product.write_text(product.read_text("utf-8") + "\nA longer story now.\n", "utf-8")

    def small_files():  # no file written may pass 1 KB: the pages are larger
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    done = subprocess.run(command, capture_output=True, text=True, timeout=120, preexec_fn=small_files)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "File too large" in done.stderr and "This is about the machine, not your files" in done.stderr
    assert tree(out) == published
