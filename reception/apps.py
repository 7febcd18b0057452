from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = "Reception"

    def ready(self) -> None:
        from cases.retention import register_purger
        from reception.retention import purge

        register_purger(purge)  # custody, events, cards, media, enquiries
