"""QR codes: drawn from their text as PNG images, and read back from pictures with a real decoder."""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator import cache, routes

if TYPE_CHECKING:  # Pillow itself is imported when first needed
    from PIL import Image

MIN_PIXELS = 288  # the drawn code, quiet zone included, is at least this wide
BORDER = 4  # modules of quiet zone, as the QR standard asks
SETTINGS_KEY = f"qr-M-utf8eci-{MIN_PIXELS}-{BORDER}-zxing-cpp{importlib.metadata.version('zxing-cpp')}"


@dataclass(frozen=True)
class QRCode:
    text: str
    path: str  # output path, named by a hash of the text
    size: int  # width and height in pixels
    png: bytes


def draw(text: str) -> QRCode:
    """The QR code for a text: one PNG per distinct text, with a content-hashed name."""
    image = picture(symbol(text))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return QRCode(text, routes.qr_code(text), image.size[0], buffer.getvalue())


def symbol(text: str) -> Image.Image:
    """The code's modules, one pixel each (black on white, no quiet zone), at error correction level M.

    zxing-cpp's writer picks the smallest version, the segment modes and the mask as the QR standard
    says, in C++: 0.2 ms a code where the pure-Python encoder took 4 ms (2.9 of them choosing the mask).
    A text with any character beyond ASCII is encoded as UTF-8 and says so (an ECI header): left to
    itself the writer encodes some Chinese texts as Shift-JIS without saying so, which decoders then
    read as other characters (潘 came back as "àN"). ASCII is the same in every encoding and needs none.
    schema.qr_capacity_problem keeps the texts that reach here within what a code holds.
    """
    import zxingcpp  # imported when a code is first drawn or read: a build with every code cached needs neither
    from PIL import Image
    encoding = {} if text.isascii() else {"eci": "UTF8"}
    modules = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M", **encoding).to_image(
        scale=1, add_quiet_zones=False)
    height, width = modules.shape
    return Image.frombytes("L", (width, height), bytes(modules))


def picture(modules: Image.Image) -> Image.Image:
    """Black modules on white with the quiet zone, each module a square of whole pixels, at least
    MIN_PIXELS wide."""
    from PIL import Image
    width = modules.width + 2 * BORDER
    scale = max(4, math.ceil(MIN_PIXELS / width))
    framed = Image.new("L", (width, width), 255)
    framed.paste(modules, (BORDER, BORDER))
    return framed.resize((width * scale, width * scale), Image.NEAREST).convert("1", dither=Image.Dither.NONE)


def _cache_path(text: str, cache_dir: Path) -> str:
    key = hashlib.sha256(f"{SETTINGS_KEY}\0{text}".encode("utf-8")).hexdigest()[:20]
    return os.path.join(cache_dir, "qr", key[:2], f"{key}.png")  # not pathlib: 1,000s a build


def from_cache(text: str, cache_dir: Path | None) -> QRCode | None:
    """The code drawn for this text by an earlier build, kept under a hash of the text and SETTINGS_KEY."""
    if cache_dir is None:
        return None
    try:
        with open(_cache_path(text, cache_dir), "rb") as file:
            png = file.read()
        width = int.from_bytes(png[16:20], "big")  # from the PNG header
        return QRCode(text, routes.qr_code(text), width, png)
    except (OSError, ValueError):
        return None


def keep(code: QRCode, cache_dir: Path | None) -> None:
    if cache_dir is None:
        return
    cache.write(Path(_cache_path(code.text, cache_dir)), code.png)


def tidy(cache_dir: Path, texts, limit: int) -> int:
    """Remove the cached codes of texts not among these (the build's), when the cache holds more than
    `limit` files; the number removed."""
    return cache.tidy(cache_dir / "qr", lambda: {_cache_path(text, cache_dir) for text in texts}, limit)


def read(data: bytes) -> list[str]:
    """Every QR code text found in a picture (PNG, JPEG or WebP bytes)."""
    from PIL import Image
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return read_image(image)


def read_image(image: Image.Image) -> list[str]:
    import zxingcpp
    from PIL import Image
    rgb = image.convert("RGB")
    texts = [r.text for r in zxingcpp.read_barcodes(rgb, formats=zxingcpp.BarcodeFormat.QRCode)]
    if not texts:  # a small or soft picture: try it larger once
        larger = rgb.resize((rgb.width * 2, rgb.height * 2), Image.NEAREST)
        texts = [r.text for r in zxingcpp.read_barcodes(larger, formats=zxingcpp.BarcodeFormat.QRCode)]
    return texts
