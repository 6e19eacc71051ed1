"""A shopdir directory as an equivalent Hugo site, for a like-for-like cold-build comparison.

    python benchmarks/hugo_site.py SITE OUT          # SITE holds site.yaml; OUT is a new folder
    hugo --source OUT --destination OUT/public

The same kinds of pages as shopdir, at the same addresses:

    /                                     home: featured shops, collections, top categories, 8 new arrivals
    /categories/ and /categories/<slug>/  taxonomy "categories"; a product or shop carries its category and
                                          every ancestor, so a category page lists its subcategories' products
                                          too; products paginated by per_page (24); shops on page 1
    /shops/ and /shops/<shop>/            section per shop (_index.md, the description as body), A-Z paginated
    /shops/<shop>/products/<p>/           one page per product, the body as Markdown
    /shops/<shop>/stores/<s>/[guides/<g>/]  stores and guides
    /tags/<t>/, /cities/<c>/              taxonomies "tags" (shops and products) and "cities" (shops)
    /collections/[<slug>/], /new/, /about/, /search/, 404, sitemap.xml, index.xml (the feed, 50 entries),
    robots.txt

Every shop, store and guide page draws its QR code with Hugo's images.QR, as shopdir draws its own.
Left out: pictures (the comparison is without images), the Pagefind search index that shopdir builds
(a Hugo site would run Pagefind as a separate step), and the JSON-LD breadcrumb lists.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import time
from pathlib import Path

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$", "TWD": "NT$"}


def load_yaml(path: Path):
    return yaml.load(path.read_text("utf-8"), Loader=Loader)


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text("utf-8").lstrip("\ufeff")
    _, meta, body = re.split(r"^---[ \t]*$\n?", text, maxsplit=2, flags=re.M)
    return yaml.load(meta, Loader=Loader) or {}, body


def scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def dump(data: dict, body: str = "") -> str:
    """Front matter as JSON-compatible YAML (every string quoted), then the Markdown body."""
    lines = ["---"]
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (list, dict)):
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False, default=str)}")
        else:
            lines.append(f"{key}: {scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + (body or "")


def price_text(price, currency: str) -> str:
    """As shopdir shows it: "¥268", "询价" and the like."""
    if price is None:
        return "询价"
    if isinstance(price, str):
        return price
    amount = f"{price:,.0f}" if float(price).is_integer() else f"{price:,.2f}"
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{amount}" if sign else f"{amount} {currency}"


class Writer:
    def __init__(self, out: Path):
        self.out, self.count, self.made = out, 0, set()

    def __call__(self, rel: str, text: str) -> None:
        path = self.out / rel
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        path.write_text(text, "utf-8")
        self.count += 1


def convert(site_dir: Path, out: Path) -> dict:
    site_dir, out = Path(site_dir), Path(out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"hugo_site: {out} exists and is not empty; give a new folder")
    site = load_yaml(site_dir / "site.yaml")
    content = site_dir / "content"
    categories = load_yaml(content / "categories.yaml") or []
    curation = load_yaml(content / "curation.yaml") if (content / "curation.yaml").exists() else {}
    curation = curation or {}
    delisted = set(curation.get("delisted") or [])
    currency = site.get("currency", "CNY")
    write = Writer(out)

    parent: dict[str, str | None] = {}
    names: dict[str, str] = {}

    def walk(items, up):
        for item in items or []:
            parent[item["slug"]], names[item["slug"]] = up, item["name"]
            write(f"content/categories/{item['slug']}/_index.md",
                  dump({"title": item["name"]}, item.get("description") or ""))
            walk(item.get("children"), item["slug"])

    walk(categories, None)

    def lineage(slug: str) -> list[str]:
        chain = []
        while slug:
            chain.append(slug)
            slug = parent.get(slug)
        return chain

    def with_ancestors(slugs) -> list[str]:
        out_slugs: list[str] = []
        for slug in slugs:
            for s in lineage(slug):
                if s not in out_slugs:
                    out_slugs.append(s)
        return out_slugs

    shops = products = stores = guides = 0
    for folder in sorted((content / "shops").iterdir()):
        if not (folder / "shop.yaml").is_file() or folder.name in delisted:
            continue
        shop = load_yaml(folder / "shop.yaml")
        contact = shop.get("contact") or {}
        city = shop.get("city")
        shop_stores = []
        for store in shop.get("stores") or []:
            shop_stores.append({"slug": store["slug"], "name": store["name"]})
            base = f"content/shops/{folder.name}/stores/{store['slug']}"
            write(f"{base}.md", dump({"title": f"{store['name']} · {shop['name']}", "kind": "store",
                                      "address": store.get("address"), "city": store.get("city"),
                                      "hours": store.get("hours"), "qr": contact.get("qr") or contact.get("url"),
                                      "guides": [{"slug": g["slug"], "name": g["name"], "title": g.get("title")}
                                                 for g in store.get("guides") or []]}))
            stores += 1
            for guide in store.get("guides") or []:
                write(f"{base}/guides/{guide['slug']}.md",
                      dump({"title": f"{guide['name']} · {store['name']}", "kind": "guide",
                            "guide_title": guide.get("title"), "qr": guide["qr"], "store": store["name"]}))
                guides += 1
        write(f"content/shops/{folder.name}/_index.md", dump({
            "title": shop["name"], "kind": "shop", "tagline": shop.get("tagline"),
            "categories": with_ancestors(shop["categories"]), "primary": shop["categories"][0],
            "cities": [city] if city else [], "city": city, "tags": list(shop.get("tags") or []),
            "since": shop.get("since"), "qr": contact.get("qr") or contact.get("url"),
            "wechat_id": contact.get("wechat_id"), "phone": contact.get("phone"), "email": contact.get("email"),
            "website": contact.get("url"), "stores": shop_stores}, shop.get("description") or ""))
        shops += 1
        for path in sorted((folder / "products").glob("*.md")):
            meta, body = front_matter(path)
            if meta.get("draft"):
                continue
            category = meta.get("category") or shop["categories"][0]
            write(f"content/shops/{folder.name}/products/{path.stem}.md", dump({
                "title": meta["name"], "kind": "product", "date": meta.get("date"),
                "price": price_text(meta.get("price"), meta.get("currency", currency)),
                "available": meta.get("available", True), "categories": with_ancestors([category]),
                "category": category, "tags": list(meta.get("tags") or []), "shop": shop["name"],
                "qr": contact.get("qr") or contact.get("url")}, body))
            products += 1

    write("content/_index.md", dump({"title": site["title"], "description": site.get("description")}))
    write("content/shops/_index.md", dump({"title": "店铺 A–Z", "kind": "shops"}))
    write("content/collections/_index.md", dump({"title": "编辑精选", "kind": "collections"}))
    for c in curation.get("collections") or []:
        write(f"content/collections/{c['slug']}.md", dump({"title": c["title"], "kind": "collection",
                                                           "items": list(c.get("items") or [])},
                                                          c.get("description") or ""))
    write("content/new.md", dump({"title": "新品", "kind": "new"}))
    write("content/search.md", dump({"title": "搜索", "kind": "search"}))
    pages = []
    for path in sorted((content / "pages").glob("*.md")) if (content / "pages").is_dir() else []:
        meta, body = front_matter(path)
        write(f"content/{path.stem}.md", dump({"title": meta["title"], "kind": "page",
                                               "description": meta.get("description")}, body))
        pages.append({"name": meta["title"], "url": f"/{path.stem}/"})

    top = [c["slug"] for c in categories]
    config = {
        "baseURL": site["base_url"], "locale": site.get("language", "zh-CN"), "title": site["title"],
        "hasCJKLanguage": True, "buildFuture": True, "enableRobotsTXT": True, "disableHugoGeneratorInject": True,
        "pagination": {"pagerSize": int(site.get("per_page", 24)), "disableAliases": True},
        "taxonomies": {"category": "categories", "tag": "tags", "city": "cities"},
        "outputs": {"home": ["html", "rss"], "section": ["html"], "taxonomy": ["html"], "term": ["html"],
                    "page": ["html"]},
        "services": {"rss": {"limit": 50}},
        "params": {"lang": site.get("language", "zh-CN"), "description": site.get("description", ""), "featured": list(curation.get("featured") or []),
                   "top": top, "nav": [{"name": names[s], "url": f"/categories/{s}/"} for s in top],
                   "pages": pages},
    }
    write("hugo.json", json.dumps(config, ensure_ascii=False, indent=2) + "\n")
    for name, text in LAYOUTS.items():
        write(f"layouts/{name}", text)
    write("static/style.css", CSS)
    return {"shops": shops, "products": products, "stores": stores, "guides": guides, "files": write.count}


CSS = "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}" \
      "ul.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem;list-style:none;" \
      "padding:0}.sold{color:#a00}nav a{margin-right:.5rem}\n"

LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="{{ site.Params.lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ with .Params.tagline }}{{ . }}{{ else }}{{ if .IsPage }}{{ .Summary | plainify | truncate 160 }}{{ else }}{{ site.Params.description }}{{ end }}{{ end }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav>{{ range site.Params.nav }}<a href="{{ .url | relURL }}">{{ .name }}</a>{{ end }}<a href="{{ "shops/" | relURL }}">店铺</a><a href="{{ "search/" | relURL }}">搜索</a></nav></header>
<nav class="crumbs">{{ range .Ancestors.Reverse }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> › {{ end }}{{ .Title }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ range site.Params.pages }}<a href="{{ .url | relURL }}">{{ .name }}</a> {{ end }}</footer>
</body>
</html>
""",
    "_partials/card.html": """<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.price }} · {{ .Params.shop }}{{ if not .Params.available }} <span class="sold">售罄</span>{{ end }}</li>
""",
    "_partials/shopcard.html": """<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.tagline }} {{ .Params.city }} ({{ len (where .RegularPagesRecursive "Params.kind" "product") }})</li>
""",
    "_partials/qr.html": """{{ with .Params.qr }}{{ with images.QR . (dict "scale" 4) }}<img src="{{ .RelPermalink }}" width="{{ .Width }}" height="{{ .Height }}" alt="QR">{{ end }}{{ end }}
""",
    "_partials/pager.html": """{{ if gt .TotalPages 1 }}<nav class="pager">{{ with .Prev }}<a href="{{ .URL }}">‹</a>{{ end }}{{ range .Pagers }}<a href="{{ .URL }}"{{ if eq . $ }} aria-current="page"{{ end }}>{{ .PageNumber }}</a>{{ end }}{{ with .Next }}<a href="{{ .URL }}">›</a>{{ end }}</nav>{{ end }}
""",
    "home.html": """{{ define "main" }}
<h1>{{ site.Title }}</h1><p>{{ site.Params.description }}</p>
<h2>精选店铺</h2><ul class="cards">{{ range site.Params.featured }}{{ with site.GetPage (printf "/shops/%s" .) }}{{ partial "shopcard.html" . }}{{ end }}{{ end }}</ul>
<h2>编辑精选</h2><ul>{{ range (site.GetPage "/collections").Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
<h2>分类</h2><ul>{{ range site.Params.top }}{{ with site.GetPage (printf "/categories/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len (where .Pages "Params.kind" "product") }})</li>{{ end }}{{ end }}</ul>
<h2>新品</h2><ul class="cards">{{ range first 8 (where site.RegularPages "Params.kind" "product") }}{{ partial "card.html" . }}{{ end }}</ul>
<a href="{{ "new/" | relURL }}">更多新品</a>
{{ end }}
""",
    "list.html": """{{ define "main" }}
{{ if eq .Params.kind "shop" }}
<h1>{{ .Title }}</h1><p>{{ .Params.tagline }}</p>
<p>{{ with .Params.city }}<a href="{{ (printf "/cities/%s/" (urlize .)) | relURL }}">{{ . }}</a>{{ end }} {{ with .Params.since }}{{ . }}{{ end }}</p>
{{ partial "qr.html" . }}{{ with .Params.wechat_id }}<p>{{ . }}</p>{{ end }}{{ with .Params.phone }}<a href="tel:{{ . }}">{{ . }}</a>{{ end }}
{{ .Content }}
<p>{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<ul class="cards">{{ range (where .RegularPagesRecursive "Params.kind" "product").ByDate.Reverse }}{{ partial "card.html" . }}{{ end }}</ul>
{{ $shop := . }}{{ range .Params.stores }}<p><a href="{{ (printf "%sstores/%s/" $shop.RelPermalink .slug) }}">{{ .name }}</a></p>{{ end }}
{{ else if eq .Params.kind "shops" }}
<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages.ByTitle }}
<ul class="cards">{{ range $p.Pages }}{{ partial "shopcard.html" . }}{{ end }}</ul>{{ partial "pager.html" $p }}
{{ else }}
<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
{{ end }}
""",
    "single.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if eq .Params.kind "product" }}
