"""The operator's promises (DESIGN.md, "Failure behaviour"; docs/deploy.md), shown on the site as
docs/deploy.md deploys it: gunicorn as `make serve` runs it, behind nginx configured from
docs/deploy.md with TLS, on a PostgreSQL and a Redis of the tests' own (tests/deployment.py),
which the fault tests stop and hang under the running app.

Readers come from different loopback addresses (127.0.0.2, 127.0.0.3...), so nginx sees
different clients. The stack starts once for the module; a test that breaks a part restores it.
The module runs once in CI, in the suite's PostgreSQL run, like tests/test_app_servers.py; it
uses no database of pytest-django's.
"""

import re
import secrets

import pytest
import requests
from django.db import connection

from tests.deployment import (
    DEPLOY_MD,
    HOST,
    WORKERS,
    end_process,
    nginx_block_from_docs,
    poll,
    stack_fixture,  # noqa: F401 - the `stack` fixture
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs once, in the suite's PostgreSQL run (it starts a PostgreSQL of its own)",
)

EDITOR = "editor"
EDITOR_EMAIL = "editor@advocacy.example"
EDITOR_PASSWORD = secrets.token_urlsafe(18)
LOCKED_OUT = "Too many failed sign-in attempts"
UNAVAILABLE = "This site is unavailable for a moment"

SITE_FACTS = """
import json
from django.contrib.auth import get_user_model
from wagtail.models import Page
from campaigns.models import Appeal, CampaignPage, FamilyContactPage

get_user_model().objects.create_superuser({editor!r}, {email!r}, {password!r})
english = {{"locale__language_code": "en"}}
campaign = CampaignPage.objects.live().filter(**english).get(slug="family-contact")
form = FamilyContactPage.objects.live().filter(**english).first()
aims = Page.objects.live().filter(slug="aims", **english).first()
appeal = Appeal.objects.live().filter(**english).first()
print(json.dumps({{
    "campaign": campaign.url, "form": form.url, "aims": aims.url, "aims_id": aims.pk,
    "act": f"/act/{{appeal.pk}}/",
}}))
"""

PUBLISH = """
import json
from wagtail.models import Page

page = Page.objects.get(pk={page_id}).specific
page.title = {title!r}
page.save_revision().publish()
print(json.dumps(page.title))
"""

DOCUMENTS = """
import json
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

Document = get_document_model()
root = Collection.get_first_root_node()
private = root.add_child(name="Signed-in readers only")
CollectionViewRestriction.objects.create(collection=private, restriction_type="login")


def document(title, collection, name, marker):
    pdf = b"%PDF-1.4\\n% " + marker.encode() + b"\\n%%EOF\\n"
    made = Document(title=title, collection=collection)
    made.file.save(name, ContentFile(pdf), save=False)
    made.save()
    return {{"url": made.url, "file_url": made.file.url}}


print(json.dumps({{
    "private": document("Private", private, "private-report.pdf", {private!r}),
    "public": document("Public", root, "public-report.pdf", {public!r}),
}}))
"""


class Findings(list):
    """Every broken promise of a test, so that one run reports them all."""

    def check(self, ok, message):
        if not ok:
            self.append(message)
        return ok

    def assert_none(self):
        assert not self, "\n".join(["Broken promises:", *self])


@pytest.fixture(scope="module")
def site(stack):
    """The demo site's addresses, and an editor account."""
    code = SITE_FACTS.format(editor=EDITOR, email=EDITOR_EMAIL, password=EDITOR_PASSWORD)
    return stack.app.shell(code)


@pytest.fixture(autouse=True)
def healthy(stack):
    """Each test starts with every part running and the site answering."""
    stack.restore()


# Helpers


def sign_in(person, password, username=EDITOR):
    hidden = person.form("/admin/login/", marker="password")
    return person.post("/admin/login/", {**hidden, "username": username, "password": password})


def signed_in(response):
    return response.status_code == 302 and response.headers.get("Location") == "/admin/"


def locked_out(response):
    return response.status_code == 429 and LOCKED_OUT in response.text


def describe(response):
    if isinstance(response, Exception):
        return f"{type(response).__name__}: {response}"
    where = f" to {response.headers['Location']}" if "Location" in response.headers else ""
    return f"{response.status_code}{where} in {response.seconds:.1f} s"


