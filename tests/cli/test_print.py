"""shopdir print: the PDF kit read back as a person would, by rendering its pages and scanning the codes."""

from __future__ import annotations

import collections
import io
import logging

import pypdf
import pypdfium2
import pytest
import zxingcpp

from generator import printkit
from generator.config import settings_from_doc
from generator.load import load_site
from tests.conftest import ROOT


def decoded_pages(data: bytes) -> list[list[str]]:
    document = pypdfium2.PdfDocument(data)
    pages = []
    for index in range(len(document)):
        image = document[index].render(scale=150 / 72).to_pil()
        pages.append([r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)])
    return pages


@pytest.fixture(scope="module")
def example_kit():
    data, problems = printkit.kit(ROOT, [])
    assert problems == []
    return data


def expected_codes() -> collections.Counter:
    """Each guide (and listed shop without stores): a card and a tent of two panels; each store: a poster."""
    import yaml
    expected = collections.Counter()
    delisted = set(yaml.safe_load((ROOT / "content" / "curation.yaml").read_text(encoding="utf-8"))["delisted"])
    for path in sorted((ROOT / "content" / "shops").glob("*/shop.yaml")):
        if path.parent.name in delisted:
            continue
        shop = yaml.safe_load(path.read_text(encoding="utf-8"))
        for store in shop.get("stores") or []:
            expected[f"https://example.org/shops/{path.parent.name}/stores/{store['slug']}/"] += 1
            for guide in store.get("guides") or []:
                expected[guide["qr"]] += 3
        if not shop.get("stores"):
            expected[shop["contact"]["qr"]] += 3
    return expected


def test_every_code_of_the_example_kit_scans_to_its_text(example_kit):
    pages = decoded_pages(example_kit)
    found = collections.Counter(text for page in pages for text in page)
    assert found == expected_codes()
    card_sheets = [page for page in pages if len(page) > 2]  # tents hold 2 codes, posters 1
    on_cards = collections.Counter(text for page in card_sheets for text in page)
    assert set(on_cards.values()) == {1}  # one card per guide
    guides = [text for text, count in expected_codes().items() if count == 3]
    assert sorted(on_cards) == sorted(guides)


def test_a_reader_parses_the_kit_without_warnings(example_kit, caplog):
    with caplog.at_level(logging.WARNING, logger="pypdf"):
        reader = pypdf.PdfReader(io.BytesIO(example_kit), strict=True)
        for page in reader.pages:
            page.extract_text()
    assert [r.getMessage() for r in caplog.records] == []
    assert len(reader.pages) == len(decoded_pages(example_kit))


def test_the_font_is_embedded_as_a_subset_and_codes_are_vectors(example_kit):
    reader = pypdf.PdfReader(io.BytesIO(example_kit))
    fonts = {}
    for page in reader.pages:
        resources = page["/Resources"]
        assert "/XObject" not in resources  # no picture anywhere: the codes are rectangles
        for font in resources["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            embedded = next(descriptor[key] for key in ("/FontFile2", "/FontFile3") if key in descriptor)
            fonts[str(font["/BaseFont"])] = len(embedded.get_object().get_data())
    assert len(fonts) == 1
    (name, size), = fonts.items()
    assert "+" in name  # a subset's name, as the PDF standard spells it
    assert size < 300_000  # the whole font is over 8 MB


def test_the_same_content_gives_the_same_bytes(example_kit, tmp_path, run_cli):
    status, _, err = run_cli("print", "--root", str(ROOT), "--out", str(tmp_path / "kit.pdf"))
    assert status == 0, err
    assert (tmp_path / "kit.pdf").read_bytes() == example_kit
    assert not [p for p in tmp_path.iterdir() if p.name != "kit.pdf"]  # no temporary file left


def test_one_shop_only(make_site, tmp_path, run_cli):
    root = make_site()
    status, _, err = run_cli("print", "alpha-tea", "--root", str(root), "--out", str(tmp_path / "a.pdf"))
    assert status == 0, err
    found = collections.Counter(t for page in decoded_pages((tmp_path / "a.pdf").read_bytes()) for t in page)
    assert found["https://u.wechat.com/alpha-lin"] == 3
    assert all("beta" not in text for text in found)


def test_a_site_with_problems_is_refused_and_the_old_pdf_kept(make_site, tmp_path, run_cli):
    root = make_site()
    shop = root / "content/shops/alpha-tea/shop.yaml"
    shop.write_text(shop.read_text(encoding="utf-8").replace("        qr: https://u.wechat.com/alpha-lin\n", ""),
                    encoding="utf-8")
    out = tmp_path / "kit.pdf"
    out.write_bytes(b"old")
    status, _, err = run_cli("print", "--root", str(root), "--out", str(out))
    assert status == 1
    assert "content/shops/alpha-tea/shop.yaml:18:9:" in err and "qr" in err
    assert "Traceback" not in err
    assert out.read_bytes() == b"old"


def test_an_unknown_shop_is_named(make_site, tmp_path, run_cli):
    root = make_site()
    status, _, err = run_cli("print", "alpha-te", "--root", str(root), "--out", str(tmp_path / "kit.pdf"))
    assert status == 1
    assert 'there is no shop "alpha-te" (did you mean "alpha-tea"?)' in err
    assert not (tmp_path / "kit.pdf").exists()


def test_an_unwritable_output_is_a_message(make_site, tmp_path, run_cli):
    root = make_site()
    status, _, err = run_cli("print", "--root", str(root), "--out", str(tmp_path / "missing" / "kit.pdf"))
    assert status == 1
    assert "cannot write" in err and "Traceback" not in err
    assert not (tmp_path / "missing").exists()


def test_a_character_the_font_lacks_is_named(make_site, tmp_path, run_cli):
    root = make_site()
    shop = root / "content/shops/alpha-tea/shop.yaml"
    shop.write_text(shop.read_text(encoding="utf-8").replace("name: Lin", "name: Lin 𓀀"), encoding="utf-8")
    status, _, err = run_cli("print", "--root", str(root), "--out", str(tmp_path / "kit.pdf"))
    assert status == 1
    assert '"Lin 𓀀" has characters the print font cannot draw: 𓀀' in err
    assert not (tmp_path / "kit.pdf").exists()


def test_print_settings_are_checked_at_their_line(make_site):
    root = make_site({"site.yaml": "title: T\nbase_url: https://example.org/\nprint:\n  paper: A3\n"
                                   "  piece: [card]\n"})
    _, problems = settings_from_doc(load_site(root)[0])
    assert sorted(str(p) for p in problems) == [
        'site.yaml:4:3: paper "A3" must be one of A4, letter',
        'site.yaml:5:3: unknown key "piece" (did you mean "pieces"?)']


def test_print_settings_choose_paper_and_pieces(make_site, tmp_path, run_cli):
    root = make_site()
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "print: {paper: letter, pieces: [poster], brand: 好店集}\n",
                    encoding="utf-8")
    status, _, err = run_cli("print", "--root", str(root), "--out", str(tmp_path / "kit.pdf"))
    assert status == 0, err
    reader = pypdf.PdfReader(tmp_path / "kit.pdf")
    assert len(reader.pages) == 1  # the one store's poster
    assert [round(float(v) / 72 * 25.4, 1) for v in reader.pages[0].mediabox[2:]] == [215.9, 279.4]
    text = pypdfium2.PdfDocument(tmp_path / "kit.pdf")[0].get_textpage().get_text_range()
    assert "好店集" in text and "Gulou Store" in text
