from typing import Any

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Rapportages en programma's"

    def ready(self) -> None:
        from .signals import report_adopted

        report_adopted.connect(start_pdf_on_adoption, dispatch_uid="programs.pdf-on-adoption")


def start_pdf_on_adoption(sender: object, report: Any, **kwargs: Any) -> None:
    """The council's document: made once in the background, ready before anyone asks.

    The PDF machinery (WeasyPrint, pikepdf) is loaded here, when a report is adopted,
    not when the app starts or a write service is imported.
    """
    from . import jobs

    jobs.start(report, None)
