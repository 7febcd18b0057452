"""Instructions: the plan's procedure rendered in the applicant's language, signed, approved by
a second person when operational, and delivered as an operational message.

    draft(case, actor=..., actor_private=...)      -> Instruction (pending; signed)
    release(instruction, actor=..., actor_private=...)   checks the signature, delivers
    verify(instruction, values)                    -> bool (values: the decrypted record)
    code_matches(case, code, opener)               -> bool (hotline, codename session)

Every instruction carries the applicant's recognition phrase and a short code. The code is
checked only inside his codename session or by the hotline, never by a public page: a hostile
service holding a seized note would use such a page to prove the note genuine (DESIGN.md).
"""

import json
import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record as audit
from cases.access import holds
from cases.messages import purge_after
from cases.models import Case, Message
from cases.states import NO_KEYS, TransitionRefused
from cases.workflow import touch
from planning import points, procedures, times
from planning.models import Instruction, Plan
from vault import records, signing
from vault.crypto import DecryptionFailed
from vault.policy import CORRESPONDENCE, PLAN
from vault.records import clear_time

DRAFT_STATES = (Case.Status.PLANNING, Case.Status.SCHEDULED)


class InstructionRefused(TransitionRefused):
    """The guard refused; ``message`` is safe to show."""


def new_code() -> str:
    """Six digits, read out as two groups ("482-913"): easy on a bad phone line."""
    number = secrets.randbelow(1_000_000)
    return f"{number // 1000:03d}-{number % 1000:03d}"


def normalise_code(text: str) -> str:
    digits = "".join(ch for ch in (text or "")[:40] if ch.isdigit())
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 6 else ""


def _open(record, user, private: bytes) -> dict:
    return records.decrypt(record, records.data_key(user, private, record))


def current_phrase(case: Case, user, private: bytes) -> str | None:
    """The applicant's current recognition phrase (the newest, after a new codename)."""
    record = (
        case.records.filter(compartment=CORRESPONDENCE, kind="phrase")
        .order_by("-created_at")
        .first()
    )
    if record is None:
        return None
    return _open(record, user, private).get("phrase")


def _render_values(plan_values: dict, language: str) -> dict:
    """Plan values as the applicant reads them: point in both forms, times in his zone."""
    values = {}
    for key, value in plan_values.items():
        if key in ("lat", "lon", "field_unit", "procedure", "family_first"):
            continue
        if key.startswith(("window_", "fallback_")) and value:
            values[key] = times.for_applicant(datetime.fromisoformat(value), language)
        elif value not in (None, ""):
            values[key] = str(value)
    if plan_values.get("lat") is not None:
        values["point"] = points.both(plan_values["lat"], plan_values["lon"])
    values["hotline"] = settings.CORRIDOR_HOTLINE
    onions = [h for h in settings.CORRIDOR_PORTAL_HOSTS if h.endswith(".onion")]
    values["portal"] = f"http://{onions[0]}/" if onions else ""
    return values


