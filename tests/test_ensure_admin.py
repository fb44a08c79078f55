import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def admin():
    return get_user_model().objects.get(username="admin")


def ensure_admin():
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_admin_account_takes_its_password_from_the_environment(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-test-password")

    output = ensure_admin()

    assert "a-long-test-password" not in output
    assert get_user_model().objects.get(username="admin").is_superuser
    assert admin().check_password("a-long-test-password")


def test_admin_account_gets_a_generated_password_printed_once(client, monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)

    output = ensure_admin()
    password = output.split("with the password ")[1].split()[0]

    assert len(password) >= 12
    assert admin().check_password(password)
    assert password not in ensure_admin()


def test_an_existing_admin_account_is_left_as_it_is(client, monkeypatch):
    get_user_model().objects.create_superuser("admin", password="the-editors-own-password")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "another-password")

    output = ensure_admin()

    assert "exists" in output
    assert get_user_model().objects.filter(username="admin").count() == 1
    assert admin().check_password("the-editors-own-password")