def send_family_request(stack, site, person, *, email=None, headers=None, timeout=None):
    """A valid request on the family contact form: its page first (the CSRF cookie and token),
    then the answers, with a fill-time token as old as a person filling it in would make."""
    hidden = person.form(site["form"], marker="started", timeout=timeout)
    answers = {
        **hidden,
        "started": stack.app.aged_token(hidden["started"]),
        "requester_name": "Test Requester",
        "relationship": "sister",
        "country": "United Kingdom",
        "preferred_language": "en",
        "relative_name": "Test Relative",
        "consent_contact": "on",
        "website": "",
    }
    answers.update({"email": email} if email else {"phone": "+44 20 7946 0123"})
    return person.post(site["form"], answers, headers=headers or {}, timeout=timeout)


def sent(response):
    return response.status_code == 303 and response.headers.get("Location", "").endswith("sent/")


def reads(site):
    """What a reader asks for: pages in both languages, a 404, the form, an appeal's action."""
    return ["/", site["campaign"], "/fa/", "/no-such-page/", site["form"], site["act"]]


def statuses(person, paths):
    return {path: person.get(path).status_code for path in paths}


def cached_again(person, path="/"):
    person.get(path, timeout=5)
    return person.get(path, timeout=5).headers.get("X-Cache") == "hit"


def every_worker_back(stack, person, since):
    """Each worker that logged Redis away has logged it back (a worker finds out on its next
    request, so this keeps asking): the next test starts with the cache in use everywhere."""
    person.get("/", timeout=5)
    log = stack.app.log(since)
    return log.count("Redis answers again") >= log.count("Redis is unavailable")


def redis_lines(stack, since):
    port = str(stack.redis.port)
    return [
        line
        for line in stack.app.log(since).splitlines()
        if "redis" in line.lower() or f":{port}" in line or "Connection refused" in line
    ]


def fresh_path():
    """A page no one has asked for yet, so not in the page cache, which needs the database: a
    search for a new word (made-up query parameters would share the page's cache entry)."""
    return f"/search/?q={secrets.token_hex(4)}"


# Per-address limits, through nginx


def test_five_wrong_passwords_from_one_address_do_not_lock_the_editor_out_elsewhere(stack, site):
    findings = Findings()
    attacker, editor = stack.person("127.0.0.2"), stack.person("127.0.0.3")
    wrong = [sign_in(attacker, "not-the-password") for _ in range(5)]
    findings.check(
        not any(signed_in(response) for response in wrong),
        f"a wrong password signed in: {[describe(r) for r in wrong]}",
    )
    elsewhere = sign_in(editor, EDITOR_PASSWORD)
    findings.check(
        signed_in(elsewhere),
        "the right password from 127.0.0.3, after 5 wrong ones from 127.0.0.2, should sign in "
        f"(302 to /admin/); got {describe(elsewhere)}"
        + (" (the lockout page: the lock is the proxy's, not 127.0.0.2's)" * locked_out(elsewhere)),
    )
    same = sign_in(attacker, EDITOR_PASSWORD)
    findings.check(
        locked_out(same),
        "the right password from 127.0.0.2 should get the lockout page (429); got "
        f"{describe(same)}",
    )
    findings.assert_none()


def test_family_form_limit_counts_each_client_not_the_proxy(stack, site):
    findings = Findings()
    first, second = stack.person("127.0.0.2"), stack.person("127.0.0.3")
    five = [send_family_request(stack, site, first) for _ in range(5)]
    findings.check(
        all(sent(response) for response in five),
        f"5 requests from 127.0.0.2 should be accepted (303): {[describe(r) for r in five]}",
    )
    sixth = send_family_request(stack, site, first)
    findings.check(
        sixth.status_code == 429, f"the 6th from 127.0.0.2 should get 429; got {describe(sixth)}"
    )
    other = send_family_request(stack, site, second)
    findings.check(
        sent(other),
        f"a request from 127.0.0.3 should be accepted (303); got {describe(other)}"
        + (" (the limit counted the proxy's address)" * (other.status_code == 429)),
    )
    findings.assert_none()


