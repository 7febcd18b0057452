"""The one planning page of the applicant portal: checking an instruction's code inside the
codename session. There is no public verifier (DESIGN.md, "Instructions"); an unknown codename,
a duress login and a real codename without that code all get the same "not found" page."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from intake import portal
from intake.portal_views import _NOBODY, _render, codename_session
from planning import instructions
from vault import records


@login_not_required
@sensitive_post_parameters("code")
@sensitive_variables("key")
@never_cache
@require_http_methods(["GET", "POST"])
@codename_session
def check_code(request: HttpRequest, p, case_id, key) -> HttpResponse:
    result = None
    if request.method == "POST":
        result = instructions.code_matches(
            case_id or _NOBODY,
            request.POST.get("code", ""),
            opener=lambda record: records.open_as_applicant(record, key),
        )
    return portal.save(p, _render(request, "planning/portal_check_code.html", {"result": result}))
