"""Settings for every environment, read from the environment (and an optional .env file).

Every variable the site reads is declared once, in SCHEMA below, and documented in README.md.
DEBUG is off unless set; with DEBUG off the site refuses to start without a SECRET_KEY.
"""

import datetime
import ipaddress
import os
import re
import warnings
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def stop(message):
    """Stop start-up with one line on stderr and no traceback: operators read this, not us."""
    raise SystemExit(f"Configuration error: {message}")


SCHEMA = {
    "DEBUG": (bool, False),
    "SECRET_KEY": (str, ""),
    "ALLOWED_HOSTS": (list, ["localhost", "127.0.0.1", "[::1]"]),
    "CSRF_TRUSTED_ORIGINS": (list, []),
    "DATABASE_URL": (str, f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    "DATABASE_CONN_MAX_AGE": (int, 60),
    "CACHE_URL": (str, "locmemcache://"),
    "EMAIL_URL": (str, "consolemail://"),
    "EMAIL_TO_LOG_ALLOWED": (bool, False),
    "DEFAULT_FROM_EMAIL": (str, "webmaster@localhost"),
    "MEDIA_ROOT": (str, str(BASE_DIR / "media")),
    "MEDIA_BUCKET": (str, ""),
    "MEDIA_BUCKET_ENDPOINT": (str, ""),
    "FRONTEND_CACHE_PURGE_URL": (str, ""),
    "CLOUDFLARE_ZONE_ID": (str, ""),
    "CLOUDFLARE_API_TOKEN": (str, ""),
    "STATIC_ROOT": (str, str(BASE_DIR / "staticfiles")),
    "WAGTAILADMIN_BASE_URL": (str, "http://127.0.0.1:8000"),
    "WAGTAIL_SITE_NAME": (str, "Advocacy site"),
    "ADMIN_PATH": (str, "admin/"),
    "PAGE_CACHE_SECONDS": (int, 600),
    "PAGE_CACHE_MEGABYTES": (int, 64),
    "PAGE_CACHE_WARM": (bool, True),
    # None: on unless DEBUG is.
    "SECURE_SSL_REDIRECT": (bool, None),
    "SECURE_PROXY_SSL_HEADER": (str, ""),
    "SECURE_HSTS_SECONDS": (int, 31_536_000),
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": (bool, True),
    "SECURE_HSTS_PRELOAD": (bool, True),
    "LOGIN_FAILURE_LIMIT": (int, 5),
    "LOGIN_COOLOFF_MINUTES": (int, 30),
    "LOGIN_USERNAME_FAILURE_LIMIT": (int, 50),
    "CLIENT_IP_HEADER": (str, "REMOTE_ADDR"),
    "TRUSTED_PROXIES": (list, ["127.0.0.1", "::1"]),
    "TIME_ZONE": (str, "UTC"),
    "LOG_LEVEL": (str, "INFO"),
    "FAMILY_CONTACT_REQUESTS": (bool, True),
    "FAMILY_CONTACT_KEYS": (list, []),
    "FAMILY_CONTACT_RETENTION_MONTHS": (int, 24),
    # The form's defences (campaigns/family_contact/form.py says what each does).
    "FAMILY_CONTACT_MIN_SECONDS": (int, 5),
    "FAMILY_CONTACT_TOKEN_MAX_AGE": (int, 24 * 60 * 60),
    "FAMILY_CONTACT_RATE_LIMIT": (int, 5),
    "FAMILY_CONTACT_RATE_WINDOW": (int, 60 * 60),
    # Following campaigns by e-mail (campaigns/followers/; docs/deploy.md, Mail to followers).
    "FOLLOW_BY_EMAIL": (bool, True),
    "FOLLOW_UNCONFIRMED_DAYS": (int, 3),
    "FOLLOW_RATE_LIMIT": (int, 5),
    "FOLLOW_RATE_WINDOW": (int, 60 * 60),
    "FOLLOW_DIGEST_HOUR": (int, 7),
    "MAIL_BATCH_SIZE": (int, 50),
    "MAIL_PER_MINUTE": (int, 120),
    "MAIL_ATTEMPTS": (int, 5),
    "MAIL_RETRY_SECONDS": (int, 60),
    # Reaching readers behind censorship (docs/deploy.md, Mirrors and onion service).
    "ONION_ADDRESS": (str, ""),
    "MIRROR_ROOT": (str, str(BASE_DIR / "mirror")),
    "MIRROR_TARGETS": (list, []),
    "MIRROR_BUCKET_ENDPOINT": (str, ""),
}

env = environ.Env(**SCHEMA)
# Values already in the environment win over the file; DJANGO_ENV_FILE points elsewhere
# (tests point it at a file that does not exist to see the defaults).
_env_file = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if Path(_env_file).is_file():
    env.read_env(_env_file)


def _value(name):
    """A value of the schema, or one line saying which variable could not be read."""
    try:
        return env(name)
    except (ImproperlyConfigured, ValueError):
        stop(f"{name} is malformed: see the settings table in README.md.")


# A typo must not silently mean "off" (or "on"): only these words are read as a boolean.
_BOOLEAN_WORDS = {"true": True, "yes": True, "on": True, "1": True}
_BOOLEAN_WORDS |= {"false": False, "no": False, "off": False, "0": False, "": False}


def _boolean(name):
    """A boolean of the schema: only the words above, and the schema's default when unset."""
    word = os.environ.get(name, "").strip().lower()
    if word not in _BOOLEAN_WORDS:
        stop(f"{name} must be true or false (got {word!r}).")
    return _BOOLEAN_WORDS[word] if word else SCHEMA[name][1]


DEBUG = _boolean("DEBUG")

SECRET_KEY = _value("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        stop("SECRET_KEY is not set. Set it in the environment or .env (DEBUG is off).")
    SECRET_KEY = "insecure-development-key-used-only-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = _value("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _value("CSRF_TRUSTED_ORIGINS")


def _database(url):
    """django-environ accepts almost anything; refuse what would only fail later, obscurely."""
    schemes = {"sqlite", "postgres", "postgresql", "pgsql"}
    scheme = urlsplit(url).scheme
    if scheme not in schemes:
        stop(
            "DATABASE_URL is malformed: it must start with postgres:// or sqlite:/// "
            f"(got {scheme + '://' if scheme else 'no scheme'})."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = env.db_url_config(url)
    if not config.get("NAME"):
        stop("DATABASE_URL is malformed: it names no database (or, for SQLite, no file).")
    config["CONN_MAX_AGE"] = _value("DATABASE_CONN_MAX_AGE")
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The quick start's admin saves while previews and listings read: with the write-ahead
        # log readers never block the writer, immediate transactions take the write lock at
        # BEGIN (a deferred one that later writes fails at once with "database is locked"),
        # and a writer waits up to 20 s for another instead of failing.
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    else:
        # A PostgreSQL that does not answer costs a request 5 s, not gunicorn's whole timeout.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        # No JIT compilation: the site's queries are short, and PostgreSQL compiles any whose
        # estimated cost is high, which the admin's queries over a large archive are (the
        # dashboard's out-of-date translations: 0.26 s to run, 0.84 s more to compile).
        config["OPTIONS"].setdefault("options", "-c jit=off")
    return config


def _parsed(name, parse):
    try:
        return parse(_value(name))
    except (ImproperlyConfigured, KeyError, ValueError):
        stop(f"{name} is malformed: see the settings table in README.md.")


DATABASES = {"default": _database(_value("DATABASE_URL"))}
CACHES = {"default": _parsed("CACHE_URL", env.cache_url_config)}
if CACHES["default"]["BACKEND"] in {
    "django.core.cache.backends.redis.RedisCache",
    "django_redis.cache.RedisCache",
}:
    # Redis through django-redis, whose timeouts and breaker keep the site up without it.
    from base.cache import redis_cache

    CACHES["default"] = redis_cache(CACHES["default"]["LOCATION"])
# EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT and the rest, as django-environ documents it.
vars().update(_parsed("EMAIL_URL", env.email_url_config))
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _value("DEFAULT_FROM_EMAIL")
# The console and file backends write every mail, password-reset links and requesters'
# addresses included, where the logs go: anyone who reads them could take over an account.
EMAIL_TO_LOG_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
if (
    not DEBUG
    and EMAIL_BACKEND in EMAIL_TO_LOG_BACKENDS  # noqa: F821 - set by the update above
    and not _boolean("EMAIL_TO_LOG_ALLOWED")
):
    stop(
        "EMAIL_URL sends mail to the console or a file, where password-reset links would be "
        "readable in the logs: set EMAIL_URL to your SMTP server (smtp+tls://user:password@"
        "host:587), or EMAIL_TO_LOG_ALLOWED=true on a machine nobody else can read."
    )

# Three layers, each importing only from those below it (docs/architecture.md): the site
# (advocacy), the features (campaigns), and what every page needs (base).
INSTALLED_APPS = [
    "advocacy",
    "campaigns",
    "base",
    "csp",
    "axes",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    # Translation segment by segment, with PO files (wagtail-localize): pages, developments and
    # appeals. Its locales app replaces wagtail.locales.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # The task queue, in the site's own database (base/mirror_tasks.py; `manage.py db_worker`).
    "django_tasks",
    "django_tasks_db",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

# What the layers below know of the site, by name only: its settings and its words in each
# language, which every page's header and footer read (base/site_data.py), and its home page,
# under which the features' top pages go.
SITE_SETTINGS_MODEL = "advocacy.SiteSettings"
SITE_TEXT_MODEL = "advocacy.SiteText"
HOME_PAGE_MODEL = "advocacy.HomePage"

# Forms refused for a missing or stale security token get a page readers understand.
CSRF_FAILURE_VIEW = "advocacy.views.csrf_failure"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before everything else but HTTPS: a cached page is stored with all its headers (the CSP
    # included) and served without sessions, authentication or the database. Static files
    # pass through at the cost of a prefix test.
    "base.page_cache.PageCacheMiddleware",
    "base.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, which serves static files compressed ahead of time.
    "base.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "base.site_data.SiteDataMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address are refused even with the right password.
    "axes.backends.AxesStandaloneBackend",
    # A username failing from many addresses signs in only from addresses it knows.
    "advocacy.login_throttle.UsernameCeilingBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "advocacy.urls"
WSGI_APPLICATION = "advocacy.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# Languages: English at /, Persian under /fa/. Wagtail's locales follow the same list.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fa", "فارسی")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A new translation starts as a draft, not published at once in the original's words (and past
# moderation) because the original is live.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = _value("TIME_ZONE")
if TIME_ZONE not in zoneinfo.available_timezones():
    stop(f"TIME_ZONE is not a time zone name such as Europe/London (got {TIME_ZONE!r}).")

STATIC_URL = "/static/"
STATIC_ROOT = _value("STATIC_ROOT")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = _value("MEDIA_ROOT")
# Files served at the site's root, such as /favicon.ico, which browsers ask for unprompted.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
if DEBUG:
    # The development server serves static files from their source folders; nothing is collected.
    warnings.filterwarnings("ignore", "No directory at", UserWarning, "whitenoise.base")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if MEDIA_BUCKET := _value("MEDIA_BUCKET"):
    # Several app servers share their uploads in S3-compatible storage (credentials from boto3's
    # own AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY). Readers still fetch them from the site's
    # own address, under /media/, where the reverse proxy or CDN passes them on to the bucket:
    # no request to another origin, and no expiring signed links in cached pages.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": _value("MEDIA_BUCKET_ENDPOINT") or None,
            "custom_domain": f"{urlsplit(_value('WAGTAILADMIN_BASE_URL')).netloc}/media",
            "url_protocol": f"{urlsplit(_value('WAGTAILADMIN_BASE_URL')).scheme}:",
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

# The page editor can post many fields for a long StreamField.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = _value("WAGTAIL_SITE_NAME")
WAGTAILADMIN_BASE_URL = _value("WAGTAILADMIN_BASE_URL")
# Wagtail's database search, normalising Persian spellings in the index and in queries (run
# `manage.py update_index` after changing the normalisation).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "base.search"}}
# What an advocacy site publishes; nothing that runs or hides macros.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "jpg", "png"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents are always served by Wagtail's view, which checks their collection's privacy; never
# by a redirect to the file's own address (with MEDIA_BUCKET, Wagtail's default would redirect).
# Nothing serves /media/documents/ itself: see docs/deploy.md and advocacy/urls.py.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Security. Safe production behaviour is the default whenever DEBUG is off; docs/deploy.md
# lists the production environment that `manage.py check --deploy` passes with.
# The site's own addresses at the top level, written only here: urls.py, robots.txt and the page
# cache read them.
APPEAL_ACTION_PATH = "act/"
DOCUMENTS_PATH = "documents/"
SEARCH_PATH = "search/"  # in each language: /search/, /fa/search/
ADMIN_PATH = _value("ADMIN_PATH").strip("/") + "/"
if ADMIN_PATH == "/" or ADMIN_PATH.split("/")[0] in {
    *(code for code, _name in LANGUAGES),
    *(
        p.strip("/")
        for p in (APPEAL_ACTION_PATH, DOCUMENTS_PATH, SEARCH_PATH, STATIC_URL, MEDIA_URL)
    ),
    "sitemap.xml",
    "robots.txt",
}:
    stop("ADMIN_PATH must be a path of its own, such as editors/ (not one the site uses).")
SECURE_PROXY_SSL_HEADER = None
if _proxy_header := _value("SECURE_PROXY_SSL_HEADER"):
    name, _, value = _proxy_header.partition(",")
    if not name.startswith("HTTP_") or not value:
        stop("SECURE_PROXY_SSL_HEADER must look like HTTP_X_FORWARDED_PROTO,https.")
    SECURE_PROXY_SSL_HEADER = (name.strip(), value.strip())
SECURE_SSL_REDIRECT = _boolean("SECURE_SSL_REDIRECT")
if SECURE_SSL_REDIRECT is None:
    SECURE_SSL_REDIRECT = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else _value("SECURE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = _boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _boolean("SECURE_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
# The form's CSRF cookie goes when the browser closes: it must not stay a year on the device of
# a reader at risk for having used the family contact form.
CSRF_COOKIE_AGE = None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
        "browsing-topics",
        "interest-cohort",
    )
)
NONE, SELF = "'none'", "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        # Public pages load only their own stylesheet, images and fonts, and run no script.
        "default-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        # No script runs to use it; audit tools read /robots.txt from inside the page.
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        # What Wagtail's admin needs: its own inline styles and scripts, images from uploads and
        # data: URLs, and framing its own previews.
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Family contact requests (campaigns.FamilyContactPage): the personal fields are encrypted with
# the first of FAMILY_CONTACT_KEYS and read with any of them, so a new key is put first and the
# old one kept until `manage.py rotate_family_contact_keys` has re-encrypted every request.
FAMILY_CONTACT_REQUESTS = _boolean("FAMILY_CONTACT_REQUESTS")
FAMILY_CONTACT_KEYS = [key.strip() for key in _value("FAMILY_CONTACT_KEYS") if key.strip()]
# Followers' addresses (campaigns/followers/) are encrypted with the same keys, by the same rules.
FOLLOW_BY_EMAIL = _boolean("FOLLOW_BY_EMAIL")
if FAMILY_CONTACT_REQUESTS or FOLLOW_BY_EMAIL:
    if not FAMILY_CONTACT_KEYS:
        stop(
            "FAMILY_CONTACT_KEYS is not set. Family contact requests and followers' addresses "
            "are stored encrypted: give a key (docs/deploy.md says how to make one) or set "
            "FAMILY_CONTACT_REQUESTS=false and FOLLOW_BY_EMAIL=false."
        )
    try:
        from cryptography.fernet import Fernet

        for _key in FAMILY_CONTACT_KEYS:
            Fernet(_key)
    except ValueError:
        stop("FAMILY_CONTACT_KEYS holds a key that is not a Fernet key (32 url-safe base64 bytes).")
# Closed requests are deleted this many months after they were closed (delete_closed_requests).
FAMILY_CONTACT_RETENTION_MONTHS = _value("FAMILY_CONTACT_RETENTION_MONTHS")
if FAMILY_CONTACT_RETENTION_MONTHS < 1:
    stop("FAMILY_CONTACT_RETENTION_MONTHS must be at least 1.")
FAMILY_CONTACT_MIN_SECONDS = _value("FAMILY_CONTACT_MIN_SECONDS")
FAMILY_CONTACT_TOKEN_MAX_AGE = _value("FAMILY_CONTACT_TOKEN_MAX_AGE")
FAMILY_CONTACT_RATE_LIMIT = _value("FAMILY_CONTACT_RATE_LIMIT")
FAMILY_CONTACT_RATE_WINDOW = _value("FAMILY_CONTACT_RATE_WINDOW")
if FAMILY_CONTACT_TOKEN_MAX_AGE <= FAMILY_CONTACT_MIN_SECONDS or FAMILY_CONTACT_RATE_WINDOW < 60:
    stop(
        "FAMILY_CONTACT_TOKEN_MAX_AGE must exceed FAMILY_CONTACT_MIN_SECONDS, and "
        "FAMILY_CONTACT_RATE_WINDOW be at least 60 seconds."
    )

# Following by e-mail: an address nobody confirms is deleted after FOLLOW_UNCONFIRMED_DAYS; the
# form takes FOLLOW_RATE_LIMIT posts per client and per address each FOLLOW_RATE_WINDOW seconds;
# daily digests go out at FOLLOW_DIGEST_HOUR (TIME_ZONE).
FOLLOW_UNCONFIRMED_DAYS = _value("FOLLOW_UNCONFIRMED_DAYS")
FOLLOW_RATE_LIMIT = _value("FOLLOW_RATE_LIMIT")
FOLLOW_RATE_WINDOW = _value("FOLLOW_RATE_WINDOW")
FOLLOW_DIGEST_HOUR = _value("FOLLOW_DIGEST_HOUR")
if FOLLOW_UNCONFIRMED_DAYS < 1 or FOLLOW_RATE_WINDOW < 60 or not 0 <= FOLLOW_DIGEST_HOUR <= 23:
    stop(
        "FOLLOW_UNCONFIRMED_DAYS must be at least 1, FOLLOW_RATE_WINDOW at least 60 seconds and "
        "FOLLOW_DIGEST_HOUR an hour from 0 to 23."
    )
# The mail queue (campaigns/followers/sending.py): at most MAIL_BATCH_SIZE mails per task and
# MAIL_PER_MINUTE a minute; a mail the server refuses for now is tried again MAIL_ATTEMPTS times
# in all, after MAIL_RETRY_SECONDS, then twice that, and so on.
MAIL_BATCH_SIZE = _value("MAIL_BATCH_SIZE")
MAIL_PER_MINUTE = _value("MAIL_PER_MINUTE")
MAIL_ATTEMPTS = _value("MAIL_ATTEMPTS")
MAIL_RETRY_SECONDS = _value("MAIL_RETRY_SECONDS")
if min(MAIL_BATCH_SIZE, MAIL_PER_MINUTE, MAIL_ATTEMPTS, MAIL_RETRY_SECONDS) < 1:
    stop("MAIL_BATCH_SIZE, MAIL_PER_MINUTE, MAIL_ATTEMPTS and MAIL_RETRY_SECONDS must be positive.")

# The site's onion service, as http://<56 letters and digits>.onion: announced to Tor Browser
# with the Onion-Location header on every public page, and listed with the mirrors.
ONION_ADDRESS = _value("ONION_ADDRESS").rstrip("/")
if ONION_ADDRESS and not re.fullmatch(r"https?://[a-z2-7]{56}\.onion", ONION_ADDRESS):
    stop("ONION_ADDRESS must be an onion service's address: http://<56 characters>.onion")
# Where `manage.py build_mirror` puts the static copy of the site unless told otherwise.
MIRROR_ROOT = _value("MIRROR_ROOT")
# Where each build of the copy goes (base.mirror.publish): folders, s3://bucket/prefix, and
# zip:///path/site.zip. With targets, publishing anything readers see rebuilds it in the
# background (base/mirror_tasks.py).
MIRROR_TARGETS = _value("MIRROR_TARGETS")
MIRROR_BUCKET_ENDPOINT = _value("MIRROR_BUCKET_ENDPOINT")
# Wagtail runs its own tasks (search and reference index updates) on the default backend: they
# stay immediate, as without a task queue. The mirror's rebuild goes to the database queue.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["mirror", "warm", "mail"],
    },
}
for _target in MIRROR_TARGETS:
    if urlsplit(_target).scheme not in ("", "file", "s3", "zip"):
        stop(f"MIRROR_TARGETS: {_target} is not a folder, s3://bucket/prefix or zip:///file.zip")

# An appeal's "I have sent it" confirmation has the family contact form's defences
# (base/form_guard.py) with tokens and slots of its own: a supporter who has just sent a letter
# comes back to press it within seconds, and may act on several appeals in an hour.
APPEAL_SENT_MIN_SECONDS = 3
APPEAL_SENT_TOKEN_MAX_AGE = 24 * 60 * 60
APPEAL_SENT_RATE_LIMIT = 10
APPEAL_SENT_RATE_WINDOW = 60 * 60

# The full-page cache for anonymous readers (base/page_cache.py); 0 turns it off.
# Off with DEBUG unless asked for, so that template changes show at once while developing.
PAGE_CACHE_SECONDS = _value("PAGE_CACHE_SECONDS")
if DEBUG and "PAGE_CACHE_SECONDS" not in os.environ:
    PAGE_CACHE_SECONDS = 0
# Per worker process, per PAGE_CACHE_SECONDS: past it, pages are served but not stored.
PAGE_CACHE_MEGABYTES = _value("PAGE_CACHE_MEGABYTES")
# After a publish, a worker renders the pages readers see first (base/page_warm.py): needs the
# worker of docs/deploy.md on the "warm" queue.
PAGE_CACHE_WARM = _value("PAGE_CACHE_WARM")
# The query parameters some page reads: the rest are left out of cache keys, so a made-up query
# string gets the cached page rather than a new entry (search, pagination, timeline filters and
# order, the sitemap's pages).
PAGE_CACHE_QUERY_PARAMETERS = {"q", "page", "campaign", "year", "p", "order"}
PAGE_CACHE_EXCLUDED_PREFIXES = (
    f"/{ADMIN_PATH}",
    f"/{APPEAL_ACTION_PATH}",
    f"/{DOCUMENTS_PATH}",
    STATIC_URL,
    MEDIA_URL,
    "/favicon.ico",
)
# Saving these changes what readers see at once (pages and snippets go through publishing).
PAGE_CACHE_WATCHED_MODELS = {
    "wagtaildocs.Document",
    "wagtailimages.Image",
    "advocacy.SiteSettings",
    "advocacy.SiteText",
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailcore.PageViewRestriction",
}
PAGE_CACHE_DELETES = {"wagtailcore.Page", "campaigns.Development", "campaigns.Appeal"}

# The admin would otherwise ask an outside server for Wagtail's latest version.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# ... and fetch editors' avatars from gravatar.com, telling it who edits this site and when.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No field offers embeds, and a crafted one must not make the server fetch oEmbed from another
# site nor put its frame on a public page: no finder, so an embed renders as nothing.
WAGTAILEMBEDS_FINDERS = []

# A CDN in front of several app servers: Wagtail purges a page's addresses when it is published,
# unpublished or moved (wagtail.contrib.frontend_cache), through a purge URL (Varnish, nginx's
# cache purge, Fastly-like services) or Cloudflare's API.
WAGTAILFRONTENDCACHE = {}
if purge_url := _value("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": purge_url,
    }
if zone := _value("CLOUDFLARE_ZONE_ID"):
    if not _value("CLOUDFLARE_API_TOKEN"):
        stop("CLOUDFLARE_ZONE_ID is set without CLOUDFLARE_API_TOKEN.")
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": _value("CLOUDFLARE_API_TOKEN"),
        "ZONEID": zone,
    }
