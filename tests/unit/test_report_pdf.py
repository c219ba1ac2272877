"""The yearly report as PDF: Stockholm Royal Seaport 2023 in Finnish, Swedish and English, made by
`python -m indicators report`, read back with pypdf (text, structure, fonts)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from indicators import access, store
from indicators.cli import main
from indicators.report import content, facts

SEAPORT = "stockholm-royal-seaport"
LANGS = ("fi", "sv", "en")
# the district's name in each language (the catalog's name_fi, name_sv)
NAMES = {
    "en": "Stockholm Royal Seaport",
    "fi": "Norra Djurgårdsstaden",
    "sv": "Norra Djurgårdsstaden",
}
EXCAVATED = {
    "en": "Excavated material reused",
    "fi": "Kaivumaiden hyötykäyttö",
    "sv": "Återanvända schaktmassor",
}
EXCAVATED_SOURCE = (
    "https://www.norradjurgardsstaden2030.se/results/land-remediation-bulk-materials-management"
)
# words of the report's own headings, and the English ones that must not show in fi and sv
HEADINGS = {
    "en": ("Summary", "Sources", "Appendix: methodology"),
    "fi": ("Yhteenveto", "Lähteet", "Liite: menetelmä"),
    "sv": ("Sammanfattning", "Källor", "Bilaga: metod"),
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seaport_db(demo_db_template, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture(scope="module")
def pdfs(seaport_db, tmp_path_factory) -> dict[str, Path]:
    """The Seaport's 2023 report in each language, made through the CLI once per module."""
    out = tmp_path_factory.mktemp("pdf")
    made = {}
    for lang in LANGS:
        path = out / f"seaport-2023-{lang}.pdf"
        argv = ["--db", str(seaport_db), "report", "--district", SEAPORT, "--year", "2023"]
        assert main([*argv, "--lang", lang, "--out", str(path)]) == 0
        made[lang] = path
    return made


def text(path: Path) -> str:
    """The PDF's extractable text, whitespace folded (a line break may fall inside a URL)."""
    pages = PdfReader(path).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in pages))


def unbroken(words: str) -> str:
    return re.sub(r"\s+", "", words)


@pytest.fixture(scope="module")
def texts(pdfs) -> dict[str, str]:
    return {lang: text(path) for lang, path in pdfs.items()}


@pytest.mark.parametrize("lang", LANGS)
def test_report_pdf_opens_and_names_the_district(pdfs, texts, lang):
    reader = PdfReader(pdfs[lang])
    assert len(reader.pages) > 3
    assert NAMES[lang] in texts[lang]
    assert NAMES[lang] in reader.metadata.title


@pytest.mark.parametrize("lang", LANGS)
def test_report_pdf_gives_the_excavated_material_figure_against_its_target(texts, lang):
    section = texts[lang].split(EXCAVATED[lang])
    lines = [s[:400] for s in section[1:]]
    assert any("80 %" in line and "65 %" in line for line in lines), lines


@pytest.mark.parametrize("lang", LANGS)
def test_report_pdf_names_the_source_of_the_excavated_material_figure(texts, lang):
    assert unbroken(EXCAVATED_SOURCE) in unbroken(texts[lang])


def test_report_pdf_numbers_the_excavated_material_source_where_the_figure_stands(
    seaport_db, texts
):
    con = store.connect(seaport_db, read_only=True)
    try:
        found = facts.gather(con, access.PUBLIC, district=SEAPORT, year=2023, lang="en")
    finally:
        con.close()
    content.themes(found)  # cites every figure in the order the report shows them
    number = found.sources.texts.index(EXCAVATED_SOURCE) + 1
    assert re.search(rf"80 % \(2023\) ?\[{number}\]", texts["en"])
    assert re.search(rf"\[{number}\] ?{re.escape(EXCAVATED_SOURCE[:40])}", texts["en"])


@pytest.mark.parametrize("lang", LANGS)
def test_report_pdf_draws_every_chart_with_its_title_as_text(seaport_db, texts, lang):
    con = store.connect(seaport_db, read_only=True)
    try:
        found = facts.gather(con, access.PUBLIC, district=SEAPORT, year=2023, lang=lang)
    finally:
        con.close()
    charts = [i["chart"] for s in content.themes(found) for i in s["indicators"] if i["chart"]]
    assert len(charts) > 10
    for chart in charts:
        # the caption under the chart and the title drawn inside the SVG: twice, both text
        assert texts[lang].count(chart.title) >= 2, chart.title


@pytest.mark.parametrize("lang", LANGS)
def test_report_pdf_is_written_in_the_chosen_language(texts, lang):
    for word in HEADINGS[lang]:
        assert word in texts[lang]
    if lang != "en":
        for word in HEADINGS["en"]:
            assert word not in texts[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_report_pdf_is_tagged_with_its_language_and_headings(pdfs, lang):
    reader = PdfReader(pdfs[lang])
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]).startswith(lang)
    tags = set()

    def walk(node, depth=0):
        node = node.get_object()
        if not hasattr(node, "get"):
            return  # a marked-content id: a leaf
        if "/S" in node:
            tags.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None and depth < 60:
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object"):
                    walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3"} <= tags
    assert "/Table" in tags


def test_report_pdf_embeds_every_font_it_uses(pdfs):
    reader = PdfReader(pdfs["en"])
    fonts = {}
    for page in reader.pages[:6]:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts
