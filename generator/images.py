"""Merchant pictures to web images: checked by content, re-encoded without metadata, in a few widths.

A processed picture is cached under the hash of its bytes and of the settings below,
so an unchanged picture is never decoded twice.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from generator import cache, fingerprint, routes

if TYPE_CHECKING:  # Pillow itself is imported when first needed
    from PIL import Image

WIDTHS = (320, 640, 1280)
QUALITY = 72
FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # the default limit; site.yaml's limits.image_pixels can change it
SETTINGS_KEY = f"webp-q{QUALITY}-{'-'.join(map(str, WIDTHS))}-v1"



def _pillow():
    """Pillow, imported when a picture is first opened: a build whose pictures are all cached opens none."""
    from PIL import Image, ImageOps
    Image.MAX_IMAGE_PIXELS = 200_000_000  # Pillow's own guard, above the largest limit a site may set
    return Image, ImageOps


@dataclass(frozen=True)
class Variant:
    path: str  # output path
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    variants: tuple[Variant, ...]  # narrowest first

    @property
    def largest(self) -> Variant:
        return self.variants[-1]

    def fitting(self, width: int) -> Variant:
        """The narrowest variant at least this wide (or the largest there is)."""
        return next((v for v in self.variants if v.width >= width), self.largest)


class ImageProblem(Exception):
    """A picture that cannot be published; the message says why, in a merchant's words."""


