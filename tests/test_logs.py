"""Logs hold no personal data and no secret link."""

import datetime
import logging
import sys
from types import SimpleNamespace

from django.db import OperationalError
from gunicorn.config import Config

from advocacy.gunicorn_logging import PrivateLogger
from advocacy.log_filters import DatabaseOutageFilter, SecretPathFilter


def test_the_access_log_keeps_no_password_reset_token():
    logger = PrivateLogger(Config())
    path = "/admin/password_reset/confirm/Mg/cz7h1k-0123456789abcdef0123456789abcdef/"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])

    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(0))

    assert "cz7h1k" not in atoms["U"] and "cz7h1k" not in atoms["r"]
    assert atoms["U"].startswith("/admin/password_reset/confirm/")


def test_the_access_log_keeps_no_follower_link_token():
    logger = PrivateLogger(Config())
    for path in (
        "/follow/leave/5b3c1f9e-0d2a-4c7e-9a51-3f2e8d7c6b5a/0123456789abcdef0123456789abcdef/",
        "/fa/follow/confirm/5b3c1f9e-0d2a-4c7e-9a51-3f2e8d7c6b5a/0123456789abcdef0123456789abcdef/",
    ):
        environ = {"REQUEST_METHOD": "POST", "RAW_URI": path, "PATH_INFO": path}
        environ["SERVER_PROTOCOL"] = "HTTP/1.1"
        response = SimpleNamespace(status="200 OK", sent=0, headers=[])

        atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(0))

        assert "0123456789abcdef" not in atoms["U"] + atoms["r"]
        assert "5b3c1f9e" not in atoms["U"] + atoms["r"]
        assert "/follow/" in atoms["U"]


def test_the_request_log_names_no_follower_link_token():
    path = "/fa/follow/confirm/5b3c1f9e-0d2a-4c7e-9a51-3f2e8d7c6b5a/0123456789abcdef/"
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (path,), None
    )

    assert SecretPathFilter().filter(record)

    assert record.getMessage() == "Not Found: /fa/follow/confirm/…/…/"


def test_other_paths_are_logged_as_they_are():
    logger = PrivateLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/campaigns/family-contact/",
        "PATH_INFO": "/campaigns/family-contact/",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])

    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(0))

    assert atoms["U"] == "/campaigns/family-contact/"


def filtered_record_of(error, reason):
    """The record Django's request logger writes for an error, through the site's filter."""
    try:
        raise error
    except type(error):
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "%s: %s", (reason, "/aims/"),
            sys.exc_info(),
        )  # fmt: skip
    assert DatabaseOutageFilter().filter(record) is True
    return logging.Formatter().format(record)


def test_a_request_failed_for_want_of_the_database_is_logged_in_one_line():
    error = OperationalError('connection to server at "127.0.0.1", port 5432 failed\nIs it up?')

    line = filtered_record_of(error, "Service Unavailable")

    assert "\n" not in line and "Traceback" not in line
    assert "OperationalError" in line and "port 5432 failed" in line and "/aims/" in line


def test_other_errors_keep_their_traceback():
    assert "Traceback" in filtered_record_of(ValueError("a bug"), "Internal Server Error")
