from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = "Rewards"

    def ready(self) -> None:
        from rewards import checks  # noqa: F401  (registers the schedule check)
