"""Staff host URLs. The applicant portal gets its own URLconf and host (see DESIGN.md)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("cases/", include("cases.urls")),
    path("keys/", include("vault.urls")),
    path("intake/", include("intake.urls")),
    path("planning/", include("planning.urls")),
    path("family/", include("family.urls")),
    path("reception/", include("reception.urls")),
    path("rewards/", include("rewards.urls")),
    path("telegram/", include("telegram_bot.urls")),
    # Language switch: a plain POST form, works without JavaScript.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]

if not settings.PRODUCTION:
    # Development: the portal under /portal/ on this host. In production it is served only on
    # its own host names (CORRIDOR_PORTAL_HOSTS), never beside the staff console.
    urlpatterns.append(path("portal/", include("intake.portal_urls")))