def open_checked(data: bytes, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open and fully decode a picture, or raise ImageProblem. Format is judged by content, never by name."""
    Image, _ = _pillow()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
            if image.width * image.height > max_pixels:
                raise ImageProblem(f"is {image.width}×{image.height} pixels; at most {max_pixels:,} pixels are allowed")
            image.load()
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem(f"has too many pixels; at most {max_pixels:,} are allowed") from None
    except Image.UnidentifiedImageError:
        raise ImageProblem("is not a JPEG, PNG or WebP picture") from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageProblem(f"cannot be decoded ({error}); is the file complete?") from None
    return image


def digest(data: bytes) -> str:
    return hashlib.sha256(SETTINGS_KEY.encode() + b"\0" + data).hexdigest()[:20]


Files = dict  # output path -> bytes, or the path of a cached copy to link from


def process(data: bytes, cache_dir: Path | None, max_pixels: int = MAX_PIXELS) -> tuple[Picture, Files]:
    """The picture's web variants: (what pages need to know, output path -> bytes or cached file)."""
    picture, made = prepare(data, cache_dir, max_pixels)
    return picture, made if isinstance(made, dict) else made()


def prepare(data: bytes, cache_dir: Path | None,
            max_pixels: int = MAX_PIXELS) -> tuple[Picture, Files | Callable[..., Files]]:
    """The picture checked and measured (what pages need to know), and its variants' files when the cache
    has them, else make(), which makes them (see process). make(threads=True) makes its sizes at once:
    Pillow lets go of the interpreter lock while it resizes and encodes (two 1280-pixel encodings: 204 ms
    one after the other, 117 ms at once)."""
    key = digest(data)
    cached = from_cache(cache_dir, key) if cache_dir else None
    if cached is not None:
        return cached
    image = open_checked(data, max_pixels)
    Image, ImageOps = _pillow()
    image = ImageOps.exif_transpose(image)
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey: scale to 8 bits, not clip
        image = image.point(lambda v: v / 256).convert("L")
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    image = image.convert(mode)
    picture = Picture(_variants(key, image.width, image.height))

    def make(threads: bool = False) -> Files:
        encode = functools.partial(_encoded, image)
        if threads:
            with ThreadPoolExecutor(max_workers=len(picture.variants)) as pool:
                encoded = list(pool.map(encode, picture.variants))
        else:
            encoded = list(map(encode, picture.variants))
        files = dict(zip((variant.path for variant in picture.variants), encoded))
        if cache_dir:
            _to_cache(cache_dir, key, picture, files)  # its variants as written: picture.json not read back
            return (from_cache(cache_dir, key, [v.__dict__ for v in picture.variants]) or (picture, files))[1]
        return files
    return picture, make


def _encoded(image: Image.Image, variant: Variant) -> bytes:
    pillow, _ = _pillow()
    resized = image if variant.width == image.width else image.resize((variant.width, variant.height), pillow.LANCZOS)
    buffer = io.BytesIO()
    resized.save(buffer, format="WEBP", quality=QUALITY, method=4)  # no exif, no icc: metadata stripped
    return buffer.getvalue()


WEBP_SIDE = 16383  # WebP's longest side: a long picture (a product's details, 750 × 17,000) is narrowed to fit


def _variants(key: str, width: int, height: int) -> tuple[Variant, ...]:
    widest = min(width, WEBP_SIDE * width // height)
    if widest < 1:
        raise ImageProblem(f"is too narrow for its height ({width}×{height} pixels): a picture may be at most "
                           f"{WEBP_SIDE:,} times as tall as it is wide")
    return tuple(Variant(routes.picture(key, w), w, max(1, round(height * w / width)))
                 for w in sorted({min(w, widest) for w in WIDTHS}))


# EXIF orientations that turn a picture a quarter: exif_transpose swaps its width and height.
_QUARTER_TURNS = {5, 6, 7, 8}


def measure(data: bytes, max_pixels: int = MAX_PIXELS) -> Picture:
    """What process() would make of a picture, without making it: decoded and checked in full, its
    variants named and sized as process() names and sizes them (for a check that writes nothing)."""
    image = open_checked(data, max_pixels)
    width, height = image.size
    if image.getexif().get(0x0112) in _QUARTER_TURNS:
        width, height = height, width
    return Picture(_variants(digest(data), width, height))


def tidy(cache_dir: Path, pictures, limit: int) -> int:
    """Remove the cached variants of pictures not among these (the build's), when the cache holds more
    than `limit` pictures; the number removed."""
    return cache.tidy(cache_dir / "images",  # a folder for each picture
                                  lambda: {_cache_folder(cache_dir, key_of(picture)) for picture in pictures},
                                  limit)


def key_of(picture: Picture) -> str:
    """The key a picture's variants are named by (see process)."""
    return os.path.basename(picture.largest.path).rsplit("-", 1)[0]


def _cache_folder(cache_dir: Path, key: str) -> str:
    return os.path.join(cache_dir, "images", key[:2], key)  # not pathlib: 1,000s a build


def from_cache(cache_dir: Path, key: str, variants: list | None = None) -> tuple[Picture, Files] | None:
    """A picture processed before: its variants, as files in the cache. `variants`, as its picture.json
    names them, when the stat index kept them (that file is then not read)."""
    folder = _cache_folder(cache_dir, key)
    try:
        if variants is None:
            with open(os.path.join(folder, "picture.json"), encoding="utf-8") as file:
                variants = json.load(file)["variants"]
        made = tuple(Variant(**v) for v in variants)
        files = {v.path: os.path.join(folder, os.path.basename(v.path)) for v in made}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(map(os.path.isfile, files.values())):
        return None
    return Picture(made), files


class StatIndex:
    """Which content digest a source file had when it was last processed, by its path and stat.

    An unchanged picture is then neither read nor hashed again. A file whose status
    (fingerprint.status) changed is read and hashed as usual; a file that had not settled
    (fingerprint.settled) when it was processed is not kept, so a later write cannot hide.
    """

    def __init__(self, cache_dir: Path | None, salt: str):
        self.path = cache_dir / "images" / "stat-index.json" if cache_dir else None
        self.salt = salt
        self.started = time.time_ns()
        self.entries: dict[str, str] = {}
        self.loaded: dict[str, str] = {}
        # each digest's variants, as its picture.json names them: this build's, and those read
        self.variants: dict[str, list] = {}
        self.loaded_variants: dict[str, list] = {}
        if self.path is not None:
            try:
                found = json.loads(self.path.read_text("utf-8"))
                if isinstance(found.get("entries"), dict):
                    self.loaded, self.loaded_variants = found["entries"], found.get("variants") or {}
                else:  # the earlier form: the entries alone
                    self.loaded = found
            except (OSError, ValueError, AttributeError):
                self.loaded, self.loaded_variants = {}, {}

    def _key(self, source: str, stat: os.stat_result) -> str:
        return f"{source}|{fingerprint.status(stat)}|{self.salt}"

    def get(self, source: str, stat: os.stat_result) -> str | None:
        return self.loaded.get(self._key(source, stat))

    def variants_of(self, key: str) -> list | None:
        return self.loaded_variants.get(key)

    def put(self, source: str, stat: os.stat_result, key: str, picture: Picture | None = None) -> None:
        if fingerprint.settled(stat, self.started):
            self.entries[self._key(source, stat)] = key
            if picture is not None:
                self.variants[key] = [v.__dict__ for v in picture.variants]

    def save(self) -> None:
        """Keep the entries of this build only, so the index never grows past the site."""
        if self.path is None:
            return
        cache.write(self.path, json.dumps({"entries": self.entries, "variants": self.variants}, sort_keys=True))


def _to_cache(cache_dir: Path, key: str, picture: Picture, files: dict[str, bytes]) -> None:
    folder = Path(_cache_folder(cache_dir, key))
    if all(cache.write(folder / os.path.basename(path), data) for path, data in files.items()):
        meta = {"variants": [v.__dict__ for v in picture.variants]}
        cache.write(folder / "picture.json", json.dumps(meta))  # written last: its presence means the entry is complete
