"""The published report as PDF: one program chapter, or the whole report.

Renderers of the same contexts as the web pages (pages.py) through the same
template partials, so a figure cannot differ between web and paper. Each
renderer returns (filename, mime, bytes) and needs no request, so a
background worker can call it as well as a view.

The PDF of an adopted report is made once and kept on disk: the council's
document must never change afterwards, not even by a new WeasyPrint version.
"""

import logging
import mimetypes
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fonts, pages
from .models import Program, Report

logger = logging.getLogger(__name__)

PDF_MIME = "application/pdf"
TEMPLATE = "programs/pdf/document.html"
# The document's own address. Only static files are ever resolved against it, and the
# fetcher below serves those from disk; nothing is looked up on the network.
BASE_URL = "file:///"

Rendered = tuple[str, str, bytes]
Progress = Callable[[str], None]


class StaticFilesFetcher(URLFetcher):
    """Serves the project's static files from disk and refuses every other URL."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_file_for(url)
        if path is None:
            raise ValueError(f"PDF rendering may load only static files of the project, not {url}")
        # WeasyPrint takes a stylesheet only when it is served as text/css.
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": mime})


def static_file_for(url: str) -> str | None:
    """The file on disk behind a static URL (as {% static %} writes it), or None."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    relative = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:  # "../" out of the static directories
        return None
    return found if isinstance(found, str) else None


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
    """The whole report. `progress`, if given, hears each step in words (for a job's page)."""
    programs = list(report.programs.select_related("report"))
    _warn_about_missing_glyphs(report)
    context = _document_context(report, programs, title=report.title, progress=progress)
    if progress:
        progress("De pagina's worden opgemaakt")
    return report_filename(report), PDF_MIME, _render(context, progress)


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


def _document_context(
    report: Report, programs: list[Program], *, title: str, progress: Progress | None = None
) -> dict[str, Any]:
    chapters = []
    for number, program in enumerate(programs, start=1):
        if progress:
            progress(f"Gegevens van hoofdstuk {number} van {len(programs)} verzamelen")
        chapter = pages.chapter_context(program)
        # Ids must be unique across the chapters of one document: the table of
        # contents and the footnote marks link to them.
        chapter["anchor_prefix"] = f"{program.slug}-"
        chapters.append(chapter)
    return {
        "report": report,
        "title": title,
        "chapters": chapters,
        "draft": not report.is_published,
        "pdf": True,
    }


def _render(context: dict[str, Any], progress: Progress | None = None) -> bytes:
    html = render_to_string(TEMPLATE, context)
    # PDF/UA-1: tagged, with title and language, for readers who use a screen reader.
    # Presentational hints make <li value="6"> number a footnote 6, as in the source.
    options = {"pdf_variant": "pdf/ua-1", "presentational_hints": True}
    source = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    document = source.render(**options)
    if progress:
        progress(f"Het PDF-bestand van {len(document.pages)} pagina's wordt geschreven")
    return document.write_pdf(**options)


def stored_or_rendered(report: Report, filename: str, render: Callable[[], Rendered]) -> Rendered:
    """An adopted report's PDF from the store, made and stored on the first request.

    Anything not adopted is rendered anew every time and never stored.
    """
    if not report.is_adopted:
        return render()
    path = Path(settings.PUBLICATION_ROOT) / filename
    if not path.exists():
        store_once(path, render()[2])
    return filename, PDF_MIME, path.read_bytes()


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