def test_forged_x_forwarded_for_changes_nothing(stack, site):
    findings = Findings()
    forged = {"X-Forwarded-For": "203.0.113.9"}
    # Through nginx, which overwrites the header: the forger is still counted as 127.0.0.4...
    forger, neighbour = stack.person("127.0.0.4"), stack.person("127.0.0.6")
    five = [send_family_request(stack, site, forger, headers=forged) for _ in range(5)]
    findings.check(
        all(sent(response) for response in five),
        f"5 requests from 127.0.0.4 should be accepted: {[describe(r) for r in five]}",
    )
    plain = send_family_request(stack, site, forger)
    findings.check(
        plain.status_code == 429,
        "127.0.0.4, after 5 requests with a forged X-Forwarded-For, should be refused (429) "
        f"without it: it was counted as itself; got {describe(plain)}",
    )
    # ... and whoever forges the same header is not counted as 203.0.113.9 either.
    other = send_family_request(stack, site, neighbour, headers=forged)
    findings.check(
        sent(other),
        f"127.0.0.6 forging the same X-Forwarded-For should be accepted; got {describe(other)}",
    )
    # Straight to gunicorn, past nginx: a new forged address each time changes nothing.
    direct = stack.person("127.0.0.5", direct=True)
    answers = [
        send_family_request(
            stack, site, direct, headers={"X-Forwarded-For": f"203.0.113.{10 + number}"}
        )
        for number in range(6)
    ]
    findings.check(
        [sent(response) for response in answers] == [True] * 5 + [False]
        and answers[5].status_code == 429,
        "127.0.0.5 connecting to gunicorn directly with a new X-Forwarded-For each time should "
        "be counted by its own address (5 accepted, the 6th 429); got "
        f"{[describe(r) for r in answers]}",
    )
    findings.assert_none()


# Faults: Redis


def test_pages_form_and_publishing_work_with_redis_stopped(stack, site):
    findings = Findings()
    reader = stack.person()
    paths = reads(site)
    normal = statuses(reader, paths)
    since = stack.app.log_size()
    stack.redis.stop()
    try:
        for path in paths:
            try:
                response = reader.get(path, timeout=5)
            except requests.RequestException as error:
                findings.append(f"GET {path} with Redis stopped: {describe(error)}")
                continue
            findings.check(
                response.status_code == normal[path] and response.seconds < 2,
                f"GET {path} with Redis stopped should answer {normal[path]} within 2 s, as with "
                f"Redis; got {describe(response)}",
            )
        try:
            request = send_family_request(stack, site, stack.person(), timeout=5)
            findings.check(
                sent(request),
                f"the family form with Redis stopped should accept a request (303); got "
                f"{describe(request)}",
            )
        except (AssertionError, requests.RequestException) as error:
            findings.append(f"the family form with Redis stopped: {error}")
        title = f"Aims {secrets.token_hex(3)}"
        try:
            stack.app.shell(PUBLISH.format(page_id=site["aims_id"], title=title))
        except AssertionError as error:
            findings.append(
                "publishing with Redis stopped fails: "
                + " | ".join(str(error).strip().splitlines()[-1:])
            )
        else:
            page = reader.get(site["aims"], timeout=5)
            findings.check(
                page.status_code == 200 and title in page.text,
                f"{site['aims']} should show the new title {title!r}; got {describe(page)}",
            )
        logged = redis_lines(stack, since)
        findings.check(logged, "the server log should say Redis is unavailable; it says nothing")
        findings.check(
            len(logged) <= 5 * WORKERS,
            f"the Redis error should be logged once or so per worker, not per request: "
            f"{len(logged)} lines mention it, e.g. {logged[:3]}",
        )
    finally:
        stack.redis.start()
    findings.check(
        _recovers(lambda: cached_again(reader), 30),
        "with Redis back, pages should be cached again (X-Cache: hit) within 30 s",
    )
    findings.check(
        _recovers(lambda: every_worker_back(stack, reader, since), 30),
        "with Redis back, every worker should log it back within 30 s",
    )
    findings.assert_none()


def _recovers(check, timeout):
    try:
        return poll(check, timeout, "recovery", interval=0.5)
    except AssertionError:
        return False


def test_pages_answer_quickly_with_redis_hung(stack, site):
    findings = Findings()
    reader = stack.person()
    paths = reads(site)
    normal = statuses(reader, paths)
    since = stack.app.log_size()
    stack.redis.hang()
    try:
        timeouts = 0
        for path in paths:
            try:
                response = reader.get(path, timeout=5)
            except requests.Timeout:
                findings.append(f"GET {path} with Redis hung: no answer within 5 s")
                timeouts += 1
                if timeouts == WORKERS:
                    findings.append("(every worker is stuck: the remaining reads were not tried)")
                    break
                continue
            findings.check(
                response.status_code == normal[path] and response.seconds < 3,
                f"GET {path} with Redis hung should answer {normal[path]} within 3 s; got "
                f"{describe(response)}",
            )
    finally:
        stack.redis.resume()
    findings.check(
        _recovers(lambda: cached_again(reader), 60),
        "with Redis resumed, pages should be cached again (X-Cache: hit) within 60 s",
    )
    findings.check(
        _recovers(lambda: every_worker_back(stack, reader, since), 30),
        "with Redis resumed, every worker should log it back within 30 s",
    )
    findings.assert_none()


