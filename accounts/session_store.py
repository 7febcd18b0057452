"""The staff session backend: Django's database sessions, with the key stored only hashed.

The cookie carries a random session key (Django's, 32 characters from 36); the row is found
by ``vault.sessions.session_row_id`` of it, a BLAKE2b hash keyed with a secret from the key
directory. Whoever reads the table (a backup, a dump, a replica) therefore learns no value he
could put in a cookie, and cannot compute one without the key directory. Each row also names
its user, so ``delete_for_user`` ends all of one user's sessions.

``clearsessions`` works unchanged (``clear_expired`` filters on ``expire_date`` only).
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError

from vault.sessions import session_row_id


def _row_id(session_key: str) -> str:
    return session_row_id(session_key)


def _user_id(data: dict) -> int | None:
    from accounts.models import User

    value = data.get(SESSION_KEY)
    if value is None:
        return None
    try:
        return User._meta.pk.to_python(value)
    except ValidationError:
        return None


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from accounts.models import StaffSession

        return StaffSession

    def _get_session_from_db(self):
        from django.utils import timezone

        if not self.session_key:
            return None
        try:
            return self.model.objects.get(
                session_key=_row_id(self.session_key), expire_date__gt=timezone.now()
            )
        except self.model.DoesNotExist:
            self._session_key = None
            return None

    async def _aget_session_from_db(self):
        from django.utils import timezone

        if not self.session_key:
            return None
        try:
            return await self.model.objects.aget(
                session_key=_row_id(self.session_key), expire_date__gt=timezone.now()
            )
        except self.model.DoesNotExist:
            self._session_key = None
            return None

    def exists(self, session_key: str) -> bool:
        return self.model.objects.filter(session_key=_row_id(session_key)).exists()

    async def aexists(self, session_key: str) -> bool:
        return await self.model.objects.filter(session_key=_row_id(session_key)).aexists()

    def create_model_instance(self, data: dict):
        return self.model(
            session_key=_row_id(self._get_or_create_session_key()),
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
            user_id=_user_id(data),
        )

    async def acreate_model_instance(self, data: dict):
        return self.model(
            session_key=_row_id(await self._aget_or_create_session_key()),
            session_data=self.encode(data),
            expire_date=await self.aget_expiry_date(),
            user_id=_user_id(data),
        )

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key:
            self.model.objects.filter(session_key=_row_id(session_key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key:
            await self.model.objects.filter(session_key=_row_id(session_key)).adelete()


def delete_for_user(user) -> int:
    """Delete every session row of ``user``; returns how many there were. The caller also
    raises ``user.session_epoch``, which ends a session saved back by a request in flight."""
    from accounts.models import StaffSession

    deleted, _ = StaffSession.objects.filter(user=user).delete()
    return deleted
