"""The bot's side of a conversation, without Telegram: one incoming event in, what to send and
delete out. All questionnaire logic is the intake engine's (intake/questionnaire.py); a case is
made only by ``intake.service.submit``. This module runs synchronously (the ORM); telegram_bot/
bot.py turns Telegram updates into ``Incoming`` and performs the ``Outcome``.

What stays on Telegram: every question is deleted, with the applicant's answer, as soon as the
answer is stored; other bot messages are deleted after a few minutes (an outbox task); /wipe
deletes whatever is left. Wording is neutral, so that nothing on a lock screen names surrender.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cases import messages
from cases.models import Case
from intake import service
from intake.questionnaire import AnswerError, Question, current, validate
from telegram_bot import chats

LANGUAGES = ("ru", "uk", "en")
# Sent messages whose id the state keeps by name (to delete them at the right moment).
_TAGGED = {
    "question": "q_msg",
    "codename": "codename_msg",
    "error": "error_msg",
    "intro": "intro_msg",
}


@dataclass
class Incoming:
    """One update from a private chat, reduced to what the dialog needs."""

    chat_id: int
    message_id: int | None = None
    text: str | None = None  # a text message (commands included)
    location: tuple[float, float] | None = None
    data: str | None = None  # an inline button's callback data
    user_language: str | None = None

    def __repr__(self) -> str:  # chat ids and answers never reach a log line
        return "Incoming(…)"


@dataclass
class Outgoing:
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    tag: str = ""  # "question": the question being asked; "codename": the hand-over
    delete_after: int | None = None  # seconds; None: deleted with the next answer or /wipe

    def __repr__(self) -> str:
        return f"Outgoing({self.tag or 'text'})"


@dataclass
class Outcome:
    send: list[Outgoing] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)
    callback_text: str | None = None  # the small notice on a pressed button
    leave: bool = False
    chat: object = field(default=None, repr=False)  # as stored by handle, for ``sent``


@transaction.atomic  # one commit per update: the bucket, the state and any case together
def handle(event: Incoming) -> Outcome:
    """What to do about one event. Refused by the rate limit: nothing at all (the refusal is
    decided before the state is used for anything)."""
    chat = chats.load(event.chat_id, chats.lookup_of(event.chat_id))
    if not chats.take_token(chat):
        chats.store_tokens(chat)
        return Outcome()
    chats.open_state(chat)
    language = chat.state.get("lang") or _language_of(event.user_language)
    with translation.override(language):
        outcome = _dispatch(chat, event)
    chats.store(chat)  # always: the bucket changed
    outcome.chat = chat
    return outcome


@transaction.atomic
def sent(chat_id: int, sent_messages: list, chat: "chats.Chat | None" = None) -> None:
    """Remember the ids of messages just sent (tag, message id, delete after seconds): the
    question being asked, and everything to delete later. ``chat`` is the one ``handle``
    stored: written back in one statement unless the row changed meanwhile."""
    if not sent_messages:
        return
    fresh = chat is None or not chat.exists
    if fresh:
        chat = chats.open_state(chats.load(chat_id, chats.lookup_of(chat_id)))
        if not chat.exists:  # never began: no row for it
            return
    _record(chat, chat_id, sent_messages)
    if not fresh and chats.store_if_unchanged(chat):
        return
    if not fresh:  # another update of this chat came between: apply to the stored state
        chat = chats.open_state(chats.load(chat_id, chats.lookup_of(chat_id)))
        _record(chat, None, sent_messages)
    chats.store(chat)


def _record(chat, chat_id: int | None, sent_messages: list) -> None:
    for tag, message_id, delete_after in sent_messages:
        chat.remember(message_id)
        if tag in _TAGGED:
            chat.state[_TAGGED[tag]] = message_id
        if delete_after is not None and chat_id is not None:
            from telegram_bot import delivery

            delivery.delete_later(chat_id, [message_id], seconds=delete_after)


def _language_of(code: str | None) -> str:
    code = (code or "").split("-")[0].lower()
    return code if code in LANGUAGES else "ru"


def _dispatch(chat: "chats.Chat", event: Incoming) -> Outcome:
    text = (event.text or "").strip()
    command = text.split()[0].split("@")[0].lower() if text.startswith("/") else ""
    if event.data:
        return _button(chat, event)
    if command == "/start":
        return _start(chat, event)
    if command == "/help":
        return _short(chat, event, _help())
    if command == "/language":
        return _short(chat, event, _("Choose a language."), _language_buttons(), ttl=True)
    if command == "/status":
        return _short(chat, event, _status(chat))
    if command == "/wipe":
        return _wipe(chat, event)
    if command in ("/cancel", "/back"):
        if chat.case_id is None and chat.state.get("answers") is not None:
            return _cancel(chat, event) if command == "/cancel" else _back(chat, event)
        return _short(chat, event, _help())
    if chat.case_id is not None:
        return _later_message(chat, event)
    if chat.state.get("answers") is None:
        return _start(chat, event)
    return _answer(chat, event)


# --- the questionnaire ----------------------------------------------------------------------


def _start(chat, event: Incoming) -> Outcome:
    """/start: a new dialog, or the current question again (resume after a break). Creates no
    case, so a flood of /start costs nothing but the rate limit's tokens."""
    outcome = Outcome(delete=_own(event))
    if chat.case_id is not None:
        outcome.send.append(_ttl(_("You have already written to us. %(help)s") % {"help": _hint()}))
        return outcome
    if chat.state.get("answers") is None:
        chat.state.update(lang=translation.get_language(), answers={})
        chat.dirty = True
        # Deleted with the first answer, like the question it introduces.
        intro = _(
            "Hello. This is a confidential questionnaire. Answer one question at a time; you "
            "may skip most of them. /back goes to the previous question, /cancel deletes "
            "everything. Your messages here are deleted as soon as we have stored them."
        )
        outcome.send.append(Outgoing(intro, tag="intro"))
    outcome.delete += chat.take(chat.state.pop("q_msg", None))
    chat.dirty = True
    outcome.send.append(_question_message(chat))
    return outcome


