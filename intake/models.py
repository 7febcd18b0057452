from django.db import models
from django.utils import timezone


class PortalSession(models.Model):
    """An applicant's portal session. The row holds only ciphertext; the key is in his cookie.

    ``id`` is a keyed hash of the session token, so a stolen table cannot be replayed as
    cookies. ``state`` (answers in progress, or the keys of a logged-in codename) is
    XChaCha20-Poly1305 under the per-session key that only the cookie carries.
    """

    id = models.BinaryField(max_length=32, primary_key=True)
    state = models.BinaryField()
    submissions = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return "portal session"


class WatchEntry(models.Model):
    """A watch-list entry: the truncated blind index of a known provocation phone number, name
    or service number. Stores no value, only the index; a match flags a case silently."""

    index = models.CharField(max_length=20)
    value = models.BigIntegerField()
    reference = models.CharField(max_length=40, blank=True)  # e.g. "provocation report 12"
    added_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["index", "value"])]

    def __str__(self) -> str:
        return f"watch entry {self.pk}"


class RateBucket(models.Model):
    """A token bucket for portal-wide limits (no IP addresses exist to key on)."""

    key = models.CharField(max_length=40, primary_key=True)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key