# Faults: PostgreSQL


def test_cached_pages_survive_postgresql_stopped(stack, site):
    findings = Findings()
    reader, requester = stack.person(), stack.person()
    poll(lambda: cached_again(reader), 10, "the home page in the page cache")
    # The form as the requester had it on screen when the database went down.
    hidden = requester.form(site["form"], marker="started")
    uncached = fresh_path()
    master = stack.app.process.pid
    stack.postgres.stop()
    try:
        home = reader.get("/")
        findings.check(
            home.status_code == 200 and home.headers.get("X-Cache") == "hit",
            f"the cached home page should still be served (200, X-Cache: hit); got "
            f"{describe(home)}, X-Cache {home.headers.get('X-Cache')}",
        )
        page = reader.get(uncached)
        findings.check(
            page.status_code == 503 and UNAVAILABLE in page.text,
            f"an uncached page should answer the plain 503 page; got {describe(page)}",
        )
        answers = {
            **hidden,
            "started": stack.app.aged_token(hidden["started"]),
            "requester_name": "Test Requester",
            "relationship": "brother",
            "phone": "+44 20 7946 0123",
            "country": "France",
            "preferred_language": "fa",
            "relative_name": "Test Relative",
            "consent_contact": "on",
        }
        post = requester.post(site["form"], answers)
        findings.check(
            post.status_code == 503 and "database" in post.text,
            f"the family form should answer 503, saying the database is out of reach; got "
            f"{describe(post)}",
        )
    finally:
        stack.postgres.start()
    findings.check(
        _recovers(lambda: reader.get(uncached, timeout=5).status_code == 200, 10),
        f"with PostgreSQL back, {uncached} should answer 200 within 10 s",
    )
    findings.check(
        stack.app.process.pid == master and stack.app.process.poll() is None,
        "gunicorn should have kept running",
    )
    findings.assert_none()


def test_postgresql_hung(stack, site):
    """What a reader gets while PostgreSQL accepts connections but never answers: cached pages
    as usual, and an uncached page an error within a bounded time. Observed: a worker reusing
    its kept connection (DATABASE_CONN_MAX_AGE) waits until gunicorn's worker timeout (30 s)
    kills it, and nginx answers 502; a worker opening a new connection gives up sooner (the
    settings' connect_timeout). The test prints what it saw."""
    findings = Findings()
    reader = stack.person()
    poll(lambda: cached_again(reader), 10, "the home page in the page cache")
    uncached = fresh_path()
    since, nginx_since = stack.app.log_size(), stack.nginx.error_log.stat().st_size
    stack.postgres.hang()
    try:
        home = reader.get("/", timeout=5)
        findings.check(
            home.status_code == 200 and home.seconds < 2,
            f"the cached home page should answer 200 within 2 s; got {describe(home)}",
        )
        try:
            page = reader.get(uncached, timeout=60)
        except requests.RequestException as error:
            page = error
        log = stack.app.log(since)
        with open(stack.nginx.error_log, "rb") as nginx_log:
            nginx_log.seek(nginx_since)
            nginx_errors = nginx_log.read().decode(errors="replace")
        print(
            f"PostgreSQL hung, uncached page {uncached}: {describe(page)}",
            *[line for line in log.splitlines() if "WORKER TIMEOUT" in line or "rror" in line],
            *[line for line in nginx_errors.splitlines() if "upstream" in line],
            sep="\n",
        )
        findings.check(
            not isinstance(page, Exception)
            and page.seconds < 35
            and page.status_code in (502, 503, 504),
            f"an uncached page should answer 502, 503 or 504 within 35 s; got {describe(page)}",
        )
    finally:
        stack.postgres.resume()
    findings.check(
        _recovers(lambda: reader.get(uncached, timeout=10).status_code == 200, 30),
        f"with PostgreSQL resumed, {uncached} should answer 200 within 30 s",
    )
    findings.assert_none()


# Uploads


