"""Two app servers sharing PostgreSQL and Redis: what one publishes, the other serves after one
refresh."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.db import connection
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from advocacy.settings.base import BASE_DIR
from tests.builders import make_content_page, make_home_page, set_site_settings
from tests.deployment import poll

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="app servers share a PostgreSQL database"
    ),
]

REDIS_URL = "redis://127.0.0.1:6379/13"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def environment(tmp_path):
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"no Redis at 127.0.0.1:6379 ({error})")
    database = connection.settings_dict
    variables = {
        "PATH": os.environ["PATH"],
        "DJANGO_ENV_FILE": os.devnull,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FAMILY_CONTACT_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "CACHE_URL": REDIS_URL,
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=variables,
        check=True,
        timeout=120,
    )
    return variables


@pytest.fixture
def start_server(environment):
    servers = []

    def start():
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        servers.append(
            subprocess.Popen(
                [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"]
                + ["advocacy.wsgi"],
                cwd=BASE_DIR,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                # A worker's first answer can take seconds on a busy machine: wait for it.
                requests.get(f"{base}/robots.txt", timeout=(2, 20))
                return base
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


class Browser:
    """Keeps cookies by hand: the servers mark them Secure (as in production, where a proxy
    terminates TLS), and requests would not send such cookies over this test's plain HTTP."""

    def __init__(self):
        self.cookies = {}

    def _keep(self, response):
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, url):
        return self._keep(requests.get(url, cookies=self.cookies, timeout=10))

    def post(self, url, data):
        return self._keep(
            requests.post(url, data, cookies=self.cookies, timeout=10, allow_redirects=False)
        )


def title_of(response):
    return re.search(r"<h1>(.*?)</h1>", response.text).group(1)


def test_what_one_app_server_publishes_the_other_serves_after_one_refresh(start_server, settings):
    # The servers run the production settings, whose hashers do not include the tests' MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    home = make_home_page()
    set_site_settings(organisation_name="Test Organisation")
    aims = make_content_page(home, "Aims", body=[("paragraph", RichText("<p>Text.</p>"))])
    get_user_model().objects.create_superuser("moderator", password="a-long-password-1")
    server_a, server_b = start_server(), start_server()

    first = requests.get(f"{server_b}/aims/", timeout=10)
    second = requests.get(f"{server_b}/aims/", timeout=10)
    assert (title_of(first), second.headers["X-Cache"]) == ("Aims", "hit")

    editor = Browser()
    editor.get(f"{server_a}/admin/login/")
    login = editor.post(
        f"{server_a}/admin/login/",
        {
            "username": "moderator",
            "password": "a-long-password-1",
            "csrfmiddlewaretoken": editor.cookies["csrftoken"],
        },
    )
    assert (login.status_code, login.headers["Location"]) == (302, "/admin/")
    assert "sessionid" in editor.cookies
    published = editor.post(
        f"{server_a}/admin/pages/{aims.pk}/edit/",
        {
            **nested_form_data(
                {
                    "title": "Our aims",
                    "slug": "aims",
                    "intro": "",
                    "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
                    "comments": inline_formset([]),
                    "action-publish": "publish",
                }
            ),
            "csrfmiddlewaretoken": editor.cookies["csrftoken"],
        },
    )
    assert published.status_code == 302
    assert "/login/" not in published.headers["Location"]

    # The next reader of the other server gets the last copy at once, and sets off its render
    # once gunicorn has sent it: the reader after gets the new page, rendered once.
    refresh = requests.get(f"{server_b}/aims/", timeout=10)
    assert (title_of(refresh), refresh.headers["X-Cache"]) == ("Aims", "refresh")
    after = poll(
        lambda: (
            (r := requests.get(f"{server_b}/aims/", timeout=10)).headers["X-Cache"] == "hit" and r
        ),
        10,
        "the page rendered after the refresh",
    )
    assert title_of(after) == "Our aims"
