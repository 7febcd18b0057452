from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from cases.retention import register_purger
        from planning.retention import purge

        register_purger(purge)  # plans, instructions, escort tasks of a purged case
