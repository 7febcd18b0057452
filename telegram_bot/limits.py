"""Per-chat rate limit: a token bucket keyed by the chat's lookup hash (never its id). A refusal
is decided before any decryption or questionnaire work."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telegram_bot.models import Bucket


@transaction.atomic(savepoint=False)  # inside dialog.handle's transaction: no savepoint
def take(lookup: bytes) -> bool:
    per_minute = settings.CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE
    now = timezone.now()
    bucket, _created = Bucket.objects.select_for_update().get_or_create(
        lookup=lookup, defaults={"tokens": float(per_minute), "updated_at": now}
    )
    elapsed = (now - bucket.updated_at).total_seconds()
    tokens = min(float(per_minute), bucket.tokens + elapsed * per_minute / 60.0)
    if tokens < 1:
        if tokens != bucket.tokens:
            bucket.tokens, bucket.updated_at = tokens, now
            bucket.save(update_fields=["tokens", "updated_at"])
        return False
    bucket.tokens, bucket.updated_at = tokens - 1, now
    bucket.save(update_fields=["tokens", "updated_at"])
    return True
