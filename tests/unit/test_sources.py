"""generator/sources.py: YAML and front matter to data, with the place of every key."""

from __future__ import annotations

import datetime
import time

import pytest

from generator.sources import MAX_DEPTH, decode, parse_markdown, parse_yaml


def parse_ok(text: str, **kwargs):
    doc, problems = parse_yaml("content/shops/x/shop.yaml", text, **kwargs)
    assert problems == [], [str(p) for p in problems]
    assert doc is not None
    return doc


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


# -- positions ------------------------------------------------------------

def test_every_key_and_list_item_has_its_line_and_column():
    doc = parse_ok("name: 山野茶舍\n"
                   "categories:\n"
                   "  - oolong\n"
                   "  - gifts\n"
                   "stores:\n"
                   "  - slug: gulou\n"
                   "    name: 鼓楼店\n")
    assert doc.data == {"name": "山野茶舍", "categories": ["oolong", "gifts"],
                        "stores": [{"slug": "gulou", "name": "鼓楼店"}]}
    assert doc.marks[("name",)] == (1, 1)
    assert doc.marks[("categories",)] == (2, 1)
    assert doc.marks[("categories", 0)] == (3, 5)
    assert doc.marks[("categories", 1)] == (4, 5)
    assert doc.marks[("stores", 0, "slug")] == (6, 5)
    assert doc.marks[("stores", 0, "name")] == (7, 5)


def test_flow_collections_have_positions_too():
    doc = parse_ok("tags: [岩茶, 手工]\ncontact: {qr: https://u.example/x}\n")
    assert doc.marks[("tags", 1)] == (1, 12)
    assert doc.marks[("contact", "qr")] == (2, 11)


def test_a_problem_is_placed_at_the_nearest_known_key():
    doc = parse_ok("contact:\n  qr: x\n")
    problem = doc.problem(("contact", "qr", "deeper"), "bad")
    assert (problem.path, problem.line, problem.column) == ("content/shops/x/shop.yaml", 2, 3)
    assert str(problem) == "content/shops/x/shop.yaml:2:3: bad"


def test_line_offset_moves_every_position():
    doc = parse_ok("a: 1\nb: 2\n", line_offset=10)
    assert doc.marks[("a",)] == (11, 1)
    assert doc.marks[("b",)] == (12, 1)


# -- values ---------------------------------------------------------------

def test_plain_scalars_keep_the_text_that_was_written():
    doc = parse_ok("hours: 10:00\nsince: 2016\nflag: yes\nprice: 1.50\nid: 0x1F\n")
    # YAML 1.1 reads these as numbers and booleans; the written text is kept beside them.
    assert doc.data["hours"] == 600
    assert doc.raw[("hours",)] == "10:00"
    assert doc.raw[("since",)] == "2016"
    assert doc.raw[("flag",)] == "yes"
    assert doc.raw[("price",)] == "1.50"
    assert doc.raw[("id",)] == "0x1F"


def test_quoted_scalars_are_always_text_and_have_no_raw_entry():
    doc = parse_ok("hours: \"10:00\"\nsince: '2016'\n")
    assert doc.data == {"hours": "10:00", "since": "2016"}
    assert ("hours",) not in doc.raw


def test_a_real_date_is_a_date():
    doc = parse_ok("date: 2024-02-29\n")
    assert doc.data["date"] == datetime.date(2024, 2, 29)


@pytest.mark.parametrize("written", ["2023-02-30", "2023-02-29", "2023-13-01"])
def test_an_impossible_date_is_reported_at_its_value(written):
    doc, problems = parse_yaml("p.md", f"name: x\ndate: {written}\n")
    assert messages(problems) == [f'p.md:2:7: "{written}" is not a real date']
    assert doc is not None and doc.data["date"] is None  # the rest of the file is still read
    assert doc.data["name"] == "x"


def test_an_empty_document_is_none():
    doc = parse_ok("")
    assert doc.data is None


# -- refused constructs ---------------------------------------------------

