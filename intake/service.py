"""The one intake service: every channel hands it answers; it decides nothing per channel.

``submit`` turns a complete answer set into an encrypted case through the vault;
``recontact`` adds a later contact ("I am at the front now, here is where") to an existing
case. Both index what the questionnaire names and check duplicates and the watch list.
"""

from dataclasses import dataclass

from django.db import transaction

from audit.log import record as audit
from cases import access, messages, workflow
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


def recognition_phrase(language: str | None = None) -> str:
    """Three words of his language's list he will see on every genuine instruction and drop
    note."""
    return codenames.recognition_phrase(language)


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
    phrase = recognition_phrase(language)
    codename, offered, applicant_key = None, [], None
    if with_codename:  # registered first, so the phrase is sealed to the applicant too
        codename = codenames.new_codename(language)
        parsed = codenames.parse(codename, language)
        applicant_key = codenames.register(case, codenames.derive(parsed.words))
        offered = codenames.duress_words(parsed.words)
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
    """A later contact on an existing case: its answers sealed as a new record of the case.
    ``actor`` None: the applicant himself (the portal); a staff actor must hold the case."""
    if actor is not None and not access.holds(actor, case):
        raise workflow.TransitionRefused(workflow.NO_KEYS)
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


class DuressRefused(Exception):
    """The duress word is the applicant's: only he, or the officer issuing his codename inside
    that flow and once, may set it."""


@transaction.atomic
def applicant_chose_duress(case: Case, choice: int) -> None:
    """The applicant, in his codename session (run by the worker from his sealed request),
    sets or changes his duress word. The audit event names neither the word nor its index."""
    codenames.set_duress_choice(case, choice)
    audit("duress_word_set", object_type="case", object_id=case.number, by="applicant")


@transaction.atomic
def officer_chose_duress(case: Case, choice: int, *, actor) -> None:
    """The officer who has just issued the codename records the word the caller chose, once.
    The caller (intake/issuing.py) proves it is that flow; here the codename must still have no
    duress word, so nobody can change one that is set."""
    from vault.models import ApplicantKey

    if not (actor.has_perm("accounts.record_intake") or actor.has_perm("accounts.screen_cases")):
        raise DuressRefused("only the officer issuing the codename")
    key = ApplicantKey.objects.select_for_update().filter(case=case).first()
    if key is None or key.duress_choice is not None:
        raise DuressRefused("this codename's duress word is already set")
    codenames.set_duress_choice(case, choice)
    audit("duress_word_set", actor=actor, object_type="case", object_id=case.number, by="officer")


@transaction.atomic
def duress_effects_now(case: Case) -> None:
    """The case is compromised and flagged, its Telegram chat closed for good, its escort tasks
    are cancelled (every copy of their keys deleted), and the case's team and each field unit
    whose task was cancelled get an alert on their dashboards. Run by the worker for a login
    with the applicant's duress word (intake/tasks.py), once per case: the login itself only
    queued a sealed row like any other login's, so its response costs what any login costs."""
    if Case.objects.filter(pk=case.pk, duress=True).exists():
        return
    workflow.mark_duress(case)
    from telegram_bot.delivery import close_chat

    close_chat(case)  # nothing goes to his Telegram chat again
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
    if not access.holds(actor, case):
        raise workflow.TransitionRefused(workflow.NO_KEYS)
    codename = codenames.new_codename(case.language)
    parsed = codenames.parse(codename, case.language)
    codenames.replace(case, codenames.derive(parsed.words))
    phrase = recognition_phrase(case.language)
    records.seal(case, CORRESPONDENCE, {"phrase": phrase}, kind="phrase", actor=actor)
    workflow.clear_duress(case, actor=actor)
    audit("codename_reissued", actor=actor, object_type="case", object_id=case.number)
    return Submission(case, codename, phrase, codenames.duress_words(parsed.words))


@transaction.atomic
def applicant_wrote(case: Case, payload: dict) -> None:
    """Store what the applicant wrote on the portal: a message and/or a second-stage update."""
    if payload.get("text"):
        messages.from_applicant(case, payload["text"][:4000])
    update = {k: v for k, v in (payload.get("update") or {}).items() if v not in (None, "")}
    if update:
        from intake.questionnaire import current

        recontact(case, current(), update, channel=Case.Channel.PORTAL)
