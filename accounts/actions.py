"""Every change to staff accounts and teams, each with its audit event in one transaction.

Views call these; nothing else writes users, roles, memberships or second factors.
"""

import secrets
import string

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import second_factor, session_store
from accounts.models import BackupCodeDevice, Membership, Team, TOTPDevice, User
from accounts.roles import (
    KEYLESS_ROLES,
    ROLE_CAPABILITIES,
    Role,
    WrongRoleForKey,
    may_hold,
    refused_combination,
    team_kinds_for,
)
from audit.log import record
from cases import restriction
from vault import staff as staff_keys
from vault import teams as team_keys

BACKUP_CODE_COUNT = second_factor.BACKUP_CODE_COUNT
_TEMP_ALPHABET = string.ascii_letters + string.digits


def temporary_password() -> str:
    """A one-time password an admin hands over; the user must change it at first login."""
    return "-".join("".join(secrets.choice(_TEMP_ALPHABET) for _ in range(5)) for _ in range(4))


def _refuse(action: str, message, *, actor, object_type: str, object_id, **detail) -> None:
    """Record a refusal and raise it. Called before the change's own transaction opens, so the
    event commits even though the change does not (unless a caller's outer transaction fails
    with the exception; views call these outside one)."""
    record(action, actor=actor, object_type=object_type, object_id=object_id, **detail)
    raise WrongRoleForKey(message)


def _check_roles(*, actor, user: User | None, roles) -> None:
    if refused_combination(roles):
        _refuse(
            "roles_refused",
            _("An auditor or administrator cannot also hold a role that opens cases.")
            if roles & KEYLESS_ROLES
            else _(
                "A field liaison or finance officer cannot also hold a role that opens "
                "another team's cases."
            ),
            actor=actor,
            object_type="user",
            object_id=getattr(user, "pk", ""),
            roles=sorted(roles),
        )


def _check_member(*, actor, team: Team, user: User | None, roles) -> None:
    if team.kind not in team_kinds_for(roles):
        _refuse(
            "team_member_refused",
            _("The roles of %(user)s may not hold the key of a team of this kind (%(kind)s).")
            % {"user": getattr(user, "username", ""), "kind": team.get_kind_display()},
            actor=actor,
            object_type="team",
            object_id=team.pk,
            user=getattr(user, "pk", None),
            kind=team.kind,
        )


def check_staff(*, actor, user: User | None, roles, teams) -> None:
    """Refuse (WrongRoleForKey, audited) roles that may not be combined, or a team whose kind
    of key these roles may not hold, before anything changes."""
    _check_roles(actor=actor, user=user, roles=set(roles))
    for team in teams:
        _check_member(actor=actor, team=team, user=user, roles=roles)


def create_staff_user(
    *,
    actor: User | None,
    username: str,
    first_name: str = "",
    last_name: str = "",
    roles: list[str],
    teams: list[Team],
) -> tuple[User, str]:
    """Refused (WrongRoleForKey, audited) before anything is made when the roles may not be
    combined or a team is of a kind the roles may not hold (accounts/roles.py)."""
    wanted = [r for r in roles if r in {x.value for x in Role}]
    check_staff(actor=actor, user=None, roles=wanted, teams=teams)
    return _create_staff_user(
        actor=actor,
        username=username,
        first_name=first_name,
        last_name=last_name,
        roles=wanted,
        teams=teams,
    )


@transaction.atomic
def _create_staff_user(
    *,
    actor: User | None,
    username: str,
    first_name: str,
    last_name: str,
    roles: list[str],
    teams: list[Team],
) -> tuple[User, str]:
    password = temporary_password()
    user = User(
        username=username, first_name=first_name, last_name=last_name, password_is_temporary=True
    )
    user.set_password(password)
    user.save()
    record("user_created", actor=actor, object_type="user", object_id=user.pk)
    staff_keys.new_key_pair(user, password, actor=actor)
    set_roles(actor=actor, user=user, roles=roles)
    for team in teams:
        add_member(actor=actor, team=team, user=user)
    return user, password


