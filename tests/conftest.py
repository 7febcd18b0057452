import pytest

from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def insecure_password_hashing(settings):
    """INSECURE: MD5 instead of Argon2id, only so the suite runs fast. Never in settings.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db) -> StaffFactory:
    return StaffFactory()
