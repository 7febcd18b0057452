import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, _user_has_module_perms, _user_has_perm
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

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

    # Capabilities come from roles only: ``is_superuser`` grants nothing (accounts/backends.py).
    def has_perm(self, perm, obj=None) -> bool:
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return self.is_active and _user_has_module_perms(self, app_label)

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


# --- second factors (accounts/second_factor.py reads and writes them) ---------------------------
#
# django-otp's own TOTPDevice keeps the seed as hex and StaticToken the backup codes as typed:
# a copy of the database would be a copy of every second factor. These keep only a sealed seed
# and keyed hashes (vault/second_factors.py), under keys derived from the key directory. They
# are django-otp devices, so django-otp's middleware and ``is_verified`` work unchanged.


class TOTPDevice(ThrottlingMixin, Device):
    """An authenticator app. Fields as django-otp's TOTPDevice, the seed sealed to this row."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sealed_seed = models.BinaryField()
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last accepted code: a code is never accepted twice.
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "TOTP device"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        """django-otp's interface; the check itself is ``second_factor.verify_totp``."""
        from accounts import second_factor

        return second_factor.verify_totp(self, token)


class BackupCodeDevice(ThrottlingMixin, Device):
    """The user's one-time backup codes, stored only as keyed hashes (``BackupCode``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta(Device.Meta):
        verbose_name = "backup code device"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        """django-otp's interface; the check itself is ``second_factor.verify_backup_code``."""
        from accounts import second_factor

        return second_factor.verify_backup_code(self, token)


class BackupCode(models.Model):
    """One unused backup code: a keyed hash, deleted when the code is used."""

    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.BinaryField()

    def __str__(self) -> str:
        return f"backup code {self.pk}"
