"""`shopdir new`: the files a first-time merchant fills in, with a comment that teaches each field."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from generator.editorschema import modeline
from generator.schema import PLACEHOLDER_GUIDE_QR, PLACEHOLDER_QR, SLUG_RULE, is_slug

SHOP_TEMPLATE = """\
{modeline}
# {slug}: your shop in the directory. Lines starting with # are comments; delete them when you like.
# Text after a colon is YAML. Put text in "quotes" when it contains a colon, such as opening hours.

name: 我的小店                      # required: the shop's name, as visitors will see it
tagline: 一句话介绍你的店            # optional: one line under the name
categories: [{category}]             # required: one or more category slugs from content/categories.yaml; the first is the main one
city: 杭州                          # optional: the city you ship from or your store is in
tags: [手工]                        # optional: a few words visitors can browse by
# logo: images/logo.png             # optional: a square picture inside this folder (JPEG, PNG or WebP)
# cover: images/cover.jpg           # optional: a wide picture for the top of your shop page
# since: 2020                       # optional: the year your shop opened

contact:                            # required: at least one of qr, qr_image or url
  qr: {placeholder}  # replace with the text of your WeChat QR code; the site draws the code from it
  # qr_image: images/wechat-qr.png  # optional: a picture of your own QR code; the build reads it and checks it matches qr
  # wechat_id: your_wechat_id       # optional: shown as text
  # url: https://your-shop.example  # optional: your own website
  # phone: "+86 571 0000 0000"      # optional: keep the quotes
  # email: hello@your-shop.example  # optional

description: |                      # optional: Markdown; keep the two-space indent on every line
  我们是谁，做什么，为什么值得一逛。

# stores:                           # optional: your offline stores (门店)
#   - slug: xihu                    # {rule}
#     name: 西湖店
#     address: 杭州市西湖区某路 1 号
#     hours: "10:00–21:00"           # keep the quotes
#     guides:                       # optional: the store's shopping guides (导购), each with their own QR code
#       - slug: wang
#         name: 王芳
#         title: 店长
#         qr: {guide_placeholder}
"""

PRODUCT_TEMPLATE = """\
---
{modeline}
# {slug}: one product. Everything between the two --- lines is YAML; below them is the description in Markdown.
name: 商品名称                       # required
price: 99                          # optional: a number, or text such as "询价" (price on request)
# currency: CNY                    # optional: defaults to the site's currency
# images: [images/{slug}-1.jpg]    # optional: pictures inside your shop folder; the first is the main one
# category: {category}             # optional: defaults to your shop's first category
tags: []                           # optional
available: true                    # false shows the product as sold out
date: {date}                   # optional: when it was listed (YYYY-MM-DD); drives "new arrivals"
draft: true                        # drafts are not published; delete this line when the product is ready
---
写下这件商品的故事：用料、做法、尺寸、怎么保存。
"""


class ScaffoldError(Exception):
    pass


def _check_slug(slug: str, what: str) -> None:
    if not is_slug(slug):
        raise ScaffoldError(f'"{slug}" is not a valid {what} slug: use {SLUG_RULE}')


def _first_category(root: Path) -> str:
    import yaml

    try:
        tree = yaml.safe_load((root / "content" / "categories.yaml").read_text("utf-8"))
        return tree[0]["slug"]
    except (OSError, yaml.YAMLError, LookupError, TypeError):
        return "your-category"


def _today() -> datetime.date:
    """The day SOURCE_DATE_EPOCH names when it is set (a reproducible run), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.date.today()


def _create(path: Path, text: str) -> Path:
    if path.exists():
        raise ScaffoldError(f"{path} already exists; nothing was changed")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def new_shop(root: Path, slug: str) -> list[Path]:
    _check_slug(slug, "shop")
    folder = root / "content" / "shops" / slug
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists; nothing was changed")
    text = SHOP_TEMPLATE.format(slug=slug, category=_first_category(root), rule=SLUG_RULE,
                                placeholder=PLACEHOLDER_QR, guide_placeholder=PLACEHOLDER_GUIDE_QR,
                                modeline=modeline(f"content/shops/{slug}/shop.yaml", "shop"))
    created = [_create(folder / "shop.yaml", text)]
    (folder / "images").mkdir()
    (folder / "products").mkdir()
    return created


def new_product(root: Path, shop: str, slug: str) -> list[Path]:
    _check_slug(shop, "shop")
    _check_slug(slug, "product")
    folder = root / "content" / "shops" / shop
    if not (folder / "shop.yaml").is_file():
        raise ScaffoldError(f"there is no shop {shop!r}: create it first with 'shopdir new shop {shop}'")
    text = PRODUCT_TEMPLATE.format(slug=slug, category=_first_category(root), date=_today().isoformat(),
                                   modeline=modeline(f"content/shops/{shop}/products/{slug}.md", "product"))
    return [_create(folder / "products" / f"{slug}.md", text)]
