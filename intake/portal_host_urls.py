"""URLconf for requests to a portal host name: the portal at the root, the language switch,
nothing of the staff console."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("intake.portal_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