def test_duplicate_key_is_reported_at_the_second_one_and_the_first_kept():
    doc, problems = parse_yaml("s.yaml", "name: first\ncity: 福州\nname: second\n")
    assert messages(problems) == ['s.yaml:3:1: duplicate key "name" (first given on line 1)']
    assert doc.data == {"name": "first", "city": "福州"}


def test_duplicate_key_inside_a_list_item():
    _, problems = parse_yaml("s.yaml", "stores:\n  - slug: a\n    slug: b\n  - slug: c\n")
    assert messages(problems) == ['s.yaml:3:5: duplicate key "slug" (first given on line 2)']


def test_the_same_key_in_two_list_items_is_not_a_duplicate():
    doc = parse_ok("- slug: a\n- slug: b\n")
    assert doc.data == [{"slug": "a"}, {"slug": "b"}]


def test_two_duplicated_keys_with_mapping_values_give_two_messages_only():
    text = "a: 1\na: {x: 1}\nb: 1\nb: {x: 2}\n"
    _, problems = parse_yaml("s.yaml", text)
    assert messages(problems) == ['s.yaml:2:1: duplicate key "a" (first given on line 1)',
                                  's.yaml:4:1: duplicate key "b" (first given on line 3)']


def test_anchor_refused_at_its_line():
    doc, problems = parse_yaml("s.yaml", "name: x\ncity: &c 福州\n")
    assert doc is None
    assert messages(problems) == ["s.yaml:2:7: YAML anchors (&c) are not allowed; write each value out in full"]


def test_alias_refused_at_its_line():
    doc, problems = parse_yaml("s.yaml", "name: x\ncity: *c\n")
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (2, 7)
    assert "alias" in problems[0].message and "*c" in problems[0].message


@pytest.mark.parametrize("tagged", ["!!str 1", "!!python/object:os.system x", "!local x"])
def test_tags_refused_at_their_line(tagged):
    doc, problems = parse_yaml("s.yaml", f"name: x\nsince: {tagged}\n")
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (2, 8)
    assert "tags" in problems[0].message


def test_alias_bomb_is_refused_quickly_and_at_the_first_anchor():
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 12):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"lol{n}: &a{n} [{refs}]")
    text = "name: x\n" + "\n".join(lines) + "\n"
    start = time.perf_counter()
    doc, problems = parse_yaml("s.yaml", text)
    elapsed = time.perf_counter() - start
    assert doc is None
    assert len(problems) == 1 and problems[0].line == 2
    assert elapsed < 0.5


