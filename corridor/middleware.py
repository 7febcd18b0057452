"""Response headers that every page of Corridor carries."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
