"""How long shopdir's own search index takes to make: CPU per entry for a cold index, and the
time to make it again after one shop changed (a delta added to the chain on the kept base).

    python benchmarks/search_index.py --shops 1000 [--products 10] [--edits 5]

Writes a synthetic directory (benchmarks/synth.py, no pictures) into a temporary folder, loads
its model the way a build does (with the parse cache, whose digests of each shop's files key the
index's groups), then times the index step alone (searchstore.files: the entries, the index files,
the cache): once cold (an empty cache), then after each of a few edits, each a product file of
another shop changed on disk and the model loaded again, with the cache of the previous step.
The cold index is made three times (once keeping its files in the cache, twice without) and the
median printed with each: runs of one process on this machine vary by a fifth. Targets: 0.5 ms of
CPU per entry cold; 50 ms (1,000 shops) and 100 ms (10,000 shops) for one shop edited.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import synth  # noqa: E402
from generator import markup, processes, search, searchindex, searchstore, texts  # noqa: E402
from generator.catalogue import Catalogue  # noqa: E402
from generator.config import settings_from_doc  # noqa: E402
from generator.load import Parsed, load_site, load_sources  # noqa: E402
from generator.theme import load_theme  # noqa: E402
from generator.validate import build_directory  # noqa: E402


def model(root: Path, markdown: markup.Markdown, cache: Path):
    """The model, with its Markdown rendered and kept, as a build has it when the index is made, and
    the digests of each shop's files (and the seconds they took)."""
    site, _ = load_site(root)
    settings, _ = settings_from_doc(site)
    with processes.collector_paused():  # as the build loads
        kept = Parsed(cache, settings.limits)
        sources, _ = load_sources(root, settings.limits, kept)
        start = time.process_time()
        inputs = kept.shop_digests(sources)
        digests = time.process_time() - start
        kept.save()
    texts.render_rest(sources, markdown, 1)
    directory, _, _ = build_directory(sources, settings, False, markdown)
    theme, _ = load_theme(root, settings.theme, settings.language)
    return directory, theme, inputs, digests


def index(directory, theme, markdown, cache: Path | None, inputs) -> tuple[dict, float, float]:
    """The index step as the build runs it: files by output path, CPU and wall seconds. The build makes one
    catalogue of the model for the index and the pages' plan (in its model stage): made here before the
    clock starts, its time printed apart."""
    catalogue = Catalogue(directory)
    cpu, wall = time.process_time(), time.perf_counter()
    files = searchstore.files(directory, theme.strings, {}, markdown, directory.settings.language, cache, inputs,
                              drafts=False, catalogue=catalogue)
    return files, time.process_time() - cpu, time.perf_counter() - wall


def edit(root: Path, directory, number: int) -> str:
    """One product file of the number-th shop given another text, on disk."""
    shop = directory.shops[number * 7919 % len(directory.shops)].slug
    product = next(p for p in directory.products if p.shop == shop)
    path = root / product.source
    path.write_text(path.read_text("utf-8") + f"\n\n新到货 {number} restocked\n", "utf-8")
    return shop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--edits", type=int, default=5, help="shops edited one after another")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="shopdir-search-bench-"))
    try:
        synth.generate(folder / "site", args.shops, args.products, 0)
        root, cache = folder / "site", folder / "cache"
        with markup.kept_in(cache) as markdown:  # as a build: the texts' words kept where the index reads them
            directory, theme, inputs, digests = model(root, markdown, cache)
            gc.freeze()  # as the build does once the model is made: the collector never walks it again
            bodies = [p.body for p in directory.products] + [s.description for s in directory.shops]
            start = time.process_time()
            for text in bodies:
                markdown.text_key(text)
            keys = time.process_time() - start
            start = time.process_time()
            Catalogue(directory)
            catalogued = time.process_time() - start
            start = time.process_time()
            entries = search.entries(directory, theme.strings, {}, markdown)
            made = time.process_time() - start
            files, cpu, wall = index(directory, theme, markdown, cache, inputs)
            cold = [cpu]
            for _ in range(2):  # twice more without the cache: the same bytes, and a median of three
                again, more, _ = index(directory, theme, markdown, None, None)
                assert again == files, "two builds differ"
                cold.append(more)
                del again
            cpu = sorted(cold)[1]
            sizes = sorted(len(data) for name, data in files.items() if "/t" in name)
            print(f"shops {args.shops}, entries {len(entries)}, files {len(files)}, "
                  f"buckets {len(sizes)} (median {sizes[len(sizes) // 2]} B, largest {sizes[-1]} B gzip)")
            print(f"index CPU, cold (entries, index files; median of three, the first kept in the cache): {cpu:.2f} s "
                  f"= {cpu / len(entries) * 1000:.3f} ms per entry (each: "
                  f"{', '.join(f'{c / len(entries) * 1000:.3f}' for c in cold)}; first wall {wall:.2f} s); of which entries "
                  f"{made:.2f} s; the catalogue, which the build makes once for the index and the plan, "
                  f"{catalogued * 1000:.0f} ms before; the text keys of all Markdown, which the pages' plan needs anyway, "
                  f"{keys * 1000:.0f} ms before; the digests of every shop's files, at loading, "
                  f"{digests * 1000:.0f} ms")
            raw = sum(len(gzip.decompress(d)) for n, d in files.items() if n.endswith(".gz"))
            print(f"total {sum(map(len, files.values())) / 1e6:.2f} MB gzip ({raw / 1e6:.2f} MB unpacked)")
            times = []
            for number in range(args.edits):
                shop = edit(root, directory, number)
                directory, theme, inputs, digests = model(root, markdown, cache)
                gc.freeze()  # as the build does with each model
                files, cpu, wall = index(directory, theme, markdown, cache, inputs)
                chain = json.loads(files[searchindex.MANIFEST])["deltas"]
                made = {n: len(d) for n, d in files.items() if isinstance(d, bytes) and n != searchindex.MANIFEST}
                buckets = [size for n, size in made.items() if "/t" in n]
                print(f"shop {shop} edited ({number + 1} so far), re-index: {cpu * 1000:.0f} ms CPU, "
                      f"{wall * 1000:.0f} ms wall (digests at loading {digests * 1000:.0f} ms); "
                      f"deltas {[d['entries'] for d in chain]} entries, this build's {sum(made.values())} B "
                      f"in {len(made)} files, {len(buckets)} buckets of at most {max(buckets, default=0)} B")
                times.append(cpu * 1000)
            if times:
                times.sort()
                print(f"re-index over {len(times)} edits: median {times[len(times) // 2]:.0f} ms CPU, "
                      f"largest {times[-1]:.0f} ms (a build merging deltas)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
