import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    """A case's workflow metadata. Nothing here identifies a person: personal data lives only
    in sealed vault records that point at the case (DESIGN.md, "Vault")."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SCREENING = "screening", _("Screening")
        INTENT_REGISTERED = "intent_registered", _("Intent registered")
        VERIFIED = "verified", _("Verified")
        PLANNING = "planning", _("Planning")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        RECEIVED = "received", _("Received")
        REGISTERED = "registered", _("Registered as POW")
        CLOSED = "closed", _("Closed")
        DORMANT = "dormant", _("Dormant")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")
        COMPROMISED = "compromised", _("Compromised")
        FAILED = "failed", _("Failed")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Web portal")
        TELEGRAM = "telegram", _("Telegram")
        HOTLINE = "hotline", _("Hotline")
        FIELD = "field", _("Field sighting")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("case number"), max_length=16, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=5, default="ru")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    assignee = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    # Restricted: every compartment but escort tasks is sealed only to the users named in
    # CaseGrant, plus escrow (vault/policy.py).
    restricted = models.BooleanField(default=False)
    # Flags (metadata, no content): a portal case waits in the unverified triage queue until a
    # supervisor keeps or discards it; a watch-list match and a duress login flag it silently.
    unverified = models.BooleanField(default=False)
    watchlist_match = models.BooleanField(default=False)
    duress = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set explicitly by the workflow (not auto_now): a restricted case keeps only the year here,
    # its true dates are sealed (vault.records.restrict).
    updated_at = models.DateTimeField(default=timezone.now)
    # The applicant's last contact (intake, a message, a later call or visit): silence is
    # measured from here, not from staff activity. Year only on a restricted case, as above.
    last_contact_at = models.DateTimeField(default=timezone.now)
    # When the status last changed (every writer of ``status`` sets it): retention counts its
    # days from here (cases/retention.py). Year only on a restricted case, as above.
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Set when the retention rule crypto-shredded the case's personal data (cases/retention.py):
    # the row keeps only its aggregates. Year only on a restricted case.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # One index per way the console reads cases (cases/queues.py; bench/cases.py measures
        # them at 1M cases): state queues in date order, silence, the newest first, and the
        # rare flags as partial indexes that hold only the flagged rows.
        indexes = [
            models.Index(fields=["status", "team", "created_at"], name="case_status_team_created"),
            models.Index(
                fields=["status", "team", "last_contact_at"], name="case_status_team_contact"
            ),
            models.Index(fields=["created_at"], name="case_created"),
            models.Index(
                fields=["team", "created_at"],
                condition=models.Q(watchlist_match=True) | models.Q(duress=True),
                name="case_flagged",
            ),
            models.Index(
                fields=["team", "created_at"],
                condition=models.Q(unverified=True),
                name="case_unverified",
            ),
            models.Index(
                fields=["team", "created_at"],
                condition=models.Q(status="new", assignee=None, unverified=False),
                name="case_new_unassigned",
            ),
            # Date order across several teams: the newest first without sorting.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="new", assignee=None, unverified=False),
                name="case_new_unassigned_date",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(watchlist_match=True) | models.Q(duress=True),
                name="case_flagged_date",
            ),
            models.Index(fields=["assignee", "created_at"], name="case_assignee_created"),
            # The few restricted cases, found without a scan: links to them must not count
            # for users who do not hold them (cases/links.py).
            models.Index(
                fields=["restricted"], condition=models.Q(restricted=True), name="case_restricted"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseGrant(models.Model):
    """A user named on a restricted case. Adding one needs a supervisor and a second
    supervisor's approval (the approval flow arrives with the case console)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="case_grants")
    granted_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="casegrant_unique")]

    def __str__(self) -> str:
        return f"grant on {self.case_id}"


class CaseCounter(models.Model):
    """Per-year sequence for case numbers, taken under a row lock so numbers never repeat."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}:{self.last}"


class CaseLink(models.Model):
    """Two cases that may be one person: a blind-index candidate, for review by someone who
    can open both. Never shown to the applicant."""

    class Kind(models.TextChoices):
        POSSIBLE_DUPLICATE = "possible_duplicate", _("Possible duplicate")
        SAME_PERSON = "same_person", _("Same person")
        NOT_SAME = "not_same", _("Not the same person")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POSSIBLE_DUPLICATE)
    via = models.CharField(max_length=20)  # the blind index that matched
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "other", "via"], name="caselink_unique")
        ]
        indexes = [models.Index(fields=["kind", "case"], name="caselink_kind_case")]

    def __str__(self) -> str:
        return f"link {self.case_id}-{self.other_id}"


class Message(models.Model):
    """Metadata of one message between staff and applicant; its text is a sealed
    correspondence record. Operational messages (a point, window or signal) expire after their
    window and may be deleted by the applicant once read; they never go over Telegram."""

    class Direction(models.TextChoices):
        TO_APPLICANT = "out", _("To the applicant")
        FROM_APPLICANT = "in", _("From the applicant")

    record = models.OneToOneField("vault.Record", on_delete=models.CASCADE, related_name="message")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    operational = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["case", "direction"])]

    def __str__(self) -> str:
        return f"message {self.pk} of {self.case_id}"


class Alert(models.Model):
    """An urgent notice to a team, shown on its members' dashboards until someone acknowledges
    it (e.g. a duress login: escort tasks cancelled). Holds no personal data."""

    class Kind(models.TextChoices):
        DURESS = "duress", _("Applicant under duress")
        ESCORT_CANCELLED = "escort_cancelled", _("Escort task cancelled")
        ESCORT_ABORTED = "escort_aborted", _("Escort aborted by the field unit")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["team", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"alert {self.pk}"


class AccessRequest(models.Model):
    """A supervisor's request to name a person on a restricted case (or to restrict the case
    to named people). It takes effect only when a second, different supervisor approves it
    (cases/restriction.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a second supervisor")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_requests")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(status="pending"),
                name="accessrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"access request {self.pk}"
