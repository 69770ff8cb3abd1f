"""WeasyPrint's access to files: the project's static files from disk, nothing else.

Kept apart from pdf_worker so that importing the worker's pool does not import WeasyPrint.
"""

import mimetypes
from pathlib import Path
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .pdf_worker import static_file_for


class StaticFilesFetcher(URLFetcher):
    """Serves the project's static files from disk and refuses every other URL."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_file_for(url)
        if path is None:
            raise ValueError(f"PDF rendering may load only static files of the project, not {url}")
        # WeasyPrint takes a stylesheet only when it is served as text/css.
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": mime})
