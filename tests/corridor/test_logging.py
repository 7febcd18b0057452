"""Logs carry no IP address and no request body."""

import logging

from corridor.logging import RedactAddresses, redact


def test_it_redacts_ipv4_and_ipv6_addresses():
    assert (
        redact("from 203.0.113.7 and 2001:db8::1 and ::1")
        == "from [address] and [address] and [address]"
    )
    assert redact("fe80:0:0:0:202:b3ff:fe1e:8329.") == "[address]."
    assert redact("case 26-00042 at 12:30:45") == "case 26-00042 at 12:30:45"


def test_the_filter_drops_the_request_from_records():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Forbidden: %s from %s",
        ("/staff/", "198.51.100.4"),
        None,
    )
    record.request = object()
    assert RedactAddresses().filter(record)
    assert record.getMessage() == "Forbidden: /staff/ from [address]"
    assert record.request is None


def test_a_failed_login_logs_neither_address_nor_password(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(
        "/login/",
        {"username": "someone", "password": "Pa55-secret-word", "code": "1"},
        REMOTE_ADDR="198.51.100.23",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    client.get("/staff/", REMOTE_ADDR="198.51.100.23")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "198.51.100.23" not in text and "203.0.113.9" not in text
    assert "Pa55-secret-word" not in text
