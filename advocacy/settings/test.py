"""Test-only overrides: fast, isolated, and never dependent on a developer's .env."""

import os

# The suite reads the real environment (DATABASE_URL selects PostgreSQL) but not .env, and
# supplies its own key: a missing key is a start-up error everywhere else.
os.environ.setdefault("DJANGO_ENV_FILE", os.devnull)
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Test-only keys for family contact requests (the second stands for a retired key).
os.environ.setdefault(
    "FAMILY_CONTACT_KEYS",
    "dGVzdC1vbmx5LWtleS1mb3ItZmFtaWx5LWNvbnRhY3Q=,b2xkLXRlc3Qta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=",
)
# Mail stays in memory (django.core.mail.outbox); production refuses the console backend.
os.environ.setdefault("EMAIL_URL", "memorymail://")

from .base import *  # noqa: E402, F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database need not outlive a crash: commits that do not wait for the disk make the
    # transactional tests (the live server's requests commit every write) several times quicker.
    options = DATABASES["default"]["OPTIONS"]  # noqa: F405
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Most tests count queries or change data without publishing; tests/test_page_cache.py turns
# the page cache on for itself.
PAGE_CACHE_SECONDS = 0

# The test client speaks plain HTTP; tests/test_security.py checks the redirect to HTTPS itself.
SECURE_SSL_REDIRECT = False

# Serve static files from the source folders, as `make run` does; nothing is collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