def _question_message(chat) -> Outgoing:
    question = _current_question(chat)
    language = translation.get_language()
    text = question.text(language)
    help_text = question.help_text(language)
    if help_text:
        text = f"{text}\n\n{help_text}"
    rows: list[list[tuple[str, str]]] = []
    if question.type == "choice":
        rows = [
            [(question.choice_label(c.value, language), f"a:{c.value}")] for c in question.choices
        ]
    elif question.type == "yesno":
        rows = [[(_("yes"), "a:yes"), (_("no"), "a:no")]]
    elif question.type == "location":
        text += "\n\n" + _("You may share a location (📎 → Location) or type a place.")
    elif question.type == "date":
        text += "\n\n" + _("Write the date as DD.MM.YYYY.")
    nav = [(_("Back"), "back")]
    if not question.required:
        nav.append((_("Skip"), "skip"))
    nav.append((_("Cancel"), "cancel"))
    rows.append(nav)
    return Outgoing(text, rows, tag="question")


def _current_question(chat) -> Question:
    questionnaire = current()
    answers = chat.state["answers"]
    at = chat.state.get("at")
    ids = [q.id for q in questionnaire.visible(answers)]
    if at in ids and at not in answers:
        return questionnaire.by_id(at)
    return questionnaire.next_question(answers)


def _answer(chat, event: Incoming, raw=None) -> Outcome:
    question = _current_question(chat)
    if raw is None:
        if event.location is not None and question.type == "location":
            raw = f"{event.location[0]:.6f}, {event.location[1]:.6f}"
        elif event.text is not None:
            raw = event.text
        else:
            return Outcome(delete=_own(event))  # a sticker, a file, a location out of place
    try:
        value = validate(question, raw)
    except AnswerError as problem:
        # A friendly retry: his wrong answer goes, the question stays, the reason is told.
        chat.dirty = True
        outcome = Outcome(delete=_own(event) + chat.take(chat.state.pop("error_msg", None)))
        # The bot has no Next button: the message says how to answer here.
        retry = _("%(problem)s Then send your answer again.") % {"problem": problem.message}
        outcome.send.append(Outgoing(retry, tag="error"))
        return outcome
    answers = chat.state["answers"]
    answers[question.id] = value  # None: skipped
    chat.state.pop("at", None)
    chat.dirty = True
    outcome = Outcome(
        delete=_own(event)
        + chat.take(chat.state.pop("q_msg", None))
        + chat.take(chat.state.pop("error_msg", None))
        + chat.take(chat.state.pop("intro_msg", None))
    )
    if current().next_question(answers) is None:
        return _complete(chat, outcome)
    outcome.send.append(_question_message(chat))
    return outcome


