from django.db import models


class AuditError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditError("audit events cannot be updated")

    def delete(self):
        raise AuditError("audit events cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditError("audit events cannot be updated")


class Event(models.Model):
    """One audit event, chained to the one before it by a keyed hash (see audit/log.py).

    ``detail`` holds identifiers and counts only, never personal data; ``record`` enforces it.
    ``actor`` is the user's primary key, never reused; ``actor_name`` his name when the event
    was written, so renaming users cannot make old events name someone else.

    The link covers ``body``, a digest of the time, detail and a random ``nonce``, not those
    values themselves: an event about a restricted case keeps only its year in ``at``, an empty
    ``detail`` and no nonce, and its true time and detail are ``sealed`` to the case's named
    users and escrow (docs/audit.md). That is the one change an event may undergo (``seal``,
    when its case becomes restricted); otherwise rows are append-only: the model refuses
    updates and deletes, and a database trigger refuses them for anyone going round the model.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    body = models.CharField(max_length=64, blank=True)  # empty on events before audit.key
    nonce = models.CharField(max_length=32, blank=True)  # empty once sealed
    sealed = models.BinaryField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditError("audit events cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditError("audit events cannot be deleted")


class ChainHead(models.Model):
    """The single row that serialises appends: whoever holds its lock writes the next event.

    On PostgreSQL ``select_for_update`` makes concurrent hosts queue here, so they write one
    chain and not a fork; on SQLite the write lock taken at BEGIN IMMEDIATE does the same.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
