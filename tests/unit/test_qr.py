"""generator/qr.py: QR codes drawn from their text, and read back with a real decoder."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

import zxingcpp

from generator import qr, schema

TEXTS = ["https://u.wechat.com/EXAMPLE", "https://u.wechat.com/测试?a=1&b=茶#x", "weixin://dl/chat?shanye_tea",
         "https://x.fr/café", "HTTPS://SHANYE.EXAMPLE/ABC"]


@pytest.mark.parametrize("text", TEXTS)
def test_the_drawn_code_reads_back_as_exactly_its_text(text):
    code = qr.draw(text)
    assert code.text == text
    assert qr.read(code.png) == [text]


def test_a_code_is_a_png_of_at_least_288_pixels_with_its_size_recorded():
    code = qr.draw(TEXTS[0])
    with Image.open(io.BytesIO(code.png)) as image:
        assert image.format == "PNG"
        assert image.width == image.height == code.size
    assert code.size >= qr.MIN_PIXELS >= 288


@pytest.mark.parametrize("text", ["https://x.cn/" + "ab" * 1159,  # 2331 bytes: the most a code holds at level M
                                  "https://x.cn/" + "a" + "茶" * 772,  # 2330: with characters beyond ASCII
                                  "https://x.cn/" + "1" * 2318])
def test_a_text_as_long_as_validation_allows_still_reads_back(text):
    assert schema.qr_capacity_problem(text) is None
    code = qr.draw(text)
    assert qr.read(code.png) == [text]


# Characters that Shift-JIS also has: drawn without saying the text is UTF-8, they came back as others
# (潘 as "àN", U+E000 as "ð@", ‾ as "~").
@pytest.mark.parametrize("text", ["https://a.example/潘", "https://a.example/澳门", "https://a.example/\ue000x",
                                  "https://a.example/a‾b", "https://a.example/ＡＢＣ", "https://例子.cn/店铺?q=凜",
                                  "https://a.example/한국어", "https://a.example/😀"])
def test_text_beyond_ascii_reads_back_as_written(text):
    assert qr.read(qr.draw(text).png) == [text]


def test_codes_are_drawn_at_error_correction_level_m():
    for text in ("https://u.wechat.com/EXAMPLE", "https://a.example/潘"):
        with Image.open(io.BytesIO(qr.draw(text).png)) as image:
            found = zxingcpp.read_barcodes(image.convert("L"))
        assert [r.ec_level for r in found] == ["M"]


def test_same_text_gives_the_same_path_and_bytes():
    first, second = qr.draw(TEXTS[1]), qr.draw(TEXTS[1])
    assert first.path == second.path
    assert first.png == second.png
    assert first.path.startswith("qr/") and first.path.endswith(".png")


def test_different_texts_give_different_paths():
    paths = {qr.draw(text).path for text in TEXTS}
    assert len(paths) == len(TEXTS)
    assert qr.draw("https://a.example/x").path != qr.draw("https://a.example/X").path


def test_reading_a_picture_without_a_code_finds_nothing():
    image = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 200, 200), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    assert qr.read(buffer.getvalue()) == []


def test_reading_a_photo_of_a_code_inside_a_larger_picture():
    code = qr.draw(TEXTS[0])
    with Image.open(io.BytesIO(code.png)) as image:
        canvas = Image.new("RGB", (code.size * 3, code.size * 2), (235, 230, 220))
        canvas.paste(image.convert("RGB"), (code.size, code.size // 2))
    buffer = io.BytesIO()
    canvas.save(buffer, format="WEBP", quality=80)
    assert qr.read(buffer.getvalue()) == [TEXTS[0]]


def test_reading_two_codes_finds_both():
    a, b = qr.draw("https://a.example/"), qr.draw("https://b.example/")
    canvas = Image.new("RGB", (a.size + b.size + 40, max(a.size, b.size)), "white")
    for x, code in ((0, a), (a.size + 40, b)):
        with Image.open(io.BytesIO(code.png)) as image:
            canvas.paste(image.convert("RGB"), (x, 0))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    assert sorted(qr.read(buffer.getvalue())) == ["https://a.example/", "https://b.example/"]


LOWERCASE_URLS = ["https://u.wechat.com/" + "".join("abcdefghijklmnop0123456789-_"[(i * 7 + n * 5) % 28]
                                                     for n in range(5 + 9 * i)) for i in range(14)]


@pytest.mark.parametrize("text", LOWERCASE_URLS)
def test_the_modules_are_those_of_an_independent_encoder(text):
    """Checked against the pure-Python qrcode package: at level M, in one byte segment, the same smallest
    version and, for one of the eight masks, the very same modules (which mask is best, each scores itself)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    drawn = qr.symbol(text)
    ours = [[drawn.getpixel((x, y)) == 0 for x in range(drawn.width)] for y in range(drawn.height)]
    layouts = []
    for mask in range(8):
        reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=mask)
        reference.add_data(text.encode("utf-8"))
        reference.make(fit=True)
        layouts.append(reference.modules)
    assert len(ours) == len(layouts[0])
    assert ours in layouts
