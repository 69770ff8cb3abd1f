"""The published report as PDF: one program chapter, or the whole report.

Renderers of the same contexts as the web pages (pages.py) through the same
template partials, so a figure cannot differ between web and paper. Each
renderer returns (filename, mime, bytes) and needs no request, so a
background worker can call it as well as a view. A chapter is laid out in
one piece; the whole report in parts, in parallel (pdf_worker), joined by
pdf_merge.

The PDF of an adopted report is made once and kept on disk: the council's
document must never change afterwards, not even by a new WeasyPrint version.
"""

import fcntl
import hashlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from programs.models import Program, Report
from readmodel import pages

from . import fonts, pdf_merge, pdf_worker

logger = logging.getLogger(__name__)

PDF_MIME = "application/pdf"
TEMPLATE = "programs/pdf/document.html"
TOC_TEMPLATE = "programs/pdf/_toc.html"
PAGE_NUMBERS_TEMPLATE = "programs/pdf/page_numbers.html"

Rendered = tuple[str, str, bytes]
Progress = Callable[..., None]


def chapter_filename(program: Program) -> str:
    return _filename(program.report, program.slug)


def report_filename(report: Report) -> str:
    return _filename(report)


def _filename(report: Report, *parts: str) -> str:
    draft = () if report.is_published else ("concept",)
    return "-".join([report.kind, str(report.year), *parts, *draft]) + ".pdf"


def render_chapter_pdf(program: Program) -> Rendered:
    report = program.report
    context = _document_context(report, [program], title=f"{report.title} — {program.name}")
    return chapter_filename(program), PDF_MIME, _render(context)


def render_report_pdf(report: Report, progress: Progress | None = None) -> Rendered:
    """The whole report, its chapters laid out in parallel (see _render_in_parts).

    `progress`, if given, hears each step in words and the pages laid out so far
    (for a job's page).
    """
    programs = list(report.programs.select_related("report"))
    _warn_about_missing_glyphs(report)
    context = _document_context(report, [], title=report.title)
    return report_filename(report), PDF_MIME, _render_in_parts(context, programs, progress)


def _warn_about_missing_glyphs(report: Report) -> None:
    """A character the fonts lack slows the layout down many times; say which and where."""
    try:
        missing = fonts.missing_characters(report)
    except fonts.FontNotFound as error:
        logger.warning("%s: fonts not checked: %s", report, error)
        return
    for char, where in sorted(missing.items()):
        logger.warning(
            "%s: U+%04X %r has no glyph in the PDF fonts (%s)", report, ord(char), char, where
        )


def _document_context(report: Report, programs: list[Program], *, title: str) -> dict[str, Any]:
    chapters = [_chapter_context(program) for program in programs]
    return {
        "report": report,
        "title": title,
        "chapters": chapters,
        # Changes since it was offered to the council (nota's van wijziging), up front.
        "errata": list(report.errata.all()),
        "draft": not report.is_published,
        "pdf": True,
    }


def _chapter_context(program: Program) -> dict[str, Any]:
    chapter = pages.chapter_context(program)
    # Ids must be unique across the chapters of one document: the table of
    # contents and the footnote marks link to them.
    chapter["anchor_prefix"] = f"{program.slug}-"
    return chapter


def _render(context: dict[str, Any]) -> bytes:
    """One document in one piece: a single chapter."""
    return pdf_worker.lay_out(render_to_string(TEMPLATE, context)).pdf


def _render_in_parts(
    context: dict[str, Any], programs: list[Program], progress: Progress | None = None
) -> bytes:
    """Chapters laid out in parallel by the worker pool, then joined into one PDF.

    A chapter's page count does not depend on the page it starts on, so each
    chapter is laid out once, on its own, handed to the pool as soon as its HTML
    is made (the workers start while the next chapter is read). Then, with every
    chapter's length known, the front part (cover and contents, with each entry's
    page number written in) and the page numbers ("pagina X van Y") are laid out,
    and pdf_merge joins it all. The front part is laid out once ahead, with the
    chapters, only to learn its length; the numbers in its contents do not change
    that length (they have a column of their own), and if they ever do, it is
    laid out again.
    """
    chapters = context["chapters"]  # filled as the chapters are read
    chapter_css = _part_css(context["report"])

    def pieces() -> Iterator[tuple[str, bool]]:
        for number, program in enumerate(programs, start=1):
            say(f"Hoofdstuk {number} van {len(programs)} wordt gelezen en opgemaakt")
            chapter = _chapter_context(program)
            chapters.append(chapter)
            part = {"chapters": [chapter], "part": "chapter", "part_css": chapter_css}
            yield render_to_string(TEMPLATE, {**context, **part}), True
        yield _front_html(context, None), True

    laid_out = [0]

    def say(step: str) -> None:
        if progress:
            progress(step, pages=laid_out[0])

    def chapter_done(index: int, part: pdf_worker.Part) -> None:
        laid_out[0] += part.pages
        say("De pagina's worden opgemaakt")

    first_round = pdf_worker.lay_out_all(
        pieces(), done=chapter_done, tick=lambda: say("De pagina's worden opgemaakt")
    )
    parts, draft_front = first_round[:-1], first_round[-1]
    front_pages = draft_front.pages
    for _attempt in range(3):
        total = front_pages + sum(part.pages for part in parts)
        say(f"De inhoudsopgave en de paginanummers van {total} pagina's")
        second_round = pdf_worker.lay_out_all(
            [
                (_front_html(context, _page_of_each_anchor(parts, front_pages)), True),
                *((html, False) for html in _page_number_html(total)),
            ]
        )
        front, numbers = second_round[0], second_round[1:]
        if front.pages == front_pages:
            break
        front_pages = front.pages  # a contents page more or less after all: again
    say(f"Het PDF-bestand van {total} pagina's wordt samengesteld")
    return pdf_merge.merge(
        [front.pdf, *(part.pdf for part in parts)],
        page_numbers=[number.pdf for number in numbers],
    )


