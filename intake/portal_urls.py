"""The portal's URLs: mounted at /portal/ on the staff host in development, and at the root of
the portal's own host names (CORRIDOR_PORTAL_HOSTS) in production.

No URL carries a case, message or record id (the access log keeps URLs): ids travel in POST
bodies."""

import functools

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseNotAllowed
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from intake import portal_views as views
from planning import portal_views as planning_views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.page, name="page"),
    path("apply/", views.apply, name="apply"),
    path("apply/send/", views.submit, name="submit"),
    path("apply/duress/", views.duress, name="duress"),
    path("login/", views.login, name="login"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/reply/", views.reply, name="reply"),
    path("inbox/update/", views.update, name="update"),
    path("inbox/duress-word/", views.duress_word, name="duress_word"),
    path("inbox/delete/", views.delete_message, name="delete"),
    path("logout/", views.logout, name="logout"),
    # Switching the language needs no token, so that a page with only this form (the home
    # page after logout) sets no cookie; a forged switch changes nothing but the language.
    path("language/", login_not_required(csrf_exempt(set_language)), name="language"),
    path("inbox/check-code/", planning_views.check_code, name="check_code"),
]


def _explained(view):
    """A portal URL opened with a method it does not take (a bookmark, a reload, a language
    switch on a page that a POST showed) gets a translated page saying what to do instead of
    Django's blank 405."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed) and request.method in {"GET", "HEAD"}:
            return views.not_allowed(request)
        return response

    return wrapper


for _pattern in urlpatterns:
    _pattern.callback = _explained(_pattern.callback)
