"""Signed instructions: rendered in the applicant's language with his phrase and a code,
approved by a second person when operational, delivered to the portal inbox, checkable only in
his codename session or by the hotline."""

import pytest
from django.utils import translation

from audit.models import Event
from cases import messages, workflow
from cases.models import Case, Message
from cases.states import TransitionRefused
from planning import instructions, plans
from planning.models import Instruction
from tests.planning.conftest import plan_values, unlocked
from vault import codenames, records
from vault.policy import PLAN


@pytest.fixture
def planned(programme, applicant):
    plans.save_plan(applicant.case, plan_values(programme), actor=programme.users["case_officer"])
    return applicant


def _draft(programme, case, who="case_officer"):
    user = programme.users[who]
    return instructions.draft(case, actor=user, actor_private=unlocked(user))


def _release(programme, instruction, who="supervisor"):
    user = programme.users[who]
    return instructions.release(instruction, actor=user, actor_private=unlocked(user))


def _content(programme, instruction, who="case_officer"):
    user = programme.users[who]
    return records.decrypt(
        instruction.record, records.data_key(user, unlocked(user), instruction.record)
    )


def test_the_instruction_is_russian_with_phrase_code_and_moscow_time(programme, planned):
    instruction = _draft(programme, planned.case)
    values = _content(programme, instruction)
    content = values["content"]
    text = "\n".join(content["steps"])
    assert content["language"] == "ru" and content["title"] == "Выход с сопровождением дрона"
    assert planned.phrase in text
    assert content["code"] in text and len(content["code"]) == 7
    assert "37U DP 26193 82919 (48.59500, 37.99900)" in text
    assert "по московскому времени" in text and "Ромашка" in text
    assert "{" not in text
    assert instruction.record.compartment == PLAN and instruction.operational
    assert instruction.status == Instruction.Status.PENDING
    assert instructions.verify(instruction, values)
    event = Event.objects.get(action="instruction_drafted")
    assert event.detail["operational"] is True and planned.phrase not in str(event.detail)


def test_the_signature_survives_the_database_round_trip_of_kyiv_times(programme, applicant):
    """Times typed in Kyiv time come back from the database in UTC: still the same instant."""
    from zoneinfo import ZoneInfo

    kyiv = ZoneInfo("Europe/Kyiv")
    values = plan_values(programme)
    for key in ("window_start", "window_end", "fallback_start", "fallback_end"):
        values[key] = values[key].astimezone(kyiv)
    plans.save_plan(applicant.case, values, actor=programme.users["case_officer"])
    instruction = _draft(programme, applicant.case)
    instruction = Instruction.objects.get(pk=instruction.pk)
    assert instructions.verify(instruction, _content(programme, instruction))
    assert _release(programme, instruction).status == Instruction.Status.RELEASED


def test_a_tampered_instruction_fails_verification(programme, planned):
    instruction = _draft(programme, planned.case)
    values = _content(programme, instruction)
    changed = {**values, "content": {**values["content"], "steps": ["Идите на север."]}}
    assert not instructions.verify(instruction, changed)
    # a later expiry on the plain column breaks it too
    from datetime import timedelta

    instruction.expires_at += timedelta(days=1)
    assert not instructions.verify(instruction, values)
    instruction.refresh_from_db()
    signature = bytearray(instruction.signature)
    signature[0] ^= 1
    instruction.signature = bytes(signature)
    assert not instructions.verify(instruction, values)


def test_a_record_replaced_in_the_database_is_never_delivered(programme, planned):
    instruction = _draft(programme, planned.case)
    values = _content(programme, instruction)
    forged = records.seal(
        planned.case,
        PLAN,
        {"content": {**values["content"], "steps": ["Идите к точке 37U DP 00000 00000."]}},
        kind="instruction",
    )
    Instruction.objects.filter(pk=instruction.pk).update(record=forged)
    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        _release(programme, instruction)
    with translation.override("en"):
        assert "signature does not match" in str(refused.value.message)
    assert Event.objects.filter(action="instruction_signature_invalid").exists()
    assert not Message.objects.filter(case=planned.case).exclude(record__kind="reply").exists()


def test_an_instruction_with_a_point_cannot_be_released_by_its_author(programme, planned):
    instruction = _draft(programme, planned.case)
    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        _release(programme, instruction, who="case_officer")
    with translation.override("en"):
        assert "its author cannot release it" in str(refused.value.message)
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.PENDING and instruction.message is None