def set_roles(*, actor: User | None, user: User, roles: list[str]) -> None:
    """Refused (audited) when an auditor or admin role would join one that holds keys. Every
    membership of a kind the new roles may not hold ends (its team key rotates, as for any
    removed member): keys follow roles."""
    _check_roles(actor=actor, user=user, roles={r for r in roles if r in {x.value for x in Role}})
    _set_roles(actor=actor, user=user, roles=roles)


@transaction.atomic
def _set_roles(*, actor: User | None, user: User, roles: list[str]) -> None:
    valid = {r.value for r in Role}
    wanted = {r for r in roles if r in valid}
    current = set(user.groups.filter(name__in=valid).values_list("name", flat=True))
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return
    user.groups.remove(*Group.objects.filter(name__in=removed))
    user.groups.add(*Group.objects.filter(name__in=added))
    record(
        "roles_changed",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        added=added,
        removed=removed,
    )
    allowed = team_kinds_for(wanted)
    for membership in list(user.memberships.select_related("team")):
        if membership.team.kind not in allowed:
            remove_member(actor=actor, team=membership.team, user=user)
    if current and not wanted:  # his last role is gone: he is a leaver
        reason = "last_role_removed"
    elif team_kinds_for(current) and not allowed:  # now only auditor or admin: keyless
        reason = "keyless_roles"
    else:
        if _sees_cases(current) and not _sees_cases(wanted):
            # Only people whose roles see cases may be named on a restricted one (cases/
            # restriction.candidates): a field liaison or finance officer keeps no copy of
            # its data keys.
            restriction.unname_leaver(user, actor=actor)
        return
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    _take_keys(actor=actor, user=user, reason=reason)


def _sees_cases(roles) -> bool:
    return any("view_team_cases" in ROLE_CAPABILITIES.get(r, ()) for r in roles)


@transaction.atomic
def set_active(*, actor: User, user: User, active: bool) -> None:
    if user.is_active == active:
        return
    user.is_active = active
    user.session_epoch += 1  # a deactivated user's open sessions end at once
    user.save(update_fields=["is_active", "session_epoch"])
    record(
        "user_activated" if active else "user_deactivated",
        actor=actor,
        object_type="user",
        object_id=user.pk,
    )
    if not active:
        _take_keys(actor=actor, user=user, reason="deactivated")


def _take_keys(*, actor: User | None, user: User, reason: str) -> None:
    """A leaver loses his keys (DESIGN.md, "keys follow roles"): every team key he holds a copy
    of rotates, as removing a member does, so what is sealed from now on uses a key he never
    had, and his copies of old versions are deleted; he is taken off restricted cases; his
    session rows are deleted (the caller has raised ``session_epoch`` for requests in flight).
    Coming back (reactivation, a new role) gives him no key: a member or escrow grants again."""
    teams = list(Team.objects.filter(keys__seals__user=user).distinct().order_by("pk"))
    for team in teams:
        team_keys.rotate(team, actor=actor, removed=user)
    cases = restriction.unname_leaver(user, actor=actor)
    ended = session_store.delete_for_user(user)
    record(
        "leaver_keys_revoked",
        actor=actor,
        object_type="user",
        object_id=user.pk,
        reason=reason,
        teams=[t.pk for t in teams],
        restricted_cases=cases,
        sessions_ended=ended,
    )


@transaction.atomic
def reset_password(*, actor: User, user: User) -> str:
    password = temporary_password()
    user.set_password(password)
    user.password_is_temporary = True
    user.session_epoch += 1
    user.save(update_fields=["password", "password_is_temporary", "session_epoch"])
    record("password_reset", actor=actor, object_type="user", object_id=user.pk)
    # Nobody can unwrap the old key without the old password: a new key pair, whose team
    # grants an unlocked member (or escrow recovery) must complete again.
    staff_keys.new_key_pair(user, password, actor=actor)
    return password


