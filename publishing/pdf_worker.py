"""WeasyPrint in long-lived worker processes: HTML in, PDF bytes out.

The whole report is laid out chapter by chapter, in parallel, by a pool of
processes that live as long as the process that owns them (the task worker,
`manage.py db_worker`): no new Python per report. A single chapter is laid out
in the web process itself (lay_out), which is long-lived as well. The workers get finished HTML and
never touch the database; everything a page shows was read before, in the
parent, so a worker cannot see another moment of the data than its siblings.

This module imports no models: a worker starts with a bare interpreter
(multiprocessing's "spawn": a fork would share the parent's database
connections) and sets Django up before it takes work.
"""

import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from urllib.parse import unquote, urljoin

from django.conf import settings

# The document's own address. Only static files are ever resolved against it, and the
# fetcher below serves those from disk; nothing is looked up on the network.
BASE_URL = "file:///"
# PDF/UA-1: tagged, with title and language, for readers who use a screen reader.
# Presentational hints make <li value="6"> number a footnote 6, as in the source.
TAGGED = {"pdf_variant": "pdf/ua-1", "presentational_hints": True}


def static_file_for(url: str) -> str | None:
    """The file on disk behind a static URL (as {% static %} writes it), or None."""
    from django.contrib.staticfiles import finders
    from django.core.exceptions import SuspiciousFileOperation

    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    relative = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:  # "../" out of the static directories
        return None
    return found if isinstance(found, str) else None


@dataclass(frozen=True)
class Part:
    """One laid-out piece of a document: its PDF, its page count and where its ids landed."""

    pdf: bytes
    pages: int
    # id -> 0-based page within this part, for the table of contents of the whole.
    anchors: dict[str, int]


def lay_out(html: str, tagged: bool = True) -> Part:
    """HTML to a PDF part. Runs in a worker, or in-process for a single chapter."""
    # Imported here: WeasyPrint takes a second to import, and every process that loads the
    # URLs (each manage.py command, each web worker) would pay it without making a PDF.
    from weasyprint import HTML

    from .pdf_fetcher import StaticFilesFetcher

    options = TAGGED if tagged else {}
    source = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    document = source.render(**options)
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, number)
    return Part(document.write_pdf(**options), len(document.pages), anchors)


# --- The pool ------------------------------------------------------------------------------

PARENT_CHECK_SECONDS = 1.0
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def processes() -> int:
    """PDF_PROCESSES, or one per core."""
    return settings.PDF_PROCESSES or os.cpu_count() or 1


def _start_worker() -> None:
    import django

    django.setup()
    threading.Thread(target=_stop_with_parent, args=(os.getppid(),), daemon=True).start()


def _stop_with_parent(parent: int) -> None:
    """A worker whose owner was killed (SIGKILL, out of memory) must not linger."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=processes(),
                mp_context=get_context("spawn"),
                initializer=_start_worker,
            )
        return _pool


def shutdown_pool() -> None:
    """Stop the layout processes and wait for them (tests and benchmarks)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True)
        _pool = None


def _discard_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def lay_out_all(
    jobs: Iterable[tuple[str, bool]],
    done: Callable[[int, Part], None] | None = None,
    tick: Callable[[], None] | None = None,
    tick_seconds: float = 1.0,
) -> list[Part]:
    """Lay out (html, tagged) pieces in parallel; the parts come back in the given order.

    `done(index, part)` hears each part as it is finished; `tick()` is called while
    waiting, so a job can show it is alive. A pool whose worker died is replaced
    for the next report, and this one fails (the job can be retried).
    """
    pool = _get_pool()
    futures: dict[Future[Part], int] = {}
    try:
        for index, (html, tagged) in enumerate(jobs):
            futures[pool.submit(lay_out, html, tagged)] = index
        parts: list[Part | None] = [None] * len(futures)
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=tick_seconds, return_when=FIRST_COMPLETED)
            for future in finished:
                index = futures[future]
                part = parts[index] = future.result()
                if done:
                    done(index, part)
            if tick and not finished:
                tick()
    except BrokenProcessPool:
        _discard_pool()
        raise
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return [part for part in parts if part is not None]