def statement(instruction: Instruction, content: dict) -> bytes:
    """The canonical bytes the signature covers: the sealed content (the true end of the window
    included) and the plain columns that govern delivery (case, plan version, operational), so
    changing either breaks it. The plain ``expires_at`` column is checked against the signed
    end by ``verify`` instead: a restricted case cuts it to a purge-after bound (also when the
    case is restricted after drafting) without breaking the signature."""
    signed = {
        "v": 2,
        "id": str(instruction.id),
        "case": instruction.case.number,
        "plan_version": instruction.plan_version,
        "operational": instruction.operational,
        "content": content,
    }
    return json.dumps(signed, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def true_end(content: dict) -> datetime | None:
    """The window's end as signed in the content (None for a non-operational instruction)."""
    return datetime.fromisoformat(content["expires_at"]) if content.get("expires_at") else None


def verify(instruction: Instruction, values: dict) -> bool:
    """Whether ``values`` (the decrypted record) and the row are exactly what was signed, the
    plain expiry being the signed end or, for a restricted case, its purge-after bound."""
    content = values.get("content", {})
    if not signing.verify_instruction(
        statement(instruction, content), bytes(instruction.signature or b"")
    ):
        return False
    end, column = true_end(content), instruction.expires_at
    if end is None or column is None:
        return end is None and column is None
    return column == end or (
        instruction.case.restricted and column == purge_after(instruction.case, end)
    )


def text_of(content: dict) -> str:
    """The instruction as the applicant reads it: title, numbered steps."""
    lines = [content["title"], ""]
    lines += [f"{n}. {step}" for n, step in enumerate(content["steps"], start=1)]
    return "\n".join(lines)


@transaction.atomic
def draft(case: Case, *, actor, actor_private: bytes) -> Instruction:
    """Render the plan's procedure for the applicant, sign it and keep it pending. Earlier
    pending drafts of the case are withdrawn. Guard: a planner, a case in planning or
    scheduled, a plan whose every placeholder has a value, a recognition phrase."""
    from planning.plans import can_plan

    if not can_plan(actor):
        raise InstructionRefused(_("Instructions are drafted by the planning team."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not holds(actor, case):
        raise InstructionRefused(NO_KEYS)
    if case.status not in DRAFT_STATES:
        raise InstructionRefused(_("Instructions are drafted while the case is in planning."))
    plan = Plan.objects.filter(case=case).select_related("record").first()
    if plan is None or plan.record is None:
        raise InstructionRefused(_("Write the plan first."))
    try:
        plan_values = _open(plan.record, actor, actor_private)
        phrase = current_phrase(case, actor, actor_private)
    except (records.NoAccess, DecryptionFailed):
        raise InstructionRefused(_("Your keys do not open this plan.")) from None
    if not phrase:
        raise InstructionRefused(_("This case has no recognition phrase."))
    procedure = procedures.get(plan_values["procedure"])
    language = procedure.language(case.language)
    code = new_code()
    values = {**_render_values(plan_values, language), "phrase": phrase, "code": code}
    try:
        steps = procedure.render(language, values)
    except procedures.MissingValue as missing:
        raise InstructionRefused(
            _("The instruction cannot be rendered: “%(name)s” has no value.")
            % {"name": missing.name}
        ) from None
    ends = [
        datetime.fromisoformat(plan_values[k])
        for k in ("window_end", "fallback_end")
        if plan_values.get(k)
    ]
    Instruction.objects.filter(case=case, status=Instruction.Status.PENDING).update(
        status=Instruction.Status.WITHDRAWN
    )
    expires_at = max(ends) if procedure.operational and ends else None
    instruction = Instruction(
        case=case,
        plan_version=plan.version,
        operational=procedure.operational,
        # A restricted case's column holds 1 January of the year after the window (a
        # purge-after bound, as for messages); the true end is signed and sealed in the content.
        expires_at=purge_after(case, expires_at),
        created_by=actor,
        created_at=clear_time(case),
    )
    content = {
        "procedure": procedure.id,
        "language": language,
        "title": procedure.title_in(language),
        "steps": steps,
        "code": code,
    }
    if expires_at is not None:
        content["expires_at"] = expires_at.astimezone(UTC).isoformat()
    instruction.signature = signing.sign_instruction(statement(instruction, content))
    instruction.record = records.seal(
        case, PLAN, {"content": content}, kind="instruction", actor=actor
    )
    instruction.save()
    audit(
        "instruction_drafted",
        actor=actor,
        object_type="case",
        object_id=case.number,
        instruction=str(instruction.id),
        procedure=procedure.id,
        operational=instruction.operational,
        plan_version=plan.version,
    )
    touch(case)
    return instruction


class _Tampered(Exception):
    pass


def release(instruction: Instruction, *, actor, actor_private: bytes) -> Instruction:
    """Approve and deliver a pending instruction. One with a point, window or signal needs a
    second person with the approval capability, never its author; the signature is checked
    before anything is delivered, so a record changed in the database is never sent (and the
    refusal is an audit event that outlives the rolled-back release)."""
    try:
        return _release(instruction, actor=actor, actor_private=actor_private)
    except _Tampered:
        audit(
            "instruction_signature_invalid",
            actor=actor,
            object_type="case",
            object_id=instruction.case.number,
            instruction=str(instruction.id),
        )
        raise InstructionRefused(
            _("This instruction's signature does not match: it was changed after drafting.")
        ) from None


@transaction.atomic
def _release(instruction: Instruction, *, actor, actor_private: bytes) -> Instruction:
    instruction = (
        Instruction.objects.select_for_update(of=("self",))
        .select_related("case", "record")
        .get(pk=instruction.pk)
    )
    case = instruction.case
    if not holds(actor, case):
        raise InstructionRefused(NO_KEYS)
    if instruction.status != Instruction.Status.PENDING:
        raise InstructionRefused(_("This instruction is not waiting for approval."))
    if case.status not in DRAFT_STATES:
        raise InstructionRefused(_("Instructions are released while the case is in planning."))
    if instruction.operational:
        if actor.pk == instruction.created_by_id:
            raise InstructionRefused(
                _(
                    "An instruction with a point, window or signal needs a second person: "
                    "its author cannot release it."
                )
            )
        if not actor.has_perm("accounts.approve_instructions"):
            raise InstructionRefused(_("Your role does not allow approving instructions."))
    elif not (
        actor.has_perm("accounts.approve_instructions") or actor.has_perm("accounts.plan_exits")
    ):
        raise InstructionRefused(_("Your role does not allow releasing instructions."))
    try:
        values = _open(instruction.record, actor, actor_private)
    except (records.NoAccess, DecryptionFailed):
        raise InstructionRefused(_("Your keys do not open this instruction.")) from None
    if not verify(instruction, values):
        raise _Tampered
    content = values["content"]
    now = timezone.now()
    delivered = {
        "text": text_of(content),
        "code": content["code"],
        "instruction": str(instruction.id),
    }
    end = true_end(content)
    if case.restricted:  # the true times, sealed like a restricted case's messages'
        delivered["at"] = now.isoformat()
        if end is not None:
            delivered["expires_at"] = end.isoformat()
    sealed = records.seal(case, CORRESPONDENCE, delivered, kind="instruction", actor=actor)
    instruction.message = Message.objects.create(
        record=sealed,
        case=case,
        direction=Message.Direction.TO_APPLICANT,
        operational=instruction.operational,
        expires_at=purge_after(case, end),
        created_at=clear_time(case, now),
    )
    instruction.status = Instruction.Status.RELEASED
    instruction.approved_by, instruction.approved_at = actor, clear_time(case, now)
    instruction.save(update_fields=["status", "approved_by", "approved_at", "message"])
    audit(
        "instruction_released",
        actor=actor,
        object_type="case",
        object_id=case.number,
        instruction=str(instruction.id),
        operational=instruction.operational,
        author=instruction.created_by_id,
    )
    touch(case)
    return instruction


def code_matches(case_id, code: str, *, opener) -> bool:
    """Whether ``code`` is the code of an instruction delivered to this case. ``opener(record)``
    decrypts a message record (the applicant's codename key, or a hotline operator's keys).
    Takes a case id that may match nothing, so an unknown codename runs the same queries."""
    wanted = normalise_code(code)
    if not wanted:
        return False
    found = False
    rows = Message.objects.filter(
        case_id=case_id, direction=Message.Direction.TO_APPLICANT, record__kind="instruction"
    ).select_related("record")
    for message in rows:
        try:
            values = opener(message.record)
        except (records.NoAccess, DecryptionFailed):
            continue
        found |= secrets.compare_digest(str(values.get("code", "")), wanted)
    return found


def released_for_current_plan(case: Case) -> Instruction | None:
    """The released operational instruction of the case's current plan version, if any."""
    plan = Plan.objects.filter(case=case).only("version").first()
    if plan is None:
        return None
    return (
        Instruction.objects.filter(
            case=case,
            plan_version=plan.version,
            operational=True,
            status=Instruction.Status.RELEASED,
        )
        .order_by("-approved_at")
        .first()
    )
