"""Response headers that every page of Corridor carries."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils import translation

# No inline script or style anywhere, no other origin: pages work with JavaScript disabled
# and load nothing from a third party. Images may be data: URIs (the TOTP QR code).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Staff pages show case data: never keep them in a shared or browser cache.
        response.setdefault("Cache-Control", "no-store")
        return response

    return middleware


def on_portal_host(request: HttpRequest) -> bool:
    """Is this request for one of the portal's host names? Compared as Django compares hosts
    (any case, trailing dot dropped, port ignored), so no spelling of a portal name that Django
    accepts reaches the staff URLconf."""
    host, _port = split_domain_port(request.META.get("HTTP_HOST", ""))
    return host in settings.CORRIDOR_PORTAL_HOSTS


def language(get_response: Callable[[HttpRequest], HttpResponse]):
    """Pick the UI language from the language cookie only, else the site default.

    Browsers' Accept-Language is ignored on purpose: staff work in Ukrainian unless they choose
    otherwise, and Tor Browser sends "en-US" whatever its user reads, so the portal must not
    follow it either (DESIGN.md, "Channels").
    """
    supported = {code for code, _name in settings.LANGUAGES}

    def middleware(request: HttpRequest) -> HttpResponse:
        on_portal = on_portal_host(request)
        if on_portal:
            # A portal host sees only the portal (SecureDrop's two apps, one per audience).
            request.urlconf = "intake.portal_host_urls"
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in supported:
            # Applicants read Russian unless they pick another language on the page.
            code = (
                "ru" if on_portal or request.path.startswith("/portal/") else settings.LANGUAGE_CODE
            )
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response

    return middleware
