"""generator/images.py: pictures checked by content, re-encoded without metadata, cached by their bytes."""

from __future__ import annotations

import io
import os
import random
import struct
import zlib

import pytest
from PIL import Image

from generator import images
from generator.images import ImageProblem, open_checked, process

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def noise(width: int, height: int, seed: int = 1) -> Image.Image:
    """A photo-like picture: incompressible, so truncating its file loses pixels."""
    return Image.frombytes("RGB", (width, height), random.Random(seed).randbytes(width * height * 3))


def with_ihdr_size(png: bytes, width: int, height: int) -> bytes:
    """The same PNG with its header claiming another size (and a valid checksum)."""
    assert png[12:16] == b"IHDR"
    body = struct.pack(">II", width, height) + png[24:29]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + body) & 0xFFFFFFFF)
    return png[:16] + body + crc + png[33:]


def gps_jpeg(width: int = 1500, height: int = 1000, orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    exif[0x0110] = "SecretModel"
    exif[GPS_IFD] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    data = encode(Image.new("RGB", (width, height), (30, 120, 60)), "JPEG", exif=exif)
    with Image.open(io.BytesIO(data)) as check:  # the input really carries the position
        assert check.getexif().get_ifd(GPS_IFD)[2] == (39.0, 54.0, 27.0)
    return data


# -- open_checked ---------------------------------------------------------

@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_opened(fmt):
    image = open_checked(encode(Image.new("RGB", (40, 30), "red"), fmt))
    assert image.size == (40, 30)


def test_a_text_file_named_jpg_is_refused(tmp_path):
    path = tmp_path / "logo.jpg"
    path.write_text("this is not a picture\n", encoding="utf-8")
    with pytest.raises(ImageProblem, match="not a JPEG, PNG or WebP"):
        open_checked(path.read_bytes())


def test_an_empty_file_is_refused():
    with pytest.raises(ImageProblem):
        open_checked(b"")


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><rect/></svg>'
    with pytest.raises(ImageProblem, match="not a JPEG, PNG or WebP"):
        open_checked(svg)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_formats_are_refused(fmt):
    with pytest.raises(ImageProblem, match="not a JPEG, PNG or WebP"):
        open_checked(encode(Image.new("RGB", (10, 10)), fmt))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_picture_is_refused(fmt):
    data = encode(noise(300, 200), fmt, **({"quality": 90} if fmt != "PNG" else {}))
    with pytest.raises(ImageProblem, match="cannot be decoded"):
        open_checked(data[: len(data) // 2])


def test_a_png_claiming_huge_dimensions_is_refused_before_decoding():
    bomb = with_ihdr_size(encode(Image.new("RGB", (10, 10), "white"), "PNG"), 100_000, 100_000)
    with pytest.raises(ImageProblem, match="pixels"):
        open_checked(bomb)


def test_a_png_just_over_the_pixel_limit_is_refused():
    side = int(images.MAX_PIXELS ** 0.5) + 10
    bomb = with_ihdr_size(encode(Image.new("RGB", (10, 10), "white"), "PNG"), side, side)
    with pytest.raises(ImageProblem, match="pixels"):
        open_checked(bomb)


def test_the_pixel_limit_is_the_one_given():
    data = encode(Image.new("RGB", (30, 20), "white"), "PNG")
    assert open_checked(data).size == (30, 20)
    with pytest.raises(ImageProblem, match="30×20 pixels; at most 500 pixels"):
        open_checked(data, max_pixels=500)


# -- process --------------------------------------------------------------

def decoded_variants(files: dict) -> dict:
    out = {}
    for path, data in files.items():
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out[path] = (image.format, image.size, dict(image.getexif()), dict(image.info))
    return out


def test_variants_are_webp_at_the_standard_widths_no_wider_than_the_source():
    picture, files = process(encode(noise(1500, 1000), "JPEG"), None)
    assert [v.width for v in picture.variants] == [320, 640, 1280]
    assert set(files) == {v.path for v in picture.variants}
    for variant in picture.variants:
        fmt, size, _, _ = decoded_variants({variant.path: files[variant.path]})[variant.path]
        assert fmt == "WEBP"
        assert size == (variant.width, variant.height)
        assert abs(variant.height / variant.width - 1000 / 1500) < 0.01
    assert picture.largest.width == 1280
    assert picture.fitting(500).width == 640
    assert picture.fitting(5000).width == 1280


def test_a_small_picture_is_never_enlarged():
    picture, files = process(encode(Image.new("RGB", (200, 100), "blue"), "PNG"), None)
    assert [(v.width, v.height) for v in picture.variants] == [(200, 100)]
    assert [size for _, size, _, _ in decoded_variants(files).values()] == [(200, 100)]


def test_a_middle_sized_picture_gets_its_own_width_as_the_largest():
    picture, _ = process(encode(Image.new("RGB", (1000, 500), "blue"), "PNG"), None)
    assert [v.width for v in picture.variants] == [320, 640, 1000]


@pytest.mark.parametrize("size", [(750, 17000), (100, 39000)])
def test_a_long_picture_is_narrowed_to_what_webp_can_hold(size):
    """WebP holds at most 16,383 pixels a side: a product's long details picture is published narrower."""
    width, height = size
    data = encode(Image.new("RGB", size, "blue"), "PNG")
    picture, files = process(data, None)
    decoded = decoded_variants(files)
    assert [size for _, size, _, _ in decoded.values()] == [(v.width, v.height) for v in picture.variants]
    assert max(v.height for v in picture.variants) <= 16383
    assert abs(picture.largest.height / picture.largest.width - height / width) < 0.01
    assert images.measure(data) == picture


@pytest.mark.parametrize("size", [(1, 16384), (2, 32767), (1, 40000)])
def test_a_picture_too_narrow_for_any_webp_is_a_problem_when_checked_and_when_built(size):
    data = encode(Image.new("L", size, 90), "PNG")
    for make in (images.measure, lambda data: process(data, None)):
        with pytest.raises(ImageProblem, match="too narrow for its height"):
            make(data)


def test_a_picture_just_narrow_enough_is_published_one_pixel_wide():
    picture, files = process(encode(Image.new("L", (1, 16383), 90), "PNG"), None)
    assert [(v.width, v.height) for v in picture.variants] == [(1, 16383)]
    assert [size for _, size, _, _ in decoded_variants(files).values()] == [(1, 16383)]


def test_exif_and_gps_position_are_stripped():
    _, files = process(gps_jpeg(), None)
    assert files
    for path, (_, _, exif, info) in decoded_variants(files).items():
        assert exif == {}, path
        assert "exif" not in info and "xmp" not in info and "icc_profile" not in info, path
    for data in files.values():
        assert b"Exif" not in data
        assert b"SecretCameraMaker" not in data and b"SecretModel" not in data


def test_the_camera_orientation_is_applied_before_the_exif_is_dropped():
    # Stored 400×200 with "rotate 90°": people see a portrait picture 200 wide and 400 tall.
    picture, files = process(gps_jpeg(400, 200, orientation=6), None)
    assert [(v.width, v.height) for v in picture.variants] == [(200, 400)]
    assert [size for _, size, _, _ in decoded_variants(files).values()] == [(200, 400)]


def test_transparency_is_kept():
    logo = Image.new("RGBA", (100, 100), (255, 0, 0, 0))
    _, files = process(encode(logo, "PNG"), None)
    (data,) = files.values()
    with Image.open(io.BytesIO(data)) as image:
        assert image.convert("RGBA").getpixel((50, 50))[3] == 0


def test_a_bad_picture_is_a_problem_from_process_too(tmp_path):
    with pytest.raises(ImageProblem):
        process(b"<svg/>", tmp_path)


def test_the_cache_is_reused_without_decoding_again(tmp_path, monkeypatch):
    data = encode(noise(700, 400), "JPEG")
    first = process(data, tmp_path)
    cached = [p for p in (tmp_path / "images").rglob("*") if p.is_file()]
    assert {p.name for p in cached} >= {"picture.json"} | {os.path.basename(v.path) for v in first[0].variants}

    def must_not_decode(_data):
        raise AssertionError("the picture was decoded again")

    monkeypatch.setattr(images, "open_checked", must_not_decode)
    second = process(data, tmp_path)
    assert second == first


def test_an_incomplete_cache_entry_is_rebuilt(tmp_path):
    data = encode(noise(700, 400), "JPEG")
    picture, files = process(data, tmp_path)
    (victim,) = [p for p in (tmp_path / "images").rglob("*-320.webp")]
    victim.unlink()
    assert process(data, tmp_path) == (picture, files)
    assert victim.exists()


def test_different_pictures_have_different_output_paths(tmp_path):
    a, _ = process(encode(noise(400, 300, seed=1), "JPEG"), tmp_path)
    b, _ = process(encode(noise(400, 300, seed=2), "JPEG"), tmp_path)
    assert not {v.path for v in a.variants} & {v.path for v in b.variants}


def test_a_palette_png_keeps_its_transparent_entries():
    logo = Image.new("P", (60, 40), 1)
    logo.putpalette([255, 0, 0, 0, 0, 255])
    _, files = process(encode(logo, "PNG", transparency=bytes([255, 0])), None)
    (data,) = files.values()
    with Image.open(io.BytesIO(data)) as image:
        assert image.convert("RGBA").getpixel((30, 20))[3] == 0


def test_a_grayscale_jpeg_keeps_its_shade():
    _, files = process(encode(Image.new("L", (60, 40), 100), "JPEG"), None)
    (data,) = files.values()
    with Image.open(io.BytesIO(data)) as image:
        assert all(abs(channel - 100) <= 3 for channel in image.convert("RGB").getpixel((30, 20)))


def test_a_16_bit_grayscale_png_keeps_its_shade():
    gray = Image.new("I;16", (60, 40), 20000)  # 30% of 65535: a dark grey, about 78 of 255
    data = encode(gray, "PNG")
    assert data[24:26] == b"\x10\x00"  # bit depth 16, colour type 0: what scanners and some editors write
    _, files = process(data, None)
    (out,) = files.values()
    with Image.open(io.BytesIO(out)) as image:
        red, green, blue = image.convert("RGB").getpixel((30, 20))
    assert abs(red - 78) <= 6 and max(red, green, blue) - min(red, green, blue) <= 3
