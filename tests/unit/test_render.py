"""generator/render.py: a page's view hash decides whether the page is rendered again."""

from __future__ import annotations

import sys

from generator.render import view_hash


def text(n: int = 50) -> str:
    return "".join(["中", "文"]) * n  # a new string object each time


def test_a_view_hash_depends_on_the_values_not_on_which_objects_are_shared():
    shared = text()
    assert view_hash("product.html", {"body": shared, "summary": shared}) == \
        view_hash("product.html", {"body": text(), "summary": text()})


def test_a_view_hash_changes_with_any_value_and_with_the_template():
    view = {"body": text(), "price": 12.5, "tags": ["a", "b"], "sold_out": False, "image": None}
    same = view_hash("product.html", view)
    assert same == view_hash("product.html", dict(view))
    for changed in ({"body": text(51)}, {"price": 12.0}, {"tags": ["a"]}, {"sold_out": True}, {"image": ""}):
        assert view_hash("product.html", {**view, **changed}) != same, changed
    assert view_hash("shop.html", view) != same


def test_hashing_a_view_leaves_its_texts_as_they_were():
    """Pickling a string makes CPython keep a UTF-8 copy inside it: a render worker hashing every product
    page would keep a copy of every product's HTML."""
    body = text(500)
    size = sys.getsizeof(body)
    view_hash("product.html", {"product": {"body": body}})
    assert sys.getsizeof(body) == size


def test_templates_read_a_views_keys_and_a_dicts_own_methods_as_jinja_does():
    import jinja2

    from generator.theme import _Environment

    source = "{{ page.title }}|{{ page.get('x', 'none') }}|{{ page['items'] }}|{{ page.missing is undefined }}|" \
             "{{ page.items()|list }}|{{ page.shop.name }}"
    view = {"title": "T", "items": 3, "shop": {"name": "Alpha"}}
    expected = "T|none|3|True|[('title', 'T'), ('items', 3), ('shop', {'name': 'Alpha'})]|Alpha"
    assert _Environment().from_string(source).render(page=view) == expected
    assert jinja2.Environment().from_string(source).render(page=view) == expected


def test_the_rendering_key_changes_with_how_markdown_is_rendered(tmp_path, monkeypatch):
    """A view names its Markdown by its text, so a page is reused only while the text would give the same HTML."""
    from generator import markup
    from generator.render import rendering_key
    from generator.theme import load_theme

    theme, problems = load_theme(tmp_path, "default", "zh-CN")
    assert not problems
    common = {"site": {"title": "T"}}
    key = rendering_key(theme, common)
    assert rendering_key(theme, dict(common)) == key
    monkeypatch.setattr(markup, "SETTINGS_KEY", markup.SETTINGS_KEY.replace("v3", "v4"))
    assert rendering_key(theme, common) != key
