import pytest
from django.conf import settings as django_settings

from tests.factories import StaffFactory
from tests.vault.conftest import programme  # noqa: F401  (shared fixture)
from vault import keys


@pytest.fixture(scope="session", autouse=True)
def key_directory(tmp_path_factory):
    """A key directory made by the real `keys init`, for the whole run. The escrow shares are
    kept here (and only here, in tests) so recovery can be tested."""
    path = tmp_path_factory.mktemp("keys")
    django_settings.CORRIDOR_KEY_DIR = str(path)
    keys.reload()
    shares = keys.init_keys(path)
    yield {"path": path, "shares": shares}
    keys.reload()


@pytest.fixture(autouse=True)
def audit_checkpoints(settings, tmp_path):
    """Each test keeps its audit checkpoints in its own file, as its database is its own."""
    settings.CORRIDOR_AUDIT_CHECKPOINTS = str(tmp_path / "audit-checkpoints")
    return tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def insecure_password_hashing(settings):
    """INSECURE: MD5 instead of Argon2id for Django's password hashes, and the lowest Argon2id
    cost for wrapping staff keys, only so the suite runs fast. Never in settings.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CORRIDOR_ARGON2_OPSLIMIT = 1
    settings.CORRIDOR_ARGON2_MEMLIMIT = 8192


@pytest.fixture
def staff(db) -> StaffFactory:
    return StaffFactory()
