"""One list of a chapter's sections, the same in the web page's contents, its body and the PDF."""

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader
from pypdf.generic import Destination

from programs.models import Program, Report
from publishing import pdf

pytestmark = pytest.mark.django_db

GOAL = re.compile(r"doelstelling-")


def web_anchors(html: str) -> tuple[list[str], list[str]]:
    """The section anchors the page's contents link to, and the sections its body has."""
    toc = html.split('<nav class="chapter-toc"', 1)[1].split("</nav>", 1)[0]
    listed = [a for a in re.findall(r'href="#([\w-]+)"', toc) if not GOAL.match(a)]
    body = html.split("</nav>", 2)[-1]
    sections = re.findall(r'<section id="([\w-]+)" aria-labelledby=', body)
    return listed, sections


def pdf_anchors(program: Program) -> list[str]:
    """The section anchors the PDF's contents link to, without the chapter's prefix."""
    reader = PdfReader(io.BytesIO(pdf.render_chapter_pdf(program)[2]))
    first_chapter = reader.outline[1]
    assert isinstance(first_chapter, Destination)
    contents_end = reader.get_destination_page_number(first_chapter)
    names = []
    for page in reader.pages[1:contents_end]:
        for annotation in page.get("/Annots", []):
            name = str(annotation.get_object().get("/Dest", ""))
            if name not in names:  # a link over several lines has a box per line
                names.append(name)
    prefix = f"{program.slug}-"
    found = [n.removeprefix(prefix) for n in names if n.startswith(prefix)]
    return [n for n in found if n != "hoofdstuk" and not GOAL.match(n)]


@pytest.mark.parametrize("kind", ["jaarstukken", "programmabegroting"])
def test_the_sections_are_listed_and_shown_in_one_order_on_the_web_and_in_the_pdf(
    client: Client, report_2023: Report, budget_2023: Report, kind: str
) -> None:
    program = Program.objects.at(kind, 2023, "sociaal").get()
    listed, shown = web_anchors(client.get(f"/{kind}/2023/sociaal/").content.decode())
    assert listed == shown, (listed, shown)
    assert "bereikt" in shown
    assert pdf_anchors(program) == shown
    if kind == "jaarstukken":  # the seed's annual chapter has every section
        assert shown == [
            "belangrijke-ontwikkelingen",
            "bereikt",
            "kosten",
            "overhevelingen",
            "investeringen",
        ]
    else:  # the budget asks its own questions, in its own words
        assert shown == ["bereikt", "kosten"]
        page = client.get(f"/{kind}/2023/sociaal/").content.decode()
        assert '<a class="utrecht-link" href="#kosten">Wat mag het kosten?</a>' in page
