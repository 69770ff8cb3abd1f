from typing import Any

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """The PDF side: layout (WeasyPrint), its worker processes, merging, fonts and jobs.

    It has no models of its own (the jobs are stored as programs.PdfJob); it hears of an
    adoption through the spine's signal and serves the PDF addresses of the public pages.
    """

    name = "publishing"
    verbose_name = "Publiceren (PDF)"

    def ready(self) -> None:
        from programs.signals import report_adopted

        report_adopted.connect(start_pdf_on_adoption, dispatch_uid="publishing.pdf-on-adoption")


def start_pdf_on_adoption(sender: object, report: Any, **kwargs: Any) -> None:
    """The council's document: made once in the background, ready before anyone asks.

    The PDF machinery (WeasyPrint, pikepdf) is loaded here, when a report is adopted,
    not when the app starts or a write service is imported.
    """
    from . import jobs

    jobs.start(report, None)
