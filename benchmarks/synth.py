"""Synthetic shop directories for benchmarks, in shopdir's content format.

    python benchmarks/synth.py OUT --shops N --products M --images K [--seed S]

Deterministic: the same arguments (and the same Pillow/libjpeg, for the pictures) give a
byte-identical tree. Every shop draws from its own random stream, seeded by (seed, shop
number), so a shop's text does not depend on how many shops come before it, and
`run.py` can add one more shop, or replace one picture, with the functions below.

What is written:
  site.yaml                      base_url https://example.org/, zh-CN, per_page 24, qr_schemes [https]
  content/categories.yaml        10 top categories x 5 children
  content/curation.yaml          6 featured shops, 2 collections
  content/pages/about.md
  content/shops/<slug>/shop.yaml ~90% Chinese, ~10% English; ~10% with stores and guides
  content/shops/<slug>/products/<slug>.md   150-400 words each (a Chinese word ~ 2 characters)
  content/shops/<slug>/images/img-NN.jpg    K per shop, 1200x900 JPEG q85 (none with --images 0)
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import random
import re
import sys
import time
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Word lists

# (slug, name, description, shop-name suffixes, English noun, Chinese nouns, tags, children)
CATEGORIES = [
    ("tea", "茶", "产地直发的好茶，从茶园到茶杯，少一道中间环节。", ["茶舍", "茶庄", "茶铺", "茶园"], "tea",
     ["乌龙茶", "岩茶", "绿茶", "红茶", "白茶", "普洱", "茶饼", "茶包", "花茶", "单丛", "龙井", "肉桂"],
     ["岩茶", "明前", "手工炭焙", "老枞", "高山茶", "冷泡", "散茶", "茶礼"],
     [("oolong", "乌龙茶"), ("green-tea", "绿茶"), ("black-tea", "红茶"), ("white-tea", "白茶"), ("puer", "普洱")]),
    ("coffee", "咖啡", "小烘焙商和街角咖啡馆。", ["咖啡馆", "烘焙所", "咖啡", "豆仓"], "coffee",
     ["咖啡豆", "挂耳", "冷萃", "手冲壶", "滤杯", "磨豆机", "拼配豆", "浅烘豆", "深烘豆", "冷萃包", "滤纸", "奶泡壶"],
     ["浅烘", "深烘", "单品豆", "手冲", "意式", "冷萃", "云南豆", "新产季"],
     [("coffee-beans", "咖啡豆"), ("drip-bags", "挂耳咖啡"), ("coffee-gear", "咖啡器具"), ("cafes", "咖啡馆"),
      ("cold-brew", "冷萃")]),
    ("ceramics", "陶瓷", "拉坯、上釉、入窑：一窑一窑烧出来的器物。", ["窑", "陶坊", "瓷社", "器物"], "kiln",
     ["茶杯", "盖碗", "花瓶", "饭碗", "盘子", "茶壶", "公道杯", "香炉", "笔洗", "茶盏", "汤碗", "马克杯"],
     ["柴烧", "青瓷", "手拉坯", "粗陶", "白瓷", "窑变", "釉色", "景德镇"],
     [("teaware", "茶器"), ("tableware", "餐具"), ("vases", "花器"), ("stoneware", "粗陶"), ("porcelain", "白瓷")]),
    ("woodwork", "木作", "一块木头，慢慢刨出来的日用之物。", ["木作", "木工坊", "木器", "木舍"], "wood",
     ["托盘", "砧板", "木勺", "筷子", "茶则", "小凳", "书架", "木盒", "餐盘", "梳子", "笔筒", "茶盘"],
     ["胡桃木", "樱桃木", "榫卯", "木蜡油", "老榆木", "手工打磨", "实木", "竹编"],
     [("kitchen-wood", "厨房木器"), ("furniture", "小家具"), ("boxes", "木盒"), ("bamboo", "竹编"),
      ("carving", "木雕")]),
    ("textiles", "布艺", "棉麻、扎染和手织：穿在身上的好布。", ["染坊", "布艺", "织坊", "衣舍"], "linen",
     ["围巾", "衬衫", "桌布", "抱枕", "茶席", "布包", "围裙", "手帕", "睡衣", "毛毯", "袜子", "帽子"],
     ["扎染", "亚麻", "棉麻", "植物染", "手织", "蓝染", "刺绣", "羊毛"],
     [("indigo", "扎染"), ("linen", "亚麻"), ("knitwear", "针织"), ("bags", "布包"), ("embroidery", "刺绣")]),
    ("food", "吃的", "家里做的、产地来的好吃的。", ["食坊", "小厨", "食铺", "果园"], "kitchen",
     ["月饼", "蜂蜜", "果酱", "腊肉", "香菇", "辣酱", "米酒", "酥饼", "茶点", "果干", "坚果", "米粉"],
     ["手作", "无添加", "产地直发", "时令", "古法", "小批量", "节令", "家常"],
     [("snacks", "点心"), ("sauces", "酱料"), ("dried-goods", "干货"), ("honey", "蜂蜜"), ("preserves", "腌腊")]),
    ("care", "个护", "冷制皂、精油和手作香。", ["皂坊", "香铺", "草本", "浴室"], "soap",
     ["手工皂", "洗发皂", "精油", "护手霜", "线香", "香囊", "润唇膏", "沐浴油", "香薰", "浴盐", "发梳", "面霜"],
     ["冷制皂", "植物精油", "线香", "天然", "无香精", "敏感肌", "草本", "沉香"],
     [("soap", "手工皂"), ("incense", "香"), ("oils", "精油"), ("skincare", "护肤"), ("bath", "沐浴")]),
    ("paper", "纸与书", "手工纸、笔记本和独立书店。", ["纸坊", "书房", "文具", "书店"], "paper",
     ["宣纸", "笔记本", "信纸", "明信片", "书签", "毛笔", "墨锭", "印章", "手账", "线装书", "纸灯", "画册"],
     ["宣纸", "活字印刷", "线装", "手账", "书法", "独立出版", "古籍", "水彩"],
     [("handmade-paper", "手工纸"), ("notebooks", "本子"), ("calligraphy", "书法"), ("books", "书"),
      ("prints", "版画")]),
    ("home", "家居", "用得久、看不腻的家里小物。", ["生活馆", "家居", "杂货", "小铺"], "home",
     ["灯具", "篮子", "镜子", "挂钩", "地垫", "相框", "收纳盒", "花架", "门帘", "蜡烛", "摆件", "衣架"],
     ["藤编", "黄铜", "北欧", "复古", "收纳", "老物件", "简约", "手工"],
     [("lighting", "灯"), ("storage", "收纳"), ("decor", "摆设"), ("rattan", "藤编"), ("brass", "铜器")]),
    ("plants", "植物", "花房、苗圃和干花。", ["花房", "植物店", "苗圃", "花事"], "garden",
     ["多肉", "绿萝", "兰花", "盆景", "干花", "花束", "苔藓", "种子", "花盆", "蕨类", "桂花", "茉莉"],
     ["多肉", "盆景", "干花", "兰花", "观叶", "苔藓", "阳台", "花艺"],
     [("houseplants", "室内绿植"), ("orchids", "兰花"), ("bonsai", "盆景"), ("dried-flowers", "干花"),
      ("seeds", "种子")]),
]

ZH_NOUNS = ["材料", "工艺", "口感", "香气", "颜色", "手感", "包装", "细节", "质地", "味道", "温度", "时间", "产地",
            "季节", "原料", "做法", "品质", "设计", "线条", "光泽", "分量", "尺寸", "纹理", "层次", "余味", "边角",
            "表面", "底部", "器型", "用途", "批次", "工序", "火候", "水分", "比例", "配方", "习惯", "心情", "日子",
            "老家", "作坊", "院子", "山上", "村里", "城里", "厨房", "桌上", "窗边"]
ZH_VERBS = ["挑选", "打磨", "烘焙", "保存", "冲泡", "使用", "清洗", "晾干", "搭配", "收藏", "推荐", "制作", "试用",
            "品尝", "感受", "准备", "整理", "调整", "检查", "包好", "寄出", "记录", "比较", "尝试", "坚持", "改良",
            "晒干", "筛选", "揉捻", "翻动", "等待", "修补", "上色", "缝制", "雕刻", "煮开", "放凉"]
ZH_ADJS = ["细腻", "温润", "清爽", "扎实", "耐用", "干净", "柔和", "饱满", "浓郁", "轻巧", "朴素", "精致", "自然",
           "厚实", "顺滑", "明亮", "安静", "舒服", "结实", "稳重", "清香", "甘甜", "醇厚", "通透", "素净", "温和",
           "平整", "圆润", "大方", "耐看", "新鲜", "地道", "讲究", "踏实", "好用", "少见"]
ZH_ADVS = ["非常", "特别", "比较", "格外", "一直", "慢慢", "仔细", "认真", "反复", "稍微", "尤其", "始终", "总是",
           "已经", "更加", "十分", "相当", "依然"]
ZH_TIMES = ["每年", "每天", "春天", "冬天", "清晨", "周末", "最近", "去年", "今年", "入秋以后", "雨季", "每个月",
            "开春", "年底", "夏天"]
ZH_PEOPLE = ["我们", "店主", "师傅", "老师傅", "客人", "大家", "朋友们", "家里人", "我们家", "工作室", "阿姨", "父亲"]
ZH_CONNS = ["所以", "而且", "但是", "因为", "同时", "另外", "其实", "于是", "不过", "如果"]
ZH_LABELS = ["冲泡建议", "使用方法", "保存方法", "尺寸", "发货说明", "产地", "注意", "关于这一批", "怎么挑", "售后"]
ZH_SPECS = ["250g", "500g", "125g", "大号", "小号", "礼盒装", "一对", "套装", "单只", "两件套", "中号", "100ml",
            "家庭装", "试用装"]
ZH_TEMPLATES = [
    "{T}{P}{D}{V}{X}，{C}{N}{D}{A}。",
    "这款{X}的{N}{D}{A}，{V}起来{D}{A}。",
    "{P}用{A}的{N}{V}{X}，{V}的时候{D}{A}。",
    "{C}{T}{V}，{N}会{D}{A}一些。",
    "{X}{V}之后{D}{A}，{P}{D}{V}。",
    "建议{V}前先{V}，{N}{D}{A}。",
    "{A}的{N}配上{A}的{X}，{D}{A}。",
    "{P}{T}都会{V}一批{X}，{N}{D}{A}，{N}也{D}{A}。",
    "{N}和{N}{D}{A}，是{P}{D}{V}的地方。",
    "每一件{X}都要{V}、{V}、再{V}，{C}{N}{D}{A}。",
    "有{P}说{X}的{N}{D}{A}，{P}觉得{N}更{A}。",
    "{T}的{X}{N}{A}，{N}{A}，{D}适合{V}。",
]
ZH_NAME_CHARS = "山野青竹松云溪石林月风雨雪兰桂梅荷柳泉田川谷岩舟桥庭院堂苑阁居朴素拙简素和安宁静远清明禾木白"

EN_ADJS = ["quiet", "honest", "small", "warm", "rough", "smooth", "sturdy", "simple", "careful", "fresh", "deep",
           "bright", "gentle", "slow", "plain", "heavy", "light", "clean", "rich", "mellow", "old", "local"]
EN_NOUNS = ["grain", "glaze", "texture", "colour", "finish", "flavour", "shape", "weight", "edge", "surface",
            "batch", "season", "workshop", "kitchen", "valley", "village", "morning", "detail", "pattern", "recipe"]
EN_VERBS = ["shape", "sand", "roast", "dry", "wrap", "check", "sort", "test", "brew", "fire", "stitch", "polish",
            "pack", "taste", "carve", "rinse", "press", "weave", "fold", "finish"]
EN_ADVS = ["slowly", "carefully", "always", "still", "often", "gently", "mostly", "usually", "quietly", "simply"]
EN_TIMES = ["Every spring", "Each morning", "In winter", "Most weekends", "This year", "Since last autumn",
            "Before the rains", "Every few weeks"]
EN_PEOPLE = ["We", "Our team", "The maker", "My father", "Our neighbours", "Customers", "Friends", "The two of us"]
EN_TEMPLATES = [
    "{T} we {V} every {X} by hand, so each one is a little different.",
    "The {N} is {A} and {A}, and it only gets better with use.",
    "{P} {D} {V} the {X} twice before it leaves the {N2}.",
    "We pick a {A} {N} first, then {V} it {D} until the {N2} feels right.",
    "If you want a {A} {X}, ask us about the next {N}.",
    "{P} say the {N} reminds them of the {N2} where it was made.",
    "It is a {A} thing, but the {N} and the {N2} are {D} worth a closer look.",
    "{T} the {X} comes out {A}, and we {V} it {D}.",
    "Nothing here is rushed: we {V}, we wait, and we {V} again.",
    "Keep it dry, {V} it now and then, and the {N} will stay {A} for years.",
]
EN_LABELS = ["How to use", "Care", "Size", "Shipping", "Where it comes from", "About this batch"]
EN_SHOP_WORDS = ["North Hill", "Tidewater", "Old Mill", "Riverside", "Bamboo Lane", "Stone Bridge", "Cloud Valley",
                 "Pine Yard", "Little Harbour", "East Gate", "Moonlight", "Red Brick"]
EN_SUFFIX = {"tea": "Tea House", "coffee": "Coffee", "ceramics": "Pottery", "woodwork": "Woodworks",
             "textiles": "Linen", "food": "Kitchen", "care": "Soap Co.", "paper": "Paper", "home": "Home Goods",
             "plants": "Garden"}
EN_PRODUCTS = {"tea": ["oolong", "green tea", "tea cake", "tea sampler", "black tea", "white tea"],
               "coffee": ["single-origin beans", "drip bags", "house blend", "cold brew pack", "pour-over kettle"],
               "ceramics": ["tea bowl", "gaiwan", "vase", "rice bowl", "plate", "teapot"],
               "woodwork": ["serving tray", "cutting board", "spoon", "stool", "box", "shelf"],
               "textiles": ["scarf", "shirt", "tablecloth", "cushion", "tote bag", "apron"],
               "food": ["honey", "jam", "chilli sauce", "mooncakes", "dried mushrooms", "rice wine"],
               "care": ["soap bar", "shampoo bar", "hand cream", "incense", "bath salt", "lip balm"],
               "paper": ["notebook", "letter paper", "postcards", "brush", "ink stick", "seal"],
               "home": ["lamp", "basket", "mirror", "hook", "rug", "candle"],
               "plants": ["succulent", "orchid", "bonsai", "dried flowers", "seeds", "planter"]}
EN_TAGS = ["handmade", "small batch", "gift", "organic", "limited", "new season", "local", "vintage"]

GENERAL_TAGS = ["手工", "小批量", "产地直发", "送礼", "新品", "限量", "包邮", "可定制", "老字号", "原创设计"]
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "苏州", "南京", "成都", "重庆", "武汉", "西安", "长沙", "福州",
          "厦门", "泉州", "昆明", "大理", "丽江", "贵阳", "南宁", "桂林", "海口", "青岛", "济南", "天津", "沈阳",
          "大连", "哈尔滨", "长春", "郑州", "洛阳", "合肥", "黄山", "景德镇", "南昌", "宁波", "温州", "绍兴",
          "扬州", "拉萨"]
EN_CITIES = ["Shanghai", "Beijing", "Hangzhou", "Chengdu", "Xiamen", "Dali", "Hong Kong", "Taipei"]
PINYIN = ["shan", "ye", "qing", "zhu", "song", "yun", "xi", "shi", "lin", "yue", "feng", "yu", "xue", "lan", "gui",
          "mei", "he", "liu", "quan", "tian", "chuan", "gu", "yan", "zhou", "qiao", "ting", "yuan", "ge", "ju", "pu",
          "su", "an", "ning", "jing", "ming", "mu", "bai", "hong", "jin", "tang"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐"
GIVEN = "晓明华丽静敏军伟芳娜婷磊洋勇艳杰涛超霞平刚桂英默帆一"
GUIDE_TITLES = ["店长", "导购", "茶艺师", "咖啡师", "手作老师", "买手", None]
STORE_AREAS = ["鼓楼", "天河", "西湖", "锦江", "思明", "静安", "朝阳", "南山", "江北", "五华", "古城", "老街"]


# --------------------------------------------------------------------------------------------
# Text

def q(text: str) -> str:
    """A YAML scalar for `text`: plain where that reads back as the same string, else double-quoted."""
    if (re.fullmatch(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#:\n]*", text) and not text.endswith(" ")
            and text.lower() not in {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
            and not re.fullmatch(r"[-+.\d_:eE]+", text)):
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(items) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


class Pools:
    """Sentences made once per directory, drawn from by every shop: fast, and varied enough."""

    def __init__(self, seed: int, size: int = 1500):
        rng = random.Random(f"pools:{seed}")
        self.zh = {}
        for cat in CATEGORIES:
            nouns = cat[5]
            self.zh[cat[0]] = [self._zh_sentence(rng, nouns) for _ in range(size)]
        self.en = {}
        for cat in CATEGORIES:
            nouns = EN_PRODUCTS[cat[0]]
            self.en[cat[0]] = [self._en_sentence(rng, nouns) for _ in range(size)]

    @staticmethod
    def _zh_sentence(rng: random.Random, nouns: list[str]) -> str:
        template = rng.choice(ZH_TEMPLATES)
        return re.sub(r"\{(\w)\}", lambda m: rng.choice({
            "T": ZH_TIMES, "P": ZH_PEOPLE, "D": ZH_ADVS, "V": ZH_VERBS, "X": nouns, "C": ZH_CONNS,
            "N": ZH_NOUNS, "A": ZH_ADJS}[m.group(1)]), template)

    @staticmethod
    def _en_sentence(rng: random.Random, nouns: list[str]) -> str:
        template = rng.choice(EN_TEMPLATES)
        return re.sub(r"\{(\w+)\}", lambda m: rng.choice({
            "T": EN_TIMES, "P": EN_PEOPLE, "D": EN_ADVS, "V": EN_VERBS, "X": nouns, "N": EN_NOUNS,
            "N2": EN_NOUNS, "A": EN_ADJS}[m.group(1)]), template)


_PUNCTUATION = re.compile(r"[，。、：；！？“”（）\s*#-]")


def body(rng: random.Random, pools: Pools, cat: str, english: bool, low: int = 150, high: int = 400) -> str:
    """Markdown of `low`-`high` words: paragraphs, now and then a bold label, a list or a heading."""
    target = rng.randint(low, high)
    sentences = pools.en[cat] if english else pools.zh[cat]
    # English words are counted by spaces; a Chinese word is ~2 characters, punctuation not counted.
    size = (lambda s: len(s.split())) if english else (lambda s: len(_PUNCTUATION.sub("", s)) / 2)
    labels = EN_LABELS if english else ZH_LABELS
    words, blocks = 0.0, []
    while words < target:
        roll = rng.random()
        if roll < 0.08 and blocks and words + 10 < target:
            label = rng.choice(labels)
            words += size(label)
            blocks.append("## " + label)
        elif roll < 0.16 and blocks and words + 20 < target:
            items = [f"{rng.choice(EN_ADJS)} {rng.choice(EN_NOUNS)}" if english else
                     f"{rng.choice(ZH_ADJS)}的{rng.choice(ZH_NOUNS)}" for _ in range(rng.randint(3, 4))]
            words += sum(size(i) for i in items)
            blocks.append("\n".join("- " + i for i in items))
        paragraph = []
        for _ in range(rng.randint(2, 5)):
            sentence = rng.choice(sentences)
            if words + size(sentence) > high:
                break
            paragraph.append(sentence)
            words += size(sentence)
            if words >= target:
                break
        if not paragraph:
            break
        text = (" " if english else "").join(paragraph)
        if rng.random() < 0.25 and words + 5 < high:
            label = rng.choice(labels)
            words += size(label)
            text = f"**{label}**{': ' if english else '：'}" + text
        blocks.append(text)
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------------------------
# Pictures

WIDTH, HEIGHT = 1200, 900
POOL_SIZE = 8
_pool: dict[int, list] = {}


def _base_images(seed: int) -> list:
    """A few distinct camera-like pictures: colour gradients, soft blotches and fine sensor-like noise."""
    if seed in _pool:
        return _pool[seed]
    from PIL import Image, ImageChops

    rng = random.Random(f"images:{seed}")
    bases = []
    for _ in range(POOL_SIZE):
        channels = []
        for _ in range(3):
            gradient = Image.linear_gradient("L").resize((512, 512)).rotate(rng.uniform(0, 360), Image.BILINEAR)
            gradient = gradient.crop((128, 160, 384, 352)).resize((WIDTH, HEIGHT), Image.BILINEAR)  # no corners
            low, high = sorted(rng.randrange(256) for _ in range(2))
            channels.append(gradient.point(lambda v, low=low, high=high: low + v * (high - low) // 255))
        image = Image.merge("RGB", channels)
        blotches = Image.frombytes("RGB", (16, 12), rng.randbytes(16 * 12 * 3)).resize((WIDTH, HEIGHT),
                                                                                       Image.BICUBIC)
        image = Image.blend(image, blotches, 0.3)
        grain = Image.frombytes("L", (WIDTH, HEIGHT), rng.randbytes(WIDTH * HEIGHT))
        grain = grain.point(lambda v: 128 + (v - 128) // 10)  # +-13 levels of grey noise, as a sensor gives
        image = ImageChops.add(image, Image.merge("RGB", (grain, grain, grain)), scale=1, offset=-128)
        bases.append(image)
    _pool[seed] = bases
    return bases


def image_bytes(seed: int, key: str) -> bytes:
    """One 1200x900 JPEG (q85): a base picture with a few shapes in colours drawn from `key`."""
    from PIL import ImageDraw

    rng = random.Random(f"image:{seed}:{key}")
    image = rng.choice(_base_images(seed)).copy()
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        x, y = rng.randrange(WIDTH - 200), rng.randrange(HEIGHT - 200)
        w, h = rng.randint(20, 200), rng.randint(20, 200)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Files

_made_dirs: set[Path] = set()


def write(path: Path, text: str) -> None:
    if path.parent not in _made_dirs:  # one mkdir per folder, not per file: 100,000 files add up
        path.parent.mkdir(parents=True, exist_ok=True)
        _made_dirs.add(path.parent)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def shop_slug(seed: int, index: int) -> str:
    rng = random.Random(f"slug:{seed}:{index}")
    cat = CATEGORIES[index % len(CATEGORIES)]
    return f"{rng.choice(PINYIN)}{rng.choice(PINYIN)}-{cat[4]}-{index:05d}"


def random_date(rng: random.Random) -> datetime.date:
    start = datetime.date(2025, 1, 1).toordinal()
    return datetime.date.fromordinal(rng.randint(start, datetime.date(2026, 12, 31).toordinal()))


def write_shop(root: Path, slug: str, index: int, products: int, images: int, seed: int, pools: Pools) -> dict:
    """One shop folder. Returns what curation needs: slug, product slugs."""
    rng = random.Random(f"shop:{seed}:{index}")
    cat = CATEGORIES[index % len(CATEGORIES)]
    english = rng.random() < 0.10
    children = [c[0] for c in cat[7]]
    shop_categories = rng.sample(children, rng.randint(1, 2))
    if rng.random() < 0.4:  # a second field: a child of another top category
        other = CATEGORIES[rng.randrange(len(CATEGORIES))]
        extra = rng.choice(other[7])[0]
        if extra not in shop_categories:
            shop_categories.append(extra)
    folder = root / "content" / "shops" / slug
    picture_paths = [f"images/img-{k + 1:02d}.jpg" for k in range(images)]
    for k, path in enumerate(picture_paths):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(image_bytes(seed, f"{slug}/{k}"))

    if english:
        name = f"{rng.choice(EN_SHOP_WORDS)} {EN_SUFFIX[cat[0]]}"
        tagline = rng.choice(pools.en[cat[0]])
        city = rng.choice(EN_CITIES)
        tags = rng.sample(EN_TAGS, rng.randint(2, 4))
    else:
        name = "".join(rng.sample(ZH_NAME_CHARS, 2)) + rng.choice(cat[3])
        tagline = rng.choice(pools.zh[cat[0]]).rstrip("。")
        city = rng.choice(CITIES)
        tags = rng.sample(cat[6], rng.randint(1, 3)) + rng.sample(GENERAL_TAGS, rng.randint(0, 2))
    lines = [f"name: {q(name)}", f"tagline: {q(tagline)}", f"categories: {flow(shop_categories)}", f"city: {q(city)}",
             f"tags: {flow(tags)}"]
    if images >= 1:
        lines.append(f"logo: {picture_paths[0]}")
    if images >= 2:
        lines.append(f"cover: {picture_paths[1]}")
    lines.append(f"since: {rng.randint(1985, 2024)}")
    token = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
    lines += ["contact:", f"  qr: https://u.wechat.com/{token}-{index}",
              f"  wechat_id: {slug.replace('-', '_')[:30]}",
              f'  phone: "+86 1{rng.randint(30, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"']
    if rng.random() < 0.3:
        lines.append(f"  email: hello@{slug}.example")
    lines.append("description: |")
    lines += [("  " + line) if line else "" for line in body(rng, pools, cat[0], english, 60, 160).splitlines()]
    if rng.random() < 0.10:
        lines.append("stores:")
        for s in range(rng.randint(1, 2)):
            area = rng.choice(STORE_AREAS)
            lines += [f"  - slug: store-{s + 1}", f"    name: {q(area + '店')}",
                      f"    address: {q(f'{city}{area}区某路 {rng.randint(1, 300)} 号')}", f"    city: {q(city)}",
                      f'    hours: "{rng.randint(8, 10)}:00–{rng.randint(18, 22)}:00"', "    guides:"]
            for g in range(rng.randint(1, 3)):
                guide = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
                lines += [f"      - slug: guide-{g + 1}", f"        name: {guide}"]
                title = rng.choice(GUIDE_TITLES)
                if title:
                    lines.append(f"        title: {title}")
                if images:
                    lines.append(f"        photo: {picture_paths[(s + g) % images]}")
                lines.append(f"        qr: https://u.wechat.com/{token}-{index}-{s + 1}-{g + 1}")
    write(folder / "shop.yaml", "\n".join(lines) + "\n")

    product_pictures = picture_paths[2:] or picture_paths
    product_slugs = []
    en_products = EN_PRODUCTS[cat[0]]
    for j in range(products):
        noun_index = rng.randrange(len(cat[5]))
        if english:
            noun = en_products[noun_index % len(en_products)]
            pname = f"{rng.choice(EN_ADJS).capitalize()} {noun}"
            ptags = rng.sample(EN_TAGS, rng.randint(1, 3))
        else:
            noun = cat[5][noun_index]
            pname = (f"{rng.choice((2025, 2026))} " if rng.random() < 0.2 else "") + rng.choice(ZH_ADJS) + noun
            if rng.random() < 0.5:
                pname += " " + rng.choice(ZH_SPECS)
            ptags = rng.sample(cat[6], rng.randint(1, 3))
        pslug = f"{EN_PRODUCTS[cat[0]][noun_index % len(en_products)].replace(' ', '-').replace('.', '')}-{j + 1}"
        product_slugs.append(pslug)
        front = [f"name: {q(pname)}"]
        roll = rng.random()
        if roll < 0.10:
            front.append("price: 询价")
        elif roll < 0.95:
            price = rng.randint(2, 400) * 5 if rng.random() < 0.9 else round(rng.uniform(10, 2000), 1)
            front.append(f"price: {price}")
        if product_pictures:
            chosen = [product_pictures[j % len(product_pictures)]]
            if len(product_pictures) > 1 and rng.random() < 0.3:
                chosen.append(product_pictures[(j + 1) % len(product_pictures)])
            front.append(f"images: {flow(chosen)}")
        if rng.random() < 0.5:
            front.append(f"category: {rng.choice(shop_categories)}")
        front.append(f"tags: {flow(ptags)}")
        if rng.random() < 0.03:
            front.append("available: false")
        front.append(f"date: {random_date(rng).isoformat()}")
        text = "---\n" + "\n".join(front) + "\n---\n" + body(rng, pools, cat[0], english)
        write(folder / "products" / f"{pslug}.md", text)
    return {"slug": slug, "products": product_slugs}


SITE_YAML = """title: 好店集（基准测试）
description: 值得逛、值得买的好店——合成的名录，用来测量构建速度
base_url: https://example.org/
language: zh-CN
currency: CNY
theme: default
per_page: 24
qr_schemes: [https]
"""

ABOUT = """---
title: 关于好店集
---
**好店集**是一份由编辑一家家寻来的小店名录。这一份是合成的：店名、商品和文字都由 `benchmarks/synth.py` 生成，用来测量构建速度。

