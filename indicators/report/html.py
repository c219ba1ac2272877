"""The report as one self-contained HTML document: the template (templates/report.html) filled
with the report's words, the stylesheet inline, every chart an inline SVG. Nothing is loaded
from anywhere: no script, font, image or stylesheet outside the file.

The template escapes every value (Jinja2 autoescape); only the chart SVGs, drawn by plotly
from the app's own figures, and the methodology (the repository's docs/methodology*.md,
rendered with raw HTML switched off) go in as markup.
"""

from __future__ import annotations

import base64
import logging
import re
from functools import cache
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from indicators import i18n

from . import content, figures, svg
from . import facts as f

_log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
DOCS = HERE.parents[1] / "docs"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.tests["url"] = is_url
    return environment


@cache
def methodology(lang: str) -> str:
    """docs/methodology(.fi|.sv).md as HTML, its headings one level down (the appendix is the
    level-two heading above them); raw HTML in the file is shown as text, never run."""
    lang = i18n.normalise(lang)
    path = DOCS / ("methodology.md" if lang == "en" else f"methodology.{lang}.md")
    if not path.exists():
        path = DOCS / "methodology.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    rendered = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return re.sub(
        r"<(/?)h([1-5])>", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}>", rendered
    )


def css(facts: f.Facts, *, for_print: bool) -> str:
    """The stylesheet, with the page header that marks a report holding pending figures (every
    printed page says so) and the page number word in the reader's language."""
    sheet = (HERE / "templates" / "report.css").read_text(encoding="utf-8")
    if not for_print:
        return sheet
    t = facts.names.t
    header = t("report.pending_header") if facts.include_pending else ""
    running = f"{facts.names.district(facts.district)} · {t('report.title', year=facts.year)}"
    return (
        sheet
        + "\n@page { @top-left { content: "
        + _css_string(running)
        + "; } @top-right { content: "
        + _css_string(header)
        + "; } @bottom-right { content: "
        + _css_string(t("report.page") + " ")
        + " counter(page) ' / ' counter(pages); } }\n"
        + "@page :first { @top-left { content: none; } }\n"
    )


def _css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped (names come from data)."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;·()–-_/%" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def render(facts: f.Facts, *, for_print: bool = False, drawing: svg.Drawing | None = None) -> str:
    """The report's HTML. `drawing` (a browser, svg.Drawing) draws the charts: inline SVG in
    the HTML file; for print each chart is handed to it here and the page refers to it by
    `chart_url` (pdf.py fetches it when WeasyPrint comes to it, so the charts are drawn while
    the page is laid out). Without a browser the HTML's charts are plotly's own interactive
    HTML with plotly.js inline once."""
    t = facts.names.t
    sections = content.themes(facts)
    emissions = content.emissions(facts)
    charts = [i["chart"] for s in sections for i in s["indicators"] if i["chart"]]
    charts += emissions["charts"]
    if for_print:
        for chart in charts:  # the browser starts on them while the rest is worded
            drawing.draw(chart)
        drawn = {c.key: _image(c) for c in charts}
        no_svg = False
    else:
        svgs = _drawn(charts, drawing)
        drawn = {
            c.key: Markup(svgs[c.key]) if c.key in svgs else _interactive(c, n)
            for n, c in enumerate(charts)
        }
        no_svg = not svgs and bool(charts)
    page = {
        "lang": facts.lang,
        "t": t,
        "css": Markup(css(facts, for_print=for_print)),
        "pending": facts.include_pending,
        "pending_line": t("report.pending_header"),
        "cover": content.cover(facts),
        "summary": content.summary(facts),
        "themes": sections,
        "emissions": emissions,
        "compliance": content.compliance(facts),
        "drawn": drawn,
        "no_svg": no_svg,
        "methodology": Markup(methodology(facts.lang)),
    }
    page["sources"] = list(enumerate(facts.sources.texts, start=1))  # after every citation
    return _environment().get_template("report.html").render(**page)


def _drawn(charts: list, drawing: svg.Drawing | None) -> dict[str, str]:
    """The charts as SVG documents; where the browser is missing or fails, none (the
    interactive charts stand in)."""
    if drawing is None or not charts:
        return {}
    try:
        for chart in charts:
            drawing.draw(chart)
        return {c.key: drawing.svg(c.key) for c in charts}
    except Exception:
        _log.exception("charts could not be drawn as SVG; the HTML gets interactive ones")
        return {}


CHART_URL = "report-chart:"


def chart_url(key: str) -> str:
    return CHART_URL + key


def _image(chart) -> Markup:
    """A chart as an image for the PDF: a frame of the chart's size whose one element refers to
    the chart by `chart_url`. WeasyPrint lays the pages out knowing only the size and fetches the
    drawing when it paints the chart's page, so the browser draws while the pages are laid out.
    It draws the chart as vector graphics with its text as text; as an image rather than inline,
    the chart's hundreds of elements stay out of the page's CSS cascade (a fifth of the time).
    The name for screen readers is the chart's title."""
    width, height = figures.size(chart.figure)
    frame = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
        f'<image href="{chart_url(chart.key)}" width="{width}" height="{height}"/></svg>'
    )
    data = base64.b64encode(frame.encode("utf-8")).decode("ascii")
    return Markup('<img class="chart" alt="{}" src="data:image/svg+xml;base64,{}">').format(
        chart.title, data
    )


def _interactive(chart, n: int) -> Markup:
    """plotly's own HTML for a chart (plotly.js inline with the first one): a self-contained
    fallback where no browser can draw SVG."""
    return Markup(chart.figure.to_html(full_html=False, include_plotlyjs=n == 0, div_id=chart.key))


def is_url(text: str) -> bool:
    return bool(re.match(r"^https?://\S+$", text))
