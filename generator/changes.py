"""What differs between two builds of a site: pages by kind, merchants' fields, and the risks a curator
should look at first. Pure functions over two output listings and two models."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from generator import routes
from generator.model import Directory, Shop

KINDS = ("shop", "product", "store", "guide", "category", "home", "collection", "tag", "city", "new", "feed",
         "page", "other")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class Flag:
    kind: str  # qr-changed, new-host, contact-changed, new-owners, picture, sanitised, delisted, removed
    where: str  # the shop (slug, or shop/product) the flag is about
    message: str  # in plain words, without merchant text
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class FieldChange:
    entity: str  # e.g. "shop shanye-tea", "product shanye-tea/dhp-2023", "guide shanye-tea/gulou/lin"
    field: str
    old: str | None
    new: str | None


@dataclass
class PageChanges:
    added: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    changed: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    removed: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    files: dict[str, int] = field(default_factory=lambda: {"added": 0, "changed": 0, "removed": 0})

    def count(self, which: str) -> int:
        return sum(len(paths) for paths in getattr(self, which).values())


def page_changes(base: dict[str, str], head: dict[str, str]) -> PageChanges:
    """base and head map each output file to a digest of its bytes."""
    changes = PageChanges()
    for path in sorted(base.keys() | head.keys()):
        was, now = base.get(path), head.get(path)
        if was == now:
            continue
        which = "added" if was is None else "removed" if now is None else "changed"
        kind = routes.kind_of(path)
        if kind is None:
            changes.files[which] += 1
        else:
            getattr(changes, which)[kind].append(routes.path_of(path))
    return changes


def _host(text: str | None) -> str | None:
    if not text or "://" not in text:
        return None
    return urlsplit(text).hostname


def _shown(value) -> str | None:
    if value is None or value == () or value == "":
        return None
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


SHOP_FIELDS = ("name", "tagline", "categories", "city", "tags")
CONTACT_FIELDS = ("qr", "qr_image", "wechat_id", "url", "phone", "email")
PRODUCT_FIELDS = ("name", "price", "currency", "available", "category", "tags", "images")


def _fields(entity: str, old, new, names, prefix: str = "") -> list[FieldChange]:
    changes = []
    for name in names:
        was = _shown(getattr(old, name, None)) if old is not None else None
        now = _shown(getattr(new, name, None)) if new is not None else None
        if was != now:
            changes.append(FieldChange(entity, prefix + name, was, now))
    return changes


def field_changes(base: Directory | None, head: Directory | None) -> list[FieldChange]:
    """The merchants' own fields that differ, entity by entity, old → new (None: absent)."""
    changes: list[FieldChange] = []
    old_shops = {shop.slug: shop for shop in base.shops} if base else {}
    new_shops = {shop.slug: shop for shop in head.shops} if head else {}
    for slug in sorted(old_shops.keys() | new_shops.keys()):
        old, new = old_shops.get(slug), new_shops.get(slug)
        entity = f"shop {slug}"
        changes += _fields(entity, old, new, SHOP_FIELDS)
        changes += _fields(entity, old and old.contact, new and new.contact, CONTACT_FIELDS, "contact.")
        changes += _fields(entity, old, new, ("owners",))
        old_stores = {store.slug: store for store in (old.stores if old else ())}
        new_stores = {store.slug: store for store in (new.stores if new else ())}
        for store_slug in sorted(old_stores.keys() | new_stores.keys()):
            was, now = old_stores.get(store_slug), new_stores.get(store_slug)
            changes += _fields(f"store {slug}/{store_slug}", was, now, ("name", "address", "city", "hours"))
            old_guides = {guide.slug: guide for guide in (was.guides if was else ())}
            new_guides = {guide.slug: guide for guide in (now.guides if now else ())}
            for guide_slug in sorted(old_guides.keys() | new_guides.keys()):
                changes += _fields(f"guide {slug}/{store_slug}/{guide_slug}", old_guides.get(guide_slug),
                                   new_guides.get(guide_slug), ("name", "title", "qr"))
    old_products = {(p.shop, p.slug): p for p in base.products} if base else {}
    new_products = {(p.shop, p.slug): p for p in head.products} if head else {}
    for key in sorted(old_products.keys() | new_products.keys()):
        changes += _fields(f"product {key[0]}/{key[1]}", old_products.get(key), new_products.get(key),
                           PRODUCT_FIELDS)
    return changes


def _codes(shop: Shop) -> dict[str, str]:
    """Every QR text of a shop, by where it is shown."""
    codes = {"shop": shop.contact.qr or shop.contact.url} if (shop.contact.qr or shop.contact.url) else {}
    for store in shop.stores:
        for guide in store.guides:
            codes[f"guide {store.slug}/{guide.slug}"] = guide.qr
    return codes


def risk_flags(base: Directory | None, head: Directory | None, delisted: tuple[tuple[str, ...], tuple[str, ...]],
               pictures: list[tuple[str, int | None, int]], sanitised: list[tuple[str, list[str]]]) -> list[Flag]:
    """What a curator should look at first. `delisted` is (base's, head's) delisted slugs; `pictures` the
    picture files added or grown (path, old bytes or None, new bytes); `sanitised` the texts whose raw HTML
    the sanitiser removes (where, what)."""
    flags: list[Flag] = []
    old_shops = {shop.slug: shop for shop in base.shops} if base else {}
    new_shops = {shop.slug: shop for shop in head.shops} if head else {}
    for slug, shop in sorted(new_shops.items()):
        old = old_shops.get(slug)
        old_codes = _codes(old) if old else {}
        for where, text in sorted(_codes(shop).items()):
            was = old_codes.get(where)
            if was is not None and was != text:
                flags.append(Flag("qr-changed", slug, f"QR code of the {where} changed (host {_host(text) or '—'})",
                                  was, text))
        old_hosts = {_host(text) for text in old_codes.values()} | {_host(old.contact.url) if old else None}
        for text in sorted({*_codes(shop).values(), shop.contact.url or ""} - {""}):
            host = _host(text)
            if host and host not in old_hosts:
                flags.append(Flag("new-host", slug, f"a contact address on a host this shop did not use: {host}",
                                  None, text))
                old_hosts.add(host)
        if old:
            for name in ("phone", "wechat_id"):
                was, now = getattr(old.contact, name), getattr(shop.contact, name)
                if was != now:
                    flags.append(Flag("contact-changed", slug, f"{name} changed", was, now))
        added = sorted(set(getattr(shop, "owners", ())) - set(getattr(old, "owners", ()) if old else ()))
        if added:
            flags.append(Flag("new-owners", slug, f"{len(added)} new owner(s)", None, ", ".join(added)))
    for slug in sorted(set(delisted[1]) - set(delisted[0])):
        flags.append(Flag("delisted", slug, "shop delisted"))
    for slug in sorted(old_shops.keys() - new_shops.keys() - set(delisted[1])):
        flags.append(Flag("removed", slug, "shop removed from the site"))
    for path, was, now in pictures:
        grown = f"grown from {was:,} to {now:,} bytes" if was is not None else f"added, {now:,} bytes"
        flags.append(Flag("picture", path, f"picture {grown}"))
    for where, removed in sanitised:
        flags.append(Flag("sanitised", where, "raw HTML the sanitiser removes", None, " ".join(removed)))
    return flags
