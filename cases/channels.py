"""Replies go back by the case's own channel. Staff messages are always sealed into the
correspondence compartment and read in the portal inbox with the codename; what differs per
channel is how the applicant learns that one waits.

- portal: he looks when he logs in; nothing is pushed.
- hotline: the operator tells him on his next call (the codename lets him read it too).
- telegram: a plain reply goes to the chat through the outbox; anything operational (a point,
  a window, a signal: every instruction) only as "a message is waiting" (DESIGN.md,
  "Channels"; the rule is telegram_bot/delivery.py's).
"""

from django.utils.translation import gettext_lazy as _

from cases.models import Case


class NotAnnounced(Exception):
    """The channel could not tell the applicant; ``message`` is safe to show."""

    def __init__(self, message):
        super().__init__("not announced")
        self.message = message


def telegram_notice(case: Case, message=None, text: str | None = None, *, actor=None) -> str:
    """Tell the case's Telegram chat: a plain reply goes to the chat itself; anything
    operational (or a message not given) only as "a message is waiting" (the rule and the
    outbox are telegram_bot.delivery's). Raises NotAnnounced when the case has no chat."""
    from telegram_bot import delivery

    try:
        if text is not None and not delivery.is_operational(message):
            delivery.queue_reply(case, message, text, actor=actor)
            return _("Message saved and queued for the applicant's Telegram chat.")
        delivery.queue_notice(case, message, actor=actor)
    except delivery.NoChat:
        raise NotAnnounced(
            _(
                "No Telegram notice was sent: this case has no Telegram chat. The message waits "
                "in the portal inbox; tell the applicant by another channel."
            )
        ) from None
    return _(
        "Message saved. The Telegram chat only gets “a message is waiting”; the applicant "
        "reads it on the portal with his codename or hears it on the hotline."
    )


def announce(case: Case, message=None, text: str | None = None, *, actor=None):
    """What staff are told after a reply was saved; raises NotAnnounced if the channel failed.
    ``message`` and ``text`` let a plain reply go to a Telegram chat; without them only the
    "a message is waiting" notice goes (the safe default for instructions)."""
    if case.channel == Case.Channel.TELEGRAM:
        return telegram_notice(case, message, text, actor=actor)
    if case.channel == Case.Channel.HOTLINE:
        return _(
            "Message saved. Tell the applicant on his next call; he can also read it with his "
            "codename."
        )
    return _("Message sent. The applicant reads it after logging in with his codename.")
