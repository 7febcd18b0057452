"""The questionnaire over Telegram, through the real PTB Application and recorded updates."""

import pytest

from cases.models import Case
from telegram_bot import chats, dialog
from telegram_bot.models import CaseChat, Chat
from tests.telegram.conftest import CHAT, run_outbox
from vault import records

pytestmark = pytest.mark.django_db

ANSWERS = {"name": "Kuzminov Ivan", "born": "14.07.1995", "phone": "+7 916 123-45-67"}
CHOICES = {"situation": "front"}


def current_question(chat_id=CHAT):
    chat = chats.open_state(chats.load(chat_id, chats.lookup_of(chat_id)))
    if chat.state.get("answers") is None:
        return None
    return dialog._current_question(chat)


def answer_everything(telegram, chat_id=CHAT) -> None:
    for _ in range(40):
        question = current_question(chat_id)
        if question is None:
            return
        asked = telegram.state["next_id"]
        if question.type == "choice":
            value = CHOICES.get(question.id, question.choices[0].value)
            telegram.press(f"a:{value}", asked, chat=chat_id)
        elif question.type == "yesno":
            telegram.press("a:yes", asked, chat=chat_id)
        elif question.type == "location":
            telegram.send(telegram.update("location", chat=chat_id))
        else:
            telegram.say(ANSWERS.get(question.id, "some words"), chat=chat_id)
    raise AssertionError("the questionnaire did not end")


