"""The PDF of a chapter and of the whole report, as the council receives it."""

import io
import re
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from pypdf import PageObject, PdfReader
from pypdf.generic import Destination, DictionaryObject
from pytest_django import Settings

from indicators.models import IndicatorValue, marks_of
from programs.models import Activity, Report, ReportStatus
from publishing import pdf, pdf_fetcher, pdf_worker
from tests.factories import build_program

pytestmark = pytest.mark.django_db

CHAPTER_PDF = "/jaarstukken/2023/sociaal/pdf/"
REPORT_PDF = "/jaarstukken/2023/pdf/"
A4 = (595, 842)
# How the goals of Sociaal 2023 begin, in the table of contents and above the goal alike.
GOALS = [
    "1. Uniforme (werkend volgens",
    "2. Kwalitatief goede voorzieningen",
    "3. Alle doelgroepen binnen",
    "4. Inwoners uit Diemen",
    "5. Alle inwoners hebben",
    "6. Kansen creeren voor",
]

# Every test loads the same seed, so a rendering made in one test is the rendering
# every other test would make: render once per module, not once per test.
_rendered: dict[str, bytes] = {}


@pytest.fixture(autouse=True)
def publications(settings: Settings, tmp_path: Path) -> Path:
    """Stored PDFs go to a fresh directory, never to the project's var/."""
    root = tmp_path / "publications"
    settings.PUBLICATION_ROOT = root
    return root


@pytest.fixture
def chapter(request: pytest.FixtureRequest) -> PdfReader:
    """The 2023 chapter as PDF; the seed is loaded only for the first rendering."""
    if "chapter" not in _rendered:
        report = request.getfixturevalue("report_2023")
        _rendered["chapter"] = pdf.render_chapter_pdf(report.programs.get(slug="sociaal"))[2]
    return PdfReader(io.BytesIO(_rendered["chapter"]))


@pytest.fixture
def staff_client(client: Client, staff_reader: User) -> Client:
    client.force_login(staff_reader)
    return client


def text(page: PageObject) -> str:
    """A page's text with white space folded, so wrapped lines read as one."""
    return " ".join(page.extract_text().split())


def texts(reader: PdfReader) -> list[str]:
    return [text(page) for page in reader.pages]


def make_draft(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.CONCEPT, adopted_on=None)


def toc_entries(toc: str, titles: list[str]) -> dict[str, int]:
    """The page number the table of contents gives for each title, in order."""
    pages, position = {}, 0
    for title in titles:
        match = re.compile(re.escape(title) + r".*?\.{3,}\s*(\d+)").search(toc, position)
        assert match, f"{title!r} is not in the table of contents"
        pages[title] = int(match.group(1))
        position = match.end()
    return pages


def first_page_with(page_texts: list[str], needle: str, start: int) -> int:
    """1-based number of the first page from `start` (0-based) that holds the needle."""
    return next(i + 1 for i, t in enumerate(page_texts) if i >= start and needle in t)