def test_private_document_file_is_not_served_under_media(stack):
    findings = Findings()
    private_marker, public_marker = secrets.token_hex(8), secrets.token_hex(8)
    documents = stack.app.shell(DOCUMENTS.format(private=private_marker, public=public_marker))
    private, public = documents["private"], documents["public"]
    reader = stack.person()
    served = reader.get(private["url"])
    findings.check(
        served.status_code == 302
        and "login" in served.headers.get("Location", "")
        and private_marker not in served.text,
        f"{private['url']} (a login-only collection) should redirect to the login; got "
        f"{describe(served)}",
    )
    direct = reader.get(private["file_url"])
    findings.check(
        direct.status_code in (403, 404) and private_marker not in direct.text,
        f"{private['file_url']} should answer 403 or 404; got {describe(direct)}"
        + (", the private file itself" * (private_marker in direct.text)),
    )
    public_file = reader.get(public["url"])
    findings.check(
        public_file.status_code == 200 and public_marker in public_file.text,
        f"{public['url']} (public) should serve the file; got {describe(public_file)}",
    )
    findings.assert_none()


# Mail and logs


def request_password_reset(stack):
    person = stack.person()
    hidden = person.form("/admin/password_reset/", marker="email")
    return person.post("/admin/password_reset/", {**hidden, "email": EDITOR_EMAIL})


def reset_link(message):
    found = re.search(r"https?://[^\s]*/password_reset/confirm/([^/\s]+)/([^/\s]+)/", message)
    assert found, f"no reset link in the mail: {message!r}"
    return found


def test_password_reset_and_acknowledgement_leave_by_smtp_not_in_the_log(stack, site):
    """The reset mail from the request itself, the acknowledgement from docs/deploy.md's worker
    of the mail queue."""
    findings = Findings()
    worker, worker_log = stack.app.start_worker("mail")
    try:
        since, nginx_since = stack.app.log_size(), stack.nginx.access_log.stat().st_size
        already = len(stack.smtp.to(EDITOR_EMAIL))
        reset = request_password_reset(stack)
        findings.check(
            reset.status_code == 302, f"the reset request should redirect; got {describe(reset)}"
        )
        requester_email = f"family-{secrets.token_hex(4)}@example.org"
        request = send_family_request(stack, site, stack.person(), email=requester_email)
        findings.check(
            sent(request), f"the family request should be accepted; got {describe(request)}"
        )
        try:
            poll(
                lambda: (
                    len(stack.smtp.to(EDITOR_EMAIL)) > already and stack.smtp.to(requester_email)
                ),
                15,
                "both mails at the SMTP server",
            )
        except AssertionError as error:
            findings.append(str(error))
        resets = stack.smtp.to(EDITOR_EMAIL)[already:]
        link = reset_link(resets[-1]["body"]) if resets else None
    finally:
        end_process(worker)
    logs = {
        "server log": stack.app.log(since),
        "nginx log": stack.nginx.access_log.read_bytes()[nginx_since:].decode(errors="replace"),
        "worker log": worker_log.read_text(),
    }
    for name, text in logs.items():
        for secret in (EDITOR_EMAIL, requester_email, "password_reset/confirm"):
            findings.check(secret not in text, f"the {name} contains {secret!r}")
        if link:
            findings.check(link.group(2) not in text, f"the {name} contains the reset token")
    findings.assert_none()


def test_following_a_password_reset_link_writes_no_token_to_the_logs(stack):
    """Beyond the mail itself: the reset link is a secret too when its owner follows it (the
    token is in the address, which both access logs record)."""
    findings = Findings()
    already = len(stack.smtp.to(EDITOR_EMAIL))
    assert request_password_reset(stack).status_code == 302
    poll(lambda: len(stack.smtp.to(EDITOR_EMAIL)) > already, 15, "the reset mail")
    link = reset_link(stack.smtp.to(EDITOR_EMAIL)[-1]["body"])
    since, nginx_since = stack.app.log_size(), stack.nginx.access_log.stat().st_size
    path = link.group(0).split(HOST, 1)[-1]
    followed = stack.person().get(path)
    findings.check(followed.status_code == 302, f"the link should work; got {describe(followed)}")
    logs = {
        "server log": stack.app.log(since),
        "nginx log": stack.nginx.access_log.read_bytes()[nginx_since:].decode(errors="replace"),
    }
    for name, text in logs.items():
        findings.check(
            link.group(2) not in text,
            f"the {name} holds the reset token: "
            + next((line for line in text.splitlines() if link.group(2) in line), ""),
        )
    findings.assert_none()


