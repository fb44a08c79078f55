"""The admin at the 100x size (issue 19): how long the pages editors and caseworkers open most
take, and how many database queries each makes.

Run inside Django on a database holding benchmarks/dataset.py's build_100x():

    python manage.py shell -c "from benchmarks.admin import main; main()"

measure() takes a logged-in django.test.Client (times in-process, and counts queries) or the
base URL of a running server (times over HTTP, logged in as a superuser it makes; no counts).
"""

import http.cookiejar
import re
import secrets
import statistics
import time
import urllib.parse
import urllib.request

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from advocacy.models import HomePage
from campaigns.family_contact.access import CASEWORKERS
from campaigns.models import CampaignIndexPage, CampaignPage

RUNS = 3
# A word the archive's English text uses often, and one it uses rarely.
COMMON, RARE = "families", "rapporteur"
USERNAME = "bench-admin"
GOAL_MS = 1000


def paths():
    """(name, path) of each admin page measured."""
    homes = {home.locale.language_code: home for home in HomePage.objects.filter(depth=2)}
    index = CampaignIndexPage.objects.get(locale=homes["en"].locale)
    busiest = CampaignPage.objects.filter(locale=homes["en"].locale).order_by("-numchild").first()
    last = -(-index.numchild // 50)  # the explorer's last page, 50 to a page
    return [
        ("dashboard", "/admin/"),
        ("explorer: English home", f"/admin/pages/{homes['en'].pk}/"),
        ("explorer: Persian home", f"/admin/pages/{homes['fa'].pk}/"),
        (f"explorer: campaigns ({index.numchild} children)", f"/admin/pages/{index.pk}/"),
        ("explorer: campaigns, last page", f"/admin/pages/{index.pk}/?p={last}"),
        (f"explorer: a campaign ({busiest.numchild} children)", f"/admin/pages/{busiest.pk}/"),
        ("page editor: a campaign", f"/admin/pages/{busiest.pk}/edit/"),
        ("developments", "/admin/snippets/campaigns/development/"),
        ("developments, by date", "/admin/snippets/campaigns/development/?ordering=date"),
        ("appeals", "/admin/snippets/campaigns/appeal/"),
        ("family register", "/admin/family_contact_requests/"),
        (f"search: pages, {COMMON!r}", f"/admin/pages/search/?q={COMMON}"),
        (f"search: pages, {RARE!r}", f"/admin/pages/search/?q={RARE}"),
        (f"search: developments, {COMMON!r}", f"/admin/snippets/campaigns/development/?q={COMMON}"),
        (f"search: appeals, {COMMON!r}", f"/admin/snippets/campaigns/appeal/?q={COMMON}"),
        ("search: family register", "/admin/family_contact_requests/?q=abc"),
    ]


def measure(base_url_or_client, runs=RUNS):
    """Rows of (name, median milliseconds of runs, queries or None), one for each of paths()."""
    if isinstance(base_url_or_client, str):
        fetch, counted = _http(base_url_or_client.rstrip("/")), False
    else:
        fetch, counted = _in_process(base_url_or_client), True
    rows = []
    for name, path in paths():
        fetch(path)  # per-process caches warm, as on a running server
        times = []
        for _run in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                fetch(path)
                times.append((time.perf_counter() - started) * 1000)
        rows.append((name, statistics.median(times), len(queries) if counted else None))
    return rows


def _in_process(client):
    def fetch(path):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    return fetch


def _http(base):
    """A fetch() over HTTP, logged in through the admin's login form as USERNAME."""
    password = secrets.token_urlsafe()
    _superuser(password)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = opener.open(f"{base}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = {"csrfmiddlewaretoken": token, "username": USERNAME, "password": password}
    request = urllib.request.Request(
        f"{base}/admin/login/",
        data=urllib.parse.urlencode(data).encode(),
        headers={"Referer": f"{base}/admin/login/"},
    )
    opener.open(request).read()

    def fetch(path):
        opener.open(base + path).read()

    return fetch


def _superuser(password=None):
    user, _created = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_superuser": True, "is_staff": True}
    )
    # Only caseworkers see the family register, superusers included.
    user.groups.add(Group.objects.get(name=CASEWORKERS))
    if password:
        user.set_password(password)
        user.save()
    return user


def table(rows):
    lines = ["| admin page | ms | queries |", "| --- | ---: | ---: |"]
    for name, ms, queries in rows:
        flag = " (over a second)" if ms > GOAL_MS else ""
        lines.append(f"| {name} | {ms:.0f}{flag} | {'' if queries is None else queries} |")
    return "\n".join(lines)


def signed_in(host="testserver"):
    """A test client signed in as the benchmark's superuser, asking for host."""
    client = Client(HTTP_HOST=host)
    client.force_login(_superuser())
    return client


def main():
    print(f"{Page.objects.count()} pages")
    print(table(measure(signed_in())))
