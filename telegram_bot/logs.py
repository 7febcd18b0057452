import logging


class DropArguments(logging.Filter):
    """python-telegram-bot's records may carry an update (chat ids, text) as an argument or in
    an exception: keep the fixed message and the exception class, nothing else."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.msg} ({record.exc_info[0].__name__})"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