def test_a_followers_link_writes_no_token_to_the_logs(stack):
    """A follower's confirm and leave links act for the follower: neither access log keeps more
    of them than their kind."""
    public_id, token = "5b3c1f9e-0d2a-4c7e-9a51-3f2e8d7c6b5a", "0123456789abcdef0123456789abcdef"
    since, nginx_since = stack.app.log_size(), stack.nginx.access_log.stat().st_size
    for path in (f"/follow/leave/{public_id}/{token}/", f"/fa/follow/confirm/{public_id}/{token}/"):
        stack.person().get(path)
    logs = {
        "server log": stack.app.log(since),
        "nginx log": stack.nginx.access_log.read_bytes()[nginx_since:].decode(errors="replace"),
    }

    for name, text in logs.items():
        assert "/follow/leave/" in text, name
        assert token not in text and public_id not in text, name


# The warm after a publish


def test_the_worker_of_docs_deploy_md_warms_the_pages_readers_see_first(stack, site):
    """After a publish, docs/deploy.md's worker renders the pages readers come to first: the
    first reader of each, through nginx, gets a cached page with the change."""
    reader = stack.person()
    for path in ("/", site["aims"]):  # read lately, as readers do
        reader.get(path, timeout=5)
    title, aims = f"Aims {secrets.token_hex(3)}", re.escape(site["aims"])
    stack.app.shell(PUBLISH.format(page_id=site["aims_id"], title=title))
    # The worker starts after the publish: a warm an earlier test left queued (publishing with
    # Redis stopped) would otherwise run first, render the page from before this change and
    # log the same line.
    worker, log_path = stack.app.start_worker("warm")
    try:
        done = re.compile(rf"Warmed \d+ pages after a change to \S+ {site['aims_id']}: .*{aims}")
        poll(lambda: done.search(log_path.read_text()), 30, "the worker's warm")
    finally:
        end_process(worker)
    for path in ("/", site["aims"]):
        response = reader.get(path, timeout=5)
        assert response.headers.get("X-Cache") == "hit", (path, response.headers.get("X-Cache"))
    assert title in reader.get(site["aims"], timeout=5).text


# The proxy


def test_the_proxy_config_comes_from_docs_deploy_md(stack):
    doc_block = nginx_block_from_docs(DEPLOY_MD.read_text())
    assert stack.nginx.doc_block == doc_block
    assert "proxy_pass http://127.0.0.1:8000" in doc_block
    config = stack.nginx.conf.read_text()
    for changed in ("/srv/", "letsencrypt", ":8000", "listen 443", "listen 80;"):
        assert changed not in config, f"{changed!r} was not replaced"
    for local in (
        f"listen 127.0.0.1:{stack.nginx.https_port} ssl http2;",
        f"listen 127.0.0.1:{stack.nginx.http_port};",
        f"ssl_certificate {stack.nginx.certificate};",
        f"ssl_certificate_key {stack.nginx.key};",
        f"alias {stack.app.media_root}/;",
        f"proxy_pass http://127.0.0.1:{stack.app.port};",
        f"access_log {stack.nginx.access_log} private;",
    ):
        assert local in config
    # Every other line of the doc's block is in the configuration as written.
    changed = re.compile(r"listen |ssl_certificate|/srv/|127\.0\.0\.1:8000|/var/log/nginx/")
    for line in doc_block.splitlines():
        if not changed.search(line):
            assert line.strip() in config, f"the doc's line {line!r} is missing"
    # It is what answers: plain HTTP is sent to HTTPS...
    with requests.Session() as plain:
        plain.trust_env = False
        redirect = plain.get(
            f"http://127.0.0.1:{stack.nginx.http_port}/aims/",
            headers={"Host": HOST},
            allow_redirects=False,
            timeout=5,
        )
    assert (redirect.status_code, redirect.headers["Location"]) == (301, f"https://{HOST}/aims/")
    # ... HTTPS reaches the app through the doc's block...
    reader = stack.person("127.0.0.2")
    response = reader.get("/")
    assert response.status_code == 200 and response.headers["Server"].startswith("nginx")
    # ... and the doc's log format records pages, never readers' addresses.
    # (The health check before each test asked for / too.)
    log = stack.nginx.access_log.read_text()
    assert '"GET /"' in log
    assert not re.search(r"\b127\.0\.0\.\d+\b", log)
