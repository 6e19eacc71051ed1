"""How long shopdir's own search index takes to make: CPU per entry for a cold index, and the
time to make it again after one shop changed (today a whole new index: no per-shop delta yet).

    python benchmarks/search_index.py --shops 1000 [--products 10]

Writes a synthetic directory (benchmarks/synth.py, no pictures) into a temporary folder, loads
its model the way a build does, then times search.entries + searchindex.build alone.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import synth  # noqa: E402
from generator import markup, search, searchindex  # noqa: E402
from generator.build import _render_markdown  # noqa: E402
from generator.config import settings_from_doc  # noqa: E402
from generator.load import load_site, load_sources  # noqa: E402
from generator.theme import load_theme  # noqa: E402
from generator.validate import build_directory  # noqa: E402


def model(root: Path):
    """The model, with its Markdown rendered and kept, as a build has it when the index is made."""
    site, _ = load_site(root)
    settings, _ = settings_from_doc(site)
    sources, _ = load_sources(root, settings.limits, None)
    _render_markdown(sources, 1)
    directory, _, _ = build_directory(sources, settings, False)
    theme, _ = load_theme(root, settings.theme, settings.language)
    return directory, theme


def index(directory, theme) -> tuple[dict, int, float]:
    start = time.process_time()
    entries = search.entries(directory, theme.strings, {})
    files = searchindex.build(entries, directory.settings.language)
    return files, len(entries), time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--products", type=int, default=10)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="shopdir-search-bench-"))
    try:
        synth.generate(folder / "site", args.shops, args.products, 0)
        with markup.kept_in(None):
            directory, theme = model(folder / "site")
            gc.freeze()  # as the build does once the model is made: the collector never walks it again
            files, entries, cpu = index(directory, theme)
            again, _, cpu_again = index(directory, theme)
        assert again == files, "two builds of the same content differ"
        sizes = sorted(len(data) for name, data in files.items() if "/t" in name)
        print(f"shops {args.shops}, entries {entries}, files {len(files)}, "
              f"buckets {len(sizes)} (median {sizes[len(sizes) // 2]} B, largest {sizes[-1]} B gzip)")
        print(f"index CPU, cold: {cpu:.2f} s = {cpu / entries * 1000:.3f} ms per entry")
        print(f"one shop edited, re-index (whole index, no delta yet): {cpu_again * 1000:.0f} ms CPU")
        raw = sum(len(gzip.decompress(d)) for n, d in files.items() if n.endswith(".gz"))
        print(f"total {sum(map(len, files.values())) / 1e6:.2f} MB gzip ({raw / 1e6:.2f} MB unpacked)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