<p>{{ .Params.price }}{{ if not .Params.available }} <span class="sold">售罄</span>{{ end }} · <a href="{{ .Parent.RelPermalink }}">{{ .Params.shop }}</a></p>
{{ .Content }}
<p>{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ partial "qr.html" . }}
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "Product" "name" .Title "url" .Permalink "brand" (dict "@type" "Brand" "name" .Params.shop) "description" (.Summary | plainify | truncate 300) | jsonify | safeJS }}</script>
{{ else if eq .Params.kind "store" }}
<p>{{ .Params.address }} {{ .Params.hours }}</p>{{ partial "qr.html" . }}
<ul>{{ $store := . }}{{ range .Params.guides }}<li><a href="{{ $store.RelPermalink }}guides/{{ .slug }}/">{{ .name }}</a> {{ .title }}</li>{{ end }}</ul>
{{ else if eq .Params.kind "guide" }}
<p>{{ .Params.guide_title }} · {{ .Params.store }}</p>{{ partial "qr.html" . }}
{{ else if eq .Params.kind "collection" }}
{{ .Content }}<ul class="cards">{{ range .Params.items }}{{ $parts := split . "/" }}{{ if eq (len $parts) 2 }}{{ with site.GetPage (printf "/shops/%s/products/%s" (index $parts 0) (index $parts 1)) }}{{ partial "card.html" . }}{{ end }}{{ else }}{{ with site.GetPage (printf "/shops/%s" .) }}{{ partial "shopcard.html" . }}{{ end }}{{ end }}{{ end }}</ul>
{{ else if eq .Params.kind "new" }}
<ul class="cards">{{ range first 48 (where site.RegularPages "Params.kind" "product") }}{{ partial "card.html" . }}{{ end }}</ul>
{{ else }}
{{ .Content }}
{{ end }}
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>{{ .Content }}
{{ $p := .Paginate (where .Pages "Params.kind" "product") }}
{{ if eq $p.PageNumber 1 }}<ul class="cards">{{ range where .Pages "Params.kind" "shop" }}{{ partial "shopcard.html" . }}{{ end }}</ul>{{ end }}
<ul class="cards">{{ range $p.Pages }}{{ partial "card.html" . }}{{ end }}</ul>{{ partial "pager.html" $p }}
{{ end }}
""",
    "404.html": """{{ define "main" }}<h1>404</h1><p><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></p>{{ end }}
""",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert a shopdir directory to an equivalent Hugo site.")
    parser.add_argument("site", type=Path, help="the shopdir site's folder (holding site.yaml)")
    parser.add_argument("out", type=Path, help="a new or empty folder for the Hugo site")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = convert(args.site, args.out)
    print(f"hugo_site: {counts['shops']} shops, {counts['products']} products, {counts['stores']} stores, "
          f"{counts['guides']} guides: {counts['files']} files into {args.out} in "
          f"{time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
