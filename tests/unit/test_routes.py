"""generator/routes.py: where every page lives, and the links that reach it."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import routes


@pytest.mark.parametrize("path, expected", [
    (routes.home(), ""),
    (routes.categories(), "categories/"),
    (routes.category("oolong"), "categories/oolong/"),
    (routes.shops(), "shops/"),
    (routes.shop("shanye-tea"), "shops/shanye-tea/"),
    (routes.product("shanye-tea", "dhp-2023"), "shops/shanye-tea/products/dhp-2023/"),
    (routes.store("shanye-tea", "gulou"), "shops/shanye-tea/stores/gulou/"),
    (routes.guide("shanye-tea", "gulou", "lin"), "shops/shanye-tea/stores/gulou/guides/lin/"),
    (routes.tags(), "tags/"),
    (routes.tag("tea"), "tags/tea/"),
    (routes.cities(), "cities/"),
    (routes.city("福州"), "cities/福州/"),
    (routes.collections(), "collections/"),
    (routes.collection("spring-tea"), "collections/spring-tea/"),
    (routes.new_arrivals(), "new/"),
    (routes.page("about"), "about/"),
    (routes.asset("style.css"), "assets/style.css"),
])
def test_every_page_kind_has_its_path(path, expected):
    assert path == expected


@pytest.mark.parametrize("route, first, second", [
    (lambda n: routes.category("oolong", n), "categories/oolong/", "categories/oolong/page/2/"),
    (routes.shops, "shops/", "shops/page/2/"),
    (lambda n: routes.tag("tea", n), "tags/tea/", "tags/tea/page/2/"),
    (lambda n: routes.city("福州", n), "cities/福州/", "cities/福州/page/2/"),
])
def test_the_first_page_has_no_number_and_later_pages_do(route, first, second):
    assert route(1) == first
    assert route(2) == second
    assert route(11) == second.replace("/2/", "/11/")


# -- free text to a path segment -----------------------------------------

@pytest.mark.parametrize("a, b", [("Tea", "tea"), ("TEA", "tea"), ("ｔｅａ", "tea"), ("Straße", "STRASSE"),
                                  ("Green Tea", "green-tea"), ("ＡＢＣ１２３", "abc123"), ("Café", "Cafe\u0301")])
def test_texts_that_differ_only_in_case_or_width_share_a_page(a, b):
    assert routes.text_key(a) == routes.text_key(b)
    assert routes.tag(a) == routes.tag(b)


@pytest.mark.parametrize("a, b", [("tea", "teas"), ("福州", "福建"), ("C", "D")])
def test_different_words_get_different_pages(a, b):
    assert routes.text_key(a) != routes.text_key(b)


@pytest.mark.parametrize("a, b", [("चाय", "चोय"), ("ชี", "ชู")])
def test_words_that_differ_in_a_vowel_sign_get_different_pages(a, b):
    assert routes.text_key(a) != routes.text_key(b)


@pytest.mark.parametrize("text", ["", "   ", "!!!", "???", "page", "Page", ".."])
def test_a_text_without_letters_or_named_page_is_hashed(text):
    key = routes.text_key(text)
    assert re.fullmatch(r"t-[0-9a-f]{8}", key)
    assert routes.text_key(text) == key  # stable from run to run


def test_hashed_keys_differ_for_different_texts():
    assert routes.text_key("!!!") != routes.text_key("???")
    assert routes.text_key("") != routes.text_key("!!!")


def test_page_is_not_a_tag_segment_that_pagination_could_shadow():
    assert routes.tag("page") != "tags/page/"


@pytest.mark.parametrize("text", ["a/b", "../x", "a?b#c", "a\\b", "a b", "a%2fb"])
def test_a_text_key_is_one_safe_segment(text):
    key = routes.text_key(text)
    assert re.fullmatch(r"[\w-]+", key)
    assert key not in ("", ".", "..")


# -- files and links ------------------------------------------------------

@pytest.mark.parametrize("path, file", [("", "index.html"), ("shops/", "shops/index.html"),
                                        ("shops/page/2/", "shops/page/2/index.html"),
                                        ("sitemap.xml", "sitemap.xml"), ("404.html", "404.html"),
                                        ("assets/style.css", "assets/style.css")])
def test_file_for(path, file):
    assert routes.file_for(path) == file


def test_url_under_a_sub_path_base():
    assert routes.url("/", routes.shop("shanye-tea")) == "/shops/shanye-tea/"
    assert routes.url("/directory/", routes.shop("shanye-tea")) == "/directory/shops/shanye-tea/"
    assert routes.url("/directory/", routes.home()) == "/directory/"


def test_url_percent_encodes_the_path_but_not_the_slashes():
    assert routes.url("/d/", routes.tag("福州 茶")) == "/d/tags/%E7%A6%8F%E5%B7%9E-%E8%8C%B6/"
    assert routes.url("/", routes.city("福州")) == "/cities/%E7%A6%8F%E5%B7%9E/"
    assert routes.url("/", "a%b") == "/a%25b"


def test_absolute_url():
    assert routes.absolute("https://example.org/d/", routes.product("a-b", "c-d")) == \
        "https://example.org/d/shops/a-b/products/c-d/"
    assert routes.absolute("https://example.org/", routes.city("福州")) == \
        "https://example.org/cities/%E7%A6%8F%E5%B7%9E/"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.text(alphabet="abcXYZ019_.~/-%?# 福", max_size=40))
def test_url_encodes_every_path_as_quote_does(path):
    assert routes.url("/d/", path) == "/d/" + quote(path)
    assert routes.absolute("https://e.org/", path) == "https://e.org/" + quote(path)
