"""Linked cases (possible duplicates) as a user may see them, without an existence oracle.

A link is a blind-index candidate between two cases. A user is shown the linked cases he holds
(cases/access.py) by number. Of the others he learns at most that there is a possible match
to ask a supervisor about: never a number, never a count. A restricted case he does not hold is
never counted at all, not even as "a possible match" (a helicopter pilot's case must not light
up when someone types his phone number). Used by the case page, the duplicates queue, search
and the hotline console.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy, pgettext_lazy

from cases import access
from cases.models import Case, CaseLink

# Blind indexes (vault/blind.py) in words, for linked cases.
MATCHED_ON = {
    # A person's name, not a thing's ("name" alone is a team's name in the catalogues).
    "full_name": pgettext_lazy("matched on", "name"),
    "name_dob": gettext_lazy("name and date of birth"),
    "phone": gettext_lazy("phone number"), "service_number": gettext_lazy("service number"),
}  # fmt: skip


def shown_links(user, case: Case) -> tuple[list[dict], bool]:
    """(one row per linked case the user holds and kind of link: ``{"other", "kind", "via"}``
    with every field it matched on, whether a possible match lies outside them among
    unrestricted cases)."""
    links = list(case.links.select_related("other").order_by("created_at", "pk"))
    return _split(user, [(link, link.other) for link in links])


def _split(user, pairs) -> tuple[list[dict], bool]:
    visible = set(
        access.visible_cases(user)
        .filter(pk__in=[other.pk for _link, other in pairs])
        .values_list("pk", flat=True)
    )
    rows: dict[tuple, dict] = {}  # in the order of each case's first link
    for link, other in pairs:
        if other.pk not in visible:
            continue
        row = rows.setdefault(
            (other.pk, link.kind),
            {"other": other, "kind": link.get_kind_display(), "fields": []},
        )
        field = MATCHED_ON.get(link.via, link.via)
        if field not in row["fields"]:
            row["fields"].append(field)
    shown = [{**row, "via": ", ".join(str(f) for f in row["fields"])} for row in rows.values()]
    elsewhere = any(other.pk not in visible and not other.restricted for _link, other in pairs)
    return shown, elsewhere


def possible_match_elsewhere(user, case_ids) -> bool:
    """Whether any of these cases (blind-index candidates) is an unrestricted case the user
    does not hold: the most a page may say of cases outside his scope."""
    ids = list(case_ids)
    if not ids:
        return False
    unrestricted = Case.objects.filter(pk__in=ids, restricted=False)
    return unrestricted.exclude(pk__in=access.visible_cases(user).filter(pk__in=ids)).exists()


def duplicate_condition(user) -> Q:
    """Cases with a possible duplicate the user may hear of: linked to a case he holds or to
    an unrestricted one. A link to a restricted case he does not hold counts for nothing.

    The restricted cases he does not hold are one small set (a partial index holds only
    restricted cases), left out of the link table's rows without a join per link."""
    hidden = Case.objects.filter(restricted=True).exclude(pk__in=sorted(access.named_cases(user)))
    return Q(
        pk__in=CaseLink.objects.filter(kind=CaseLink.Kind.POSSIBLE_DUPLICATE)
        .exclude(other_id__in=hidden.values("pk"))
        .values("case_id")
    )
