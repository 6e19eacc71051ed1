"""Every page is valid HTML (the Nu HTML Checker) and one page of every kind passes axe-core's serious checks.

Both tools come from npm, pinned in tests/browser/package.json: `npm install --prefix tests/browser`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.content import PAGE_KINDS
from tests.browser.pages import open_page, wait_for_search

pytestmark = pytest.mark.browser

TOOLS = Path(__file__).resolve().parent / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
INSTALL = "run `npm install --prefix tests/browser` first (and have Java 11 or newer for vnu.jar)"


@pytest.fixture(scope="session")
def validator_messages(site):
    """The Nu HTML Checker's errors for every HTML page of the built site, in one run."""
    java = shutil.which("java")
    assert java and VNU.is_file(), f"the Nu HTML Checker is missing: {INSTALL}"
    files = [str(f) for f in site.html_files()]
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                          capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(done.stderr or done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar did not answer in JSON (exit {done.returncode}): {(done.stderr or done.stdout)[:2000]}")
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")], len(files)


def test_every_page_is_valid_html(site, validator_messages):
    messages, count = validator_messages
    assert count > 100
    lines = []
    for m in messages:
        where = m.get("url", "").removeprefix("file:").removeprefix(str(site.out) + "/")
        lines.append(f"{where}:{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}: "
                     f"{m['message']}  [{(m.get('extract') or '').strip()!r}]")
    if lines:
        pages = len({line.split(":")[0] for line in lines})
        print(f"\nNu HTML Checker: {len(lines)} errors in {pages} of {count} pages")
        print("\n".join(lines))
    assert lines == []


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_no_serious_accessibility_violations(site, page, kind):
    assert AXE.is_file(), f"axe-core is missing: {INSTALL}"
    path, _ = PAGE_KINDS[kind]
    open_page(page, site.url(path), status=404 if kind == "404" else 200)
    if kind == "search":
        wait_for_search(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    lines = []
    for v in serious:
        lines.append(f"{kind} ({path}): {v['impact']} {v['id']}: {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    if lines:
        print("\n" + "\n".join(lines))
    assert serious == [], "\n".join(lines)