def test_a_full_conversation_creates_a_telegram_case(telegram, programme):
    calls = telegram.say("/start")
    first = telegram.sent(calls)[-1]
    assert first["text"].startswith("Who is writing?")
    assert first["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a:serviceman"
    answer_everything(telegram)
    case = Case.objects.get()
    assert case.channel == Case.Channel.TELEGRAM and case.language == "en"
    answers = case.records.get(kind="answers", compartment="identity")
    operator = programme.users["operator"]
    from tests.vault.conftest import private_of

    opened = records.decrypt(answers, records.data_key(operator, private_of(operator), answers))
    assert opened["name"] == "Kuzminov Ivan" and opened["phone"] == "+79161234567"
    assert opened["area"] == "48.015883, 37.802850"
    handover = telegram.sent()[-1]
    assert "codename" in handover["text"] and handover["protect_content"] is True
    # The answers in progress left the dialog state. The chat row (found by the lookup hash)
    # names its case only inside its sealed state; the case's reply address holds the chat id
    # sealed to the workers, and no lookup hash: a database reader cannot join the two.
    row = Chat.objects.get()
    assert row.has_case and {f.name for f in Chat._meta.concrete_fields}.isdisjoint(
        {"case", "sealed_chat"}
    )
    in_clear = repr(Chat.objects.values().get())
    assert str(case.pk) not in in_clear and case.pk.hex not in in_clear
    assert case.number not in in_clear
    loaded = chats.open_state(chats.load(CHAT, row.lookup))
    assert "answers" not in loaded.state and loaded.case_id == str(case.pk)
    address = CaseChat.objects.get(case=case)
    assert bytes(row.lookup) not in bytes(address.sealed_chat)
    assert str(CHAT).encode() not in bytes(address.sealed_chat)


def test_every_message_is_protected(telegram, programme):
    telegram.say("/start")
    answer_everything(telegram)
    assert all(p.get("protect_content") is True for p in telegram.sent())


def test_it_speaks_the_users_language_or_russian(telegram, programme):
    assert telegram.sent(telegram.say("/start", language="uk"))[-1]["text"].startswith("Хто пише?")
    assert telegram.sent(telegram.say("/start", chat=2, language="de"))[-1]["text"].startswith(
        "Кто пишет?"
    )


def test_an_invalid_date_is_asked_again_kindly(telegram, programme):
    telegram.say("/start")
    telegram.press("a:serviceman", telegram.state["next_id"])
    telegram.say("Ivanov")
    assert current_question().id == "born"
    calls = telegram.say("31.02.1990")
    assert telegram.sent(calls)[-1]["text"] == (
        "This date does not exist. Check the day and the month. Then send your answer again."
    )
    assert current_question().id == "born"
    calls = telegram.say("14.07.1995")
    assert current_question().id != "born"
    # The error message and the wrong answer were deleted with the right one.
    assert len(telegram.deleted(calls)) >= 3


def test_the_dialog_resumes_after_a_restart(telegram, programme):
    telegram.say("/start")
    telegram.press("a:serviceman", telegram.state["next_id"])
    telegram.say("Ivanov")
    # A new Application (every `process` builds one) knows nothing in memory: /start resumes.
    calls = telegram.say("/start")
    assert telegram.sent(calls)[-1]["text"].startswith("Your date of birth?")
    assert current_question().id == "born"


def test_back_and_cancel(telegram, programme):
    telegram.say("/start")
    telegram.press("a:serviceman", telegram.state["next_id"])
    telegram.press("back", telegram.state["next_id"])
    assert current_question().id == "who"
    telegram.press("cancel", telegram.state["next_id"])
    assert not Case.objects.exists()
    # The answers are gone; the row stays only as the chat's rate bucket, until the purge.
    assert "answers" not in chats.open_state(chats.load(CHAT, chats.lookup_of(CHAT))).state


def test_both_sides_are_deleted_as_each_answer_is_stored(telegram, programme):
    telegram.say("/start")
    question = telegram.state["next_id"]
    telegram.press("a:serviceman", question)
    asked_name = telegram.state["next_id"]
    calls = telegram.say("Ivanov")
    his_answer = telegram.message_id
    assert {question}.issubset(telegram.deleted())
    assert {asked_name, his_answer} <= telegram.deleted(calls)


def test_the_codename_message_is_deleted_when_memorised(telegram, programme):
    telegram.say("/start")
    answer_everything(telegram)
    handover = telegram.state["next_id"]
    calls = telegram.press("mem", handover)
    assert handover in telegram.deleted(calls)


def test_the_codename_message_is_deleted_after_a_few_minutes(telegram, programme, settings):
    settings.CORRIDOR_TELEGRAM_CODENAME_SECONDS = 0
    telegram.say("/start")
    answer_everything(telegram)
    handover = telegram.state["next_id"]
    assert handover not in telegram.deleted()
    run_outbox()
    assert handover in telegram.deleted()


def test_a_duress_word_is_chosen_with_a_button(telegram, programme):
    telegram.say("/start")
    answer_everything(telegram)
    telegram.press("d:2", telegram.state["next_id"])
    assert Case.objects.get().applicant_key.duress_choice == 2


def test_text_sent_later_becomes_an_applicant_message(telegram, programme):
    telegram.say("/start")
    answer_everything(telegram)
    calls = telegram.say("I am at the front now")
    case = Case.objects.get()
    message = case.messages.get()
    assert message.direction == "in"
    assert telegram.message_id in telegram.deleted(calls)


def test_status_and_help_say_nothing_operational(telegram, programme):
    telegram.say("/start")
    answer_everything(telegram)
    status = telegram.sent(telegram.say("/status"))[-1]["text"]
    assert "received" in status
    help_text = telegram.sent(telegram.say("/help"))[-1]["text"]
    assert "/wipe" in help_text


def test_language_can_be_changed(telegram, programme):
    telegram.say("/start")
    telegram.say("/language")
    calls = telegram.press("lang:ru", telegram.state["next_id"])
    assert telegram.sent(calls)[-1]["text"].startswith("Кто пишет?")


def test_wipe_deletes_what_remains_and_explains_the_phone(telegram, programme):
    telegram.say("/start")
    answer_everything(telegram)
    telegram.say("/status")
    status_reply = telegram.state["next_id"]
    handover = status_reply - 1
    calls = telegram.say("/wipe")
    assert {handover, status_reply, telegram.message_id} <= telegram.deleted(calls)
    assert "Clear history" in telegram.sent(calls)[-1]["text"]
    assert Case.objects.get().records.filter(kind="answers").exists()  # the case keeps its copy


def test_an_invalid_phone_is_asked_again_kindly(telegram, programme):
    telegram.say("/start")
    for _ in range(20):
        question = current_question()
        if question.id == "phone":
            break
        if question.type == "choice":
            value = CHOICES.get(question.id, question.choices[0].value)
            telegram.press(f"a:{value}", telegram.state["next_id"])
        else:
            telegram.press("skip", telegram.state["next_id"])
    calls = telegram.say("call me maybe")
    assert telegram.sent(calls)[-1]["text"] == (
        "This does not look like a phone number. Type it with the country code, "
        "for example +7 900 123 45 67. Then send your answer again."
    )
    assert current_question().id == "phone"
    telegram.say("+380 44 123 4567")
    assert current_question().id != "phone"


def test_the_bots_own_words_are_translated(telegram, programme):
    calls = telegram.say("/start", language="ru")
    assert telegram.sent(calls)[0]["text"].startswith("Здравствуйте. Это конфиденциальная анкета.")
    buttons = telegram.sent(calls)[-1]["reply_markup"]["inline_keyboard"][-1]
    assert [b["text"] for b in buttons][0] != "Back"


def test_no_message_of_the_bot_asks_for_a_next_button(telegram, programme):
    """The portal has a Next button, the bot none: its retries say to send the answer again."""
    telegram.say("/start")
    telegram.press("a:serviceman", telegram.state["next_id"])
    telegram.say("Ivanov")
    calls = telegram.say("01.01.2999")
    assert telegram.sent(calls)[-1]["text"] == (
        "This date cannot be in the future. Check the year. Then send your answer again."
    )