if WAGTAILFRONTENDCACHE:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")

# Login throttling: after LOGIN_FAILURE_LIMIT failures for a username from one address, that
# pair is refused (even with the right password) for LOGIN_COOLOFF_MINUTES; past
# LOGIN_USERNAME_FAILURE_LIMIT failures from anywhere, the username signs in only from addresses
# it has signed in from before (advocacy/login_throttle.py says why both).
LOGIN_USERNAME_FAILURE_LIMIT = _value("LOGIN_USERNAME_FAILURE_LIMIT")
AXES_FAILURE_LIMIT = _value("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_value("LOGIN_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "advocacy.views.login_locked_out"
# Every per-address limit reads the client's address from one place (base/client_address.py).
AXES_CLIENT_IP_CALLABLE = "base.client_address.client_address"
CLIENT_IP_HEADER = _value("CLIENT_IP_HEADER")
if CLIENT_IP_HEADER != "REMOTE_ADDR" and not CLIENT_IP_HEADER.startswith("HTTP_"):
    stop("CLIENT_IP_HEADER must be REMOTE_ADDR or a header such as HTTP_X_FORWARDED_FOR.")
try:
    TRUSTED_PROXIES = [ipaddress.ip_network(proxy.strip()) for proxy in _value("TRUSTED_PROXIES")]
except ValueError:
    stop("TRUSTED_PROXIES must list addresses or networks, such as 127.0.0.1,10.0.0.0/8.")
AXES_VERBOSE = False

LOG_LEVEL = _value("LOG_LEVEL").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    stop("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR or CRITICAL.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "database_outage": {"()": "advocacy.log_filters.DatabaseOutageFilter"},
        "secret_path": {"()": "advocacy.log_filters.SecretPathFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Background tasks run inline by default; one line per task start and end is noise.
        "django_tasks": {"level": "WARNING"},
        # A database outage: one line a request, not a traceback; no secret link's token in a
        # path (advocacy/log_filters.py).
        "django.request": {"filters": ["database_outage", "secret_path"]},
    },
}
