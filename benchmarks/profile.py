"""Where an uncached page's time goes: `python -m benchmarks.profile [page type] [--renders N]`.

With production settings (DEBUG off, PostgreSQL, Redis, whitenoise's manifest of static files)
and the page cache off, renders each public page type in this process through Django's WSGI
handler, as gunicorn would, and prints the median milliseconds of work per page and the
milliseconds of SQL within them. Then it renders one page type (home unless named) under
cProfile and prints the 15 functions with the most cumulative time.

The database, profile_bench, is built once as `make bench` builds its own (the demo content
and the large data set of benchmarks/dataset.py); --rebuild builds it afresh. With --archive,
profile_archive holds the demo and the 100× archive (10,000 pages, 100,000 developments)
instead, as `make bench`'s second size does.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench import (
    POSTGRES,
    PYTHON,
    ROOT,
    add_archive,
    add_large_data_set,
    environment,
    run,
)

DATABASES = {False: ("profile_bench", add_large_data_set), True: ("profile_archive", add_archive)}
REDIS = "redis://127.0.0.1:6379/11"
# A function with this share of all the time is the request itself, not a place it goes.
WHOLE_REQUEST = 0.9
# Django's template engine walking the nodes of every template: each include, block, {% if %}
# and {% for %} holds all the time below it, and would fill the list.
ENGINE = (
    "django/template/base.py",
    "django/template/defaulttags.py",
    "django/template/loader_tags.py",
    "django/template/library.py",
    "django/template/response.py",
    "django/template/backends/",
)
PAGES = {
    "home": "/",
    "campaign": "/campaigns/family-contact/",
    "update": "/campaigns/family-contact/families-meet-in-baghdad/",
    "appeal": "/appeals/family-visits-un-special-rapporteur/",
    "timeline": "/timeline/",
    "content": "/aims/",
    "faq": "/faq/",
    "home fa": "/fa/",
    "campaign fa": "/fa/campaigns/family-contact/",
    "timeline fa": "/fa/timeline/",
    "content fa": "/fa/aims/",
    "search": "/search/?q=family",
}


def database_exists(database):
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        return found.fetchone() is not None


def build_database(env, database, add_content):
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {database}")
        connection.execute(f"CREATE DATABASE {database}")
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
    run(PYTHON, "manage.py", "load_demo_content", env=env, stdout=subprocess.DEVNULL)
    add_content(env)


def settle(scratch, rebuild, archive):
    """The production environment of make bench, on this script's database and Redis."""
    database, add_content = DATABASES[archive]
    env = {
        **environment(scratch),
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "CACHE_URL": REDIS,
        "PAGE_CACHE_SECONDS": "0",
    }
    if rebuild or not database_exists(database):
        build_database(env, database, add_content)
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "advocacy.settings.base"
    import django

    django.setup()


def wsgi_environ(address):
    path, _, query = address.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def render(application, path):
    """One request through the WSGI handler; the body read as a server would send it."""
    statuses = []
    body = application(wsgi_environ(path), lambda status, headers: statuses.append(status))
    try:
        size = sum(len(chunk) for chunk in body)
    finally:
        body.close()
    if not statuses[0].startswith("200"):
        raise SystemExit(f"{path} answered {statuses[0]}: its timing would mean nothing")
    return size


class SQLTimer:
    """The time spent in the database, through Django's execute wrappers."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def measure(application, path, renders):
    from django.db import connection

    render(application, path)  # per-process caches warm, as a running server has them
    totals, cpus, sqls = [], [], []
    for _render in range(renders):
        timer = SQLTimer()
        with connection.execute_wrapper(timer):
            started, cpu_started = time.perf_counter(), time.thread_time()
            render(application, path)
            cpus.append(time.thread_time() - cpu_started)
            totals.append(time.perf_counter() - started)
        sqls.append(timer.seconds)
    return tuple(statistics.median(values) * 1000 for values in (totals, cpus, sqls))


def profile(application, path, renders):
    """The 15 functions with the most cumulative time, leaving out the handler and the
    middleware that every request passes through whole, and the template engine's own nodes."""
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [render(application, path) for _render in range(renders)])
    stats = pstats.Stats(profiler).stats
    total = max(cumulative for _calls, _primitive, _own, cumulative, _callers in stats.values())
    rows = sorted(
        (
            (cumulative, calls, own, function)
            for function, (_primitive, calls, own, cumulative, _callers) in stats.items()
            if cumulative < WHOLE_REQUEST * total
            and not any(part in function[0] for part in ENGINE)
        ),
        reverse=True,
    )
    lines = [f"{'cumulative ms':>13} {'own ms':>7} {'calls':>6}  function (per render)"]
    for cumulative, calls, own, (filename, line, name) in rows[:15]:
        where = filename.split("site-packages/")[-1].removeprefix(str(ROOT) + "/")
        lines.append(
            f"{cumulative / renders * 1000:13.2f} {own / renders * 1000:7.2f} "
            f"{calls / renders:6.1f}  {where}:{line}({name})"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", default="home", choices=PAGES)
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    parser.add_argument("--archive", action="store_true", help="with the 100× archive")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        settle(Path(scratch), arguments.rebuild, arguments.archive)
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        print(f"Median of {arguments.renders} renders, uncached, in milliseconds:")
        print(f"{'page':<12} {'total':>7} {'CPU':>6} {'SQL':>6}  path")
        for name, path in PAGES.items():
            total, cpu, sql = measure(application, path, arguments.renders)
            print(f"{name:<12} {total:7.1f} {cpu:6.1f} {sql:6.1f}  {path}")
        print(f"\n{arguments.page}, {arguments.renders} renders under cProfile:")
        print(profile(application, PAGES[arguments.page], arguments.renders))


if __name__ == "__main__":
    main()
