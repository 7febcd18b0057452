"""The page of a purged case's other parts (family, reception, outcome, enquiries): they say
that its personal data was deleted, as the case page does, instead of showing empty rows or
failing on records that no longer exist (cases/retention.py). Every other page of such a part
(a relative, an enquiry, a card, an export, a medium, every form) is "not found"."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def page(request: HttpRequest, case) -> HttpResponse:
    return render(request, "cases/purged.html", {"case": case})


def refuse(case):
    """Raise "not found" for a purged case; return the case otherwise."""
    if case.purged_at is not None:
        raise Http404("personal data deleted")
    return case
