from django import template

from cases.models import Case
from telegram_bot.delivery import state_for_staff

register = template.Library()


@register.inclusion_tag("telegram_bot/deliveries.html")
def telegram_deliveries(case: Case) -> dict:
    """The case's Telegram deliveries (kind, state, times; no text, no chat id)."""
    if case.channel != Case.Channel.TELEGRAM:
        return {"deliveries": None}
    return {"deliveries": state_for_staff(case)}
