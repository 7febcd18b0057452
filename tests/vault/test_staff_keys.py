"""Staff keys: wrapped by password and wrap secret; re-wrapped on change; new on reset."""

import pytest

from accounts import actions
from audit.models import Event
from tests.factories import PASSWORD
from vault import crypto
from vault import staff as staff_keys
from vault.keys import keyring
from vault.models import StaffKey


def test_the_private_key_is_stored_only_wrapped(staff):
    user = staff.persona("operator")
    key = StaffKey.objects.get(user=user)
    private = staff_keys.unlock(user, PASSWORD)
    assert crypto.public_of(private) == bytes(key.public_key)
    assert private not in bytes(key.wrapped_private)


def test_a_guessed_password_without_the_wrap_secret_opens_nothing(staff, settings):
    """Argon2id(password) alone is not the wrap key: the wrap secret is mixed in."""
    user = staff.persona("operator")
    key = StaffKey.objects.get(user=user)
    stretched = crypto.argon2id(
        PASSWORD.encode(), bytes(key.salt), opslimit=key.opslimit, memlimit=key.memlimit
    )
    with pytest.raises(crypto.DecryptionFailed):
        crypto.secretbox_decrypt(stretched, bytes(key.wrapped_private))
    assert keyring().wrap_secret not in bytes(key.wrapped_private)


def test_a_password_change_rewraps_the_same_key(staff):
    user = staff.persona("operator")
    before = bytes(StaffKey.objects.get(user=user).public_key)
    actions.change_password(
        user=user, current_password=PASSWORD, new_password="another long passphrase"
    )
    assert bytes(StaffKey.objects.get(user=user).public_key) == before
    with pytest.raises(staff_keys.WrongPassword):
        staff_keys.unlock(user, PASSWORD)
    assert crypto.public_of(staff_keys.unlock(user, "another long passphrase")) == before
    assert Event.objects.filter(action="staff_key_rewrapped", actor=user).exists()


def test_a_reset_gives_a_new_key_pair_and_drops_grants(staff):
    from accounts.models import Team
    from vault import teams
    from vault.models import TeamKeySeal

    admin, user = staff.persona("admin"), staff.persona("operator")
    team = Team.objects.create(name="Intake", kind="intake")
    actions.add_member(actor=admin, team=team, user=user)
    teams.create_first_key(team, holders=[user])
    assert TeamKeySeal.objects.filter(user=user).exists()
    before = bytes(StaffKey.objects.get(user=user).public_key)
    temporary = actions.reset_password(actor=admin, user=user)
    assert bytes(StaffKey.objects.get(user=user).public_key) != before
    staff_keys.unlock(user, temporary)
    event = Event.objects.filter(action="staff_key_replaced").get()
    assert event.actor == admin and event.object_id == str(user.pk)
    assert event.detail["team_grants_dropped"] == 1
    assert not TeamKeySeal.objects.filter(user=user).exists()
    assert user in teams.pending_members(team)


def test_the_argon2_cost_is_stored_with_each_key(staff, settings):
    user = staff.persona("operator")
    key = StaffKey.objects.get(user=user)
    assert (key.opslimit, key.memlimit) == (1, 8192)  # the insecure test setting
    settings.CORRIDOR_ARGON2_OPSLIMIT = 2
    staff_keys.unlock(user, PASSWORD)  # an old wrap still opens after the setting changes


def test_a_weak_wrap_is_upgraded_at_login(staff, settings):
    user = staff.persona("operator")
    settings.CORRIDOR_ARGON2_OPSLIMIT = 2
    staff.client(user)
    key = StaffKey.objects.get(user=user)
    assert key.opslimit == 2
    assert staff_keys.unlock(user, PASSWORD)
