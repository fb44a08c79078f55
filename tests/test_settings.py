"""Settings come from the environment only; bad or missing values stop start-up in one line.

Each test starts a fresh Python process with a controlled environment, as an operator would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from advocacy.settings.base import BASE_DIR, SCHEMA

NAMES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASES",
    "CACHES",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "WAGTAILADMIN_BASE_URL",
    "TIME_ZONE",
    "FAMILY_CONTACT_REQUESTS",
]

READ_SETTINGS = f"""
import json
from django.conf import settings
print(json.dumps({{name: getattr(settings, name) for name in {NAMES!r}}}, default=str))
"""


# Every operator gives the family contact key (FAMILY_CONTACT_KEYS); tests of it remove it.
KEY = Fernet.generate_key().decode()


def run(*command, **variables):
    """Run command in the project folder with only the given variables (and no .env file);
    a variable given as None is left out."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_ENV_FILE": os.devnull,
        "FAMILY_CONTACT_KEYS": KEY,
        # Every operator names a mail server too (tests of it remove it): the console refused.
        "EMAIL_URL": "smtp://mail.internal:25",
        **variables,
    }
    return subprocess.run(
        command,
        cwd=BASE_DIR,
        env={name: value for name, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_python(code, **variables):
    """Run code with the base settings, as manage.py and the WSGI entry point load them."""
    variables.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings.base")
    return run(sys.executable, "-c", code, **variables)


def read_settings(**variables):
    result = run_python(READ_SETTINGS, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_stops_with_one_line(result, *words):
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_debug_is_off_unless_set():
    assert read_settings(SECRET_KEY="k")["DEBUG"] is False
    assert read_settings(SECRET_KEY="k", DEBUG="true")["DEBUG"] is True


def test_missing_secret_key_with_debug_off_stops_start_up_naming_the_variable():
    result = run_python("import django; django.setup()")

    assert_stops_with_one_line(result, "SECRET_KEY")


def test_manage_py_with_missing_secret_key_prints_one_line():
    result = run(sys.executable, "manage.py", "check")

    assert_stops_with_one_line(result, "SECRET_KEY")


def test_missing_secret_key_is_tolerated_with_debug_on():
    values = read_settings(DEBUG="true")

    assert values["SECRET_KEY"]


@pytest.mark.parametrize(
    "url", ["not-a-url", "mysql//user@host/db", "postgres://", "mongodb://host/db"]
)
def test_malformed_database_url_stops_start_up_naming_the_variable(url):
    result = run_python("import django; django.setup()", SECRET_KEY="k", DATABASE_URL=url)

    assert_stops_with_one_line(result, "DATABASE_URL")


def test_malformed_database_url_message_does_not_echo_credentials():
    result = run_python(
        "import django; django.setup()", SECRET_KEY="k", DATABASE_URL="mysql://u:hunter2@h/db"
    )

    assert_stops_with_one_line(result, "DATABASE_URL")
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CACHE_URL", "not-a-url"),
        ("EMAIL_URL", "not-a-url"),
        ("DEBUG", "perhaps"),
        ("DATABASE_CONN_MAX_AGE", "a minute"),
        ("TIME_ZONE", "Mars/Olympus"),
        ("LOG_LEVEL", "LOUD"),
        ("ONION_ADDRESS", "https://example.org"),
        ("ONION_ADDRESS", "http://short.onion"),
    ],
)
def test_malformed_values_stop_start_up_naming_the_variable(name, value):
    result = run_python("import django; django.setup()", SECRET_KEY="k", **{name: value})

    assert_stops_with_one_line(result, name)


def test_defaults_are_a_sqlite_file_in_the_project_folder_and_local_memory_cache():
    values = read_settings(SECRET_KEY="k", EMAIL_URL=None, EMAIL_TO_LOG_ALLOWED="true")

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == BASE_DIR / "db.sqlite3"
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_every_setting_is_read_from_the_environment(tmp_path):
    values = read_settings(
        SECRET_KEY="from-the-environment",
        ALLOWED_HOSTS="advocacy.example,www.advocacy.example",
        CSRF_TRUSTED_ORIGINS="https://advocacy.example",
        DATABASE_URL="postgres://site:secret@db.internal:5433/advocacy",
        CACHE_URL="redis://cache.internal:6379/2",
        EMAIL_URL="smtp+tls://mailer:secret@mail.internal:587",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        WAGTAILADMIN_BASE_URL="https://advocacy.example",
        TIME_ZONE="Europe/London",
    )

    assert values["SECRET_KEY"] == "from-the-environment"
    assert values["ALLOWED_HOSTS"] == ["advocacy.example", "www.advocacy.example"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://advocacy.example"]
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"]) == (
        "advocacy",
        "db.internal",
        5433,
    )
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("mail.internal", 587)
    assert values["MEDIA_ROOT"] == str(tmp_path / "media")
    assert values["STATIC_ROOT"] == str(tmp_path / "static")
    assert values["WAGTAILADMIN_BASE_URL"] == "https://advocacy.example"
    assert values["TIME_ZONE"] == "Europe/London"


def test_env_file_is_read_and_the_environment_wins_over_it(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=from-the-file\nALLOWED_HOSTS=file.example\n")

    values = read_settings(DJANGO_ENV_FILE=str(env_file), ALLOWED_HOSTS="env.example")

    assert values["SECRET_KEY"] == "from-the-file"
    assert values["ALLOWED_HOSTS"] == ["env.example"]


def test_readme_and_env_example_document_every_setting():
    readme = (BASE_DIR / "README.md").read_text()
    env_example = (BASE_DIR / ".env.example").read_text()

    for name in [*SCHEMA, "DJANGO_ENV_FILE", "DJANGO_SUPERUSER_PASSWORD", "HOST", "PORT"]:
        assert f"| `{name}` |" in readme, f"{name} is missing from the README's settings table"
    for name in SCHEMA:
        assert f"{name}=" in env_example, f"{name} is missing from .env.example"


def test_gunicorn_stops_instead_of_restarting_workers_on_a_configuration_error():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = run(gunicorn, "--bind", "127.0.0.1:0", "--workers", "1", "advocacy.wsgi")

    assert result.returncode == 3
    assert "Configuration error: SECRET_KEY is not set" in result.stderr
    assert result.stderr.count("Booting worker") == 1


def test_a_media_bucket_keeps_uploads_in_s3_served_under_the_sites_own_address():
    code = """

from django.core.files.storage import storages
storage = storages["default"]
print(type(storage).__name__, storage.bucket_name, storage.url("a.jpg"))
"""
    result = run_python(
        code,
        DEBUG="true",
        MEDIA_BUCKET="advocacy-media",
        MEDIA_BUCKET_ENDPOINT="https://s3.example.net",
        WAGTAILADMIN_BASE_URL="https://advocacy.example",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "advocacy-media",
        "https://advocacy.example/media/a.jpg",
    ]


def test_a_cdn_is_purged_by_wagtail_when_configured():
    code = """
from django.conf import settings
installed = "wagtail.contrib.frontend_cache" in settings.INSTALLED_APPS
print(sorted(settings.WAGTAILFRONTENDCACHE), installed)
"""
    result = run_python(
        code,
        DEBUG="true",
        FRONTEND_CACHE_PURGE_URL="http://127.0.0.1:6081/",
        CLOUDFLARE_ZONE_ID="zone",
        CLOUDFLARE_API_TOKEN="token",
    )
    unset = run_python(code, DEBUG="true")

    assert result.stdout.split() == ["['cloudflare',", "'http']", "True"]
    assert unset.stdout.split() == ["[]", "False"]


def test_a_cloudflare_zone_without_its_token_stops_start_up():
    result = run_python("import django; django.setup()", DEBUG="true", CLOUDFLARE_ZONE_ID="zone")

    assert_stops_with_one_line(result, "CLOUDFLARE_API_TOKEN")


def test_family_contact_requests_without_a_key_stop_start_up_naming_the_variable():
    result = run_python("import django; django.setup()", DEBUG="true", FAMILY_CONTACT_KEYS=None)

    assert_stops_with_one_line(result, "FAMILY_CONTACT_KEYS")


def test_a_malformed_family_contact_key_stops_start_up():
    result = run_python("import django; django.setup()", DEBUG="true", FAMILY_CONTACT_KEYS="short")

    assert_stops_with_one_line(result, "FAMILY_CONTACT_KEYS", "Fernet")


def test_the_site_starts_without_a_key_once_family_contact_requests_and_following_are_off():
    values = read_settings(
        DEBUG="true",
        FAMILY_CONTACT_KEYS=None,
        FAMILY_CONTACT_REQUESTS="false",
        FOLLOW_BY_EMAIL="false",
    )

    assert values["FAMILY_CONTACT_REQUESTS"] is False


def test_following_by_email_needs_a_key_even_without_family_contact_requests():
    result = run_python(
        "import django; django.setup()",
        DEBUG="true",
        FAMILY_CONTACT_KEYS=None,
        FAMILY_CONTACT_REQUESTS="false",
    )

    assert_stops_with_one_line(result, "FAMILY_CONTACT_KEYS", "FOLLOW_BY_EMAIL=false")


@pytest.mark.parametrize("url", [None, "consolemail://", "filemail:///tmp/mail"])
def test_production_refuses_to_write_mail_to_the_log_unless_told_to(url):
    result = run_python("import django; django.setup()", SECRET_KEY="k", EMAIL_URL=url)

    assert_stops_with_one_line(result, "EMAIL_URL", "EMAIL_TO_LOG_ALLOWED")
    allowed = read_settings(SECRET_KEY="k", EMAIL_URL=url, EMAIL_TO_LOG_ALLOWED="true")
    assert allowed["EMAIL_BACKEND"].endswith(("console.EmailBackend", "filebased.EmailBackend"))
    assert read_settings(DEBUG="true", EMAIL_URL=url)["DEBUG"] is True


def test_the_quick_starts_sqlite_lets_readers_and_a_writer_work_at_once():
    database = read_settings(DEBUG="true")["DATABASES"]["default"]

    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_postgresql_connections_never_compile_queries_just_in_time():
    url = "postgres://site@db.example/site"
    database = read_settings(DEBUG="true", DATABASE_URL=url)["DATABASES"]["default"]

    assert database["OPTIONS"]["options"] == "-c jit=off"


def test_redis_is_used_through_django_redis_with_short_timeouts_and_errors_ignored():
    cache = read_settings(SECRET_KEY="k", CACHE_URL="redis://cache.internal:6379/2")["CACHES"]

    options = cache["default"]["OPTIONS"]
    assert cache["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert options["IGNORE_EXCEPTIONS"] is True
    assert options["SOCKET_CONNECT_TIMEOUT"] < 1 and options["SOCKET_TIMEOUT"] < 1


@pytest.mark.parametrize(
    ("name", "value"),
    [("TRUSTED_PROXIES", "not-an-address"), ("CLIENT_IP_HEADER", "X-Forwarded-For")],
)
def test_a_malformed_proxy_setting_stops_start_up(name, value):
    result = run_python("import django; django.setup()", DEBUG="true", **{name: value})

    assert_stops_with_one_line(result, name)
