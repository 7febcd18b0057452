"""Key material and sealed records. Every column here is public key, ciphertext or metadata:
nothing in these tables opens without keys kept outside the database (docs/vault.md)."""

import uuid

from django.db import models
from django.utils import timezone


class StaffKey(models.Model):
    """A staff member's X25519 key pair; the private half wrapped by his password.

    wrap key = BLAKE2b(key=wrap.secret, Argon2id(password, salt)); a dump of this table plus a
    guessed password opens nothing without the wrap secret from the key directory.
    """

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, primary_key=True, related_name="vault_key"
    )
    public_key = models.BinaryField(max_length=32)
    signature = models.BinaryField(max_length=64, default=b"")  # vault/signing.py
    wrapped_private = models.BinaryField()
    salt = models.BinaryField(max_length=16)
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key of user {self.user_id}"


class TeamKey(models.Model):
    """One version of a team's key pair. A removed member makes a new version (rotation)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="keys")
    version = models.PositiveIntegerField()
    public_key = models.BinaryField(max_length=32)
    signature = models.BinaryField(max_length=64, default=b"")  # vault/signing.py
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "version"], name="teamkey_version")]

    def __str__(self) -> str:
        return f"team {self.team_id} v{self.version}"


class TeamKeySeal(models.Model):
    """A team's private key sealed to one member (or, with no user, to the escrow key)."""

    team_key = models.ForeignKey(TeamKey, on_delete=models.CASCADE, related_name="seals")
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="team_key_seals",
    )
    sealed_private = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team_key", "user"], name="teamkeyseal_user"),
            models.UniqueConstraint(
                fields=["team_key"], condition=models.Q(user=None), name="teamkeyseal_escrow"
            ),
        ]

    def __str__(self) -> str:
        return f"seal of {self.team_key_id} for {self.user_id or 'escrow'}"


class ApplicantKey(models.Model):
    """What the portal needs to find a case from a codename and to seal replies to him.

    ``lookup_id`` and ``public_key`` are derived from the codename by keyed hashes; neither
    reveals it. ``duress_choice`` names which of the codename's offered duress words he chose.
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="applicant_key"
    )
    lookup_id = models.BinaryField(max_length=32, unique=True)
    public_key = models.BinaryField(max_length=32)
    signature = models.BinaryField(max_length=64, default=b"")  # vault/signing.py
    duress_choice = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)  # year only in restricted cases

    def __str__(self) -> str:
        return f"applicant key of case {self.case_id}"


class Record(models.Model):
    """One encrypted record (an answer set, a message, a note, a plan …) of one compartment.

    ``ciphertext`` is XChaCha20-Poly1305 under the record's own data key, with
    ``vault_record|<id>|values`` as associated data; the data key is sealed once per recipient
    in ``RecordKey``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="records")
    compartment = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    ciphertext = models.BinaryField()
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)  # year only in restricted cases

    class Meta:
        indexes = [models.Index(fields=["case", "compartment"])]

    def __str__(self) -> str:
        return f"{self.compartment}/{self.kind} {self.id}"


class RecordKey(models.Model):
    """A record's data key sealed to one recipient: a team key version, a user, the escrow key
    or the applicant."""

    class Kind(models.TextChoices):
        TEAM = "team"
        USER = "user"
        ESCROW = "escrow"
        APPLICANT = "applicant"

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    team_key = models.ForeignKey(
        TeamKey, null=True, blank=True, on_delete=models.CASCADE, related_name="record_keys"
    )
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="record_keys"
    )
    sealed_dek = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["record", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} key of {self.record_id}"


class BlindIndex(models.Model):
    """A truncated keyed hash of a normalised value: a *candidate* match, never a verdict."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="blind_indexes")
    name = models.CharField(max_length=20)
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["name", "value"])]

    def __str__(self) -> str:
        return f"{self.name} of {self.case_id}"


class CaseAuditKey(models.Model):
    """The public half of a restricted case's audit key: events about the case are sealed to
    it (audit/log.py). The private half is a sealed record of the case (kind ``audit_key``), so
    it reaches the case's named users and escrow like any of its records. Signed like every
    public key, so a database writer cannot swap in his own and read later events. No date
    column: its creation would date the restriction."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="audit_key"
    )
    public_key = models.BinaryField(max_length=32)
    signature = models.BinaryField(max_length=64, default=b"")  # vault/signing.py

    def __str__(self) -> str:
        return f"audit key of case {self.case_id}"


class StoredFile(models.Model):
    """Which case an attachment file on disk belongs to, so that crypto-shredding can delete
    the file without any key: the file's name is otherwise only inside its sealed record.
    A file holds only ciphertext under its own key (vault/attachments.py); this row adds the
    case it belongs to, which its record's ``case`` column shows already. No date column."""

    name = models.CharField(max_length=32, primary_key=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"file of {self.case_id}"
