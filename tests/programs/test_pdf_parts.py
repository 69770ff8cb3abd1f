"""The whole report laid out chapter by chapter in parallel and joined (pdf_worker, pdf_merge).

What a reader must not notice: the page numbers, the contents, its links and the
bookmarks run across the chapters as in one document, and the joined PDF keeps one
structure tree for screen readers.
"""

import io
import re

import pikepdf
import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from programs.models import Report, ReportStatus
from publishing import pdf, pdf_merge
from tests.factories import build_program

pytestmark = pytest.mark.django_db

CHAPTERS = ["Programma Sociaal", "Programma Groot", "Programma Klein"]
_rendered: dict[str, bytes] = {}


@pytest.fixture
def whole(report_2023: Report) -> bytes:
    """Three chapters, so the numbering crosses two joins. Rendered once per module."""
    if "whole" not in _rendered:
        Report.objects.filter(pk=report_2023.pk).update(
            status=ReportStatus.OFFERED, adopted_on=None
        )
        report_2023.refresh_from_db()
        build_program(report_2023, slug="groot", goals=3)
        klein = build_program(report_2023, slug="klein", goals=2)
        klein.order = 10
        klein.save()
        _rendered["whole"] = pdf.render_report_pdf(report_2023)[2]
    return _rendered["whole"]


def page_texts(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def page_number(reader: PdfReader, destination: Destination) -> int:
    """The page (counted from 0) a bookmark or link leads to."""
    number = reader.get_destination_page_number(destination)
    assert number is not None, destination.title
    return number


def test_every_page_says_its_place_in_the_whole_report(whole: bytes) -> None:
    texts = page_texts(whole)
    total = len(texts)
    assert total > 20
    assert "pagina" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert text.count("pagina ") == 1, number
        assert f"pagina {number} van {total}" in text


def test_the_contents_give_the_page_where_each_chapter_and_goal_begins(whole: bytes) -> None:
    reader = PdfReader(io.BytesIO(whole))
    texts = page_texts(whole)
    chapter_one = reader.outline[1]
    assert isinstance(chapter_one, Destination)
    first_chapter = reader.get_destination_page_number(chapter_one)
    toc = " ".join(texts[1:first_chapter])
    listed = {}
    for title in CHAPTERS:
        match = re.search(re.escape(title) + r"\s*\.{3,}\s*(\d+)", toc)
        assert match, title
        listed[title] = int(match.group(1))
    # The bookmarks are made from the chapters' own headings, so they are the reference.
    bookmarked = {
        item.title: page_number(reader, item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }
    assert listed == {title: bookmarked[title] for title in CHAPTERS}
    assert listed["Programma Sociaal"] < listed["Programma Groot"] < listed["Programma Klein"]
    for title, page in listed.items():
        assert texts[page - 1].count(title) >= 2  # the running header and the heading


def test_the_contents_link_to_the_pages_they_name(whole: bytes) -> None:
    reader = PdfReader(io.BytesIO(whole))
    texts = page_texts(whole)
    destinations = {
        name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()
    }
    links = [
        annotation.get_object()
        for page in reader.pages[1:3]
        for annotation in page.get("/Annots", [])
    ]
    targets = {str(link["/Dest"]) for link in links}
    for chapter in ("sociaal-", "groot-", "klein-"):
        assert f"{chapter}hoofdstuk" in targets
    for target in targets:
        # Every link lands in a chapter, never on a stand-in in the contents.
        page = destinations[target]
        assert page is not None, target
        assert page >= 2, target
        assert f"pagina {page + 1} van" in texts[page]
    groot = destinations["groot-doelstelling-2"]
    assert groot is not None
    assert "2. Doel 2" in texts[groot]
    klein_chapter, groot_chapter = destinations["klein-hoofdstuk"], destinations["groot-hoofdstuk"]
    assert klein_chapter is not None and groot_chapter is not None
    assert klein_chapter > groot_chapter


def test_the_joined_pdf_keeps_one_structure_tree(whole: bytes) -> None:
    with pikepdf.open(io.BytesIO(whole)) as document:
        root = document.Root.StructTreeRoot
        top = root.K[0]
        assert top.S == "/Document"
        nums = list(root.ParentTree.Nums)
        keys = [int(key) for key in nums[0::2]]
        assert keys == sorted(set(keys))
        assert int(root.ParentTreeNextKey) == max(keys) + 1
        mapped = dict(zip(keys, nums[1::2], strict=True))
        page_keys = [int(page.obj.StructParents) for page in document.pages]
        assert len(set(page_keys)) == len(page_keys)
        for page, key in zip(document.pages, page_keys, strict=True):
            for element in mapped[key]:
                assert element.Pg.objgen == page.obj.objgen
            for annotation in page.obj.get("/Annots", []):
                # The element that holds the link names this very annotation.
                link = mapped[int(annotation.StructParent)]
                assert any(
                    kid.get("/Type") == "/OBJR" and kid.Obj.objgen == annotation.objgen
                    for kid in (link.K if isinstance(link.K, pikepdf.Array) else [link.K])
                    if isinstance(kid, pikepdf.Dictionary)
                )
        # The chapters (an article on each of their pages, as WeasyPrint tags it) hang
        # in order under the one document element, up to the last page.
        articles = [kid for kid in top.K if kid.S == "/Art"]
        article_pages = [article.Pg.objgen for article in articles]
        assert article_pages == [page.obj.objgen for page in document.pages[-len(articles) :]]
        assert len(articles) > 15
        assert all(article.P.objgen == top.objgen for article in articles)
        assert document.Root.MarkInfo.Marked
        assert str(document.Root.Lang) == "nl"


def test_page_numbers_are_marked_as_pagination_artifacts(whole: bytes) -> None:
    with pikepdf.open(io.BytesIO(whole)) as document:
        page = document.pages[5]
        operators = pikepdf.parse_content_stream(page)
        # Each instruction is (operands, operator); the stubs type these two attributes, not unpacking.
        artifacts = [
            instruction.operands
            for instruction in operators
            if str(instruction.operator) == "BDC" and instruction.operands[0] == "/Artifact"
        ]
        assert any(operands[1].get("/Type") == "/Pagination" for operands in artifacts)


def test_a_mismatch_of_pages_and_numbers_is_refused() -> None:
    one_page = pdf.pdf_worker.lay_out("<html lang='nl'><title>x</title><p>x</p></html>")
    with pytest.raises(ValueError, match="1 page numbers for 2 pages"):
        pdf_merge.merge(
            [one_page.pdf, one_page.pdf],
            page_numbers=[pdf.pdf_worker.lay_out("<p>1</p>", tagged=False).pdf],
        )
