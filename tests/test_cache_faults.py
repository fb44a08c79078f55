"""The site survives its cache: a Redis of the test's own, stopped, hung and brought back.

tests/test_deployment.py shows the same through gunicorn and nginx; these show the mechanism
(base/cache.py) with counts: calls that reached the network, log lines, stale pages.
"""

import logging
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
from django.core import mail
from django.core.cache import caches

from base import cache as guarded_cache
from base.cache import breaker, redis_cache
from campaigns.models import AppealActionCount
from tests.builders import make_appeal, make_content_page
from tests.html import parse

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own, on a port of its own, that the test may stop."""

    def __init__(self, directory):
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self):
        self.process.kill()
        self.process.wait(10)


class HungServer:
    """Accepts connections and never answers, as a Redis stopped with SIGSTOP behind a live
    kernel does; counts the connections made to it."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture(autouse=True)
def page_cache(settings, site_settings):
    settings.PAGE_CACHE_SECONDS = 600
    breaker.reset()
    yield
    breaker.reset()


@pytest.fixture
def own_redis(settings, tmp_path):
    redis = OwnRedis(tmp_path)
    redis.start()
    settings.CACHES = {"default": redis_cache(redis.url)}
    yield redis
    if redis.process.poll() is None:
        redis.stop()


def test_with_redis_stopped_pages_the_404_the_form_and_actions_work(
    client, home_page, own_redis, caplog
):
    page = make_content_page(home_page, "Aims")
    appeal = make_appeal()
    client.get("/aims/")
    own_redis.stop()

    with caplog.at_level(logging.WARNING):
        responses = [client.get(path) for path in ("/", "/aims/", "/fa/", "/no-such-page/")]
        action = client.get(f"/act/{appeal.pk}/")
        page.title = "Our aims"
        page.save_revision().publish()
        after = client.get("/aims/")

    assert [response.status_code for response in responses] == [200, 200, 200, 404]
    assert all("X-Cache" not in response for response in responses)
    assert action.status_code == 302 and AppealActionCount.objects.get().count == 1
    assert parse(after).h1.get_text() == "Our aims"
    outage = [record for record in caplog.records if "Redis is unavailable" in record.message]
    assert len(outage) == 1, "the outage is logged once, not per call"
    assert not [record for record in caplog.records if record.exc_info]


def test_a_page_cached_before_an_outage_does_not_outlive_a_publish_during_it(
    client, home_page, own_redis, monkeypatch
):
    page = make_content_page(home_page, "Aims")
    client.get("/aims/")
    assert client.get("/aims/")["X-Cache"] == "hit"
    # Hung, not stopped: a Redis that comes back with the pages it had is the case to prove.
    own_redis.process.send_signal(signal.SIGSTOP)
    monkeypatch.setattr(guarded_cache, "BREAKER_SECONDS", 0)
    try:
        client.get("/")  # the breaker sees the outage
        page.title = "Our aims"
        page.save_revision().publish()
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    response = client.get("/aims/")

    assert parse(response).h1.get_text() == "Our aims"


def test_the_cache_comes_back_by_itself_when_redis_returns(
    client, home_page, own_redis, monkeypatch
):
    make_content_page(home_page, "Aims")
    own_redis.stop()
    monkeypatch.setattr(guarded_cache, "BREAKER_SECONDS", 0)
    assert "X-Cache" not in client.get("/aims/")

    own_redis.start()
    client.get("/aims/")

    assert client.get("/aims/")["X-Cache"] == "hit"


def test_a_hung_redis_costs_one_timeout_per_breaker_period_not_one_per_call(
    client, home_page, settings, monkeypatch
):
    # One period for the whole test: at the 2 s of production, a busy machine (CI's) took
    # longer than that for the publish and five uncached pages, and the breaker tried again.
    monkeypatch.setattr(guarded_cache, "BREAKER_SECONDS", 300)
    hung = HungServer()
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{hung.port}/0")}
    make_content_page(home_page, "Aims")
    try:
        responses = [client.get(path) for path in ("/", "/aims/", "/fa/", "/", "/aims/")]
    finally:
        hung.close()

    assert [response.status_code for response in responses] == [200, 200, 200, 200, 200]
    # One call waited out the timeout and opened the breaker; every later call was not tried.
    assert len(hung.connections) == 1


def test_password_reset_mail_is_sent_with_redis_stopped(
    client, home_page, own_redis, django_user_model
):
    django_user_model.objects.create_user("editor", "editor@example.org", "a-long-password-1")
    own_redis.stop()

    response = client.post("/admin/password_reset/", {"email": "editor@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_a_restarted_redis_is_used_at_once_not_taken_for_an_outage(own_redis):
    """The connections kept from before the restart fail once; that is no outage."""
    cache = caches["default"]
    cache.set("before", 1)
    own_redis.stop()
    own_redis.start()

    assert cache.get("before") is None  # a new, empty Redis
    assert not breaker.down
    cache.set("after", 2)
    assert cache.get("after") == 2