def _css_string(text: str) -> str:
    """A CSS string literal that cannot end early or close the <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + escaped.replace("\n", "\\a ") + '"'


_TOC_LINK = re.compile(r'<a href="#([^"]+)"')
# A part draws no page numbers: it does not know on which page it begins.
_NO_PAGE_NUMBERS = "@page { @bottom-right { content: none; } }"


def _part_css(report: Report) -> str:
    """A chapter laid out alone has no cover to take its running header from."""
    strings = ", ".join(
        f"{name} {_css_string(value)}"
        for name, value in (
            ("report", report.title),
            ("municipality", str(report.municipality)),
            ("version", f"Versie: {report.version_label}"),
        )
    )
    return f"{_NO_PAGE_NUMBERS}\n.chapter {{ string-set: {strings}; }}"


def _front_html(context: dict[str, Any], toc_pages: dict[str, int] | None) -> str:
    """Cover and contents. Each entry's page number is written in (data-page, which
    print.css shows) because the chapters are in other parts; each link target has a
    stand-in here, which the chapter's own destination replaces when the parts are
    joined. Without `toc_pages`: three-digit stand-ins, to learn the length.
    """
    targets = _TOC_LINK.findall(render_to_string(TOC_TEMPLATE, context))
    html = render_to_string(
        TEMPLATE,
        {**context, "part": "front", "part_css": _NO_PAGE_NUMBERS, "toc_targets": targets},
    )

    def numbered(link: re.Match[str]) -> str:
        page = 999 if toc_pages is None else toc_pages[link.group(1)]
        return f'{link.group(0)} data-page="{page}"'

    return _TOC_LINK.sub(numbered, html)


def _page_of_each_anchor(parts: list[pdf_worker.Part], front_pages: int) -> dict[str, int]:
    pages: dict[str, int] = {}
    start = front_pages
    for part in parts:
        for anchor, page in part.anchors.items():
            pages.setdefault(anchor, start + page + 1)
        start += part.pages
    return pages


def _page_number_html(total: int) -> list[str]:
    """The numbers of all pages, in as many pieces as there are workers."""
    pieces = min(pdf_worker.processes(), total)
    size = -(-total // pieces)
    html: list[str] = []
    for first in range(1, total + 1, size):
        last = min(first + size - 1, total)
        css = (
            "@page { @top-left { content: none; } @top-right { content: none; }"
            " @bottom-left { content: none; }"
            f' @bottom-right {{ content: "pagina " counter(page) " van {total}"; }} }}'
            f" @page :first {{ counter-reset: page {first}; }}"
            " .page-numbers__page { break-before: page; }"
            " .page-numbers__cover { page: cover; }"
        )
        context = {"numbers": range(first, last + 1), "numbers_css": css}
        html.append(render_to_string(PAGE_NUMBERS_TEMPLATE, context))
    return html


class BeingMade(Exception):
    """Another reader's request is laying out this very file right now."""


def stored_or_rendered(report: Report, filename: str, render: Callable[[], Rendered]) -> Rendered:
    """A published report's PDF, made once per content version and shared by every reader.

    An adopted report's file is the council's document, under PUBLICATION_ROOT and never
    made again. An offered report's file is kept per content version (Report.content_version)
    under PDF_JOB_ROOT, so any change to the report makes the next reader's copy anew.
    The first reader makes it. A reader who asks meanwhile, in any process on this host,
    does not lay it out again and does not wait either (BeingMade): a crowd of readers
    would otherwise hold every web worker while one layout runs. A draft, which only
    staff see, is laid out anew for each request and never stored: they want today's text.
    """
    if not report.is_published:
        return render()
    path = published_path(report, filename)
    if not path.exists():
        with _making(path) as mine:
            if not mine:
                raise BeingMade(filename)
            if not path.exists():  # made by a reader who held the lock just before
                store_once(path, render()[2])
                _forget_earlier_versions(report, path)
    return filename, PDF_MIME, path.read_bytes()


OFFERED_DIRECTORY = "aangeboden"


def published_path(report: Report, filename: str) -> Path:
    if report.is_adopted:
        return Path(settings.PUBLICATION_ROOT) / filename
    folder = Path(settings.PDF_JOB_ROOT) / OFFERED_DIRECTORY / f"{report.kind}-{report.year}"
    return folder / f"v{report.content_version}" / filename


@contextmanager
def _making(path: Path) -> Iterator[bool]:
    """Take the lock on making the file at path: True if this process holds it now,
    False if another one is making the file (this one does not wait).

    The lock files live under PDF_JOB_ROOT, so PUBLICATION_ROOT holds only documents.
    """
    locks = Path(settings.PDF_JOB_ROOT) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(str(path).encode()).hexdigest()[:32]
    with open(locks / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _forget_earlier_versions(report: Report, path: Path) -> None:
    """An offered report's files of earlier content versions are never served again."""
    if report.is_adopted:
        return
    for folder in path.parent.parent.glob("v*"):
        number = folder.name[1:]
        if number.isdigit() and int(number) < report.content_version:
            shutil.rmtree(folder, ignore_errors=True)


def store_once(path: Path, content: bytes) -> None:
    """Write atomically, and never replace a stored file.

    The temporary file lives in the same directory, so a process killed halfway
    leaves no half-written PDF under the real name. os.link, unlike os.replace,
    fails when the name exists: of two simultaneous first downloads the first to
    finish wins and both readers get its bytes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the web server reads it
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
