"""Security headers, HTTPS, the admin's address and login throttling."""

import importlib
import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import clear_url_caches

from advocacy.settings.base import BASE_DIR
from tests.builders import make_content_page

pytestmark = pytest.mark.django_db


def csp(response):
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split("; ")
    }


def test_public_pages_have_a_strict_content_security_policy(client, home_page):
    make_content_page(home_page, "Aims")

    for path in ["/", "/aims/", "/search/?q=x", "/no-such-page/"]:
        response = client.get(path)
        assert csp(response) == {
            "default-src": ["'none'"],
            "style-src": ["'self'"],
            "img-src": ["'self'"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
            "base-uri": ["'none'"],
        }, path
        assert "unsafe" not in response["Content-Security-Policy"]


def test_public_pages_send_the_other_security_headers(client, home_page):
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert {"camera=()", "geolocation=()", "microphone=()"} <= set(
        response["Permissions-Policy"].split(", ")
    )


def test_the_admin_and_signed_in_editors_get_the_policy_the_admin_needs(
    client, django_user_model, home_page
):
    login_page = csp(client.get("/admin/login/"))
    assert login_page["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" in login_page["script-src"]

    editor = django_user_model.objects.create_user("editor", password="a-long-password-1")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert csp(client.get("/"))["frame-ancestors"] == ["'self'"]


def test_the_admins_preview_panel_can_frame_its_previews(admin_client, home_page):
    response = admin_client.get(f"/admin/pages/{home_page.pk}/edit/preview/")

    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000)
def test_plain_http_is_redirected_and_https_answers_with_hsts(client, home_page):
    redirected = client.get("/")
    secure = client.get("/", secure=True)

    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "FAMILY_CONTACT_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "advocacy.example",
    "CSRF_TRUSTED_ORIGINS": "https://advocacy.example",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "EMAIL_URL": "smtp+tls://site:secret@mail.advocacy.example:587",
}


def run_manage(*arguments, **variables):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_ENV_FILE": os.devnull, **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.once_in("sqlite")  # a subprocess of its own, whatever the suite's database
def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [("ADMIN_PATH", "fa/"), ("ADMIN_PATH", "/"), ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")],
)
def test_unusable_security_settings_stop_start_up(name, value):
    result = run_manage("check", **{**PRODUCTION, name: value})

    assert result.returncode != 0
    assert name in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def admin_at(settings):
    """Serves the admin at another path for the test, then puts it back."""
    import advocacy.urls

    def move_to(path):
        settings.ADMIN_PATH = path
        importlib.reload(advocacy.urls)
        clear_url_caches()

    yield move_to
    settings.ADMIN_PATH = "admin/"
    importlib.reload(advocacy.urls)
    clear_url_caches()


def test_the_admin_can_live_at_another_path(client, home_page, admin_at):
    admin_at("editors-door/")

    assert client.get("/editors-door/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 404
    assert "frame-ancestors 'self'" in client.get("/editors-door/login/")["Content-Security-Policy"]


def sign_in(client, username, password, address="198.51.100.7"):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_five_failed_sign_ins_lock_the_username_from_that_address(client, django_user_model):
    django_user_model.objects.create_superuser("editor", password="the-right-password")
    for _ in range(4):
        assert sign_in(client, "editor", "a-wrong-password").status_code == 200
    # The fifth failure locks the pair, and its answer already says so.
    assert sign_in(client, "editor", "a-wrong-password").status_code == 429

    locked = sign_in(client, "editor", "the-right-password")

    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "blocked for 30 minutes, even with the right password" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    elsewhere = sign_in(client, "editor", "the-right-password", address="203.0.113.20")
    assert elsewhere.status_code == 302


def test_fewer_failures_do_not_lock_and_a_success_resets_the_count(client, django_user_model):
    django_user_model.objects.create_superuser("editor", password="the-right-password")
    for _ in range(4):
        sign_in(client, "editor", "a-wrong-password")

    assert sign_in(client, "editor", "the-right-password").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "editor", "a-wrong-password")
    assert sign_in(client, "editor", "the-right-password").status_code == 302
