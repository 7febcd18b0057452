from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Team, User
from accounts.roles import WrongRoleForKey
from vault import sessions, teams


@require_POST
def grant(request: HttpRequest, team_id: int, user_id: int) -> HttpResponse:
    """Complete a pending grant: seal this team's key, which the requester holds, to a member."""
    team = get_object_or_404(Team, pk=team_id)
    member = get_object_or_404(User, pk=user_id, memberships__team=team)
    if member not in teams.pending_members(team):
        raise Http404
    try:
        private = sessions.private_key(request)
        teams.grant(team, member, actor=request.user, actor_private=private)
    except sessions.Locked:
        messages.error(request, _("Your session holds no key. Log out and in again."))
    except teams.NoTeamKey:
        raise Http404 from None
    except WrongRoleForKey as refusal:
        messages.error(request, refusal.message)
        return redirect("accounts:dashboard")
    else:
        messages.success(
            request,
            _("%(user)s can now open the cases of %(team)s.")
            % {"user": member.username, "team": team.name},
        )
    return redirect("accounts:dashboard")
