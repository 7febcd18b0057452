from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A translated page instead of Django's English debug text; the reason is not shown."""
    return render(request, "403_csrf.html", status=403)
