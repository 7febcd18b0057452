from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Questionnaire engine, the intake service, the applicant portal, the hotline console."""

    name = "intake"
    verbose_name = "Intake"
