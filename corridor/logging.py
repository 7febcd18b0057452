"""Logging filter that keeps IP addresses out of every log line.

Corridor stores no IP addresses. Django and the servers in front of it may still mention one
in a message (a disallowed host, a proxy header); this filter replaces anything that looks
like an IPv4 or IPv6 address before the record is written.
"""

import logging
import re

_IPV4 = r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
# Full form (eight groups) or compressed form (contains "::"); times like 12:30:45 are neither.
_IPV6 = (
    r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])"
    r"|(?<![\w:])(?=[0-9A-Fa-f:]*::)[0-9A-Fa-f:]{2,39}(?![\w:])"
)
ADDRESS = re.compile(f"{_IPV4}|{_IPV6}")


def redact(text: str) -> str:
    return ADDRESS.sub("[address]", text)


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        # django.request attaches the request; drop it so that no handler added later can
        # print its address or headers.
        if hasattr(record, "request"):
            record.request = None
        return True
