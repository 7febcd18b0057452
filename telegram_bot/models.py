"""What the bot keeps. No chat id in clear anywhere: a chat is found by the full-length keyed
hash of its id (vault/telegram.py), its state is ciphertext under a key derived from the chat id,
and the chat id itself is sealed to the workers' delivery key for replies."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Chat(models.Model):
    """One private chat with the bot: a dialog in progress, or a finished one (for /status and
    later messages), and its rate limit. Nothing in the row names its case in clear: which case
    the chat made is inside ``state`` (sealed under a key derived from the chat id), and
    ``has_case`` says only that it made one (so the purge keeps it). The answers in progress are
    removed from ``state`` when the dialog ends (a case is made, or it is cancelled); a row
    without a case is deleted after CORRIDOR_TELEGRAM_DIALOG_DAYS."""

    lookup = models.BinaryField(max_length=32, primary_key=True)
    state = models.BinaryField()
    has_case = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # The chat's rate limit (a token bucket), in this row so an update is one read, one write.
    tokens = models.FloatField(default=0.0)
    tokens_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)  # bumped by every write of ``state``

    def __str__(self) -> str:
        return "telegram chat"


class CaseChat(models.Model):
    """Where staff replies to a Telegram case go: the chat id sealed to the workers' delivery
    key. No date, no lookup hash: nothing ties it to its ``Chat`` row in clear. A duress login
    deletes it for good (telegram_bot.delivery.close_chat)."""

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    sealed_chat = models.BinaryField()

    def __str__(self) -> str:
        return "telegram reply address"


class Delivery(models.Model):
    """The delivery state of one staff reply or notice, shown to staff on the case page. Holds
    no text and no chat id: those travel only inside the sealed outbox payload."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply sent to the chat")
        NOTICE = "notice", _("“A message is waiting” notice")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NO_CHAT = "no_chat", _("No chat to send to")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "cases.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    telegram_message_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"delivery {self.pk}"