def _back(chat, event: Incoming) -> Outcome:
    questionnaire = current()
    answers = chat.state["answers"]
    question = _current_question(chat)
    previous = questionnaire.previous_question(answers, question)
    outcome = Outcome(delete=_own(event) + chat.take(chat.state.pop("q_msg", None)))
    if previous is not None:
        chat.state["at"] = previous.id
        answers.pop(previous.id, None)
    chat.dirty = True
    outcome.send.append(_question_message(chat))
    return outcome


def _cancel(chat, event: Incoming) -> Outcome:
    """Everything typed so far is dropped: the row goes, and the messages we know of."""
    outcome = Outcome(delete=_own(event) + chat.take_all())
    chats.forget(chat)
    outcome.send.append(_ttl(_("Cancelled. Nothing was kept. /start begins again.")))
    return outcome


@transaction.atomic
def _complete(chat, outcome: Outcome) -> Outcome:
    """The last answer: the case is made by the one intake service; the answers in progress
    leave the dialog state in the same transaction."""
    language = translation.get_language()
    submission = service.submit(
        current(), chat.state["answers"], channel=Case.Channel.TELEGRAM, language=language
    )
    chats.link(chat, submission.case)
    chat.state = {"lang": language, "visible": chat.state.get("visible", [])}
    chat.dirty = True
    words = "\n".join(
        f"{n}. {word}" for n, word in enumerate(str(submission.codename).split(), start=1)
    )
    text = _(
        "Thank you. Your application is stored.\n\n"
        "Your codename (learn it by heart, do not write it down):\n%(words)s\n\n"
        "Recognition phrase (every genuine instruction carries it):\n%(phrase)s\n\n"
        "Choose one of the words below as your duress word: if someone forces you to log "
        "in, type it instead of the last word of the codename.\n\n"
        "This message disappears in a few minutes or when you press “Memorised”. Read "
        "replies and instructions on the portal with your codename or call the hotline."
    ) % {"words": words, "phrase": submission.phrase}
    duress = [[(word, f"d:{n}") for n, word in enumerate(submission.duress_words)]]
    outcome.send.append(
        Outgoing(
            text,
            [*duress, [(_("Memorised"), "mem")]],
            tag="codename",
            delete_after=settings.CORRIDOR_TELEGRAM_CODENAME_SECONDS,
        )
    )
    return outcome


# --- buttons --------------------------------------------------------------------------------


def _button(chat, event: Incoming) -> Outcome:
    data = event.data or ""
    in_dialog = chat.case_id is None and chat.state.get("answers") is not None
    if data.startswith("lang:") and data[5:] in LANGUAGES:
        chat.state["lang"] = data[5:]
        chat.dirty = True
        with translation.override(data[5:]):
            outcome = Outcome(delete=chat.take(event.message_id), callback_text=_("Saved."))
            if in_dialog:
                outcome.delete += chat.take(chat.state.pop("q_msg", None))
                outcome.send.append(_question_message(chat))
            return outcome
    if data == "mem" and chat.state.get("codename_msg") == event.message_id:
        chat.state.pop("codename_msg")
        chat.dirty = True
        return Outcome(delete=chat.take(event.message_id), callback_text=_("Deleted."))
    if data.startswith("d:") and chat.case_id is not None and chat.state.get("codename_msg"):
        try:
            choice = int(data[2:])
        except ValueError:
            return Outcome(callback_text="")
        if 0 <= choice < 4:
            case = Case.objects.get(pk=chat.case_id)
            service.applicant_chose_duress(case, choice)
            return Outcome(callback_text=_("Saved."))
    if not in_dialog or event.message_id != chat.state.get("q_msg"):
        return Outcome(callback_text="")  # an old keyboard: nothing happens
    if data == "back":
        return _back(chat, Incoming(chat_id=event.chat_id))
    if data == "cancel":
        return _cancel(chat, Incoming(chat_id=event.chat_id))
    if data == "skip":
        return _answer(chat, Incoming(chat_id=event.chat_id), raw="")
    if data.startswith("a:"):
        return _answer(chat, Incoming(chat_id=event.chat_id), raw=data[2:])
    return Outcome(callback_text="")


