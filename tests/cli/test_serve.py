"""`shopdir serve` as a real process on loopback: rebuilds on change, keeps the last good site on failure."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def _wait_for(predicate, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


@contextlib.contextmanager
def _serving(root, said: list | None = None):
    """`shopdir serve` on the site, until the block ends: its base URL, once the site is served. It must
    end without a traceback; what it printed is added to `said`."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: _get(base)[0] == 200), "the site is served"
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
    printed = server.stderr.read()
    (said if said is not None else []).append(printed)
    assert "Traceback" not in printed


def test_serve_rebuilds_and_survives_a_broken_file(make_site):
    root = make_site()
    said = []
    with _serving(root, said) as base:
        assert "Beta Kiln" in _get(base + "shops/beta-kiln/")[1]
        dhp = root / "content/shops/alpha-tea/products/dhp.md"
        index = _get(base + "search/index.json")[1]
        dhp.write_text(dhp.read_text("utf-8").replace("Roasted", "Roasted slowly"), "utf-8")
        assert _wait_for(lambda: "Roasted slowly" in _get(base + "shops/alpha-tea/products/dhp/")[1])
        assert _wait_for(lambda: _get(base + "search/index.json")[1] != index), "the index follows the page"

        shop = root / "content/shops/beta-kiln/shop.yaml"
        shop.write_text("name: [unclosed\n", "utf-8")
        problems = _wait_for(lambda: json.loads(_get(base + "__shopdir__/problems.json")[1] or "[]"))
        assert problems and problems[0].startswith("content/shops/beta-kiln/shop.yaml:")
        assert "Beta Kiln" in _get(base + "shops/beta-kiln/")[1], "the last good site is still served"
        page = _get(base)[1]
        assert "__shopdir__/problems.json" in page, "served pages show the problems"

        shop.write_text("name: Beta Mended\ncategories: [ceramics]\ncontact:\n  qr: https://u.wechat.com/beta\n", "utf-8")
        assert _wait_for(lambda: "Beta Mended" in _get(base + "shops/beta-kiln/")[1])
        assert json.loads(_get(base + "__shopdir__/problems.json")[1]) == []
    built = re.findall(r"built (\d+) pages \((\d+) made again", said[0])
    assert len(built) >= 2, said[0]
    pages, made = map(int, built[1])
    assert 0 < made < pages / 2, ("the edit's build takes the pages it finds: serve leaves the built folder as "
                                  "the build made it", built)


def test_serve_sees_a_new_shop_folder_and_a_file_saved_by_renaming(make_site):
    """Editors save by writing a new file and renaming it over the old one; a merchant adds a whole folder."""
    root = make_site()
    with _serving(root) as base:
        manifest = _get(base + "search/index.json")[1]
        assert manifest, "shopdir's own search index is served"
        folder = root / "content/shops/gamma-goods"
        (folder / "products").mkdir(parents=True)
        (folder / "products/bowl.md").write_text("---\nname: Gamma Bowl\nprice: 30\n---\nA bowl.\n", "utf-8")
        (folder / "shop.yaml").write_text("name: Gamma Goods\ncategories: [ceramics]\n"
                                          "contact:\n  qr: https://u.wechat.com/gamma\n", "utf-8")
        assert _wait_for(lambda: "Gamma Bowl" in _get(base + "shops/gamma-goods/products/bowl/")[1]), \
            "a shop added as a new folder is built"
        assert _wait_for(lambda: _get(base + "search/index.json")[1] not in ("", manifest)), \
            "the search index follows the pages"

        product = root / "content/shops/alpha-tea/products/dhp.md"
        saved = product.with_name(".dhp.md.swp")
        saved.write_text(product.read_text("utf-8").replace("Roasted over charcoal.", "Roasted twice."), "utf-8")
        saved.replace(product)
        assert _wait_for(lambda: "Roasted twice." in _get(base + "shops/alpha-tea/products/dhp/")[1]), \
            "a file renamed over the old one is built"
