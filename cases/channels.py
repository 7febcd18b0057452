"""Replies go back by the case's own channel. Staff messages are always sealed into the
correspondence compartment and read in the portal inbox with the codename; what differs per
channel is how the applicant learns that one waits.

- portal: he looks when he logs in; nothing is pushed.
- hotline: the operator tells him on his next call (the codename lets him read it too).
- telegram: the bot says only "a message is waiting" (DESIGN.md, "Channels"). That notice is
  the telegram app's, which does not exist yet: ``telegram_notice`` refuses until it does, and
  staff are told that no notice went out.
"""

from django.utils.translation import gettext_lazy as _

from cases.models import Case


class NotAnnounced(Exception):
    """The channel could not tell the applicant; ``message`` is safe to show."""

    def __init__(self, message):
        super().__init__("not announced")
        self.message = message


def telegram_notice(case: Case) -> None:
    """Queue the bot's "a message is waiting" for the case's chat. Refuses until the Telegram
    app exists (it will queue the notice in the outbox, sealed to the worker's key)."""
    raise NotAnnounced(
        _(
            "No Telegram notice was sent: the bot is not connected yet. The message waits in "
            "the portal inbox; tell the applicant by another channel."
        )
    )


def announce(case: Case):
    """What staff are told after a reply was saved; raises NotAnnounced if the channel failed."""
    if case.channel == Case.Channel.TELEGRAM:
        telegram_notice(case)
    if case.channel == Case.Channel.HOTLINE:
        return _(
            "Message saved. Tell the applicant on his next call; he can also read it with his "
            "codename."
        )
    return _("Message sent. The applicant reads it after logging in with his codename.")
