"""Plain functions and one small factory for test data, with sensible defaults."""

import base64

from django.test import Client
from django_otp.oath import totp

from accounts import actions, second_factor
from accounts.models import Team, TOTPDevice, User
from accounts.roles import Role

PASSWORD = "correct horse battery staple"


def make_team(name: str = "Intake", kind: str = Team.Kind.INTAKE) -> Team:
    return Team.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def totp_now(device: TOTPDevice, offset: int = 0) -> str:
    """The code the user's app shows now (offset in steps), from the seed the app was given."""
    secret = second_factor.totp_secret(device)
    seed = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = totp(seed, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{code:0{device.digits}d}"


class StaffFactory:
    """One persona per role plus an outsider, as in healthchecks' Alice/Bob/Charlie."""

    def make(
        self,
        username: str,
        roles: list[str] | tuple = (),
        teams: list[Team] = (),
        enrolled: bool = True,
    ) -> User:
        user, temporary = actions.create_staff_user(
            actor=None, username=username, roles=list(roles), teams=list(teams)
        )
        actions.change_password(user=user, current_password=temporary, new_password=PASSWORD)
        if enrolled:
            second_factor.new_totp_device(user, confirmed=True)
        return user

    def persona(self, role: str) -> User:
        return self.make(role, roles=[role])

    def outsider(self) -> User:
        """Logged in and verified, but with no role and no team."""
        return self.make("outsider")

    def client(self, user: User) -> Client:
        """A client logged in with password and second factor, as the login view does it."""
        client = Client()
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        # django-otp refuses a code twice in one 30-second step; tests log in often.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        response = client.post(
            "/login/", {"username": user.username, "password": PASSWORD, "code": totp_now(device)}
        )
        assert response.status_code == 302, response.content[:500]
        return client


ALL_ROLES = [r.value for r in Role]
