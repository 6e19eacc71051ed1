"""Structured data for search engines: schema.org objects as JSON-LD, made from the model and the
page's own links. Pure functions: a page's view carries what they return."""

from __future__ import annotations

from generator import routes
from generator.model import Product, Shop


def breadcrumb_list(crumbs: list[dict]) -> list[dict]:
    """A page's trail as a BreadcrumbList (none for the home page alone)."""
    if len(crumbs) < 2:
        return []
    return [{"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i, "name": c["name"], "item": c["absolute"]}
        for i, c in enumerate(crumbs, start=1)]}]


def product(item: Product, shop: Shop, category: str, base: str, pictures: dict, summary) -> dict:
    """A product with its brand (the shop), category, pictures, summary (a stand-in: Markdown.summary_later,
    with absent_if_empty) and, when it has a price, its offer."""
    data = {"@context": "https://schema.org", "@type": "Product", "name": item.name,
            "url": routes.absolute(base, routes.product(item.shop, item.slug)),
            "brand": {"@type": "Brand", "name": shop.name},
            "category": category}
    images = [routes.absolute(base, pictures[(item.shop, p)].fitting(1200).path)
              for p in item.images or [shop.cover or shop.logo] if (item.shop, p) in pictures]
    if images:
        data["image"] = images
    if summary:
        data["description"] = summary
    if isinstance(item.price, (int, float)):
        data["offers"] = {"@type": "Offer", "price": f"{item.price:.2f}", "priceCurrency": item.currency,
                          "availability": "https://schema.org/" + ("InStock" if item.available else "OutOfStock"),
                          "url": data["url"], "seller": {"@type": "Organization", "name": shop.name,
                                                         "url": routes.absolute(base, routes.shop(shop.slug))}}
    return data


def store(shop: Shop, place, base: str) -> dict:
    """A shop's store, its address and opening hours."""
    data = {"@context": "https://schema.org", "@type": "Store", "name": f"{shop.name} {place.name}",
            "url": routes.absolute(base, routes.store(shop.slug, place.slug)),
            "parentOrganization": {"@type": "Organization", "name": shop.name,
                                   "url": routes.absolute(base, routes.shop(shop.slug))}}
    address = {k: v for k, v in (("streetAddress", place.address), ("addressLocality", place.city or shop.city))
               if v}
    if address:
        data["address"] = {"@type": "PostalAddress", **address}
    if place.hours:
        data["description"] = place.hours
    return data
