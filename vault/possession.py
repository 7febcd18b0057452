"""What the requesting user verifiably holds. Access to cases follows this, never a row an
admin can write (DESIGN.md, "Access follows keys, keys follow roles").

For each request of a logged-in staff member, ``middleware`` binds a ``Possession`` to
``request.user`` (as ``user.vault_possession``); cases/access.py and the workflow guards ask
it. It is computed lazily, once per request, from the session's private key
(vault/sessions.py): nothing of it is stored anywhere.

* **Team keys held**: every seal of a team key version sealed to the user that opens with the
  session's private key *and* whose opened private key matches the version's public key as
  the programme signed it (vault/signing.py). A seal row written straight into the database
  (anyone can seal some random key to a public key) opens to a key that is not the team's,
  and does not count; neither does a team key row the programme did not sign. A key also
  counts only while the user is a member of the team and his roles may hold its kind
  (accounts/roles.py): removing either takes access away, adding either gives none.
* **Teams**: those whose *active* key version is held. Their unrestricted cases are the
  user's cases.
* **Named restricted cases**: the restricted cases whose grant names the user *and* of which
  he holds a data key: a record key sealed to him that opens with his session key and opens
  its record (so a record key row forged alone does not count). A database writer who forges
  a whole record of his own in a case makes it listed for the user, but opens no true content
  of it: he could as well have edited the case row itself (docs/threat-model.md).

A user with no bound possession (a command, a worker, a test that did not ``bind``) holds
nothing: access is refused by default. Cost per request: one query for the seals, one per
named restricted case set, and per seal an X25519 unseal and a base-point multiplication
(~0.1 ms each); measured in bench/cases.py (docs/performance.md).
"""

from collections.abc import Callable
from functools import cached_property

from django.http import HttpRequest

from accounts.roles import held_kinds
from vault import crypto, sessions, signing

ATTRIBUTE = "vault_possession"


class Possession:
    """The keys one user verifiably holds in this request."""

    def __init__(self, user, private: bytes | None | Callable[[], bytes | None]):
        self.user_id = user.pk
        self._user = user
        self._private = private

    @cached_property
    def private(self) -> bytes | None:
        return self._private() if callable(self._private) else self._private

    @cached_property
    def _opened(self) -> dict:
        """{team key id: (team id, active?, opened private key)} for every verified seal."""
        from vault.models import TeamKeySeal

        private = self.private
        if private is None or self._user.pk is None:
            return {}
        kinds = held_kinds(self._user.roles)
        if not kinds:
            return {}
        seals = TeamKeySeal.objects.filter(
            user_id=self.user_id,
            team_key__team__kind__in=kinds,
            team_key__team__memberships__user_id=self.user_id,
        ).select_related("team_key")
        opened = {}
        for seal in seals:
            key = seal.team_key
            try:
                team_private = crypto.unseal(private, bytes(seal.sealed_private))
                if crypto.public_of(team_private) != signing.trusted_public(key):
                    continue  # a key sealed to him, but not this team's: a forged seal
            except (crypto.DecryptionFailed, signing.ForgedKey):
                continue
            opened[key.pk] = (key.team_id, key.retired_at is None, team_private)
        return opened

    @cached_property
    def teams(self) -> frozenset:
        """Ids of the teams whose active key the user holds."""
        return frozenset(team for team, active, _p in self._opened.values() if active)

    @cached_property
    def team_key_ids(self) -> frozenset:
        """Ids of every team key version (older ones too) the user holds."""
        return frozenset(self._opened)

    def team_private(self, team_key_id) -> bytes | None:
        found = self._opened.get(team_key_id)
        return found[2] if found else None

    @cached_property
    def named_cases(self) -> frozenset:
        """Ids of the restricted cases that name the user and whose data he holds."""
        from cases.models import CaseGrant
        from vault.models import Record, RecordKey
        from vault.records import associated_data

        private = self.private
        if private is None:
            return frozenset()
        # Most users are named on no restricted case: one indexed look-up, and done.
        named = list(
            CaseGrant.objects.filter(user_id=self.user_id, case__restricted=True).values_list(
                "case_id", flat=True
            )
        )
        if not named:
            return frozenset()
        rows = (
            RecordKey.objects.filter(
                kind=RecordKey.Kind.USER, user_id=self.user_id, record__case_id__in=named
            )
            .order_by("record__case_id", "record__created_at", "pk")
            .values_list("record__case_id", "record_id", "sealed_dek")
        )
        held = set()
        for case_id, record_id, sealed_dek in rows:
            if case_id in held:
                continue  # one data key that opens its record is enough per case
            record = Record.objects.filter(pk=record_id).only("ciphertext").first()
            try:
                dek = crypto.unseal(private, bytes(sealed_dek))
                crypto.aead_decrypt(dek, bytes(record.ciphertext), associated_data(record_id))
            except crypto.DecryptionFailed:
                continue
            held.add(case_id)
        return frozenset(held)


def bind(user, private: bytes | None | Callable[[], bytes | None]) -> Possession:
    """Attach what ``user`` holds with ``private`` (his unwrapped key, or a callable giving it
    lazily) to the user object; return it. Commands and tests bind explicitly."""
    found = Possession(user, private)
    setattr(user, ATTRIBUTE, found)
    return found


def of(user) -> Possession | None:
    """What the user holds in this request, or None when nothing was bound (holds nothing)."""
    found = getattr(user, ATTRIBUTE, None)
    return found if found is not None and found.user_id == user.pk else None


def holds_team(user, team_id) -> bool:
    found = of(user)
    return found is not None and team_id in found.teams


def teams_of(user) -> frozenset:
    found = of(user)
    return found.teams if found is not None else frozenset()


def named_cases_of(user) -> frozenset:
    found = of(user)
    return found.named_cases if found is not None else frozenset()


class PossessionMiddleware:
    """Bind the request user's possession, lazily, for every staff view (after
    accounts.middleware.staff_access, which decided the user may reach the view at all)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if user.is_authenticated:

            def private() -> bytes | None:
                try:
                    return sessions.private_key(request)
                except sessions.Locked:
                    return None

            bind(user, private)
        return None


middleware = PossessionMiddleware