@transaction.atomic
def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Same key pair, re-wrapped by the new password (the current one unwraps it)."""
    if staff_keys.has_key(user):
        staff_keys.rewrap(user, staff_keys.unlock(user, current_password), new_password)
    else:
        staff_keys.new_key_pair(user, new_password, actor=user)
    user.set_password(new_password)
    user.password_is_temporary = False
    user.save(update_fields=["password", "password_is_temporary"])
    record("password_changed", actor=user, object_type="user", object_id=user.pk)


@transaction.atomic
def reset_second_factor(*, actor: User, user: User) -> None:
    """Remove every device: the user enrols a new authenticator at the next login."""
    TOTPDevice.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()  # and its codes
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    record("second_factor_reset", actor=actor, object_type="user", object_id=user.pk)


@transaction.atomic
def logout_everywhere(*, user: User) -> None:
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    ended = session_store.delete_for_user(user)
    record("logout_everywhere", actor=user, object_type="user", object_id=user.pk, sessions=ended)


def start_totp_enrolment(user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating it if needed (no audit yet).

    An unconfirmed device whose sealed seed no longer opens (the key directory changed) is
    replaced: the user has not scanned anything that works."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is not None and not second_factor.seed_opens(device):
        device.delete()
        device = None
    if device is None:
        device = second_factor.new_totp_device(user, confirmed=False)
    return device


@transaction.atomic
def confirm_totp(*, user: User, device: TOTPDevice) -> list[str]:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    record("second_factor_enrolled", actor=user, object_type="user", object_id=user.pk)
    return new_backup_codes(user)


@transaction.atomic
def regenerate_backup_codes(*, user: User) -> list[str]:
    record("backup_codes_regenerated", actor=user, object_type="user", object_id=user.pk)
    return new_backup_codes(user)


def new_backup_codes(user: User) -> list[str]:
    """Replace the user's backup codes; the database keeps only their keyed hashes."""
    return second_factor.replace_backup_codes(user)


@transaction.atomic
def create_team(*, actor: User, name: str, kind: str) -> Team:
    team = Team.objects.create(name=name, kind=kind)
    team_keys.create_first_key(team)  # sealed to escrow only: members are pending grants
    record("team_created", actor=actor, object_type="team", object_id=team.pk, kind=kind)
    return team


def add_member(*, actor: User | None, team: Team, user: User) -> None:
    """Refused (WrongRoleForKey, audited) when the user's roles may not hold this team's kind
    of key (accounts/roles.py): the domain refuses, not only the form."""
    if not may_hold(user, team.kind):
        _check_member(actor=actor, team=team, user=user, roles=user.roles)
    _add_member(actor=actor, team=team, user=user)


@transaction.atomic
def _add_member(*, actor: User | None, team: Team, user: User) -> None:
    _membership, created = Membership.objects.get_or_create(team=team, user=user)
    if created:
        # If the team already has a key, the member waits for a grant (vault/teams.py).
        record(
            "team_member_added",
            actor=actor,
            object_type="team",
            object_id=team.pk,
            user=user.pk,
            pending_grant=team.keys.exists(),
        )


@transaction.atomic
def remove_member(*, actor: User | None, team: Team, user: User) -> None:
    deleted, _ = Membership.objects.filter(team=team, user=user).delete()
    if deleted:
        record(
            "team_member_removed", actor=actor, object_type="team", object_id=team.pk, user=user.pk
        )
        # The removed member must not read what the team writes from now on.
        if team.keys.exists():
            team_keys.rotate(team, actor=actor, removed=user)


def totp_secret(device: TOTPDevice) -> str:
    """The device's key in the base32 form authenticator apps accept for manual entry."""
    return second_factor.totp_secret(device)
