"""The one intake service: every channel hands it answers; it decides nothing per channel.

``submit`` turns a complete answer set into an encrypted case through the vault;
``recontact`` adds a later contact ("I am at the front now, here is where") to an existing
case. Both index what the questionnaire names and check duplicates and the watch list.
"""

import secrets
from dataclasses import dataclass

from django.db import transaction

from audit.log import record as audit
from cases import messages, workflow
from cases.models import Case
from intake import duplicates
from intake.questionnaire import Questionnaire
from vault import blind, codenames, records
from vault.policy import CORRESPONDENCE, ESCORT, IDENTITY


@dataclass(frozen=True)
class Submission:
    case: Case
    codename: str | None
    phrase: str
    duress_words: list[str]

    def __repr__(self) -> str:
        return f"Submission({self.case.number})"


def recognition_phrase() -> str:
    """Three words the applicant will see on every genuine instruction and drop note."""
    words = codenames.word_list().words
    return " ".join(secrets.choice(words) for _ in range(3))


def _index(case: Case, questionnaire: Questionnaire, answers: dict, *, new: bool = False) -> dict:
    pairs = questionnaire.indexes(answers)
    numbers = blind.store_many(case, pairs)
    stored = [(name, n) for (name, _v), n in zip(pairs, numbers, strict=True) if n is not None]
    return duplicates.check(case, stored, new=new)


@transaction.atomic(savepoint=False)
def submit(
    questionnaire: Questionnaire,
    answers: dict,
    *,
    channel: str,
    language: str,
    actor=None,
    with_codename: bool = True,
) -> Submission:
    """A complete answer set becomes a new case. Raises AnswerError if a required answer is
    missing (nothing is saved then)."""
    final = questionnaire.final(answers)
    case = workflow.open_case(
        channel=channel, language=language, actor=actor, unverified=channel == Case.Channel.PORTAL
    )
    phrase = recognition_phrase()
    codename, offered, applicant_key = None, [], None
    if with_codename:  # registered first, so the phrase is sealed to the applicant too
        codename = codenames.new_codename()
        parsed = codenames.parse(codename)
        applicant_key = codenames.register(case, codenames.derive(parsed.six))
        offered = codenames.duress_words(parsed.six)
    items = [(c, v, "answers") for c, v in questionnaire.by_compartment(final).items()]
    records.seal_many(
        case,
        [*items, (CORRESPONDENCE, {"phrase": phrase}, "phrase")],
        actor=actor,
        applicant_key=applicant_key,
    )
    _index(case, questionnaire, final, new=True)
    return Submission(case, codename, phrase, offered)


@transaction.atomic
def recontact(
    case: Case,
    questionnaire: Questionnaire,
    answers: dict,
    *,
    channel: str,
    actor=None,
    note: str = "",
) -> None:
    """A later contact on an existing case: its answers sealed as a new record of the case."""
    valid = {k: v for k, v in answers.items() if v not in (None, "")}
    for compartment, values in questionnaire.by_compartment(valid).items():
        records.seal(case, compartment, values, kind="recontact", actor=actor)
    if note and actor is None:  # the applicant wrote it
        messages.from_applicant(case, note)
    elif note:  # an operator's note of the call
        records.seal(case, IDENTITY, {"call_note": note}, kind="call", actor=actor)
    _index(case, questionnaire, valid)
    workflow.contact(case)
    audit("case_recontact", actor=actor, object_type="case", object_id=case.number, channel=channel)


def choose_duress(case: Case, choice: int) -> None:
    codenames.set_duress_choice(case, choice)


@transaction.atomic
def duress_login(case: Case) -> None:
    """He was forced to log in. The login itself only queues the work (one outbox row), so
    that its response takes no longer than any other login's; the worker then runs
    ``duress_effects``. A repeated duress login queues nothing new."""
    from intake.tasks import duress_effects

    if case.duress:
        return
    # One cheap statement now, so the real codename shows an empty inbox from this moment on.
    Case.objects.filter(pk=case.pk).update(duress=True)
    duress_effects.enqueue(str(case.pk))


@transaction.atomic
def duress_effects_now(case: Case) -> None:
    """The case is compromised and flagged, its escort tasks are cancelled (every copy of their
    keys deleted), and the case's team and each field unit whose task was cancelled get an
    alert on their dashboards. Runs once per case."""
    if case.status == Case.Status.COMPROMISED and case.alerts.exists():
        return
    workflow.mark_duress(case)
    units = {}
    for task in case.records.filter(compartment=ESCORT).exclude(ciphertext=b""):
        for row in task.keys.filter(team_key__isnull=False).select_related("team_key__team"):
            units[row.team_key.team_id] = row.team_key.team
        records.end_escort_task(task)
    workflow.raise_alerts(case, field_units=list(units.values()))


@transaction.atomic
def reissue_codename(case: Case, *, actor) -> Submission:
    """An officer who has re-established contact by another channel gives a new codename and
    recognition phrase; the duress flag is lifted so the new codename shows the inbox again."""
    if not actor.has_perm("accounts.screen_cases"):
        raise workflow.TransitionRefused("only a case officer or supervisor issues codenames")
    codename = codenames.new_codename()
    parsed = codenames.parse(codename)
    codenames.replace(case, codenames.derive(parsed.six))
    phrase = recognition_phrase()
    records.seal(case, CORRESPONDENCE, {"phrase": phrase}, kind="phrase", actor=actor)
    workflow.clear_duress(case, actor=actor)
    audit("codename_reissued", actor=actor, object_type="case", object_id=case.number)
    return Submission(case, codename, phrase, codenames.duress_words(parsed.six))


@transaction.atomic
def applicant_wrote(case: Case, payload: dict) -> None:
    """Store what the applicant wrote on the portal: a message and/or a second-stage update."""
    if payload.get("text"):
        messages.from_applicant(case, payload["text"][:4000])
    update = {k: v for k, v in (payload.get("update") or {}).items() if v not in (None, "")}
    if update:
        from intake.questionnaire import current

        recontact(case, current(), update, channel=Case.Channel.PORTAL)
