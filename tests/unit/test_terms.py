"""The search cut: what terms a text gives, and the browser's cut (terms.js, run by node) agreeing
with the builder's term for term, so a query never misses what the index holds."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import terms

SCRIPT = Path(__file__).resolve().parents[2] / "themes" / "default" / "static" / "search" / "terms.js"
NODE = shutil.which("node") or "/usr/bin/node"

CORPUS = [
    "",
    "   ",
    "北京烤鸭",
    "上海市浦东新区 手工皂",
    "茶",
    "龍井茶葉（杭州）",
    "ｶﾀｶﾅ と ひらがな",          # half-width katakana become full-width
    "ＡＢＣ１２３ ｆｕｌｌ－ｗｉｄｔｈ",  # full-width Latin and digits become ASCII
    "한국어 서울 가게",
    "Café ﬁne ligatures ½ ②",         # NFKC: ﬁ -> fi, ½ -> 1⁄2, ② -> 2
    "Ⅻ century ㍿ ㈱",                 # compatibility characters that NFKC spells out
    "iPhone15 Pro Max 256GB",
    "3D打印 USB-C充电器",
    "Shoes, boxes, berries & glasses; bus status",
    "ΟΔΥΣΣΕΥΣ σοφός",                  # final sigma
    "İstanbul ǅemal",                   # dotted capital I, title-case digraph
    "emoji 🍵🧋 tea 👩‍👩‍👧 family 🇨🇳",
    "नमस्ते दुनिया",                       # combining marks stay inside the word
    "<script>alert(1)</script> javascript:void(0) onerror=x",
    "a",
    "ab",
    "x" * 500,
    "!!!???...",
    "中文English混合mixed123数字",
    "𠮷野家 𩸽",                        # CJK extension B, beyond the 16-bit range
    "々 〇 ・ ー カタカナ・ミドル",
    "tab\there\nnew line",
    "Ａｐｐｌｅｓ ａｎｄ ｏｒａｎｇｅｓ",
    "shoe shoes sho",
    "東京 ",
    "gift box",
    "gift bo",
]


def node_cut(texts: list[str]) -> dict:
    program = (
        "const t = require(process.argv[1]);"
        "let input = '';"
        "process.stdin.on('data', d => input += d);"
        "process.stdin.on('end', () => {"
        "  const texts = JSON.parse(input);"
        "  process.stdout.write(JSON.stringify({"
        "    ranges: t.CJK_RANGES,"
        "    index: texts.map(x => t.indexTerms(x)),"
        "    query: texts.map(x => t.query(x)),"
        "    bucket: texts.map(x => [7, 64, 1021].map(n => t.bucket(x, n))),"
        "  }));"
        "});"
    )
    done = subprocess.run([NODE, "-e", program, str(SCRIPT)], input=json.dumps(texts),
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def browser():
    if not Path(NODE).exists():
        pytest.skip("node is not installed")
    return node_cut(CORPUS)


def test_both_sides_list_the_same_cjk_ranges(browser):
    assert [tuple(pair) for pair in browser["ranges"]] == list(terms.CJK_RANGES)


@pytest.mark.parametrize("number", range(len(CORPUS)))
def test_the_browser_indexes_a_text_into_the_same_terms(browser, number):
    assert browser["index"][number] == terms.index_terms(CORPUS[number]), CORPUS[number]


@pytest.mark.parametrize("number", range(len(CORPUS)))
def test_the_browser_reads_a_query_the_same_way(browser, number):
    expected = terms.query(CORPUS[number])
    got = browser["query"][number]
    assert (tuple(got["terms"]), got["prefix"]) == (expected.terms, expected.prefix), CORPUS[number]


@pytest.mark.parametrize("number", range(len(CORPUS)))
def test_the_browser_looks_in_the_same_bucket(browser, number):
    assert browser["bucket"][number] == [terms.bucket(CORPUS[number], n) for n in (7, 64, 1021)]


def test_chinese_is_cut_into_characters_and_pairs():
    assert terms.index_terms("北京烤鸭") == ["北", "京", "烤", "鸭", "北京", "京烤", "烤鸭"]
    assert terms.query("烤鸭 ").terms == ("烤鸭",)
    assert terms.query("茶").terms == ("茶",)


def test_a_chinese_query_finds_its_words_inside_a_longer_text_without_a_dictionary():
    text = set(terms.index_terms("上海市浦东新区的老字号手工皂店"))
    for typed in ("浦东", "手工皂", "老字号", "上海"):
        assert set(terms.query(typed).terms) <= text, typed
    assert not set(terms.query("北京").terms) <= text


def test_full_width_and_half_width_forms_meet_their_plain_forms():
    assert terms.index_terms("ＡＢＣ１２３") == terms.index_terms("abc123")
    assert terms.index_terms("ｶﾀｶﾅ") == terms.index_terms("カタカナ")
    assert terms.index_terms("ﬁne") == ["fine"]


def test_plurals_fold_to_the_singular():
    assert [terms.fold(w) for w in ("boxes", "berries", "glasses", "bus", "status", "tea", "gas")] == \
        ["box", "berry", "glass", "bus", "status", "tea", "gas"]
    for singular, plural in (("shoe", "shoes"), ("leaf", "leaves"), ("knife", "knives"), ("cookie", "cookies"),
                             ("tomato", "tomatoes"), ("pie", "pies"), ("olive", "olives"), ("berry", "berries")):
        assert terms.fold(singular) == terms.fold(plural), (singular, plural)
    assert terms.query("Apples ").terms == terms.query("apple ").terms == ("apple",)


def test_words_mixing_letters_and_digits_are_found_whole_and_by_their_parts():
    indexed = terms.index_terms("iPhone15 case")
    assert indexed == ["iphone15", "iphone", "15", "case"]
    assert set(terms.query("iphone 15 ").terms) <= set(indexed)


def test_the_last_word_is_a_prefix_while_it_is_being_typed():
    assert terms.query("gift bo") == terms.Query(("gift",), "bo")
    assert terms.query("gift bo ") == terms.Query(("gift", "bo"), None)
    assert terms.query("gift b") == terms.Query(("gift", "b"), None)  # one letter: looked up whole


def test_punctuation_emoji_and_markup_only_separate():
    assert terms.index_terms("🍵🧋!!!") == []
    assert terms.query("...") == terms.Query((), None)
    assert terms.index_terms("<b>tea</b>") == ["b", "tea", "b"]


def test_a_prefix_and_its_longer_words_share_a_bucket():
    assert terms.bucket("gi", 97) == terms.bucket("gift", 97) == terms.bucket("gifts", 97)
    assert terms.bucket("烤鸭", 97) == terms.bucket("烤鸭店", 97)


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_count_the_index_uses_gives_the_terms_of_the_plain_cut(seed):
    """index_counts cuts with regular expressions and cached words; index_terms goes character by
    character. Random text from every kind of block (Latin, marks, CJK, full-width, emoji, beyond
    16 bits) and the corpus above must give the same terms, as often, either way."""
    from collections import Counter
    import random

    pick = random.Random(seed)
    blocks = [(0x20, 0x7E), (0xA0, 0x36F), (0x900, 0x97F), (0x2000, 0x33FF), (0x3400, 0x4DBF),
              (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF), (0x1F300, 0x1F6FF), (0x20000, 0x2A6DF)]
    texts = list(CORPUS)
    for _ in range(2000):
        texts.append("".join(chr(pick.randint(*pick.choice(blocks))) for _ in range(pick.randint(0, 30))))
    for text in texts:
        assert terms.index_counts(text) == Counter(terms.index_terms(text)), ascii(text)
