"""The model's Markdown texts rendered ahead: in forked workers while the shops are still being loaded,
then whatever is left, before validation reads them. The build's Markdown object (markup.Markdown)
holds the results and their cache; this module only decides what is rendered where and when."""

from __future__ import annotations

import unicodedata

from generator import markup, processes
from generator.load import ShopSource, Sources
from generator.model import Directory


def _markdown_texts(sources: Sources, shops: bool = True):
    """The Markdown texts that make up most of the rendering work: shop descriptions, products and pages
    (with shops=False, the pages only)."""
    for shop in sources.shops if shops else ():
        yield from _shop_texts(shop)
    for page in sources.pages:
        yield unicodedata.normalize("NFC", page.source.body)


def _shop_texts(shop: ShopSource):
    """As the model will hold them: NFC, as validation makes every text."""
    if shop.doc is not None and isinstance(shop.doc.data, dict):
        description = shop.doc.data.get("description")
        if isinstance(description, str):
            yield unicodedata.normalize("NFC", description)
    for product in shop.products or ():  # none: taken from the cache, its texts rendered before
        yield unicodedata.normalize("NFC", product.source.body)


class Ahead:
    """Each shop's Markdown rendered by forked workers while the next shops are being loaded.

    The workers start with the first full batch (BATCH texts); fewer are rendered here when loading
    ends, as render_rest renders. What is not done here (no workers: one job, or another thread
    running) render_rest does after; otherwise every loaded shop's texts are done here (`did_shops`).
    """

    BATCH = 200  # texts sent to a worker at once

    def __init__(self, jobs: int, markdown: markup.Markdown):
        self.markdown, self.jobs = markdown, jobs
        self.pool = None  # started with the first full batch: an edit's few texts need no workers
        self.did_shops = jobs > 1 and processes.may_fork()
        self.batch: list[str] = []
        self.sent: list = []  # (texts, future of their HTML and words), in order, until taken

    def shop(self, shop: ShopSource) -> None:
        if not self.did_shops:
            return
        self.batch += self.markdown.not_rendered(_shop_texts(shop))
        if len(self.batch) >= self.BATCH:
            if self.pool is None:
                if not processes.may_fork():  # a thread runs now: render_rest renders every shop's texts after
                    self.did_shops, self.batch = False, []
                    return
                self.pool = processes.pool(self.jobs)
            self._send()

    def _send(self) -> None:
        # sent as bytes: pickling the strings themselves would leave a UTF-8 copy inside each (see load._Pickler)
        encoded = [text.encode("utf-8", "surrogatepass") for text in self.batch]
        self.sent.append((self.batch, self.pool.submit(_render_fresh_all, encoded)))
        self.batch = []
        while self.sent and self.sent[0][1].done():  # taken as they come: their words go on to the cache
            self._take()

    def _take(self) -> None:
        texts, future = self.sent.pop(0)
        for text, (html, words) in zip(texts, future.result()):
            self.markdown.keep(text, html, words)

    def __enter__(self) -> "Ahead":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self.pool is None:  # fewer texts than a batch: rendered as render_rest renders
            if kind is None and self.batch:
                _render_all(self.batch, self.markdown, self.jobs)
            return
        try:
            if kind is None:
                if self.batch:
                    self._send()
                while self.sent:
                    self._take()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _render_fresh_all(texts: list[bytes]) -> list[tuple[str | None, str | None]]:
    return [markup.render_fresh_with_words(text.decode("utf-8", "surrogatepass")) for text in texts]


def render_rest(sources: Sources, markdown: markup.Markdown, jobs: int, shops: bool = True) -> None:
    """Render every Markdown text the cache does not hold, in parallel, for validation and the pages
    (with shops=False, the shops' texts are done already); then write them all to the cache, where the
    forked processes that make pages read their words."""
    _render_all(markdown.not_rendered(_markdown_texts(sources, shops)), markdown, jobs)
    markdown.flush()


def _render_all(texts: list[str], markdown: markup.Markdown, jobs: int) -> None:
    """Texts rendered in forked workers when there are enough of them (processes.forked_map), kept."""
    for text, (html, words) in zip(texts, processes.forked_map(markup.render_fresh_with_words, texts, jobs)):
        markdown.keep(text, html, words)


def model_texts(directory: Directory):
    """Every Markdown text the model holds."""
    yield from (shop.description for shop in directory.shops)
    yield from (product.body for product in directory.products)
    yield from (page.body for page in directory.pages)
    yield from (category.description for category in directory.categories)
    yield from (collection.description for collection in directory.curation.collections)