def test_nesting_up_to_max_depth_is_read():
    doc = parse_ok("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    depth, value = 0, doc.data
    while isinstance(value, list):
        depth += 1
        value = value[0] if value else None
    assert depth == MAX_DEPTH


def test_nesting_deeper_than_max_depth_is_refused_where_it_goes_too_deep():
    levels = MAX_DEPTH + 1
    text = "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + "v\n"
    doc, problems = parse_yaml("s.yaml", text)
    assert doc is None
    assert len(problems) == 1
    # The mapping opened on line n is the n-th level; the first one too many is on line MAX_DEPTH + 1.
    assert problems[0].line == MAX_DEPTH + 1
    assert f"more than {MAX_DEPTH} levels" in problems[0].message


def test_very_deep_flow_nesting_is_refused_quickly():
    text = "[" * 100_000 + "]" * 100_000
    start = time.perf_counter()
    doc, problems = parse_yaml("s.yaml", text)
    assert doc is None and len(problems) == 1
    assert time.perf_counter() - start < 1


def test_a_second_document_is_refused():
    doc, problems = parse_yaml("s.yaml", "name: x\n---\nname: y\n")
    assert doc is None
    assert [(p.line, p.column) for p in problems] == [(2, 1)]
    assert "one YAML document" in problems[0].message


def test_a_key_must_be_plain_text():
    doc, problems = parse_yaml("s.yaml", "name: x\n? [a, b]\n: 1\n")
    assert doc is None
    assert [p.line for p in problems] == [2]


@pytest.mark.parametrize("text, line", [
    ("name: x\ncontact:\n\tqr: y\n", 3),
    ("tags:\n\t- 岩茶\n", 2),
    ("a:\n  b: 1\n\tc: 2\n", 3),
])
def test_tab_indentation_is_named_as_such(text, line):
    doc, problems = parse_yaml("s.yaml", text)
    assert doc is None
    assert [(p.line, p.column) for p in problems] == [(line, 1)]
    assert problems[0].message.startswith("a tab is used for indentation; YAML needs spaces")


def test_a_tab_after_a_key_is_fine():
    assert parse_ok("a:\t1\n").data == {"a": 1}


def test_syntax_error_is_reported_with_its_line():
    doc, problems = parse_yaml("s.yaml", "name: x\ncity: [a, b\n")
    assert doc is None
    assert [p.line for p in problems] == [3]
    assert problems[0].message.startswith("YAML syntax error")


@pytest.mark.parametrize("text, where, says", [
    ("name: x\ncity: a: b\n", (2, 7), 'put the whole value in quotes, such as city: "a: b"'),
    ('name: "x\ncity: b\nhours: "9-5"\n', (1, 7), 'the quote " that starts here is never closed'),
    ("contact:\n  qr: https://a.example\n wechat_id: b\n", (3, 1), "indented by 1 space and line 2 above it by 2"),
    ("name: x\n- city: b\n", (2, 1), 'a list entry ("- ") where a "key: value" line was expected'),
    ("name:x\ncity: b\n", (1, 5), 'write a space after the colon of "name": name: x'),
])
def test_first_timer_mistakes_are_told_in_plain_words_with_the_fix(text, where, says):
    doc, problems = parse_yaml("s.yaml", text)
    assert doc is None and len(problems) == 1
    assert (problems[0].line, problems[0].column) == where and says in problems[0].message


def test_control_character_is_a_problem_at_its_place_not_an_exception():
    doc, problems = parse_yaml("s.yaml", "name: x\ncity: a\x07b\n")
    assert doc is None
    assert [(p.path, p.line, p.column) for p in problems] == [("s.yaml", 2, 8)]


# -- decode ---------------------------------------------------------------

def test_decode_removes_a_byte_order_mark_and_windows_line_ends():
    text, problems = decode("s.yaml", b"\xef\xbb\xbfname: x\r\ncity: y\r\n")
    assert problems == []
    assert text == "name: x\ncity: y\n"


def test_a_bom_file_parses_with_keys_on_their_lines():
    text, _ = decode("s.yaml", b"\xef\xbb\xbfname: x\r\ncity: y\r\n")
    doc = parse_ok(text)
    assert doc.data == {"name": "x", "city": "y"}  # not "\ufeffname"
    assert doc.marks[("city",)] == (2, 1)


def test_decode_refuses_latin1_with_the_line_of_the_bad_byte():
    text, problems = decode("s.yaml", b"name: x\ncity: M\xfcnchen\n")
    assert text is None
    assert messages(problems) == ["s.yaml:2:8: the file is not UTF-8 text (byte 0xfc); save it as UTF-8"]


def test_decode_column_counts_characters_not_bytes():
    _, problems = decode("s.yaml", "name: x\n价格: ".encode() + b"\xff\n")
    assert [(p.line, p.column) for p in problems] == [(2, 5)]


def test_decode_refuses_utf16():
    text, problems = decode("s.yaml", "name: x\n".encode("utf-16"))
    assert text is None
    assert len(problems) == 1 and "UTF-8" in problems[0].message


def test_decode_refuses_a_nul_byte_with_its_line():
    text, problems = decode("s.yaml", b"name: x\ncity: \x00\n")
    assert text is None
    assert [p.line for p in problems] == [2]
    assert "NUL" in problems[0].message


# -- Markdown front matter ------------------------------------------------

PRODUCT = ("---\n"
           "name: 2023 大红袍 250g\n"
           "\n"
           "price: 268\n"
           "tags: [岩茶]\n"
           "---\n"
           "正岩产区,传统炭焙……\n"
           "\n"
           "第二段\n")


def test_front_matter_keys_are_on_their_lines_in_the_file():
    source, problems = parse_markdown("p.md", PRODUCT)
    assert problems == []
    meta = source.meta
    assert meta.data == {"name": "2023 大红袍 250g", "price": 268, "tags": ["岩茶"]}
    assert meta.marks[("name",)] == (2, 1)
    assert meta.marks[("price",)] == (4, 1)
    assert meta.marks[("tags", 0)] == (5, 8)


def test_body_and_the_line_it_starts_on():
    source, _ = parse_markdown("p.md", PRODUCT)
    assert source.body == "正岩产区,传统炭焙……\n\n第二段\n"
    assert source.body_line == 7
    assert PRODUCT.split("\n")[source.body_line - 1] == source.body.split("\n")[0]


def test_front_matter_problems_carry_file_lines():
    text = "---\nname: x\nname: y\nimages: &i [a.jpg]\n---\nbody\n"
    _, problems = parse_markdown("p.md", text.replace("images: &i [a.jpg]\n", ""))
    assert messages(problems) == ['p.md:3:1: duplicate key "name" (first given on line 2)']
    _, problems = parse_markdown("p.md", text.replace("name: y\n", ""))
    assert [(p.line, p.column) for p in problems] == [(3, 9)]


def test_front_matter_impossible_date_line():
    _, problems = parse_markdown("p.md", "---\nname: x\ndate: 2023-02-30\n---\n")
    assert messages(problems) == ['p.md:3:7: "2023-02-30" is not a real date']


def test_empty_front_matter_is_an_empty_mapping():
    source, problems = parse_markdown("p.md", "---\n---\nbody\n")
    assert problems == []
    assert source.meta.data == {}
    assert source.body == "body\n"
    assert source.body_line == 3


def test_front_matter_closed_by_dots():
    source, _ = parse_markdown("p.md", "---\nname: x\n...\nbody")
    assert source.meta.data == {"name": "x"} and source.body == "body"


def test_missing_front_matter_is_reported():
    source, problems = parse_markdown("p.md", "name: x\n\nbody\n")
    assert source is None
    assert [(p.line, p.column) for p in problems] == [(1, 1)]
    assert "front matter" in problems[0].message


def test_unclosed_front_matter_is_reported():
    source, problems = parse_markdown("p.md", "---\nname: x\nbody\n")
    assert source is None
    assert len(problems) == 1 and "never closed" in problems[0].message


def test_front_matter_with_windows_line_ends_after_decode():
    text, _ = decode("p.md", b"\xef\xbb\xbf---\r\nname: x\r\nprice: 1\r\n---\r\nbody\r\n")
    source, problems = parse_markdown("p.md", text)
    assert problems == []
    assert source.meta.marks[("price",)] == (3, 1)
    assert source.body == "body\n" and source.body_line == 5


def test_a_valid_site_with_pictures_reads_no_position_until_a_picture_s_place_is_asked_for(make_site):
    """Positions are worked out only for problems: naming a picture does not ask for one."""
    from generator.config import settings_from_doc
    from generator.load import load_site, load_sources
    from generator.validate import build_directory

    root = make_site()
    settings, _ = settings_from_doc(load_site(root)[0], None)
    sources, _ = load_sources(root, settings.limits, None)
    directory, sites, problems = build_directory(sources, settings)
    assert problems == []
    docs = [shop.doc for shop in sources.shops] + [p.source.meta for shop in sources.shops for p in shop.products]
    assert any(p.images for p in directory.products)
    assert [doc.path for doc in docs if "marks" in doc.__dict__] == []
    product = next(p for p in directory.products if p.images)
    path, line, column = sites[(product.shop, product.images[0])]
    assert path.endswith(f"products/{product.slug}.md") and line > 1 and column > 1
