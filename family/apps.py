from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "family"
    verbose_name = "Family"

    def ready(self) -> None:
        from cases.retention import register_purger
        from family.retention import purge

        register_purger(purge)  # relatives and links to a purged case