def _language_buttons() -> list[list[tuple[str, str]]]:
    return [[("Русский", "lang:ru"), ("Українська", "lang:uk"), ("English", "lang:en")]]


# --- after the questionnaire ----------------------------------------------------------------


def _later_message(chat, event: Incoming) -> Outcome:
    """Text sent after the case exists becomes an applicant message on the case (not after a
    duress login: from then on nothing from this chat is attached). He is told the same
    either way."""
    outcome = Outcome(delete=_own(event))
    if event.text is None or not event.text.strip():
        return outcome
    if len(event.text) > settings.CORRIDOR_TELEGRAM_MAX_TEXT:
        outcome.send.append(_ttl(_("This message is too long. Please split it.")))
        return outcome
    case = Case.objects.filter(pk=chat.case_id, duress=False).first()
    if case is not None and chats.is_open(chat):  # a duress login closed it for good
        messages.from_applicant(case, event.text.strip())
    outcome.send.append(_ttl(_("Received. Your message is stored and deleted from this chat.")))
    return outcome


def _status(chat) -> str:
    """Plain words, nothing operational: the bot never says what is planned or when."""
    if chat.case_id is None:
        if chat.state.get("answers") is not None:
            return _("You have not finished the questionnaire yet. /start continues it.")
        return _("You have not written to us yet. /start begins.")
    case = Case.objects.filter(pk=chat.case_id).only("status", "duress").first()
    if case is not None and not case.duress and case.status not in (Case.Status.NEW,):
        return _("Your application is being handled. %(hint)s") % {"hint": _hint()}
    return _("Your application has been received. %(hint)s") % {"hint": _hint()}


def _hint() -> str:
    return _("Replies are read on the portal with your codename or heard on the hotline.")


def _help() -> str:
    text = _(
        "This bot takes confidential applications for the programme. It asks a few questions "
        "and gives you a codename; replies are read on the portal with that codename or heard "
        "on the hotline. It deletes the conversation as it goes. Commands: /start, /status, "
        "/language, /wipe, /help."
    )
    extra = []
    if settings.CORRIDOR_BOT_NAME:
        extra.append(
            _("The only genuine bot is %(bot)s; check the name letter by letter.")
            % {"bot": settings.CORRIDOR_BOT_NAME}
        )
    if settings.CORRIDOR_HOTLINE:
        extra.append(_("Hotline: %(number)s") % {"number": settings.CORRIDOR_HOTLINE})
    return "\n\n".join([text, *extra])


def _wipe(chat, event: Incoming) -> Outcome:
    """Delete every message of this chat we still know of, and say how to clear the rest on
    the phone. The case keeps its encrypted copy."""
    outcome = Outcome(delete=_own(event) + chat.take_all())
    for key in _TAGGED.values():
        chat.state.pop(key, None)
    chat.dirty = True
    outcome.send.append(
        _ttl(
            _(
                "Deleted. To remove the chat from your phone too: open the chat menu (⋮ or the "
                "name at the top) and choose “Delete chat” or “Clear history”, also for the "
                "other side if asked."
            )
        )
    )
    return outcome


def _short(chat, event: Incoming, text: str, buttons=None, *, ttl: bool = True) -> Outcome:
    return Outcome(delete=_own(event), send=[_ttl(text, buttons)])


def _ttl(text: str, buttons=None) -> Outgoing:
    return Outgoing(text, buttons or [], delete_after=settings.CORRIDOR_TELEGRAM_DELETE_SECONDS)


def _own(event: Incoming) -> list[int]:
    return [event.message_id] if event.message_id else []
