"""Settings of a Corridor from before sealed second factors: django-otp's TOTP and static
plugins installed, as databases made then have them. Only for second_factor_scenario.py."""

from corridor.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]  # noqa: F405
