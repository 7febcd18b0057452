"""The demo programme: made-up staff and cases for trying Corridor. Never loaded in production.

Demo passwords are kept in a file beside the database (``CORRIDOR_DEMO_LOGINS``) so that
`make run` can print them again: each staff key is wrapped by its password, so a new password
would mean a new key pair and lost grants. Real staff choose their own passwords.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts import actions, second_factor
from accounts.models import Team, TOTPDevice, User
from accounts.roles import Role
from cases import messages
from cases.models import Case
from vault import possession
from vault import staff as staff_keys
from vault import teams as team_keys

# Team names are what staff read in a Ukrainian UI: the demo's are Ukrainian.
INTAKE, PLANNING, FINANCE, FIELD_UNIT = (
    "Прийом звернень",
    "Планування",
    "Фінанси",
    "Польовий підрозділ 1",
)
TEAMS = [
    (INTAKE, Team.Kind.INTAKE),
    (PLANNING, Team.Kind.PLANNING),
    (FINANCE, Team.Kind.FINANCE),
    (FIELD_UNIT, Team.Kind.FIELD_UNIT),
]
# The names an older demo gave them: renamed in place on the next `corridor demo`, so that a
# development database keeps its members, keys and cases.
FORMER_NAMES = {
    "Intake": INTAKE,
    "Planning": PLANNING,
    "Finance": FINANCE,
    "Field unit 1": FIELD_UNIT,
}
STAFF = [
    ("operator", Role.OPERATOR, [INTAKE]),
    ("officer", Role.CASE_OFFICER, [PLANNING, INTAKE]),
    ("field", Role.FIELD_LIAISON, [FIELD_UNIT]),
    ("finance", Role.FINANCE_OFFICER, [FINANCE]),
    ("finance2", Role.FINANCE_OFFICER, [FINANCE]),  # a reward's second pair of eyes
    ("supervisor", Role.SUPERVISOR, [INTAKE, PLANNING, FINANCE]),
    ("auditor", Role.AUDITOR, []),
    ("admin", Role.ADMIN, []),
]
# Invented people. Any likeness to a real person is an accident.
CASES = [
    (Case.Status.NEW, Case.Channel.PORTAL,
     {"who": "serviceman", "name": "Иван Сидоренко", "born": "1994-03-02", "rank": "рядовой",
      "unit": "в/ч 00000", "phone": "+7 900 000-00-01", "situation": "training"}),
    (Case.Status.NEW, Case.Channel.HOTLINE,
     {"who": "relative", "relation": "parent", "his_name": "Андрей Мельников",
      "relative_phone": "+7 900 000-00-02", "request": "сын мобилизован в сентябре"}),
    (Case.Status.SCREENING, Case.Channel.TELEGRAM,
     {"who": "serviceman", "name": "Пётр Воронов", "born": "1988-11-20", "rank": "сержант",
      "unit": "в/ч 00001", "situation": "front", "area": "Запорожская область"}),
    (Case.Status.INTENT_REGISTERED, Case.Channel.PORTAL,
     {"who": "serviceman", "name": "Алексей Зуев", "born": "1999-07-14",
      "situation": "not_deployed"}),
    (Case.Status.VERIFIED, Case.Channel.HOTLINE,
     {"who": "serviceman", "name": "Дмитрий Кравцов", "born": "1990-01-30", "rank": "ефрейтор",
      "unit": "в/ч 00002", "phone": "+7 900 000-00-05", "situation": "front"}),
    (Case.Status.PLANNING, Case.Channel.TELEGRAM,
     {"who": "serviceman", "name": "Сергей Лапин", "born": "1985-05-05", "rank": "капитан",
      "situation": "front", "equipment": "combat_helicopter", "outcome": "third_country"}),
    # His wife called the hotline herself: a relative who is an applicant too (family app).
    (Case.Status.SCREENING, Case.Channel.HOTLINE,
     {"who": "relative", "relation": "wife", "his_name": "Сергей Лапин",
      "relative_phone": "+7 900 000-00-07", "request": "муж хочет выйти, мы с сыном тоже"}),
]  # fmt: skip
# The captain's family goes first (the Mi-8 case, DOMAIN.md): his wife (linked to the case she
# opened on the hotline) is in transit, his son is safe, so scheduling waits for her.
FAMILY = [
    ({"relation": "spouse", "name": "Марина Лапина", "location": "Ростов-на-Дону",
      "contact": "через сестру, +7 900 000-00-08", "needs": "загранпаспорт просрочен"},
     ["contact", "plan", "depart"]),
    ({"relation": "child", "name": "Артём Лапин (14 лет)", "location": "Ереван",
      "contact": "с бабушкой", "needs": "школа"},
     ["contact", "plan", "depart", "arrive"]),
]  # fmt: skip


def logins_file() -> Path:
    return Path(
        os.getenv("CORRIDOR_DEMO_LOGINS") or Path(settings.BASE_DIR) / "var" / "demo-logins.json"
    )


def _read_logins() -> dict:
    path = logins_file()
    return json.loads(path.read_text()) if path.is_file() else {}


def _write_logins(logins: dict) -> None:
    path = logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(logins, handle)


def _staff_member(username: str, role: str, teams: list[Team], logins: dict) -> tuple:
    user = User.objects.filter(username=username).first()
    if user is None:
        user, temporary = actions.create_staff_user(
            actor=None, username=username, roles=[role], teams=teams
        )
        logins[username] = actions.temporary_password()
        actions.change_password(
            user=user, current_password=temporary, new_password=logins[username]
        )
    elif not user.check_password(logins.get(username) or "") or not staff_keys.has_key(user):
        logins[username] = actions.temporary_password()
        user.set_password(logins[username])
        user.save(update_fields=["password"])
        staff_keys.new_key_pair(user, logins[username])
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not second_factor.seed_opens(device):
        TOTPDevice.objects.filter(user=user).delete()
        device = second_factor.new_totp_device(user, confirmed=True)
    codes = actions.new_backup_codes(user)
    return username, logins[username], actions.totp_secret(device), codes


@transaction.atomic
def _cases(logins: dict) -> None:
    """Demo cases through the real intake service; the first portal case gets a staff reply
    and its codename is remembered for the demo printout."""
    from intake import service
    from intake.questionnaire import current

    officer = User.objects.get(username="officer")
    # He acts on cases only with the keys he holds (vault/possession.py), as in a request.
    possession.bind(officer, staff_keys.unlock(officer, logins["officer"]))
    made = []
    for status, channel, answers in CASES:
        submission = service.submit(
            current(),
            answers,
            channel=channel,
            language="ru",
            with_codename=channel != Case.Channel.HOTLINE,
        )
        case = submission.case
        Case.objects.filter(pk=case.pk).update(status=status, unverified=False)
        made.append(case)
        if channel == Case.Channel.PORTAL and "codename" not in logins:
            logins["codename"] = submission.codename
            messages.to_applicant(
                case,
                "Здравствуйте. Мы получили вашу заявку. Вы можете "
                "писать нам здесь. Ничего не храните в телефоне.",
                actor=officer,
            )
    _family_first(made[-2], made[-1], officer)


def _family_first(case: Case, wife_case: Case, officer) -> None:
    """A family-first plan for the captain and his relatives through the family app's own
    domain functions (sealed, audited), so the case page shows why scheduling waits."""
    from family import links as family_links
    from family import relatives
    from planning import plans

    case.refresh_from_db()
    unit = Team.objects.get(name=FIELD_UNIT)
    plans.save_plan(
        case,
        {"procedure": "family_first", "persons": 1, "field_unit": unit, "family_first": True},
        actor=officer,
    )
    for values, steps in FAMILY:
        relative = relatives.add(case, values, actor=officer)
        for step in steps:
            relative = relatives.step(relative, step, actor=officer)
        if values["relation"] == "spouse":
            family_links.link_own_case(relative, wife_case.number, actor=officer)


def demo_codename() -> str | None:
    return _read_logins().get("codename")


def load() -> list[tuple[str, str, str, list[str]]]:
    """Create or refresh the demo; return (login, password, TOTP secret, backup codes) rows."""
    for former, name in FORMER_NAMES.items():
        if not Team.objects.filter(name=name).exists():
            Team.objects.filter(name=former).update(name=name)
    teams = {
        name: Team.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in TEAMS
    }
    logins = _read_logins()
    rows = [_staff_member(u, role, [teams[t] for t in names], logins) for u, role, names in STAFF]
    _write_logins(logins)
    # Demo only: seed each new team's first key with its demo members. A real programme's first
    # members receive it through escrow recovery (`corridor keys recover`).
    for team in teams.values():
        if not team.keys.exists():
            team_keys.create_first_key(team, holders=list(team.members.all()))
    if not Case.objects.exists():
        _cases(logins)
        _write_logins(logins)
    from rewards import demo as rewards_demo

    with transaction.atomic():
        rewards_demo.load(logins)  # sample rates; the Mi-8 proposed, waiting for approval
    return rows
