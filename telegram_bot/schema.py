"""A strict shape check of webhook bodies before python-telegram-bot sees them. Anything we do
not recognise is answered 200 and dropped (so Telegram stops retrying), never a 500."""

_KINDS = ("message", "callback_query", "my_chat_member")


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _chat(value) -> bool:
    return isinstance(value, dict) and _int(value.get("id")) and isinstance(value.get("type"), str)


def _user(value) -> bool:
    return value is None or (isinstance(value, dict) and _int(value.get("id")))


def _message(value) -> bool:
    if not isinstance(value, dict) or not _int(value.get("message_id")):
        return False
    if not _chat(value.get("chat")) or not _int(value.get("date")) or not _user(value.get("from")):
        return False
    text = value.get("text")
    if text is not None and (not isinstance(text, str) or len(text) > 4096):
        return False
    location = value.get("location")
    if location is not None:
        if not isinstance(location, dict):
            return False
        lat, lon = location.get("latitude"), location.get("longitude")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
            return False
    return True


def _callback(value) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return False
    data = value.get("data")
    if data is not None and (not isinstance(data, str) or len(data) > 64):
        return False
    return _user(value.get("from")) and _message(value.get("message"))


def _member(value) -> bool:
    return isinstance(value, dict) and _chat(value.get("chat")) and _int(value.get("date"))


def accepted(data) -> bool:
    """True for an update of a kind the bot handles, with the fields it reads well formed."""
    if not isinstance(data, dict) or not _int(data.get("update_id")):
        return False
    kinds = [k for k in data if k != "update_id"]
    if len(kinds) != 1 or kinds[0] not in _KINDS:
        return False
    check = {"message": _message, "callback_query": _callback, "my_chat_member": _member}
    return check[kinds[0]](data[kinds[0]])
