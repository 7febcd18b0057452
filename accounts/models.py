from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import CAPABILITIES, Role


class User(AbstractUser):
    """A staff member. Applicants never have accounts."""

    # Raised by "log out everywhere": every session that carries an older value is ended by
    # accounts.middleware on its next request, on every host.
    session_epoch = models.PositiveIntegerField(default=0)
    # Set when an admin creates the account or resets the password: the user must choose
    # his own password before he can open any page but the password form.
    password_is_temporary = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def roles(self) -> list[str]:
        names = {g.name for g in self.groups.all()}
        return [r.value for r in Role if r.value in names]

    def role_labels(self) -> list[str]:
        names = set(self.roles)
        return [str(r.label) for r in Role if r.value in names]


class Team(models.Model):
    class Kind(models.TextChoices):
        INTAKE = "intake", _("Intake")
        PLANNING = "planning", _("Planning")
        FINANCE = "finance", _("Finance")
        FIELD_UNIT = "field_unit", _("Field unit")

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(User, through="Membership", related_name="teams")

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.team_id}"


class Capability(models.Model):
    """Holds no rows: it exists so that capabilities are ordinary Django permissions."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(codename, label) for codename, label in CAPABILITIES.items()]

    def __str__(self) -> str:
        return "capability"


class LoginThrottle(models.Model):
    """Failed-login counter for one (user name, client kind) pair, keyed by a keyed hash.

    The key never holds the typed name itself (see accounts/throttle.py).
    """

    key = models.CharField(max_length=64, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key[:8]


class StaffSession(AbstractBaseSession):
    """A staff session (``SESSION_ENGINE = "accounts.session_store"``).

    ``session_key`` holds a keyed hash of the session cookie's value, never the value itself
    (vault.sessions.session_row_id, keyed with a secret from the key directory): a copy of this
    table names no cookie anyone could send. ``user`` is set once someone is logged in, so
    that every session of one user can be deleted at once (deactivation, "log out
    everywhere"). The data also holds only half of the user's key; the other half is the
    browser's vault cookie, without which the session is refused (accounts.middleware).
    """

    session_key = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=True
    )

    def __str__(self) -> str:
        return "staff session"

    @classmethod
    def get_session_store_class(cls):
        from accounts.session_store import SessionStore

        return SessionStore
