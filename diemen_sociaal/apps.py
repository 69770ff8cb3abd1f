from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project package as an app: only for its deployment checks (no models)."""

    name = "diemen_sociaal"
    verbose_name = "Project"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the checks
