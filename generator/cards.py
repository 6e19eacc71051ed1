"""Cards: the small view dicts that stand in many pages (a shop or product card, a category or tag
link, a picture, a QR code, a price, a crumb trail). Each is made once in a build and shared by every
view that shows it, so a view is never changed once made (see markup.Markdown.filled). Their
Markdown is a stand-in (markup.Markdown.html_later, summary_later), filled in when a page is rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import reads, routes
from generator.catalogue import Catalogue
from generator.images import Picture
from generator.model import Category, Directory, Product, Shop
from generator.qr import QRCode

if TYPE_CHECKING:
    from generator.plan import Assets

CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$", "TWD": "NT$"}


class Cards:
    """The cards of one directory, made from the model, its catalogue and the assets.

    The assets and the catalogue's lists are read through lookups that note what a view reads (see
    reads.py); each card is kept with what it read, which every view that takes it reads too."""

    def __init__(self, directory: Directory, assets: Assets, catalogue: Catalogue):
        self.d = directory
        self.a = assets
        self.t = assets.strings
        self.m = assets.markdown
        self.shops, self.categories = catalogue.shops, catalogue.categories
        self.products_of = reads.Lookup("products_of", catalogue.products_of)
        self.products_under = reads.under(catalogue)
        self.base = directory.settings.base_path
        # Cards stand in many listings (every ancestor category, tags, the shop, new arrivals): made once.
        self._shop_cards: dict[str, tuple] = {}  # each (card, what it read): see reads.kept
        self._product_cards: dict[tuple[str, str], tuple] = {}
        self._links: dict[str, tuple] = {}
        # Crumb trails, ancestries and tag links recur on page after page (every product of a shop has
        # the same trail): each made once and shared.
        self._crumbs: dict[tuple, tuple] = {}
        self._ancestors: dict[str, tuple] = {}
        self._tags: dict[str, tuple] = {}

    def ancestors(self, category: Category) -> list[tuple[str, str]]:
        return reads.kept(self._ancestors, category.slug, lambda: self._ancestry(category))

    def _ancestry(self, category: Category) -> list[tuple[str, str]]:
        chain = []
        current: Category | None = category
        while current is not None:
            chain.append((current.name, routes.category(current.slug)))
            current = self.categories.get(current.parent) if current.parent else None
        return [(self.t["categories"], routes.categories())] + chain[::-1]

    def url(self, path: str) -> str:
        return routes.url(self.base, path)

    def crumbs(self, *trail: tuple[str, str]) -> list[dict]:
        return reads.kept(self._crumbs, trail, lambda: [
            {"name": name, "url": self.url(path), "absolute": routes.absolute(self.d.settings.base_url, path)}
            for name, path in ((self.t["home"], routes.home()), *trail)])

    def tag_link(self, tag: str) -> dict:
        return reads.kept(self._tags, tag, lambda: {"name": tag, "url": self.url(routes.tag(tag))})

    def picture(self, shop: str, path: str | None, sizes: str, alt: str, lazy: bool = True) -> dict | None:
        picture: Picture | None = self.a.pictures.get((shop, path)) if path else None
        if picture is None:
            return None
        default = picture.fitting(640)
        return {"src": self.url(default.path), "width": default.width, "height": default.height, "alt": alt,
                "srcset": ", ".join(f"{self.url(v.path)} {v.width}w" for v in picture.variants),
                "sizes": sizes, "lazy": lazy}

    def og_image(self, shop: str, path: str | None) -> str | None:
        picture = self.a.pictures.get((shop, path)) if path else None
        return routes.absolute(self.d.settings.base_url, picture.fitting(1200).path) if picture else None

    def qr_view(self, text: str, alt: str) -> dict | None:
        code: QRCode | None = self.a.qr_codes.get(text)
        if code is None:
            return None
        return {"src": self.url(code.path), "size": code.size, "alt": alt, "text": text}

    def shop_qr(self, shop: Shop) -> dict | None:
        text = self.a.shop_qr_text.get(shop.slug)
        return self.qr_view(text, self.t["qr_alt_shop"].format(name=shop.name)) if text else None

    def price(self, product: Product) -> str:
        if product.price is None:
            return self.t["price_on_request"]
        if isinstance(product.price, str):
            return product.price
        amount = f"{product.price:,.0f}" if float(product.price).is_integer() else f"{product.price:,.2f}"
        sign = CURRENCY_SIGNS.get(product.currency)
        return f"{sign}{amount}" if sign else f"{amount} {product.currency}"

    def category_link(self, category: Category) -> dict:
        return reads.kept(self._links, category.slug, lambda: {
            "name": category.name, "url": self.url(routes.category(category.slug)),
            "count": len(self.products_under(category.slug))})

    def category_tree(self, parent: str | None) -> list[dict]:
        return [dict(self.category_link(c), children=self.category_tree(c.slug))
                for c in self.d.categories if c.parent == parent]

    def shop_card(self, shop: Shop) -> dict:
        return reads.kept(self._shop_cards, shop.slug, lambda: {
            "name": shop.name, "url": self.url(routes.shop(shop.slug)), "tagline": shop.tagline,
            "city": shop.city, "logo": self.picture(shop.slug, shop.logo, "64px", "", lazy=True),
            "count": len(self.products_of[shop.slug])})

    def shop_detail(self, shop: Shop) -> dict:
        c = shop.contact
        return dict(self.shop_card(shop), since=shop.since,
                    logo=self.picture(shop.slug, shop.logo, "96px", self.t["logo_alt"].format(name=shop.name), lazy=False),
                    cover=self.picture(shop.slug, shop.cover, "(min-width: 60rem) 60rem, 100vw", "", lazy=False),
                    description=self.m.html_later(shop.description), qr=self.shop_qr(shop),
                    wechat_id=c.wechat_id, website=c.url, phone=c.phone, email=c.email,
                    city_url=self.url(routes.city(shop.city)) if shop.city else None,
                    categories=[self.category_link(self.categories[s]) for s in shop.categories],
                    tags=[self.tag_link(tag) for tag in shop.tags],
                    stores=[self.store_view(shop, s) for s in shop.stores])

    def product_card(self, product: Product) -> dict:
        return reads.kept(self._product_cards, (product.shop, product.slug), lambda: {
            "name": product.name, "url": self.url(routes.product(product.shop, product.slug)),
            "price": self.price(product), "sold_out": not product.available,
            "shop": self.shops[product.shop].name,
            "image": self.picture(product.shop, (product.images or (None,))[0],
                                  "(min-width: 40rem) 15rem, 50vw", "", lazy=True)})

    def product_detail(self, product: Product) -> dict:
        return dict(self.product_card(product), body=self.m.html_later(product.body),
                    date=product.date.isoformat() if product.date else None,
                    images=[self.picture(product.shop, path, "(min-width: 40rem) 40rem, 100vw",
                                         self.t["photo_alt"].format(name=product.name, n=i + 1), lazy=i > 0)
                            for i, path in enumerate(product.images)],
                    category=self.category_link(self.categories[product.category]),
                    tags=[self.tag_link(tag) for tag in product.tags])

    def store_view(self, shop: Shop, store) -> dict:
        return {"name": store.name, "url": self.url(routes.store(shop.slug, store.slug)), "address": store.address,
                "city": store.city, "hours": store.hours,
                "guides": [self.guide_view(shop, g, store.slug) for g in store.guides]}

    def guide_view(self, shop: Shop, guide, store_slug: str) -> dict:
        return {"name": guide.name, "title": guide.title,
                "url": self.url(routes.guide(shop.slug, store_slug, guide.slug)),
                "photo": self.picture(shop.slug, guide.photo, "96px", guide.name, lazy=True)}

    def collection_card(self, collection) -> dict:
        return {"title": collection.title, "url": self.url(routes.collection(collection.slug)),
                "summary": self.m.summary_later(collection.description), "count": len(collection.items)}

    def feed_entry(self, product: Product) -> dict:
        shop = self.shops[product.shop]
        url = routes.absolute(self.d.settings.base_url, routes.product(product.shop, product.slug))
        return {"title": product.name, "shop": shop.name, "updated": product.date.isoformat(), "url": url, "id": url,
                "summary": self.m.summary_later(product.body, 300), "price": self.price(product)}