## 怎么买

每一家店、每一件商品的页面上都有店主的**微信二维码**。看中了什么，扫码加店主微信，直接问、直接买。

## 我们怎么选店

- 东西是自己做的，或者自己从产地挑来的；
- 店主愿意把来历讲清楚；
- 我们自己买过、用过，或者至少去店里看过。
"""


def categories_yaml() -> str:
    lines = []
    for slug, name, description, *_, children in CATEGORIES:
        lines += [f"- slug: {slug}", f"  name: {q(name)}", f"  description: {q(description)}", "  children:"]
        for child_slug, child_name in children:
            lines += [f"    - slug: {child_slug}", f"      name: {q(child_name)}"]
        lines.append("")
    return "\n".join(lines)


def curation_yaml(shops: list[dict], seed: int) -> str:
    rng = random.Random(f"curation:{seed}")
    if not shops:
        return "featured: []\n"
    featured = rng.sample([s["slug"] for s in shops], min(6, len(shops)))
    lines = [f"featured: {flow(featured)}", "", "collections:"]
    for slug, title, description in (("spring-new", "春日上新", "换季时节，编辑从各家新品里挑了几样。"),
                                     ("tea-table", "一张茶桌", "从茶叶到茶器，凑齐一张**慢慢喝**的茶桌。")):
        lines += [f"  - slug: {slug}", f"    title: {title}", f"    description: {q(description)}", "    items:"]
        for shop in rng.sample(shops, min(8, len(shops))):
            if shop["products"] and rng.random() < 0.7:
                lines.append(f"      - {shop['slug']}/{rng.choice(shop['products'])}")
            else:
                lines.append(f"      - {shop['slug']}")
        lines.append("")
    return "\n".join(lines)


def generate(out: Path, shops: int, products: int, images: int, seed: int = 1) -> list[dict]:
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"synth: {out} exists and is not empty; give a new folder")
    pools = Pools(seed)
    _made_dirs.clear()
    write(out / "site.yaml", SITE_YAML)
    write(out / "content" / "categories.yaml", categories_yaml())
    write(out / "content" / "pages" / "about.md", ABOUT)
    made = [write_shop(out, shop_slug(seed, i), i, products, images, seed, pools) for i in range(shops)]
    write(out / "content" / "curation.yaml", curation_yaml(made, seed))
    return made


def add_shop(root: Path, slug: str, index: int, products: int, images: int, seed: int = 1) -> dict:
    """One more shop in an existing synthetic directory (run.py's "add a shop" measure)."""
    return write_shop(Path(root), slug, index, products, images, seed, Pools(seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic shop directory (deterministic).")
    parser.add_argument("out", type=Path, help="a new or empty folder")
    parser.add_argument("--shops", type=int, default=100)
    parser.add_argument("--products", type=int, default=10, help="products per shop")
    parser.add_argument("--images", type=int, default=0, help="pictures per shop (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.out, args.shops, args.products, args.images, args.seed)
    print(f"synth: {args.shops} shops x {args.products} products, {args.images} images each, into {args.out} "
          f"in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
