"""Family's part of crypto-shredding (cases/retention.py), called inside the purge's
transaction before the case's records are deleted.

* A relative of the purged case keeps only its relocation status and times (for counts of
  families moved); his sealed record and failure reason go with the case's records, and his
  link to the case he opened himself is cut.
* A relative listed on another case whose own case is the purged one loses that link: the
  other case's record of him is that case's data and stays, but it no longer points at a case
  whose data is gone (the link alone says "the applicant of case N is a relative of case M").
"""

from family.models import Relative


def purge(case) -> None:
    Relative.objects.filter(case=case).update(record=None, failure_record=None, own_case=None)
    Relative.objects.filter(own_case=case).update(own_case=None)
