"""Flood limits for the portal. Onion traffic all comes from Tor, so there is no address to key
on: limits are per portal session and global, and a refusal is answered before any crypto or
questionnaire work is done."""

from django.db import transaction
from django.utils import timezone

from intake.models import RateBucket


@transaction.atomic
def take(key: str, per_minute: int) -> bool:
    """Take one token from the bucket ``key`` (refilled at ``per_minute``); False if empty."""
    now = timezone.now()
    bucket, _created = RateBucket.objects.select_for_update().get_or_create(
        key=key, defaults={"tokens": float(per_minute), "updated_at": now}
    )
    elapsed = (now - bucket.updated_at).total_seconds()
    tokens = min(float(per_minute), bucket.tokens + elapsed * per_minute / 60.0)
    if tokens < 1:
        return False
    bucket.tokens, bucket.updated_at = tokens - 1, now
    bucket.save(update_fields=["tokens", "updated_at"])
    return True