def test_another_planner_without_the_approval_capability_cannot_release(programme, planned):
    other = programme.staff.make(
        "officer2", roles=["case_officer"], teams=[programme.teams["planning"]]
    )
    from vault import teams as team_keys

    holder = programme.users["case_officer"]
    team_keys.grant(
        programme.teams["planning"], other, actor=holder, actor_private=unlocked(holder)
    )
    instruction = _draft(programme, planned.case)
    with pytest.raises(TransitionRefused):
        instructions.release(instruction, actor=other, actor_private=unlocked(other))


def test_a_second_person_releases_it_to_the_portal_inbox(programme, planned):
    instruction = _draft(programme, planned.case)
    released = _release(programme, instruction)
    assert released.status == Instruction.Status.RELEASED
    assert released.approved_by == programme.users["supervisor"]
    message = released.message
    assert message.operational and message.expires_at == released.expires_at
    assert released.expires_at == planned.case.plan.fallback_end  # the last window's end
    secret = codenames.lookup(codenames.parse(planned.codename)).secret
    inbox = messages.inbox(planned.case.pk, secret.private_key)
    text = next(m["text"] for m in inbox if m["operational"])
    assert text.startswith("Выход с сопровождением дрона\n\n1. ")
    assert planned.phrase in text
    event = Event.objects.get(action="instruction_released")
    assert event.actor == programme.users["supervisor"]
    assert event.detail["author"] == programme.users["case_officer"].pk


def test_a_non_operational_instruction_is_released_by_its_author(programme, applicant):
    values = plan_values(programme, procedure="pre_deployment")
    plans.save_plan(applicant.case, values, actor=programme.users["case_officer"])
    from django.test import override_settings

    with override_settings(CORRIDOR_HOTLINE="+380 00 000 00 00"):
        instruction = _draft(programme, applicant.case)
    assert not instruction.operational and instruction.expires_at is None
    released = _release(programme, instruction, who="case_officer")
    assert not released.message.operational


def test_a_missing_programme_channel_is_named(programme, applicant):
    values = plan_values(programme, procedure="pre_deployment")
    plans.save_plan(applicant.case, values, actor=programme.users["case_officer"])
    from django.test import override_settings

    with override_settings(CORRIDOR_HOTLINE=""), pytest.raises(TransitionRefused) as refused:
        _draft(programme, applicant.case)
    assert "hotline" in str(refused.value.message)


def test_a_new_draft_withdraws_the_pending_one(programme, planned):
    first = _draft(programme, planned.case)
    second = _draft(programme, planned.case)
    first.refresh_from_db()
    assert first.status == Instruction.Status.WITHDRAWN
    assert second.status == Instruction.Status.PENDING
    with pytest.raises(TransitionRefused):
        _release(programme, first)


# --- scheduling -----------------------------------------------------------------------------


def _schedule_refusal(programme, case) -> str:
    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        workflow.schedule(case, actor=programme.users["case_officer"])
    return str(refused.value.message)


def test_scheduling_needs_an_approved_instruction(programme, planned):
    assert "no approved instruction" in _schedule_refusal(programme, planned.case)
    _draft(programme, planned.case)  # drafted, not approved
    assert "no approved instruction" in _schedule_refusal(programme, planned.case)


def test_scheduling_then_needs_an_escort_task(programme, planned):
    _release(programme, _draft(programme, planned.case))
    assert "no escort task" in _schedule_refusal(programme, planned.case)


def test_a_plan_change_needs_a_new_approved_instruction(programme, planned):
    _release(programme, _draft(programme, planned.case))
    plans.save_plan(
        planned.case, plan_values(programme, persons=2), actor=programme.users["case_officer"]
    )
    assert "no approved instruction" in _schedule_refusal(programme, planned.case)


def test_family_first_refuses_by_default(programme, applicant):
    from cases import states

    assert states.family_is_safe(applicant.case)  # no plan
    plans.save_plan(
        applicant.case,
        plan_values(programme, family_first=True),
        actor=programme.users["case_officer"],
    )
    assert states.family_is_safe(applicant.case)
    plans.save_plan(
        applicant.case,
        plan_values(programme, family_first=False),
        actor=programme.users["case_officer"],
    )
    assert states.family_is_safe(applicant.case) is None
    assert Event.objects.filter(action="plan_family_first_off").count() == 1


