"""Search by phone, name or service number without plaintext search: blind-index candidates
are confirmed by decrypting with the searcher's own keys, so the result lists only true matches
among the cases he may see. The query itself is never stored or logged."""

from audit.log import record as audit
from cases import access, links
from cases.models import Case
from vault import blind, records
from vault.policy import IDENTITY

NORMALISE = {
    "phone": blind.normalise_phone,
    "full_name": blind.fold_name,
    "service_number": blind.normalise_service_number,
}


def _same(kind: str, wanted: str, value) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        return NORMALISE[kind](value) == wanted
    except blind.NotIndexable:
        return False


def possible_match_elsewhere(user, kind: str, query: str) -> bool:
    """Whether an unrestricted case the user does not hold is a candidate for the query: the
    page then says "possible match: ask a supervisor", never which or how many; a restricted
    candidate he does not hold is never mentioned (cases/links.py)."""
    if kind not in NORMALISE:
        raise KeyError(kind)
    try:
        candidate_ids = blind.candidates(kind, query)
    except blind.NotIndexable:
        return False
    return links.possible_match_elsewhere(user, candidate_ids)


def search(user, private: bytes, kind: str, query: str) -> list[Case]:
    if kind not in NORMALISE:
        raise KeyError(kind)
    try:
        wanted = NORMALISE[kind](query)
        candidate_ids = blind.candidates(kind, query)
    except blind.NotIndexable:
        return []
    found = []
    for case in access.visible_cases(user).filter(pk__in=candidate_ids):
        for record in case.records.filter(compartment=IDENTITY).exclude(kind="dates"):
            if not records.can_open(user, record):
                continue
            try:
                values = records.open_values(user, private, record)
            except records.NoAccess:  # a forged key row: the record stays unread
                continue
            if any(_same(kind, wanted, v) for v in values.values()):
                found.append(case)
                break
    audit(
        "case_search",
        actor=user,
        object_type="search",
        object_id=kind,
        candidates=len(candidate_ids),
        found=len(found),
    )
    return found
