import time

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from accounts import actions, second_factor, throttle
from accounts.decorators import step
from accounts.forms import CodeForm, LoginForm, PasswordForm, StaffEditForm, StaffForm, TeamForm
from accounts.middleware import EPOCH, SEEN, STARTED
from accounts.models import Team, User
from accounts.roles import CAPABILITIES, ROLE_CAPABILITIES, Role, WrongRoleForKey
from audit.log import record
from cases import queues, workflow
from vault import possession
from vault import sessions as vault_sessions
from vault import staff as staff_keys
from vault import teams as team_keys


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_not_required
@sensitive_post_parameters("password", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Password and second-factor code in one form, checked together.

    Every refusal gives the same message, so the page does not tell which part was wrong or
    whether the name exists; Django's backend hashes a dummy password for unknown names.
    """
    form = LoginForm(request.POST or None)
    if request.GET.get("expired"):
        messages.info(request, _("Your session ended. Please log in again."))
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        key = throttle.client_key(request, username)
        wait = throttle.seconds_to_wait(key)
        if wait:
            minutes = (wait + 59) // 60
            form.add_error(
                None,
                ngettext(
                    "Too many failed attempts. Try again in %(n)d minute.",
                    "Too many failed attempts. Try again in %(n)d minutes.",
                    minutes,
                )
                % {"n": minutes},
            )
            record("login_throttled", actor=User.objects.filter(username=username).first())
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            device = None
            if user is not None and user_has_device(user, confirmed=True):
                device = second_factor.check_code(user, form.cleaned_data["code"])
                reason = None if device else "code"
            else:
                reason = None if user is not None else "password"
            if reason is None:
                throttle.register_success(key)
                return _complete_login(request, user, device, form.cleaned_data["password"])
            throttle.register_failure(key)
            record(
                "login_failed", actor=User.objects.filter(username=username).first(), reason=reason
            )
            form.add_error(None, _("The user name, password or code is wrong."))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


def _complete_login(request: HttpRequest, user: User, device, password: str) -> HttpResponse:
    """Start the session and audit. With a second factor checked, unwrap the user's key once
    into the split-key session; a user still to enrol gets no key until a full login."""
    login(request, user)
    request.session[EPOCH] = user.session_epoch
    request.session[STARTED] = int(time.time())
    request.session.pop(SEEN, None)
    vault_sessions.bind(request)  # replaced by the key's own binding once both factors passed
    if device is not None:
        otp_login(request, device)
        if staff_keys.has_key(user):
            private = staff_keys.unlock(user, password)
            staff_keys.upgrade_if_weak(user, private, password)
        else:  # accounts made before the vault existed get their key pair now
            private = staff_keys.new_key_pair(user, password, actor=user)
        vault_sessions.start(request, private)
    record(
        "login", actor=user, object_type="user", object_id=user.pk, second_factor=device is not None
    )
    response = redirect(_safe_next(request) or "accounts:dashboard")
    throttle.remember_device(response, user)
    vault_sessions.set_cookie(request, response)
    return response


def _logged_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("accounts:login")
    vault_sessions.end(response)
    return response


@require_POST
@step("any")
def logout_view(request: HttpRequest) -> HttpResponse:
    record("logout", actor=request.user, object_type="user", object_id=request.user.pk)
    return _logged_out(request)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
@step("enrol")
def enrol(request: HttpRequest) -> HttpResponse:
    """First login: set up the authenticator app (TOTP); then show the backup codes once."""
    user = request.user
    if request.user.is_verified():
        return redirect("accounts:dashboard")
    if user_has_device(user, confirmed=True):
        # Logged in by password alone but a device exists: only a full login may go on.
        return _logged_out(request)
    device = actions.start_totp_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            codes = actions.confirm_totp(user=user, device=device)
            # The key is unwrapped only by a login that checks password and code together:
            # end this password-only session; the user logs in again with a code.
            logout(request)
            response = render(
                request, "accounts/backup_codes.html", {"codes": codes, "first": True}
            )
            vault_sessions.end(response)
            return response
        form.add_error(
            "code",
            _("This code is not right. Check the clock of your phone and try the newest code."),
        )
    qr = segno.make(second_factor.config_url(device), error="m")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr": qr.svg_data_uri(scale=5, border=2),
            "secret": _group(actions.totp_secret(device)),
        },
    )


def _group(text: str) -> str:
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "roles": user.role_labels(),
        "teams": user.teams.all(),
        # Only teams whose key this session verifiably holds (vault/possession.py): a forged
        # seal row shows no one waiting.
        "pending_grants": [
            (team, waiting)
            for team, waiting in team_keys.pending_for_holder(user)
            if team.pk in possession.teams_of(user)
        ],
        "alerts": workflow.open_alerts(user),
    }
    if user.has_perm("accounts.view_team_cases"):
        context["status_counts"] = queues.status_counts(user)
    return render(request, "accounts/dashboard.html", context)


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "roles": request.user.role_labels(),
            "teams": request.user.teams.all(),
        },
    )


@sensitive_post_parameters("current", "new1", "new2")
@never_cache
@require_http_methods(["GET", "POST"])
@step("password")
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(
            user=request.user,
            current_password=form.cleaned_data["current"],
            new_password=form.cleaned_data["new1"],
        )
        # Changing the password ends the user's other sessions; keep this one.
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:account")
    return render(request, "accounts/password.html", {"form": form})


@require_POST
@never_cache
def backup_codes(request: HttpRequest) -> HttpResponse:
    codes = actions.regenerate_backup_codes(user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "first": False})


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    actions.logout_everywhere(user=request.user)
    return _logged_out(request)


@require_GET
@permission_required("accounts.manage_staff", raise_exception=True)
def staff_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.prefetch_related("groups", "teams")
    table = [
        (role, [str(_cap_label(c)) for c in sorted(ROLE_CAPABILITIES[role.value])]) for role in Role
    ]
    return render(request, "accounts/staff_list.html", {"users": users, "role_table": table})


def _cap_label(codename: str) -> str:
    return _(CAPABILITIES[codename])


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_staff", raise_exception=True)
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = actions.create_staff_user(
                actor=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
                teams=list(data["teams"]),
            )
        except WrongRoleForKey as refusal:
            form.add_error(None, refusal.message)
        else:
            return render(
                request, "accounts/temporary_password.html", {"staff": user, "password": password}
            )
    return render(request, "accounts/staff_form.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_staff", raise_exception=True)
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=user_id)
    initial = {"roles": staff.roles, "teams": list(staff.teams.all()), "is_active": staff.is_active}
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        operation = request.POST.get("operation", "save")
        if operation == "reset_password":
            password = actions.reset_password(actor=request.user, user=staff)
            return render(
                request, "accounts/temporary_password.html", {"staff": staff, "password": password}
            )
        if operation == "reset_second_factor":
            actions.reset_second_factor(actor=request.user, user=staff)
            messages.success(
                request,
                _("The second factor was removed. %(user)s sets up a new one at the next login.")
                % {"user": staff.username},
            )
            return redirect("accounts:staff_edit", user_id=staff.pk)
        if form.is_valid():
            if staff == request.user and not form.cleaned_data["is_active"]:
                form.add_error("is_active", _("You cannot deactivate your own account."))
            elif staff == request.user and Role.ADMIN not in form.cleaned_data["roles"]:
                form.add_error("roles", _("You cannot take the administrator role from yourself."))
            else:
                try:
                    _save_staff(request.user, staff, form.cleaned_data)
                except WrongRoleForKey as refusal:
                    form.add_error(None, refusal.message)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("accounts:staff")
    return render(request, "accounts/staff_edit.html", {"form": form, "staff": staff})


def _save_staff(actor: User, staff: User, data: dict) -> None:
    # Checked first, so a refused team leaves the roles unchanged too.
    actions.check_staff(actor=actor, user=staff, roles=data["roles"], teams=data["teams"])
    actions.set_roles(actor=actor, user=staff, roles=data["roles"])
    wanted = set(data["teams"])
    current = set(staff.teams.all())
    for team in wanted - current:
        actions.add_member(actor=actor, team=team, user=staff)
    for team in current - wanted:
        actions.remove_member(actor=actor, team=team, user=staff)
    actions.set_active(actor=actor, user=staff, active=data["is_active"])


@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_teams", raise_exception=True)
def teams(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.create_team(
            actor=request.user, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"]
        )
        messages.success(request, _("Team created."))
        return redirect("accounts:teams")
    team_list = Team.objects.prefetch_related("members")
    return render(request, "accounts/teams.html", {"teams": team_list, "form": form})
