"""Draw the images of the example shops in content/shops/.

This script is the provenance of every picture in the example content: the
logos, covers, product photos and guide portraits are simple illustrations
drawn here with Pillow, and the one merchant QR picture (``contact.qr_image``)
is rendered with the ``qrcode`` library from that shop's ``contact.qr`` text
(another encoder than the one the site draws its own codes with, as a merchant's
picture would be).
They are licensed with the project.

It reads the shops' own files to learn which images are referenced, draws
exactly those, and nothing else. Output is deterministic: every picture has
its own random generator seeded from its path.

    python docs/make_example_images.py [--content content]

Needs Pillow, PyYAML and qrcode (all installed by ``pip install -e '.[test]'``);
zxing-cpp, if installed, is used to check that the QR picture decodes to the
shop's text.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
import random
from pathlib import Path

import qrcode
import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont

S = 2  # supersampling factor: draw large, then scale down for smooth edges
JPEG = dict(quality=70, optimize=True, progressive=True)

# Colours per top-level category: background top, background bottom, main, accent.
PALETTES = {
    "tea": ((236, 241, 224), (196, 214, 176), (70, 108, 62), (178, 122, 62)),
    "coffee": ((243, 233, 218), (214, 190, 160), (98, 64, 42), (205, 152, 92)),
    "handcraft": ((238, 242, 248), (198, 211, 230), (36, 72, 140), (246, 246, 240)),
    "food": ((251, 238, 222), (240, 202, 168), (188, 62, 42), (232, 172, 64)),
    "home": ((245, 239, 229), (222, 206, 184), (142, 98, 62), (92, 112, 92)),
    "clothing": ((242, 238, 230), (212, 208, 198), (112, 134, 168), (206, 186, 154)),
    "beauty": ((230, 243, 241), (188, 219, 214), (66, 128, 128), (242, 232, 212)),
    "stationery": ((247, 243, 233), (226, 217, 198), (42, 42, 50), (172, 52, 42)),
}

# What to draw for each product; anything missing falls back to its category.
PRODUCT_MOTIFS = {
    "dahongpao-2025": "teacup", "rougui-huiyuan": "teacup", "shuixian-laocong": "leaves",
    "zhengshan-xiaozhong": "teacup", "tea-sampler": "packets", "tieluohan-gift": "giftbox",
    "mingqian-longjing": "leaves", "yuqian-longjing": "teacup", "shifeng-longjing-2026": "leaves",
    "longjing-tea-cake": "cakes", "qinghua-rice-bowl": "bowl", "wood-fired-teacup": "cup",
    "shadow-blue-plate": "plate", "gaiwan-set": "gaiwan", "plum-vase": "vase",
    "mug-speckled": "mug", "butterfly-tablecloth": "cloth", "indigo-scarf": "scarf",
    "tie-dye-tote": "tote", "linen-kimono-jacket": "shirt", "dye-workshop": "clothesline",
    "hongyou-lazi": "jar", "pixian-douban": "jar", "hanyuan-pepper": "peppercorns",
    "sichuan-sausage": "sausage", "dengying-beef": "strips", "yunnan-baoshan": "beanbag",
    "ethiopia-yirgacheffe": "beanbag", "house-blend": "beanbag", "drip-bags": "packets",
    "pour-over-kettle": "kettle", "jizai-bing": "cakes", "laopo-bing": "cakes",
    "xingren-bing": "tin", "wife-cake-gift-box": "giftbox", "goupi-paper": "paper",
    "wolf-hair-brush": "brush", "pine-soot-ink": "ink", "copybook-set": "brush",
    "sea-salt-bar": "soap", "oolong-tea-soap": "soap", "camellia-face-oil": "bottle",
    "shampoo-bar": "soap", "soap-dish": "dish", "walnut-spoon": "spoon",
    "cherry-board": "board", "serving-tray": "tray", "butter-knife-set": "knives",
    "dried-porcini": "mushroom", "matsutake-slices": "mushroom", "wild-honey": "jar",
    "linen-shirt": "shirt", "wide-leg-pants": "pants", "linen-dress": "dress",
    "linen-apron": "apron", "agarwood-incense": "incense", "sachet": "sachet",
}
CATEGORY_MOTIFS = {
    "tea": "teacup", "oolong": "teacup", "green-tea": "leaves", "black-tea": "teacup",
    "coffee": "beanbag", "coffee-beans": "beanbag", "coffee-gear": "kettle",
    "handcraft": "bowl", "ceramics": "vase", "woodwork": "spoon", "textiles": "cloth",
    "food": "jar", "snacks": "cakes", "condiments": "jar", "dried-goods": "mushroom",
    "home": "tray", "tableware": "bowl", "kitchen": "board", "fragrance": "incense",
    "clothing": "shirt", "linen": "shirt", "accessories": "tote",
    "beauty": "soap", "skincare": "bottle", "soap": "soap",
    "stationery": "paper", "paper": "paper", "brushes": "brush",
}


def rng_for(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def shade(c, f):
    """f < 1 darkens, f > 1 lightens towards white."""
    if f <= 1:
        return tuple(round(x * f) for x in c)
    return mix(c, (255, 255, 255), min(f - 1, 1))


def jitter(c, r, amount=14):
    return tuple(max(0, min(255, x + r.randint(-amount, amount))) for x in c)


def gradient(size, top, bottom):
    mask = Image.linear_gradient("L").resize(size, Image.BICUBIC)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


class Pen:
    """ImageDraw in design units (the final pixel size), drawn S times larger."""

    def __init__(self, image):
        self.image = image
        self.d = ImageDraw.Draw(image)

    @staticmethod
    def _p(pts):
        return [(x * S, y * S) for x, y in pts]

    def ellipse(self, cx, cy, rx, ry, fill=None, outline=None, width=1):
        self.d.ellipse([(cx - rx) * S, (cy - ry) * S, (cx + rx) * S, (cy + ry) * S],
                       fill=fill, outline=outline, width=round(width * S))

    def circle(self, cx, cy, r, **kw):
        self.ellipse(cx, cy, r, r, **kw)

    def rect(self, x0, y0, x1, y1, fill=None, radius=0, outline=None, width=1):
        self.d.rounded_rectangle([x0 * S, y0 * S, x1 * S, y1 * S], radius=radius * S,
                                 fill=fill, outline=outline, width=round(width * S))

    def poly(self, pts, fill):
        self.d.polygon(self._p(pts), fill=fill)

    def line(self, pts, fill, width):
        self.d.line(self._p(pts), fill=fill, width=round(width * S), joint="curve")
        for x, y in (pts[0], pts[-1]):  # round caps
            self.circle(x, y, width / 2, fill=fill)

    def pieslice(self, cx, cy, rx, ry, start, end, fill):
        self.d.pieslice([(cx - rx) * S, (cy - ry) * S, (cx + rx) * S, (cy + ry) * S],
                        start, end, fill=fill)

    def arc(self, cx, cy, rx, ry, start, end, fill, width):
        self.d.arc([(cx - rx) * S, (cy - ry) * S, (cx + rx) * S, (cy + ry) * S],
                   start, end, fill=fill, width=round(width * S))


def shadow(img, cx, cy, rx, ry, strength=70):
    """A soft contact shadow under an object (design units)."""
    layer = Image.new("L", img.size, 0)
    ImageDraw.Draw(layer).ellipse([(cx - rx) * S, (cy - ry) * S, (cx + rx) * S, (cy + ry) * S],
                                  fill=strength)
    layer = layer.filter(ImageFilter.GaussianBlur(18 * S))
    img.paste(Image.new("RGB", img.size, (40, 30, 20)), (0, 0), layer)


def rotated(img, draw_fn, angle, center):
    """Draw on a transparent layer, rotate it about center, composite it on img."""
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw_fn(Pen(layer))
    layer = layer.rotate(angle, resample=Image.BICUBIC, center=(center[0] * S, center[1] * S))
    img.paste(layer, (0, 0), layer)


def wave(x0, x1, y, amp, period, phase, step=8):
    return [(x, y + amp * math.sin((x / period) * 2 * math.pi + phase))
            for x in range(int(x0), int(x1) + step, step)]


def leaf(p, cx, cy, length, angle, fill, vein):
    a = math.radians(angle)
    ux, uy = math.cos(a), math.sin(a)
    nx, ny = -uy, ux
    pts = []
    for i in range(21):
        t = i / 20
        w = math.sin(math.pi * t) * length * 0.28
        pts.append((cx + ux * (t - 0.5) * length + nx * w, cy + uy * (t - 0.5) * length + ny * w))
    for i in range(20, -1, -1):
        t = i / 20
        w = math.sin(math.pi * t) * length * 0.28
        pts.append((cx + ux * (t - 0.5) * length - nx * w, cy + uy * (t - 0.5) * length - ny * w))
    p.poly(pts, fill)
    p.line([(cx - ux * length * 0.45, cy - uy * length * 0.45),
            (cx + ux * length * 0.45, cy + uy * length * 0.45)], vein, 2)


def bean(p, cx, cy, r, angle, fill, groove):
    a = math.radians(angle)
    pts = [(cx + r * math.cos(t) * math.cos(a) - 0.7 * r * math.sin(t) * math.sin(a),
            cy + r * math.cos(t) * math.sin(a) + 0.7 * r * math.sin(t) * math.cos(a))
           for t in [i * math.pi / 16 for i in range(32)]]
    p.poly(pts, fill)
    p.line([(cx - r * 0.8 * math.cos(a), cy - r * 0.8 * math.sin(a)),
            (cx + r * 0.8 * math.cos(a), cy + r * 0.8 * math.sin(a))], groove, max(2, r / 6))


# --- product motifs -------------------------------------------------------
# Each takes (img, pen, rng, palette, cx, cy, k) where (cx, cy) is the centre of
# the object and k its scale; design space is 1000 x 750.

def m_teacup(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    shadow(img, cx, cy + 120 * k, 230 * k, 40 * k)
    p.ellipse(cx, cy + 110 * k, 230 * k, 50 * k, fill=shade(acc, 1.7))
    p.ellipse(cx, cy + 104 * k, 200 * k, 40 * k, fill=shade(acc, 1.55))
    p.pieslice(cx, cy - 20 * k, 150 * k, 130 * k, 0, 180, fill=(248, 246, 240))
    p.ellipse(cx, cy - 20 * k, 150 * k, 34 * k, fill=(236, 232, 222))
    p.ellipse(cx, cy - 16 * k, 132 * k, 27 * k, fill=acc)
    p.ellipse(cx - 30 * k, cy - 20 * k, 40 * k, 7 * k, fill=shade(acc, 1.3))
    for i in range(3):
        x = cx + (i - 1) * 45 * k
        p.line([(x + 12 * k * math.sin(t / 8 + i), cy - 70 * k - t * k) for t in range(0, 110, 6)],
               (255, 255, 255), 5 * k)
    for i in range(r.randint(2, 4)):
        leaf(p, cx + r.choice([-1, 1]) * r.uniform(230, 330) * k, cy + r.uniform(40, 140) * k,
             r.uniform(90, 130) * k, r.uniform(-60, 60), jitter(main, r), shade(main, 0.7))


def m_cup(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    glaze = (112, 146, 128) if r.random() < 0.5 else (150, 120, 96)
    for i, dx in enumerate((-150, 150)):
        x = cx + dx * k
        shadow(img, x, cy + 120 * k, 120 * k, 26 * k)
        p.poly([(x - 110 * k, cy - 80 * k), (x + 110 * k, cy - 80 * k),
                (x + 80 * k, cy + 110 * k), (x - 80 * k, cy + 110 * k)], fill=(176, 138, 104))
        p.poly([(x - 110 * k, cy - 80 * k), (x + 110 * k, cy - 80 * k),
                (x + 98 * k, cy - 5 * k), (x - 98 * k, cy - 5 * k)], fill=jitter(glaze, r))
        for _ in range(5):
            dx2 = r.uniform(-80, 80) * k
            p.line([(x + dx2, cy - 10 * k), (x + dx2 * 0.95, cy + r.uniform(20, 60) * k)],
                   jitter(glaze, r), 7 * k)
        p.ellipse(x, cy - 80 * k, 110 * k, 22 * k, fill=shade(glaze, 0.8))
        p.ellipse(x, cy - 78 * k, 96 * k, 16 * k, fill=shade(glaze, 0.6))


def m_leaves(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    shadow(img, cx, cy + 40 * k, 300 * k, 90 * k, 50)
    tones = [main, shade(main, 1.25), mix(main, acc, 0.3), shade(main, 0.8)]
    for _ in range(46):
        a = r.uniform(0, 2 * math.pi)
        d = r.uniform(0, 1) ** 0.6
        leaf(p, cx + math.cos(a) * d * 280 * k, cy + math.sin(a) * d * 120 * k,
             r.uniform(60, 110) * k, r.uniform(0, 180), r.choice(tones), shade(main, 0.6))


def m_packets(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    cols = [main, acc, shade(main, 1.3), shade(acc, 0.8)]
    for row in range(2):
        for col in range(4):
            x = cx + (col - 1.5) * 150 * k
            y = cy + (row - 0.5) * 190 * k
            shadow(img, x, y + 80 * k, 60 * k, 14 * k, 50)
            c = cols[(row + col) % 4]
            p.rect(x - 58 * k, y - 80 * k, x + 58 * k, y + 80 * k, fill=c, radius=8 * k)
            p.rect(x - 58 * k, y - 80 * k, x + 58 * k, y - 58 * k, fill=shade(c, 0.8), radius=4 * k)
            p.rect(x - 38 * k, y - 20 * k, x + 38 * k, y + 40 * k, fill=(250, 246, 236), radius=6 * k)
            p.circle(x, y + 10 * k, 14 * k, fill=c)


def m_giftbox(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    shadow(img, cx, cy + 150 * k, 300 * k, 40 * k)
    red = (176, 44, 40)
    p.poly([(cx - 280 * k, cy - 40 * k), (cx + 280 * k, cy - 40 * k),
            (cx + 280 * k, cy + 150 * k), (cx - 280 * k, cy + 150 * k)], fill=red)
    p.poly([(cx - 300 * k, cy - 100 * k), (cx + 300 * k, cy - 100 * k),
            (cx + 300 * k, cy - 30 * k), (cx - 300 * k, cy - 30 * k)], fill=shade(red, 1.15))
    gold = (226, 180, 80)
    p.rect(cx - 24 * k, cy - 100 * k, cx + 24 * k, cy + 150 * k, fill=gold)
    for s in (-1, 1):
        p.ellipse(cx + s * 70 * k, cy - 130 * k, 70 * k, 34 * k, fill=gold)
        p.ellipse(cx + s * 70 * k, cy - 130 * k, 40 * k, 14 * k, fill=shade(gold, 0.8))
    p.circle(cx, cy - 120 * k, 28 * k, fill=shade(gold, 0.9))
    for i in range(6):
        p.circle(cx - 220 * k + i * 20 * k, cy + 60 * k, 5 * k, fill=shade(red, 1.3))


def m_cakes(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    shadow(img, cx, cy + 40 * k, 340 * k, 110 * k)
    p.ellipse(cx, cy + 20 * k, 340 * k, 130 * k, fill=(246, 244, 238))
    p.ellipse(cx, cy + 20 * k, 300 * k, 108 * k, outline=(120, 150, 190), width=4)
    crust = (214, 150, 72)
    spots = [(-150, -20), (0, -40), (150, -20), (-80, 50), (80, 50)]
    for dx, dy in spots:
        x, y = cx + dx * k, cy + dy * k
        p.ellipse(x, y + 12 * k, 78 * k, 34 * k, fill=shade(crust, 0.75))
        p.ellipse(x, y, 78 * k, 34 * k, fill=jitter(crust, r, 10))
        p.ellipse(x, y - 2 * k, 50 * k, 20 * k, fill=shade(crust, 1.2))
        for _ in range(6):
            p.circle(x + r.uniform(-40, 40) * k, y + r.uniform(-12, 12) * k, 3 * k,
                     fill=(250, 240, 220))


def m_bowl(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    shadow(img, cx, cy + 150 * k, 200 * k, 34 * k)
    p.pieslice(cx, cy - 40 * k, 260 * k, 200 * k, 0, 180, fill=(248, 248, 244))
    p.rect(cx - 80 * k, cy + 140 * k, cx + 80 * k, cy + 165 * k, fill=(238, 238, 232), radius=6 * k)
    p.ellipse(cx, cy - 40 * k, 260 * k, 52 * k, fill=(226, 230, 232))
    p.ellipse(cx, cy - 36 * k, 240 * k, 44 * k, fill=(240, 242, 244))
    for i in range(9):  # a band of blue scrolls under the rim
        a = math.pi * (i + 0.5) / 9
        x = cx - math.cos(a) * 225 * k
        y = cy + (-5 + math.sin(a) * 30) * k
        p.arc(x, y, 26 * k, 18 * k, 180, 450, fill=main, width=5 * k)
        leaf(p, x + 18 * k, y + 40 * k, 34 * k, 70, shade(main, 1.2), main)
    p.line(wave(cx - 200 * k, cx + 200 * k, cy + 95 * k, 6 * k, 70 * k, 0), main, 4 * k)


def m_plate(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    celadon = (196, 222, 220)
    shadow(img, cx, cy + 30 * k, 360 * k, 150 * k)
    p.ellipse(cx, cy, 360 * k, 170 * k, fill=(226, 238, 236))
    p.ellipse(cx, cy + 8 * k, 270 * k, 124 * k, fill=celadon)
    for i in range(16):
        a = 2 * math.pi * i / 16
        leaf(p, cx + math.cos(a) * 170 * k, cy + 8 * k + math.sin(a) * 78 * k, 70 * k,
             math.degrees(math.atan2(math.sin(a) * 78, math.cos(a) * 170)), shade(celadon, 0.92),
             shade(celadon, 0.85))
    p.ellipse(cx, cy + 8 * k, 120 * k, 55 * k, fill=shade(celadon, 1.1))


def m_gaiwan(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    white = (248, 248, 244)
    m_bowl(img, p, r, pal, cx - 80 * k, cy + 40 * k, 0.75 * k)
    lx, ly = cx - 80 * k, cy - 40 * k
    p.pieslice(lx, ly, 170 * k, 90 * k, 180, 360, fill=(238, 240, 240))
    p.ellipse(lx, ly - 92 * k, 34 * k, 14 * k, fill=white)
    p.rect(lx - 18 * k, ly - 95 * k, lx + 18 * k, ly - 80 * k, fill=white)
    p.arc(lx, ly - 20 * k, 110 * k, 40 * k, 200, 340, fill=main, width=5 * k)
    for i in range(2):
        x, y = cx + (210 + i * 120) * k, cy + (120 - i * 10) * k
        shadow(img, x, y + 40 * k, 60 * k, 14 * k, 50)
        p.pieslice(x, y - 20 * k, 55 * k, 60 * k, 0, 180, fill=white)
        p.ellipse(x, y - 20 * k, 55 * k, 14 * k, fill=acc if acc != (246, 246, 240) else (200, 150, 80))
        p.arc(x, y + 5 * k, 40 * k, 15 * k, 20, 160, fill=main, width=4 * k)


def m_vase(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    h = 300 * k
    prof = []
    for i in range(41):
        t = i / 40  # 0 = top (mouth), 1 = foot
        w = 40 + 150 * math.sin(min(1, t * 1.9) * math.pi / 2) ** 1.4 * (1 - 0.55 * max(0, t - 0.35) / 0.65)
        if t < 0.06:
            w = 42
        prof.append((w * k, cy - h + t * 2 * h))
    shadow(img, cx, cy + h, 110 * k, 24 * k)
    p.poly([(cx - w, y) for w, y in prof] + [(cx + w, y) for w, y in reversed(prof)], (248, 248, 244))
    p.rect(cx - 50 * k, cy - h - 16 * k, cx + 50 * k, cy - h + 10 * k, fill=(240, 240, 236), radius=6 * k)
    for y0 in (cy - h + 60 * k, cy + h - 80 * k):
        p.line([(cx - 120 * k, y0), (cx + 120 * k, y0)], main, 4 * k)
    base = cy + 60 * k  # little blue mountains and a boat
    for i, (dx, hh) in enumerate(((-70, 110), (0, 160), (70, 100))):
        p.poly([(cx + (dx - 80) * k, base), (cx + dx * k, base - hh * k), (cx + (dx + 80) * k, base)],
               shade(main, 1.0 + 0.25 * i))
    p.line(wave(cx - 110 * k, cx + 110 * k, base + 30 * k, 5 * k, 50 * k, 0), main, 3 * k)
    p.poly([(cx - 30 * k, base + 55 * k), (cx + 30 * k, base + 55 * k), (cx + 18 * k, base + 66 * k),
            (cx - 18 * k, base + 66 * k)], main)


def m_mug(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    body = (226, 214, 194)
    shadow(img, cx, cy + 170 * k, 190 * k, 30 * k)
    p.arc(cx + 170 * k, cy, 90 * k, 100 * k, 270, 90, fill=shade(body, 0.9), width=34 * k)
    p.rect(cx - 170 * k, cy - 160 * k, cx + 170 * k, cy + 170 * k, fill=body, radius=40 * k)
    p.rect(cx - 170 * k, cy - 160 * k, cx + 170 * k, cy - 60 * k, fill=(236, 230, 216), radius=30 * k)
    for _ in range(70):
        p.circle(cx + r.uniform(-160, 160) * k, cy + r.uniform(-150, 160) * k, r.uniform(2, 5) * k,
                 fill=(120, 90, 60))
    p.ellipse(cx, cy - 160 * k, 170 * k, 30 * k, fill=(120, 82, 52))


def tie_dye(p, r, cx, cy, rad, blue, light):
    for i in range(6, 0, -1):
        p.circle(cx, cy, rad * i / 6, fill=blue if i % 2 == 0 else light)
    for j in range(8):
        a = 2 * math.pi * j / 8 + r.uniform(0, 0.3)
        p.line([(cx, cy), (cx + math.cos(a) * rad, cy + math.sin(a) * rad)], blue, 2)


def m_cloth(img, p, r, pal, cx, cy, k):
    blue, light = (34, 58, 112), (214, 224, 238)

    def draw(q):
        q.rect(cx - 360 * k, cy - 240 * k, cx + 360 * k, cy + 240 * k, fill=blue, radius=6 * k)
        for i in range(4):
            for j in range(3):
                tie_dye(q, r, cx + (i - 1.5) * 170 * k, cy + (j - 1) * 150 * k, 62 * k, blue, light)
        for _ in range(24):  # small butterflies
            x, y = cx + r.uniform(-340, 340) * k, cy + r.uniform(-220, 220) * k
            for s in (-1, 1):
                q.ellipse(x + s * 9 * k, y, 9 * k, 6 * k, fill=light)
    shadow(img, cx, cy + 240 * k, 360 * k, 30 * k, 50)
    rotated(img, draw, r.uniform(-6, 6), (cx, cy))


def m_scarf(img, p, r, pal, cx, cy, k):
    steps = 14
    for i in range(steps):
        t = i / (steps - 1)
        c = mix((200, 220, 236), (28, 52, 104), t)
        y = cy - 200 * k + i * 30 * k
        top = wave(cx - 420 * k, cx + 420 * k, y, 40 * k, 520 * k, t * 1.2)
        bot = wave(cx - 420 * k, cx + 420 * k, y + 34 * k, 40 * k, 520 * k, t * 1.2)
        p.poly(top + list(reversed(bot)), c)
    for i in range(12):
        x = cx + 420 * k
        y = cy - 180 * k + i * 36 * k + 40 * k * math.sin((x / (520 * k)) * 2 * math.pi)
        p.line([(x, y), (x + 40 * k, y + 8 * k)], (40, 60, 110), 3 * k)


def m_tote(img, p, r, pal, cx, cy, k):
    blue, light = (36, 62, 116), (232, 236, 242)
    shadow(img, cx, cy + 230 * k, 240 * k, 30 * k)
    p.arc(cx - 80 * k, cy - 170 * k, 60 * k, 110 * k, 180, 360, fill=(214, 200, 176), width=22 * k)
    p.arc(cx + 80 * k, cy - 170 * k, 60 * k, 110 * k, 180, 360, fill=(214, 200, 176), width=22 * k)
    p.rect(cx - 230 * k, cy - 180 * k, cx + 230 * k, cy + 230 * k, fill=light, radius=10 * k)
    for row in range(9):  # fish-scale pattern
        for col in range(9):
            x = cx - 210 * k + col * 52 * k + (row % 2) * 26 * k
            y = cy - 150 * k + row * 44 * k
            if x < cx + 220 * k:
                p.arc(x, y, 24 * k, 22 * k, 0, 180, fill=blue, width=6 * k)


def m_shirt(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    c = jitter((222, 210, 186) if r.random() < 0.6 else main, r, 8)
    shadow(img, cx, cy + 270 * k, 260 * k, 28 * k, 50)
    pts = [(-90, -250), (-210, -200), (-320, -40), (-250, 0), (-180, -90), (-180, 260),
           (180, 260), (180, -90), (250, 0), (320, -40), (210, -200), (90, -250), (40, -210),
           (0, -200), (-40, -210)]
    p.poly([(cx + x * k, cy + y * k) for x, y in pts], c)
    p.poly([(cx - 90 * k, cy - 250 * k), (cx - 10 * k, cy - 160 * k), (cx - 50 * k, cy - 215 * k)],
           shade(c, 0.85))
    p.poly([(cx + 90 * k, cy - 250 * k), (cx + 10 * k, cy - 160 * k), (cx + 50 * k, cy - 215 * k)],
           shade(c, 0.85))
    p.line([(cx, cy - 170 * k), (cx, cy + 255 * k)], shade(c, 0.88), 3 * k)
    for i in range(6):
        p.circle(cx + 14 * k, cy - 140 * k + i * 70 * k, 7 * k, fill=(250, 248, 240))


def m_pants(img, p, r, pal, cx, cy, k):
    c = (132, 152, 178)
    shadow(img, cx, cy + 270 * k, 260 * k, 26 * k, 50)
    p.poly([(cx - 180 * k, cy - 260 * k), (cx + 180 * k, cy - 260 * k), (cx + 250 * k, cy + 270 * k),
            (cx + 30 * k, cy + 270 * k), (cx, cy - 60 * k), (cx - 30 * k, cy + 270 * k),
            (cx - 250 * k, cy + 270 * k)], c)
    p.rect(cx - 182 * k, cy - 270 * k, cx + 182 * k, cy - 220 * k, fill=shade(c, 0.85), radius=8 * k)
    for i in range(14):
        x = cx - 170 * k + i * 26 * k
        p.line([(x, cy - 265 * k), (x + 2 * k, cy - 225 * k)], shade(c, 0.75), 2 * k)


def m_dress(img, p, r, pal, cx, cy, k):
    c = (196, 176, 150)
    shadow(img, cx, cy + 290 * k, 280 * k, 26 * k, 50)
    p.poly([(cx - 90 * k, cy - 230 * k), (cx + 90 * k, cy - 230 * k), (cx + 130 * k, cy - 60 * k),
            (cx + 280 * k, cy + 290 * k), (cx - 280 * k, cy + 290 * k), (cx - 130 * k, cy - 60 * k)], c)
    for s in (-1, 1):
        p.line([(cx + s * 80 * k, cy - 230 * k), (cx + s * 60 * k, cy - 300 * k)], c, 14 * k)
    p.line([(cx - 130 * k, cy - 60 * k), (cx + 130 * k, cy - 60 * k)], shade(c, 0.8), 8 * k)
    for i in range(5):
        x = cx + (i - 2) * 80 * k
        p.line([(x, cy - 50 * k), (x * 1 + (i - 2) * 40 * k, cy + 285 * k)], shade(c, 0.92), 3 * k)


def m_apron(img, p, r, pal, cx, cy, k):
    c = (110, 120, 104)
    shadow(img, cx, cy + 280 * k, 250 * k, 26 * k, 50)
    for s in (-1, 1):
        p.line([(cx + s * 120 * k, cy - 250 * k), (cx - s * 220 * k, cy - 40 * k)], shade(c, 0.85), 18 * k)
    p.poly([(cx - 120 * k, cy - 260 * k), (cx + 120 * k, cy - 260 * k), (cx + 150 * k, cy - 60 * k),
            (cx + 240 * k, cy - 30 * k), (cx + 240 * k, cy + 280 * k), (cx - 240 * k, cy + 280 * k),
            (cx - 240 * k, cy - 30 * k), (cx - 150 * k, cy - 60 * k)], c)
    for s in (-1, 1):
        p.rect(cx + s * 120 * k - 80 * k, cy + 40 * k, cx + s * 120 * k + 80 * k, cy + 170 * k,
               fill=shade(c, 0.9), radius=8 * k)
        p.line([(cx + s * 120 * k - 80 * k, cy + 50 * k), (cx + s * 120 * k + 80 * k, cy + 50 * k)],
               shade(c, 1.2), 3 * k)


def m_clothesline(img, p, r, pal, cx, cy, k):
    rope = [(cx - 460 * k + t * 920 * k, cy - 230 * k + 50 * k * math.sin(math.pi * t))
            for t in [i / 30 for i in range(31)]]
    p.line(rope, (140, 110, 80), 5 * k)
    blues = [(34, 58, 112), (60, 96, 156), (96, 134, 190)]
    for i in range(4):
        t = (i + 0.5) / 4
        x = cx - 460 * k + t * 920 * k
        y = cy - 230 * k + 50 * k * math.sin(math.pi * t)
        w, h = 90 * k, r.uniform(300, 380) * k
        col = blues[i % 3]
        p.rect(x - w, y, x + w, y + h, fill=col, radius=4 * k)
        tie_dye(p, r, x, y + h * 0.45, 70 * k, col, (226, 232, 240))
        p.rect(x - 10 * k, y - 12 * k, x + 10 * k, y + 14 * k, fill=(190, 160, 120), radius=3 * k)


def m_jar(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    shadow(img, cx, cy + 210 * k, 200 * k, 30 * k)
    fill = (170, 40, 28) if r.random() < 0.7 else (214, 150, 40)
    p.rect(cx - 170 * k, cy - 150 * k, cx + 170 * k, cy + 210 * k, fill=(236, 240, 240), radius=50 * k)
    p.rect(cx - 155 * k, cy - 100 * k, cx + 155 * k, cy + 195 * k, fill=fill, radius=40 * k)
    p.rect(cx - 175 * k, cy - 40 * k, cx + 175 * k, cy + 80 * k, fill=(246, 236, 214))
    p.circle(cx, cy + 20 * k, 40 * k, outline=fill, width=6 * k)
    p.rect(cx - 140 * k, cy - 230 * k, cx + 140 * k, cy - 150 * k, fill=shade(main, 0.7), radius=14 * k)
    for i in range(10):
        x = cx - 125 * k + i * 28 * k
        p.line([(x, cy - 225 * k), (x, cy - 155 * k)], shade(main, 0.55), 3 * k)
    for s in (-1, 1):  # chillies
        x = cx + s * 300 * k
        pts = [(x + s * 60 * k * math.sin(t * 1.4), cy + 60 * k - 140 * k + t * 190 * k) for t in
               [i / 12 for i in range(13)]]
        p.line(pts, (196, 40, 30), 34 * k)
        p.line([pts[0], (pts[0][0] - s * 20 * k, pts[0][1] - 30 * k)], (70, 110, 50), 10 * k)


def m_peppercorns(img, p, r, pal, cx, cy, k):
    shadow(img, cx, cy + 40 * k, 300 * k, 120 * k, 60)
    p.ellipse(cx, cy + 20 * k, 310 * k, 150 * k, fill=(190, 160, 118))
    p.ellipse(cx, cy + 10 * k, 280 * k, 128 * k, fill=(206, 180, 140))
    for _ in range(260):
        a = r.uniform(0, 2 * math.pi)
        d = r.uniform(0, 1) ** 0.5
        x, y = cx + math.cos(a) * d * 250 * k, cy + math.sin(a) * d * 110 * k
        c = jitter((150, 40, 30), r, 20)
        p.circle(x, y, 11 * k, fill=c)
        p.circle(x - 3 * k, y - 3 * k, 3 * k, fill=shade(c, 1.3))


def m_sausage(img, p, r, pal, cx, cy, k):
    shadow(img, cx, cy + 150 * k, 360 * k, 40 * k)
    p.rect(cx - 380 * k, cy + 60 * k, cx + 380 * k, cy + 160 * k, fill=(170, 128, 84), radius=12 * k)
    for row in range(3):
        y = cy - 120 * k + row * 70 * k
        for i in range(4):
            x0 = cx - 330 * k + i * 170 * k
            c = jitter((140, 40, 34), r, 12)
            p.line([(x0, y), (x0 + 130 * k, y + 6 * k)], c, 56 * k)
            p.line([(x0 + 10 * k, y - 12 * k), (x0 + 70 * k, y - 10 * k)], shade(c, 1.25), 6 * k)
    for i in range(6):
        x = cx - 300 * k + i * 110 * k
        p.ellipse(x, cy + 100 * k, 34 * k, 30 * k, fill=(176, 62, 50))
        for _ in range(5):
            p.circle(x + r.uniform(-20, 20) * k, cy + 100 * k + r.uniform(-16, 16) * k, 5 * k,
                     fill=(240, 220, 210))


def m_strips(img, p, r, pal, cx, cy, k):
    shadow(img, cx, cy + 30 * k, 330 * k, 130 * k, 60)
    p.ellipse(cx, cy + 20 * k, 330 * k, 140 * k, fill=(246, 244, 238))
    for _ in range(30):
        x, y = cx + r.uniform(-240, 240) * k, cy + r.uniform(-70, 90) * k
        a = r.uniform(-0.8, 0.8)
        pts = [(x + math.cos(a) * t * k + r.uniform(-4, 4) * k, y + math.sin(a) * t * k)
               for t in range(-60, 61, 20)]
        p.line(pts, jitter((150, 54, 36), r, 16), 12 * k)
    for _ in range(80):
        p.circle(cx + r.uniform(-240, 240) * k, cy + r.uniform(-70, 100) * k, 3 * k,
                 fill=(244, 232, 200))


def m_beanbag(img, p, r, pal, cx, cy, k):
    _, _, main, acc = pal
    bag = jitter((200, 170, 130), r, 10) if r.random() < 0.5 else jitter(main, r, 10)
    shadow(img, cx, cy + 230 * k, 240 * k, 30 * k)
    p.rect(cx - 180 * k, cy - 200 * k, cx + 180 * k, cy + 230 * k, fill=bag, radius=24 * k)
    p.rect(cx - 180 * k, cy - 240 * k, cx + 180 * k, cy - 170 * k, fill=shade(bag, 0.85), radius=10 * k)
    for i in range(16):
        x = cx - 170 * k + i * 22.6 * k
        p.line([(x, cy - 236 * k), (x, cy - 175 * k)], shade(bag, 0.75), 3 * k)
    p.rect(cx - 120 * k, cy - 60 * k, cx + 120 * k, cy + 120 * k, fill=(248, 244, 234), radius=10 * k)
    bean(p, cx, cy + 30 * k, 46 * k, -30, shade(main, 0.9), (40, 26, 18))
    for _ in range(18):
        s = r.choice([-1, 1])
        bean(p, cx + s * r.uniform(230, 420) * k, cy + r.uniform(80, 240) * k, r.uniform(22, 30) * k,
             r.uniform(0, 180), jitter((92, 56, 34), r, 12), (40, 26, 18))


def m_kettle(img, p, r, pal, cx, cy, k):
    body = (52, 52, 56)
    shadow(img, cx, cy + 200 * k, 240 * k, 32 * k)
    p.line([(cx - 170 * k, cy + 120 * k), (cx - 260 * k, cy - 40 * k), (cx - 300 * k, cy - 150 * k),
            (cx - 350 * k, cy - 180 * k)], body, 22 * k)
    p.arc(cx + 170 * k, cy + 10 * k, 90 * k, 140 * k, 270, 90, fill=(90, 70, 50), width=30 * k)
    p.rect(cx - 200 * k, cy - 120 * k, cx + 200 * k, cy + 200 * k, fill=body, radius=60 * k)
    p.rect(cx - 200 * k, cy - 120 * k, cx - 150 * k, cy + 200 * k, fill=shade(body, 1.25), radius=30 * k)
    p.ellipse(cx, cy - 125 * k, 150 * k, 28 * k, fill=shade(body, 1.2))
    p.circle(cx, cy - 160 * k, 28 * k, fill=(90, 70, 50))
    for i in range(3):
        p.line([(cx - 360 * k - 10 * k * math.sin(t / 10 + i), cy - 200 * k - t * k)
                for t in range(0, 120, 10)], (250, 250, 250), 4 * k)


def m_paper(img, p, r, pal, cx, cy, k):
    def draw(q):
        for i in range(5, -1, -1):
            off = i * 12 * k
            c = mix((250, 246, 234), (226, 214, 190), i / 6)
            q.rect(cx - 300 * k + off, cy - 220 * k + off, cx + 300 * k + off, cy + 220 * k + off,
                   fill=c, radius=3 * k)
        for _ in range(120):
            x, y = cx + r.uniform(-290, 290) * k, cy + r.uniform(-210, 210) * k
            a = r.uniform(0, math.pi)
            q.line([(x, y), (x + math.cos(a) * 18 * k, y + math.sin(a) * 18 * k)],
                   (214, 202, 178), 1.5 * k)
        for i in range(12):
            y = cy - 200 * k + i * 37 * k
            q.line([(cx - 295 * k, y), (cx + 295 * k, y)], (240, 234, 220), 1.5 * k)
    shadow(img, cx + 20 * k, cy + 40 * k, 330 * k, 240 * k, 40)
    rotated(img, draw, r.uniform(-8, 8), (cx, cy))


def brush(p, x, y, length, angle, k, handle=(120, 70, 40)):
    a = math.radians(angle)
    ux, uy = math.cos(a), math.sin(a)
    end = (x + ux * length * k, y + uy * length * k)
    p.line([(x, y), end], handle, 22 * k)
    p.line([(x + ux * length * 0.8 * k, y + uy * length * 0.8 * k), end], (210, 196, 170), 24 * k)
    tip = [(end[0] - uy * 16 * k, end[1] + ux * 16 * k), (end[0] + uy * 16 * k, end[1] - ux * 16 * k),
           (end[0] + ux * 120 * k, end[1] + uy * 120 * k)]
    p.poly(tip, (36, 30, 28))
    p.circle(x, y, 14 * k, fill=(176, 50, 40))


def m_brush(img, p, r, pal, cx, cy, k):
    m_paper(img, p, r, pal, cx - 60 * k, cy, 0.8 * k)
    shadow(img, cx + 60 * k, cy + 60 * k, 320 * k, 30 * k, 60)
    brush(p, cx - 300 * k, cy - 40 * k, 480, 12, k)
    p.line([(cx - 160 * k + t * 3 * k, cy + 130 * k + 4 * k * math.sin(t / 9)) for t in range(0, 70, 5)],
           (30, 28, 30), 14 * k)


def m_ink(img, p, r, pal, cx, cy, k):
    shadow(img, cx, cy + 140 * k, 320 * k, 40 * k)
    p.ellipse(cx + 130 * k, cy + 90 * k, 200 * k, 80 * k, fill=(70, 72, 76))
    p.ellipse(cx + 130 * k, cy + 84 * k, 170 * k, 62 * k, fill=(20, 20, 24))

    def draw(q):
        q.rect(cx - 260 * k, cy - 60 * k, cx + 40 * k, cy + 20 * k, fill=(28, 28, 32), radius=8 * k)
        q.rect(cx - 200 * k, cy - 45 * k, cx - 20 * k, cy + 5 * k, outline=(200, 170, 90), width=3 * k)
        for i in range(3):
            q.poly([(cx - 180 * k + i * 50 * k, cy), (cx - 155 * k + i * 50 * k, cy - 35 * k),
                    (cx - 130 * k + i * 50 * k, cy)], (200, 170, 90))
    rotated(img, draw, -8, (cx, cy))


def m_soap(img, p, r, pal, cx, cy, k):
    tones = [(240, 232, 214), (196, 222, 214), (214, 196, 168), (232, 214, 200)]
    r.shuffle(tones)
    shadow(img, cx, cy + 190 * k, 290 * k, 30 * k)
    for i in range(3):
        y = cy + 150 * k - i * 110 * k
        x = cx + (i - 1) * 22 * k
        c = tones[i]
        p.rect(x - 240 * k, y - 70 * k, x + 240 * k, y + 40 * k, fill=shade(c, 0.85), radius=26 * k)
        p.rect(x - 240 * k, y - 90 * k, x + 240 * k, y + 20 * k, fill=c, radius=26 * k)
        if i == 2:
            p.circle(x, y - 35 * k, 40 * k, outline=shade(c, 0.8), width=5 * k)
            leaf(p, x, y - 35 * k, 50 * k, 40, shade(c, 0.8), c)
        else:
            for _ in range(14):
                p.circle(x + r.uniform(-220, 220) * k, y + r.uniform(-80, 10) * k, 3 * k,
                         fill=shade(c, 0.7))


def m_bottle(img, p, r, pal, cx, cy, k):
    amber = (168, 96, 34)
    shadow(img, cx, cy + 240 * k, 160 * k, 28 * k)
    p.rect(cx - 120 * k, cy - 100 * k, cx + 120 * k, cy + 240 * k, fill=amber, radius=30 * k)
    p.rect(cx - 95 * k, cy - 80 * k, cx - 70 * k, cy + 200 * k, fill=shade(amber, 1.3), radius=12 * k)
    p.rect(cx - 55 * k, cy - 160 * k, cx + 55 * k, cy - 90 * k, fill=(40, 40, 40), radius=8 * k)
    p.rect(cx - 34 * k, cy - 260 * k, cx + 34 * k, cy - 150 * k, fill=(30, 30, 30), radius=30 * k)
    p.rect(cx - 100 * k, cy + 20 * k, cx + 100 * k, cy + 150 * k, fill=(246, 240, 226), radius=6 * k)
    for x, y in ((cx - 260 * k, cy + 180 * k), (cx + 300 * k, cy - 80 * k), (cx + 260 * k, cy + 180 * k)):
        # camellia flowers
        for j in range(5):
            a = 2 * math.pi * j / 5
            p.circle(x + math.cos(a) * 30 * k, y + math.sin(a) * 30 * k, 30 * k, fill=(250, 246, 240))
        p.circle(x, y, 16 * k, fill=(232, 190, 60))


def m_dish(img, p, r, pal, cx, cy, k):
    bamboo = (214, 178, 118)
    shadow(img, cx, cy + 110 * k, 320 * k, 40 * k)
    p.rect(cx - 300 * k, cy - 40 * k, cx + 300 * k, cy + 120 * k, fill=shade(bamboo, 0.85), radius=14 * k)
    for i in range(11):
        x = cx - 280 * k + i * 56 * k
        p.rect(x, cy - 60 * k, x + 40 * k, cy + 100 * k, fill=jitter(bamboo, r, 8), radius=10 * k)
    p.rect(cx - 170 * k, cy - 150 * k, cx + 170 * k, cy - 30 * k, fill=(236, 226, 208), radius=30 * k)


def m_spoon(img, p, r, pal, cx, cy, k):
    wood = jitter((96, 62, 40), r, 10)

    def draw(q):
        q.line([(cx - 380 * k, cy), (cx + 80 * k, cy)], wood, 44 * k)
        q.ellipse(cx + 200 * k, cy, 150 * k, 95 * k, fill=wood)
        q.ellipse(cx + 205 * k, cy, 120 * k, 72 * k, fill=shade(wood, 0.8))
        q.ellipse(cx + 185 * k, cy - 18 * k, 60 * k, 24 * k, fill=shade(wood, 1.2))
        for i in range(5):
            q.line([(cx - 360 * k, cy - 14 * k + i * 7 * k), (cx + 60 * k, cy - 12 * k + i * 6 * k)],
                   shade(wood, 1.12), 1.5 * k)
    shadow(img, cx, cy + 90 * k, 420 * k, 40 * k, 60)
    rotated(img, draw, r.uniform(-18, 18), (cx, cy))


def m_board(img, p, r, pal, cx, cy, k):
    woods = [(168, 92, 62), (186, 112, 74), (150, 80, 56)]
    shadow(img, cx, cy + 200 * k, 360 * k, 40 * k)
    p.rect(cx - 340 * k, cy - 170 * k, cx + 340 * k, cy + 210 * k, fill=(120, 64, 44), radius=18 * k)
    n, m = 10, 6
    for i in range(n):
        for j in range(m):
            x0 = cx - 330 * k + i * 66 * k
            y0 = cy - 200 * k + j * 66 * k
            c = woods[(i + j) % 3]
            p.rect(x0, y0, x0 + 64 * k, y0 + 64 * k, fill=jitter(c, r, 6), radius=2 * k)
            for ring in (24, 14):
                p.circle(x0 + 32 * k, y0 + 32 * k, ring * k, outline=shade(c, 0.9), width=2 * k)
    p.rect(cx - 300 * k, cy - 170 * k, cx + 300 * k, cy - 160 * k, fill=shade(woods[0], 0.8), radius=4 * k)


def m_tray(img, p, r, pal, cx, cy, k):
    wood = (196, 150, 96)
    shadow(img, cx, cy + 150 * k, 400 * k, 40 * k)
    p.rect(cx - 400 * k, cy - 130 * k, cx + 400 * k, cy + 150 * k, fill=shade(wood, 0.8), radius=40 * k)
    p.rect(cx - 370 * k, cy - 110 * k, cx + 370 * k, cy + 120 * k, fill=wood, radius=30 * k)
    for s in (-1, 1):
        p.rect(cx + s * 340 * k - 14 * k, cy - 50 * k, cx + s * 340 * k + 14 * k, cy + 60 * k,
               fill=shade(wood, 0.6), radius=14 * k)
    for i in range(9):
        p.line(wave(cx - 320 * k, cx + 320 * k, cy - 80 * k + i * 22 * k, 6 * k, 300 * k, i * 0.7),
               shade(wood, 0.92), 2 * k)
    p.ellipse(cx - 120 * k, cy, 70 * k, 40 * k, fill=(250, 248, 242))
    p.ellipse(cx - 120 * k, cy - 4 * k, 46 * k, 20 * k, fill=(178, 122, 62))
    p.ellipse(cx + 130 * k, cy + 10 * k, 100 * k, 50 * k, fill=(250, 248, 242))
    for dx in (-40, 0, 40):
        p.ellipse(cx + 130 * k + dx * k, cy + 4 * k, 28 * k, 16 * k, fill=(214, 150, 72))


def m_knives(img, p, r, pal, cx, cy, k):
    woods = [(86, 56, 38), (176, 98, 66), (226, 198, 150)]
    shadow(img, cx, cy + 200 * k, 300 * k, 36 * k)
    for i, c in enumerate(woods):
        x = cx + (i - 1) * 150 * k

        def draw(q, x=x, c=c):
            q.line([(x, cy + 200 * k), (x, cy - 20 * k)], c, 34 * k)
            q.rect(x - 30 * k, cy - 220 * k, x + 30 * k, cy - 10 * k, fill=c, radius=28 * k)
            q.line([(x - 10 * k, cy - 200 * k), (x - 10 * k, cy - 30 * k)], shade(c, 1.15), 4 * k)
        rotated(img, draw, (i - 1) * 8, (x, cy))


def m_mushroom(img, p, r, pal, cx, cy, k):
    shadow(img, cx, cy + 60 * k, 360 * k, 110 * k, 50)
    p.ellipse(cx, cy + 40 * k, 380 * k, 150 * k, fill=(176, 150, 110))
    p.ellipse(cx, cy + 30 * k, 350 * k, 130 * k, fill=(200, 176, 134))
    for _ in range(16):
        x, y = cx + r.uniform(-280, 280) * k, cy + r.uniform(-60, 110) * k
        c = jitter((150, 104, 64), r, 14)
        sz = r.uniform(0.7, 1.2)

        def draw(q, x=x, y=y, c=c, sz=sz):
            q.rect(x - 18 * sz * k, y - 10 * k, x + 18 * sz * k, y + 60 * sz * k,
                   fill=(232, 216, 186), radius=14 * k)
            q.pieslice(x, y, 60 * sz * k, 50 * sz * k, 180, 360, fill=c)
            q.line([(x - 55 * sz * k, y), (x + 55 * sz * k, y)], shade(c, 0.75), 6 * k)
        rotated(img, draw, r.uniform(-50, 50), (x, y))


def m_tin(img, p, r, pal, cx, cy, k):
    red = (170, 46, 42)
    shadow(img, cx - 100 * k, cy + 200 * k, 220 * k, 30 * k)
    p.rect(cx - 300 * k, cy - 140 * k, cx + 100 * k, cy + 200 * k, fill=red)
    p.ellipse(cx - 100 * k, cy + 200 * k, 200 * k, 40 * k, fill=red)
    p.rect(cx - 300 * k, cy - 40 * k, cx + 100 * k, cy + 80 * k, fill=(232, 190, 96))
    for i in range(5):  # arcade of a qilou street
        x = cx - 270 * k + i * 76 * k
        p.rect(x, cy - 20 * k, x + 56 * k, cy + 80 * k, fill=shade(red, 0.9))
        p.pieslice(x + 28 * k, cy - 20 * k, 28 * k, 28 * k, 180, 360, fill=shade(red, 0.9))
    p.ellipse(cx - 100 * k, cy - 140 * k, 200 * k, 40 * k, fill=shade(red, 1.2))
    p.ellipse(cx - 100 * k, cy - 140 * k, 180 * k, 32 * k, fill=shade(red, 1.1))
    for i in range(3):
        x, y = cx + (220 + i * 40) * k, cy + (150 - i * 50) * k
        p.circle(x, y + 8 * k, 62 * k, fill=(196, 150, 90))
        p.circle(x, y, 62 * k, fill=(238, 206, 150))
        p.circle(x, y, 16 * k, fill=(214, 180, 120))


def m_incense(img, p, r, pal, cx, cy, k):
    shadow(img, cx, cy + 200 * k, 200 * k, 30 * k)
    p.ellipse(cx, cy + 190 * k, 180 * k, 40 * k, fill=(90, 110, 96))
    p.ellipse(cx, cy + 180 * k, 180 * k, 40 * k, fill=(120, 146, 128))
    for i in range(3):
        x = cx + (i - 1) * 40 * k
        top = cy - 160 * k + i % 2 * 40 * k
        p.line([(x, cy + 180 * k), (x + (i - 1) * 30 * k, top)], (120, 70, 50), 7 * k)
        p.circle(x + (i - 1) * 30 * k, top, 6 * k, fill=(230, 90, 40))
        smoke = [(x + (i - 1) * 30 * k + 30 * k * math.sin(t / 28 + i) * (t / 140),
                  top - t * k) for t in range(0, 280, 8)]
        p.line(smoke, (236, 236, 236), 4 * k)


def m_sachet(img, p, r, pal, cx, cy, k):
    cloth = (196, 70, 74)
    shadow(img, cx, cy + 210 * k, 200 * k, 28 * k)
    p.line([(cx, cy - 330 * k), (cx - 60 * k, cy - 150 * k)], (220, 180, 80), 6 * k)
    p.line([(cx, cy - 330 * k), (cx + 60 * k, cy - 150 * k)], (220, 180, 80), 6 * k)
    p.poly([(cx - 90 * k, cy - 160 * k), (cx + 90 * k, cy - 160 * k), (cx + 190 * k, cy + 60 * k),
            (cx + 140 * k, cy + 190 * k), (cx - 140 * k, cy + 190 * k), (cx - 190 * k, cy + 60 * k)], cloth)
    p.rect(cx - 100 * k, cy - 175 * k, cx + 100 * k, cy - 140 * k, fill=shade(cloth, 0.8), radius=10 * k)
    for _ in range(26):
        x, y = cx + r.uniform(-150, 150) * k, cy + r.uniform(-110, 170) * k
        for j in range(5):
            a = 2 * math.pi * j / 5
            p.circle(x + math.cos(a) * 7 * k, y + math.sin(a) * 7 * k, 6 * k, fill=(250, 230, 220))
        p.circle(x, y, 4 * k, fill=(240, 200, 70))
    for i in range(9):
        p.line([(cx - 20 * k + i * 5 * k, cy + 190 * k), (cx - 30 * k + i * 8 * k, cy + 290 * k)],
               (220, 180, 80), 4 * k)


MOTIFS = {name[2:]: fn for name, fn in globals().items() if name.startswith("m_")}


# --- whole pictures -------------------------------------------------------

def product_image(key, category_top, motif):
    r = rng_for(key)
    pal = PALETTES[category_top]
    top, bottom, main, acc = pal
    w, h = 1000, 750
    img = gradient((w * S, h * S), jitter(top, r, 6), jitter(bottom, r, 6))
    p = Pen(img)
    table = r.uniform(0.6, 0.72) * h  # a tabletop band behind the object
    p.rect(-10, table, w + 10, h + 10, fill=shade(jitter(bottom, r, 8), 0.93))
    p.line([(-10, table), (w + 10, table)], shade(bottom, 0.85), 3)
    for _ in range(r.randint(3, 6)):  # soft background circles
        p.circle(r.uniform(0, w), r.uniform(0, table), r.uniform(30, 120), fill=shade(top, 1.06))
    k = r.uniform(0.85, 1.05)
    MOTIFS[motif](img, p, r, pal, w / 2 + r.uniform(-40, 40), h / 2 + r.uniform(-10, 30), k)
    return img.resize((w, h), Image.LANCZOS)


def cover_image(key, category_top):
    r = rng_for(key)
    top, bottom, main, acc = PALETTES[category_top]
    w, h = 1200, 500
    img = gradient((w * S, h * S), shade(top, 1.05), bottom)
    p = Pen(img)
    p.circle(r.uniform(150, 1050), r.uniform(90, 170), r.uniform(50, 80), fill=shade(acc, 1.35))
    for layer in range(4):
        t = layer / 3
        c = mix(shade(main, 1.5), shade(main, 0.85), t)
        base = 230 + layer * 70
        pts = [(-20, h + 20)]
        phase, amp = r.uniform(0, 6.3), r.uniform(30, 70)
        for x in range(-20, w + 40, 20):
            y = base - amp * math.sin(x / r.uniform(180, 200) + phase) - 20 * math.sin(x / 67 + phase * 2)
            pts.append((x, y))
        pts.append((w + 40, h + 20))
        p.poly(pts, c)
        if layer == 2:  # rows on the hillside: terraces, furrows, waves
            for i in range(6):
                p.line(wave(-20, w + 40, base + 40 + i * 22, 8, 300, phase + i * 0.4),
                       shade(c, 1.12), 3)
    for _ in range(5):  # birds
        x, y = r.uniform(100, 1100), r.uniform(60, 180)
        p.arc(x - 10, y, 10, 6, 200, 340, fill=shade(main, 0.6), width=2)
        p.arc(x + 10, y, 10, 6, 200, 340, fill=shade(main, 0.6), width=2)
    return img.resize((w, h), Image.LANCZOS)


def logo_image(key, category_top, initial):
    r = rng_for(key)
    top, bottom, main, acc = PALETTES[category_top]
    n = 256
    img = Image.new("RGBA", (n * S, n * S), (0, 0, 0, 0))
    p = Pen(img)
    p.circle(n / 2, n / 2, 124, fill=main)
    p.circle(n / 2, n / 2, 108, outline=shade(top, 1.2), width=4)
    for i in range(12):  # a ring of dots
        a = 2 * math.pi * i / 12 + r.uniform(0, 0.2)
        p.circle(n / 2 + math.cos(a) * 92, n / 2 + math.sin(a) * 92, 4, fill=shade(acc, 1.2))
    font = ImageFont.load_default(size=118 * S)
    d = ImageDraw.Draw(img)
    box = d.textbbox((0, 0), initial, font=font)
    x = (n * S - (box[2] - box[0])) / 2 - box[0]
    y = (n * S - (box[3] - box[1])) / 2 - box[1]
    d.text((x, y), initial, font=font, fill=shade(top, 1.3))
    return img.resize((n, n), Image.LANCZOS)


def portrait_image(key, category_top):
    r = rng_for(key)
    top, bottom, main, acc = PALETTES[category_top]
    n = 400
    img = gradient((n * S, n * S), shade(top, 1.05), jitter(bottom, r, 10))
    p = Pen(img)
    skin = r.choice([(240, 204, 170), (226, 186, 150), (210, 168, 130)])
    hair = r.choice([(40, 32, 30), (60, 44, 36), (24, 22, 24)])
    shirt = jitter(r.choice([main, acc, (80, 90, 110), (200, 190, 170)]), r, 10)
    p.ellipse(200, 420, 160, 130, fill=shirt)
    p.rect(178, 230, 222, 300, fill=shade(skin, 0.92), radius=16)
    long_hair = r.random() < 0.5
    if long_hair:
        p.rect(112, 120, 288, 300, fill=hair, radius=80)
    p.ellipse(200, 180, 78, 92, fill=skin)
    p.pieslice(200, 160, 84, 78, 180, 360, fill=hair)
    p.ellipse(200 + r.choice([-30, 30]), 118, 56, 28, fill=hair)
    for s in (-1, 1):
        p.circle(200 + s * 28, 186, 6, fill=(50, 40, 36))
        p.circle(200 + s * 48, 214, 11, fill=shade((240, 160, 150), 1.1))
    p.arc(200, 218, 22, 14, 20, 160, fill=(150, 80, 70), width=4)
    p.pieslice(200, 292, 40, 30, 0, 180, fill=shade(shirt, 1.2))
    return img.resize((n, n), Image.LANCZOS)


def qr_image(text):
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    try:
        import zxingcpp
    except ImportError:
        return img
    found = [b.text for b in zxingcpp.read_barcodes(img)]
    if found != [text]:
        raise SystemExit(f"QR picture decodes to {found!r}, expected {text!r}")
    return img


# --- walking the content --------------------------------------------------

def front_matter(path):
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text[4:text.index("\n---", 4)]) or {}


def top_categories(content):
    tops = {}

    def walk(nodes, top):
        for node in nodes or []:
            tops[node["slug"]] = top or node["slug"]
            walk(node.get("children"), top or node["slug"])
    walk(yaml.safe_load((content / "categories.yaml").read_text(encoding="utf-8")), None)
    return tops


def save(img, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    if path.suffix.lower() == ".png":
        img.save(buf, "PNG", optimize=True)
    else:
        img.convert("RGB").save(buf, "JPEG", **JPEG)
    if not path.exists() or path.read_bytes() != buf.getvalue():
        path.write_bytes(buf.getvalue())
    return len(buf.getvalue())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--content", default=Path(__file__).resolve().parent.parent / "content", type=Path)
    args = ap.parse_args()
    tops = top_categories(args.content)
    total = count = 0
    for shop_dir in sorted((args.content / "shops").iterdir()):
        if not (shop_dir / "shop.yaml").is_file():
            continue
        slug = shop_dir.name
        shop = yaml.safe_load((shop_dir / "shop.yaml").read_text(encoding="utf-8"))
        primary = shop["categories"][0]
        top = tops[primary]
        jobs = []
        if shop.get("logo"):
            jobs.append((shop["logo"], lambda k: logo_image(k, top, slug[0].upper())))
        if shop.get("cover"):
            jobs.append((shop["cover"], lambda k: cover_image(k, top)))
        if shop["contact"].get("qr_image"):
            jobs.append((shop["contact"]["qr_image"], lambda k: qr_image(shop["contact"]["qr"])))
        for store in shop.get("stores") or []:
            for guide in store.get("guides") or []:
                if guide.get("photo"):
                    jobs.append((guide["photo"], lambda k: portrait_image(k, top)))
        for md in sorted((shop_dir / "products").glob("*.md")):
            fm = front_matter(md)
            category = fm.get("category", primary)
            motif = PRODUCT_MOTIFS.get(md.stem, CATEGORY_MOTIFS[category])
            for image in fm.get("images") or []:
                jobs.append((image, lambda k, m=motif: product_image(k, top, m)))
        for rel, make in jobs:
            total += save(make(f"{slug}/{rel}"), shop_dir / rel)
            count += 1
    print(f"{count} images, {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