def test_the_chapter_downloads_as_an_a4_pdf_attachment(client: Client, report_2023: Report) -> None:
    response = client.get(CHAPTER_PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="jaarstukken-2023-sociaal.pdf"'
    assert int(response["Content-Length"]) == len(response.content)
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == A4


def test_the_chapter_shows_the_same_figures_as_the_web_page(chapter: PdfReader) -> None:
    whole = " ".join(texts(chapter))
    for figure in (
        "776,8",
        "-24.009",
        "1.028",
        "2.238",
        "Minimaal 90% voor alle vaccinaties, HPV uitgezonderd",
        "14/215 per week",
        "Saldo van de baten en lasten -23.186 -23.540 -25.037 -24.009 1.028",
        "760124 Verhuizing woonunits - inclusief btw 2.400 162 2.238",
        "Correctie: Realisatie 2022 stond verkeerd in jaarstukken 2022",
        "In 2023 heeft School’s Cool in Diemen 24 kinderen ondersteund",
        # The budget change behind Structurele lasten, with the rest of the change.
        "Van begroting primitief naar begroting totaal",
        "2e kwartaalbrief 2023",
        # The bars of budget against account, with their caption.
        "Toevoegingen aan reserves (incidenteel)",
        "Begroting na wijziging (gevulde balk) en rekening (open balk) per regel",
    ):
        assert figure in whole, figure
    steps = whole[whole.index("Van begroting primitief naar begroting totaal") :]
    assert re.search(r"Overige wijzigingen\s+Geen besluit vastgelegd\s+-540", steps)


def test_footnotes_keep_their_numbers_under_their_table(chapter: PdfReader) -> None:
    # pypdf's plain extraction drops list numbers; its layout mode keeps them.
    whole = " ".join(
        " ".join(p.extract_text(extraction_mode="layout").split()) for p in chapter.pages
    )
    assert "12. Indicatoren zijn met de programmabegroting 2023 ingevoerd." in whole
    assert "16. Deze indicator wordt door de GGD Vangnet niet meer" in whole


def test_the_cover_names_the_report_the_municipality_and_the_version(chapter: PdfReader) -> None:
    cover = text(chapter.pages[0])
    assert "Gemeente Diemen" in cover
    assert "Jaarstukken 2023" in cover
    assert "Programma Sociaal" in cover
    assert "Versie: Vastgesteld door Raad op 27 juni 2024" in cover
    assert "pagina" not in cover


def test_the_table_of_contents_gives_the_page_where_each_goal_begins(chapter: PdfReader) -> None:
    page_texts = texts(chapter)
    first_chapter = chapter.outline[1]
    assert isinstance(first_chapter, Destination)
    toc = " ".join(page_texts[1 : chapter.get_destination_page_number(first_chapter)])
    assert toc.startswith("Inhoud")
    listed = toc_entries(toc, ["Belangrijke ontwikkelingen", *GOALS, "Wat heeft het gekost?"])
    for heading in GOALS:
        assert first_page_with(page_texts, heading, start=2) == listed[heading], heading
    assert (
        first_page_with(page_texts, "Saldo Structureel", start=2) == listed["Wat heeft het gekost?"]
    )


def test_every_page_after_the_cover_says_which_page_of_how_many(chapter: PdfReader) -> None:
    page_texts = texts(chapter)
    total = len(page_texts)
    assert total > 10
    for number, page in enumerate(page_texts[1:], start=2):
        assert f"pagina {number} van {total}" in page


def test_the_running_header_names_the_report_and_the_chapter(chapter: PdfReader) -> None:
    page_texts = texts(chapter)
    assert "Jaarstukken 2023 · Gemeente Diemen" in page_texts[5]
    assert "Programma Sociaal" in page_texts[5]
    assert "Versie: Vastgesteld door Raad op 27 juni 2024" in page_texts[5]


def test_bookmarks_lead_to_the_chapter_its_sections_and_its_goals(chapter: PdfReader) -> None:
    outline = chapter.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Inhoud", "Programma Sociaal"]
    sections = outline[2]
    assert isinstance(sections, list)
    section_titles = [item.title for item in sections if not isinstance(item, list)]
    assert section_titles == [
        "Belangrijke ontwikkelingen",
        "Wat hebben we bereikt en wat hebben we ervoor gedaan?",
        "Wat heeft het gekost?",
        "Voorgestelde overhevelingen",
        "Investeringen",
    ]
    goals = sections[2]
    assert isinstance(goals, list)
    assert [str(g.title).split(".")[0] for g in goals] == ["1", "2", "3", "4", "5", "6"]
    page_texts = texts(chapter)
    for goal, heading in zip(goals, GOALS, strict=True):
        assert isinstance(goal, Destination)
        page = chapter.get_destination_page_number(goal)
        assert page is not None
        assert heading in page_texts[page], heading


def test_the_pdf_carries_title_author_and_language_and_is_tagged(chapter: PdfReader) -> None:
    assert chapter.metadata is not None
    assert chapter.metadata.title == "Jaarstukken 2023 — Sociaal"
    assert chapter.metadata.author == "Gemeente Diemen"
    root = chapter.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    assert root["/Lang"] == "nl"
    mark_info = root["/MarkInfo"]
    assert isinstance(mark_info, DictionaryObject)
    assert bool(mark_info["/Marked"])
    assert "/StructTreeRoot" in root


def test_an_adopted_report_is_rendered_once_and_then_served_unchanged(
    client: Client, report_2023: Report, publications: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.get(CHAPTER_PDF).content
    stored = publications / "jaarstukken-2023-sociaal.pdf"
    assert stored.read_bytes() == first

    def must_not_render(*args: object) -> None:
        raise AssertionError("an adopted report was rendered a second time")

    monkeypatch.setattr(pdf, "render_chapter_pdf", must_not_render)
    assert client.get(CHAPTER_PDF).content == first
    assert sorted(p.name for p in publications.iterdir()) == ["jaarstukken-2023-sociaal.pdf"]


def test_a_stored_pdf_is_never_replaced(publications: Path) -> None:
    adopted = Report(kind="jaarstukken", year=2023, status=ReportStatus.ADOPTED)

    def rendering(content: bytes) -> Callable[[], pdf.Rendered]:
        return lambda: ("x.pdf", pdf.PDF_MIME, content)

    assert pdf.stored_or_rendered(adopted, "x.pdf", rendering(b"first"))[2] == b"first"
    # A second rendering (a racing request, a newer WeasyPrint) loses to the stored one.
    pdf.store_once(publications / "x.pdf", b"second")
    assert pdf.stored_or_rendered(adopted, "x.pdf", rendering(b"third"))[2] == b"first"
    assert sorted(p.name for p in publications.iterdir()) == ["x.pdf"]


def test_a_failed_write_leaves_no_file_behind(
    publications: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(pdf.os, "fsync", disk_full)
    with pytest.raises(OSError):
        pdf.store_once(publications / "x.pdf", b"half")
    assert list(publications.iterdir()) == []


def test_a_draft_is_not_found_for_anonymous_readers(client: Client, report_2023: Report) -> None:
    make_draft(report_2023)
    assert client.get(CHAPTER_PDF).status_code == 404
    assert client.get(REPORT_PDF).status_code == 404


def test_staff_get_a_draft_marked_concept_on_every_page_and_never_stored(
    staff_client: Client, report_2023: Report, publications: Path
) -> None:
    make_draft(report_2023)
    response = staff_client.get(CHAPTER_PDF)
    assert response.status_code == 200
    assert "jaarstukken-2023-sociaal-concept.pdf" in response["Content-Disposition"]
    page_texts = texts(PdfReader(io.BytesIO(response.content)))
    assert all("CONCEPT" in page for page in page_texts)
    assert "Versie: Concept" in page_texts[0]
    assert not publications.exists() or list(publications.iterdir()) == []


def test_the_whole_report_holds_every_chapter_with_its_own_page_numbers(
    report_2023: Report,
) -> None:
    # An adopted report is frozen; add the second program while it is only offered.
    Report.objects.filter(pk=report_2023.pk).update(status=ReportStatus.OFFERED, adopted_on=None)
    report_2023.refresh_from_db()
    build_program(report_2023, slug="groot", goals=2)
    filename, mime, content = pdf.render_report_pdf(report_2023)
    assert (filename, mime) == ("jaarstukken-2023.pdf", "application/pdf")
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata is not None
    assert reader.metadata.title == "Jaarstukken 2023"
    assert [i.title for i in reader.outline if not isinstance(i, list)] == [
        "Inhoud",
        "Programma Sociaal",
        "Programma Groot",
    ]
    page_texts = texts(reader)
    first_chapter = reader.outline[1]
    assert isinstance(first_chapter, Destination)
    toc = " ".join(page_texts[1 : reader.get_destination_page_number(first_chapter)])
    # The second chapter's goals 1 and 2 link to its own headings, not to Sociaal's
    # goals with the same codes.
    listed = toc_entries(toc, ["Programma Groot", "1. Doel 1", "2. Doel 2"])
    groot = first_page_with(page_texts, "Ontwikkeling 1", start=2)
    assert listed["Programma Groot"] == groot
    assert "1. Doel 1" in page_texts[listed["1. Doel 1"] - 1]
    assert listed["1. Doel 1"] >= groot


def test_the_report_and_chapter_pages_link_to_their_pdfs(
    client: Client, report_2023: Report
) -> None:
    report_page = client.get("/jaarstukken/2023/").content.decode()
    assert f'href="{REPORT_PDF}"' in report_page
    assert "Het hele verslag als PDF" in report_page
    chapter_page = client.get("/jaarstukken/2023/sociaal/").content.decode()
    assert f'href="{CHAPTER_PDF}"' in chapter_page
    assert "Download dit hoofdstuk als PDF" in chapter_page


def test_the_renderer_fetches_only_the_projects_own_static_files() -> None:
    fetcher = pdf_fetcher.StaticFilesFetcher()
    response = fetcher("file:///static/css/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    for url in (
        "http://example.com/style.css",
        "https://fonts.googleapis.com/css?family=Inter",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/css/does-not-exist.css",
        "ftp://example.com/x",
    ):
        with pytest.raises(ValueError):
            fetcher(url)


# --- An offered report: one layout per content version ----------------------------------------


class CountingLayout:
    """Stands in for the layout (the PDF's content is tested above): counts the calls and
    takes a while, so readers who come at once really overlap."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, html: str, tagged: bool = True) -> pdf_worker.Part:
        with self._lock:
            self.calls += 1
            number = self.calls
        time.sleep(self.seconds)
        return pdf_worker.Part(f"%PDF-1.7 layout {number}".encode(), 1, {})


def _offer(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.OFFERED, adopted_on=None)


def test_twenty_readers_of_an_offered_report_at_once_cause_one_layout(
    transactional_db: None, report_2023: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    _offer(report_2023)
    layout = CountingLayout(seconds=0.5)
    monkeypatch.setattr(pdf.pdf_worker, "lay_out", layout)
    start = threading.Barrier(20)

    def read() -> tuple[int, bytes]:
        try:
            start.wait()
            response = Client().get(CHAPTER_PDF)
            return response.status_code, response.content
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as readers:
        answers = list(readers.map(lambda _: read(), range(20)))
    assert layout.calls == 1
    # The first reader has the file. The others, during the layout, hold no web worker:
    # they hear in Dutch that it is being made and when to ask again.
    made = [body for status, body in answers if status == 200]
    waiting = [body.decode() for status, body in answers if status == 503]
    assert made and set(made) == {b"%PDF-1.7 layout 1"}
    assert len(made) + len(waiting) == 20 and waiting
    assert all("Iemand anders vroeg zojuist om dezelfde PDF" in page for page in waiting)
    # After the layout, everyone gets that same file, laid out once.
    again = Client().get(CHAPTER_PDF)
    assert again.status_code == 200 and again.content == b"%PDF-1.7 layout 1"
    assert layout.calls == 1


def test_a_reader_who_asks_during_the_layout_is_told_to_ask_again(
    client: Client, report_2023: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    _offer(report_2023)
    monkeypatch.setattr(pdf.pdf_worker, "lay_out", CountingLayout())
    report_2023.refresh_from_db()
    path = pdf.published_path(
        report_2023, pdf.chapter_filename(report_2023.programs.get(slug="sociaal"))
    )
    with pdf._making(path) as mine:  # another reader's layout is running
        assert mine
        response = client.get(CHAPTER_PDF)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "wordt gemaakt" in page and f'href="{CHAPTER_PDF}"' in page
    assert client.get(CHAPTER_PDF).content == b"%PDF-1.7 layout 1"


def test_a_change_to_an_offered_report_makes_its_next_chapter_pdf_anew(
    client: Client, report_2023: Report, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    _offer(report_2023)
    layout = CountingLayout()
    monkeypatch.setattr(pdf.pdf_worker, "lay_out", layout)
    folder = Path(settings.PDF_JOB_ROOT) / "aangeboden" / "jaarstukken-2023"

    assert client.get(CHAPTER_PDF).content == b"%PDF-1.7 layout 1"
    assert client.get(CHAPTER_PDF).content == b"%PDF-1.7 layout 1"  # the same file, shared
    first = Report.objects.get(pk=report_2023.pk).content_version
    assert [p.name for p in folder.iterdir()] == [f"v{first}"]

    activity = Activity.objects.filter(subgoal__goal__program__report=report_2023).first()
    assert activity is not None
    activity.realisation += " Aangevuld."
    activity.save()
    assert Report.objects.get(pk=report_2023.pk).content_version == first + 1
    assert client.get(CHAPTER_PDF).content == b"%PDF-1.7 layout 2"
    assert [p.name for p in folder.iterdir()] == [f"v{first + 1}"]  # the old one is gone
    assert layout.calls == 2


def test_every_change_in_a_report_counts_its_content_version(concept_2024: Report) -> None:
    def version() -> int:
        return Report.objects.get(pk=concept_2024.pk).content_version

    before = version()
    activity = Activity.objects.filter(subgoal__goal__program__report=concept_2024).first()
    assert activity is not None
    activity.save()
    assert version() == before + 1
    value = IndicatorValue.objects.filter(indicator__table__program__report=concept_2024).first()
    assert value is not None
    value.delete()
    assert version() == before + 2
    # A stale copy of the report, saved, cannot set the count back.
    stale = Report.objects.get(pk=concept_2024.pk)
    activity.save()
    stale.adopted_by = "Gemeenteraad"
    stale.save()
    assert version() == before + 4 == stale.content_version


def test_a_program_whose_name_says_programma_is_not_called_programma_twice(
    client: Client, concept_2024: Report, staff_reader: User
) -> None:
    concept_2024.programs.filter(slug="sociaal").update(name="Programma 1 Samenleven")
    client.force_login(staff_reader)
    response = client.get("/jaarstukken/2024/sociaal/pdf/")
    whole = " ".join(texts(PdfReader(io.BytesIO(response.content))))
    assert "Programma 1 Samenleven" in whole
    assert "Programma Programma" not in whole and "programma Programma" not in whole
    goal = client.get("/jaarstukken/2024/sociaal/doelstelling/3/").content.decode()
    assert "Jaarstukken 2024 · Programma 1 Samenleven · doelstelling 3" in goal


def _footnoted_figures(report: Report) -> list[tuple[str, list[str]]]:
    """Every figure of the report's chapter that carries a footnote mark: as shown, marks."""
    values = IndicatorValue.objects.filter(
        indicator__table__program__report=report, footnotes__isnull=False
    ).distinct()
    found = []
    for value in values.prefetch_related("footnotes"):
        shown = value.display + (f" ({value.period_label})" if value.period_label else "")
        found.append((shown, marks_of(value.footnotes.all())))
    return found


def test_every_footnoted_figure_of_the_seed_stays_apart_from_its_mark_in_page_and_pdftotext(
    client: Client, chapter: PdfReader, report_2023: Report, tmp_path: Path
) -> None:
    """The text a browser copies (the page's text content: tags dropped, nothing added) and
    the text poppler's pdftotext extracts from the PDF both read "157 4", never "1574"."""
    figures = _footnoted_figures(report_2023)
    assert len(figures) >= 10, "the seed's chapter has many footnoted figures"
    html = client.get("/jaarstukken/2023/sociaal/").content.decode()
    # Tags dropped and nothing added, except the tab a browser copies between table cells.
    cells_apart = re.sub(r"</t[dh]>", "\t", html)
    text_content = " ".join(unescape(re.sub(r"<[^>]+>", "", cells_apart)).split())
    path = tmp_path / "hoofdstuk.pdf"
    path.write_bytes(_rendered["chapter"])
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    for name, text in (("page", text_content), ("pdftotext", extracted)):
        for shown, marks in figures:
            apart = r"\s+".join(re.escape(part) for part in [*shown.split(), *marks])
            # Not preceded or followed by a digit: "5" with mark "1" is not the 5 of "15".
            assert re.search(rf"(?<![\d,.]){apart}(?![\d,])", text), (name, shown, marks)
            glued = re.escape(shown + marks[0])
            assert not re.search(rf"(?<![\d,.]){glued}(?![\d,])", text), (name, shown, marks)


def test_a_figure_and_its_footnote_mark_stay_apart_in_the_extracted_text(
    chapter: PdfReader,
) -> None:
    """The source PDF reads "1574" for 157 with note 4; the product's PDF must not."""
    whole = " ".join(texts(chapter))
    assert "157 4" in whole and "1574" not in whole
    assert "73,6% (over 2022) 3" in whole and "2022)3" not in whole