# --- code checks -------------------------------------------------------------------------------


def _staff(programme, role):
    client = programme.staff.client(programme.users[role])
    client.cookies["corridor_language"] = "en"
    return client


def _released_code(programme, planned) -> str:
    instruction = _release(programme, _draft(programme, planned.case))
    return _content(programme, instruction)["content"]["code"]


def test_the_hotline_checks_a_code(programme, planned):
    code = _released_code(programme, planned)
    client = _staff(programme, "operator")
    page = client.post("/planning/check-code/", {"number": planned.case.number, "code": code})
    assert "Genuine" in page.content.decode()
    other = "000000" if code != "000-000" else "111111"
    page = client.post("/planning/check-code/", {"number": planned.case.number, "code": other})
    assert "Not found" in page.content.decode()
    events = Event.objects.filter(action="instruction_code_checked")
    assert [e.detail["matched"] for e in events.order_by("seq")][:1] == [True]


def test_the_hotline_check_is_for_cases_the_operator_can_see(programme, planned):
    client = _staff(programme, "field_liaison")
    response = client.post("/planning/check-code/", {"number": planned.case.number, "code": "1"})
    assert response.status_code == 404
    client = _staff(programme, "operator")
    response = client.post("/planning/check-code/", {"number": "26-99999", "code": "123456"})
    html = response.content.decode()
    assert response.status_code == 200 and "No case with this number in your teams." in html
    assert 'value="26-99999"' in html  # what was typed is kept
    assert not Event.objects.filter(action="instruction_code_checked").exists()


def test_the_applicant_checks_a_code_in_his_codename_session(programme, planned, client):
    code = _released_code(programme, planned)
    client.post("/portal/login/", {"codename": planned.codename})
    page = client.post("/portal/inbox/check-code/", {"code": code.replace("-", " ")})
    assert page.status_code == 200
    assert "Да: мы отправили вам инструкцию с этим кодом." in page.content.decode()
    other = "999999" if code != "999-999" else "111111"
    page = client.post("/portal/inbox/check-code/", {"code": other})
    assert "Нет: мы не отправляли вам инструкцию" in page.content.decode()


def test_an_unknown_codename_gets_the_same_no(programme, planned, client):
    code = _released_code(programme, planned)
    client.post("/portal/login/", {"codename": str(codenames.new_codename())})
    page = client.post("/portal/inbox/check-code/", {"code": code})
    assert page.status_code == 200
    assert "Нет: мы не отправляли вам инструкцию" in page.content.decode()


def test_there_is_no_public_verifier(programme, planned, client):
    code = _released_code(programme, planned)
    response = client.post("/portal/inbox/check-code/", {"code": code})
    assert response.status_code == 302 and "/portal/login/" in response["Location"]


# --- pages -----------------------------------------------------------------------------------


def test_the_pages_show_draft_and_approval(programme, planned):
    officer = _staff(programme, "case_officer")
    url = f"/planning/cases/{planned.case.number}/instructions/"
    assert officer.post(url + "draft/").status_code == 302
    html = officer.get(url).content.decode()
    assert "Signature valid." in html and planned.phrase in html
    assert "you cannot release it" in html
    instruction = Instruction.objects.get()
    supervisor = _staff(programme, "supervisor")
    response = supervisor.post(url + f"{instruction.pk}/release/")
    assert response.status_code == 302
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.RELEASED
    script = _staff(programme, "operator").get(url + f"{instruction.pk}/script/")
    assert script.status_code == 200 and planned.phrase in script.content.decode()


@pytest.mark.parametrize("role", ["operator", "field_liaison", "finance_officer", "outsider"])
def test_other_roles_do_not_reach_instructions(programme, planned, role):
    url = f"/planning/cases/{planned.case.number}/instructions/"
    assert _staff(programme, role).get(url).status_code == 404
    assert _staff(programme, role).post(url + "draft/").status_code == 404


def test_a_case_not_in_planning_gets_no_draft(programme, planned):
    Case.objects.filter(pk=planned.case.pk).update(status=Case.Status.VERIFIED)
    with pytest.raises(TransitionRefused):
        _draft(programme, planned.case)
