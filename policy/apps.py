from django.apps import AppConfig


class PolicyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policy"
    verbose_name = "Beleid en raadsstukken"

    def ready(self) -> None:
        from programs import extensions

        from . import pages

        extensions.register(developments=pages.development_links, goal=pages.goal_links)
