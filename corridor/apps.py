from django.apps import AppConfig


class CorridorConfig(AppConfig):
    """Project-wide pieces: base templates, static files, system checks."""

    name = "corridor"
    verbose_name = "Corridor"

    def ready(self) -> None:
        from corridor import checks  # noqa: F401  (registers the system checks)
