"""What a directory is: frozen values, built once per run and never changed afterwards."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    """How much one submission may ask of a build. Set in site.yaml under `limits:`."""

    file_bytes: int = 1024 * 1024  # a YAML or Markdown file
    files_per_shop: int = 2000
    image_bytes: int = 20 * 1024 * 1024
    image_pixels: int = 40_000_000  # no camera needs more; decompression bombs do


@dataclass(frozen=True)
class Printing:
    """The printed kit's choices (`shopdir print`). Set in site.yaml under `print:`."""

    paper: str = "A4"  # A4 or letter: the sheet cards and posters are laid out on
    pieces: tuple[str, ...] = ("card", "tent", "poster")
    brand: str = ""  # a line printed at the foot of every piece, e.g. the directory's name


@dataclass(frozen=True)
class Settings:
    """site.yaml, after command-line overrides."""

    title: str
    base_url: str  # absolute, ends with '/'
    description: str = ""
    language: str = "zh-CN"
    currency: str = "CNY"
    theme: str = "default"
    per_page: int = 24
    qr_schemes: tuple[str, ...] = ("https", "http")
    search_engine: str = "shopdir"  # the own index, or "pagefind" (docs/search.md)
    limits: Limits = Limits()
    printing: Printing = Printing()

    @property
    def base_path(self) -> str:
        """The path part of base_url: '/' or '/dir/'."""
        rest = self.base_url.split("://", 1)[-1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        return path if path.endswith("/") else path + "/"


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    description: str = ""  # Markdown
    parent: str | None = None
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    qr: str | None = None  # the text the shop's QR code encodes
    qr_image: str | None = None  # path inside the shop folder
    wechat_id: str | None = None
    url: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Guide:
    slug: str
    name: str
    qr: str
    title: str | None = None
    photo: str | None = None


@dataclass(frozen=True)
class Store:
    slug: str
    name: str
    address: str | None = None
    city: str | None = None
    hours: str | None = None
    guides: tuple[Guide, ...] = ()


@dataclass(frozen=True)
class Shop:
    slug: str
    name: str
    categories: tuple[str, ...]
    contact: Contact
    source: str  # path of shop.yaml, for messages
    tagline: str | None = None
    city: str | None = None
    tags: tuple[str, ...] = ()
    logo: str | None = None
    cover: str | None = None
    since: int | None = None
    description: str = ""  # Markdown
    stores: tuple[Store, ...] = ()
    owners: tuple[str, ...] = ()  # GitHub logins who may change the shop folder by pull request

    @property
    def primary_category(self) -> str:
        return self.categories[0]


@dataclass(frozen=True)
class Product:
    shop: str
    slug: str
    name: str
    category: str
    source: str
    price: float | int | str | None = None
    currency: str = "CNY"
    images: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    available: bool = True
    date: datetime.date | None = None
    draft: bool = False
    body: str = ""  # Markdown


@dataclass(frozen=True)
class Collection:
    slug: str
    title: str
    items: tuple[tuple[str, str | None], ...]  # (shop, product or None)
    description: str = ""


@dataclass(frozen=True)
class Curation:
    featured: tuple[str, ...] = ()
    collections: tuple[Collection, ...] = ()
    delisted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body: str
    source: str


@dataclass(frozen=True)
class Directory:
    """Everything that is published: delisted shops and (without --drafts) drafts left out."""

    settings: Settings
    categories: tuple[Category, ...]
    shops: tuple[Shop, ...]
    products: tuple[Product, ...]
    curation: Curation
    pages: tuple[Page, ...]
    # each shop's products, as validation found them shop by shop (the catalogue groups them otherwise)
    products_of: dict[str, tuple[Product, ...]] | None = field(default=None, compare=False, repr=False)
