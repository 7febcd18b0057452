"""Reception's part of crypto-shredding (cases/retention.py), called inside the purge's
transaction before the case's records are deleted (which deletes every sealed value these rows
point at: custody, registration, events, consents, enquiries, media and their data keys).

Deleted: the later events (their kind says sickness, hospital, transfer) and the capture-card
tasks (nothing is due for a purged case; an unsent one would stay in the overdue queue), the
media rows (their files go by ``vault.StoredFile`` in the purge) and the consents.
Kept without their records, for counts: the custody row (a reception happened, when), the
registration row (he was registered) and the enquiries recorded on the case (their
status-only answers). Outcome and guarantee rows hold no personal data (kinds, and in a
restricted case not even those) and stay as they are; their records go.

Not touched: an enquiry recorded on another case (a relative's own contact) that matched this
one. Its sealed requester and sought person are that case's data, kept by that case's rule;
its status-only answer is what the relative was told. After the purge nothing matches it any
more: the registration's blind indexes and record are gone.
"""

from reception.models import (
    CaptureCard,
    Custody,
    CustodyEvent,
    Enquiry,
    Media,
    MediaConsent,
    Registration,
)


def purge(case) -> None:
    CaptureCard.objects.filter(case=case).delete()
    CustodyEvent.objects.filter(case=case).delete()
    Media.objects.filter(case=case).delete()  # before the consents: Media.consent is PROTECT
    MediaConsent.objects.filter(case=case).delete()
    Custody.objects.filter(case=case).update(record=None)
    Registration.objects.filter(case=case).update(record=None)
    Enquiry.objects.filter(case=case).update(record=None)
