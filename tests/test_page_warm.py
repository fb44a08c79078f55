"""The warm after a publish (base/page_warm.py): the pages readers see first are rendered by the
worker right after the change, so the first reader gets a cached page, and nothing is rendered
twice."""

from unittest import mock

import pytest
from django.core.cache import cache
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from base.page_cache import GENERATION_KEY, rendering_key
from base.page_warm import warm_pages
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_content_page,
    make_development,
    make_timeline_page,
    make_update,
    publish,
)

pytestmark = pytest.mark.django_db

FIRST_SEEN = [
    "/",
    "/timeline/",
    "/timeline/feed/rss/",
    "/timeline/feed/atom/",
    "/appeals/",
    "/campaigns/",
    "/campaigns/family-contact/",
    "/campaigns/family-contact/timeline/",
    "/campaigns/family-contact/feed/rss/",
    "/campaigns/family-contact/feed/atom/",
    "/campaigns/family-contact/fifty-families-ready-to-travel/",
]


@pytest.fixture(autouse=True)
def page_cache(settings, site_settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()


@pytest.fixture
def site(home_page):
    index = make_campaign_index(home_page)
    campaign = make_campaign(index)
    return {
        "home": home_page,
        "campaign": campaign,
        "update": make_update(campaign),
        "about": make_content_page(home_page, "About us"),
        "timeline": make_timeline_page(home_page),
        "appeals": make_appeal_index(home_page),
    }


def run_worker():
    """What `db_worker --queue-name=warm` does with each queued task, but inside the test's
    transaction (the command takes an exclusive one of its own, which SQLite cannot nest)."""
    worker = Worker(
        queue_names=["warm"],
        interval=0,
        batch=True,
        backend_name="database",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
    )
    for result in DBTaskResult.objects.ready().filter(queue_name="warm"):
        result.claim(worker.worker_id)
        worker.run_task(result)


def renders():
    """What the warm tasks that ran rendered, in all (and none failed)."""
    assert not DBTaskResult.objects.failed().exists()
    return sum(result.return_value for result in DBTaskResult.objects.successful())


def read_everything(client, paths=FIRST_SEEN, **headers):
    for path in paths:
        assert client.get(path, **headers).status_code == 200, path


def test_after_a_publish_the_first_reader_of_each_page_seen_first_gets_a_cached_page(
    client, site, django_capture_on_commit_callbacks
):
    read_everything(client)
    generation = cache.get(GENERATION_KEY)

    with django_capture_on_commit_callbacks(execute=True):
        site["update"].title = "Fifty families travel"
        publish(site["update"])

    # The publish only queued the warm: it rendered nothing itself.
    assert DBTaskResult.objects.ready().count() == 1
    assert cache.get(GENERATION_KEY) != generation
    assert cache.get("page-cache::testserver:/").generation == generation
    run_worker()
    for path in FIRST_SEEN:
        assert client.get(path)["X-Cache"] == "hit", path
    assert b"Fifty families travel" in client.get("/campaigns/family-contact/timeline/").content
    assert renders() == len(FIRST_SEEN)


def test_a_page_nobody_asked_for_lately_is_left_to_its_first_reader_but_the_changed_one_is_not(
    client, site, django_capture_on_commit_callbacks
):
    read_everything(client, ["/"])

    with django_capture_on_commit_callbacks(execute=True):
        site["about"].title = "About the organisation"
        publish(site["about"])
    run_worker()

    assert client.get("/about-us/")["X-Cache"] == "hit"
    assert client.get("/")["X-Cache"] == "hit"
    assert client.get("/timeline/")["X-Cache"] == "miss"
    assert renders() == 2


def test_the_warm_leaves_alone_what_a_reader_rendered_or_is_rendering(
    client, site, django_capture_on_commit_callbacks
):
    read_everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        publish(site["update"])
    assert client.get("/")["X-Cache"] == "refresh"  # a reader came first
    cache.add(rendering_key("page-cache::testserver:/timeline/"), 1, 30)  # one renders now

    run_worker()

    assert renders() == len(FIRST_SEEN) - 2
    assert client.get("/timeline/")["X-Cache"] == "stale"


def test_the_warm_leaves_a_page_a_reader_rendered_while_it_rendered_others(
    client, site, django_capture_on_commit_callbacks
):
    from base import page_warm

    read_everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        publish(site["update"])
    render = page_warm._render
    warmed = []

    def readers_come_meanwhile(path, *args):
        # While the warm renders its first page, readers have every other page rendered: each
        # gets the last copy and sets off the render, which is stored before the warm gets there.
        if not warmed:
            others = [other for other in FIRST_SEEN if other != path]
            assert {client.get(other)["X-Cache"] for other in others} == {"refresh"}
        warmed.append(path)
        return render(path, *args)

    with mock.patch.object(page_warm, "_render", readers_come_meanwhile):
        run_worker()

    assert len(warmed) == renders() == 1
    for path in FIRST_SEEN:
        assert client.get(path)["X-Cache"] == "hit", path


def test_each_page_is_warmed_as_readers_ask_for_it(
    client, site, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["testserver", "advocacy.example"]
    client.get("/", HTTP_HOST="advocacy.example", HTTP_ACCEPT_ENCODING="gzip", secure=True)

    with django_capture_on_commit_callbacks(execute=True):
        publish(site["about"])
    run_worker()

    # Compressed, for that host, over HTTPS: its own canonical address.
    response = client.get(
        "/", HTTP_HOST="advocacy.example", HTTP_ACCEPT_ENCODING="gzip", secure=True
    )
    assert response["X-Cache"] == "hit" and response["Content-Encoding"] == "gzip"
    assert client.get("/")["X-Cache"] == "miss"  # a way nobody asked for


def test_a_burst_of_publishes_of_one_thing_queues_one_warm(
    client, site, django_capture_on_commit_callbacks
):
    read_everything(client)
    for title in ("One", "Two", "Three"):
        with django_capture_on_commit_callbacks(execute=True):
            site["update"].title = title
            publish(site["update"])

    assert DBTaskResult.objects.ready().count() == 1
    run_worker()
    assert b"Three" in client.get("/campaigns/family-contact/").content
    assert client.get("/campaigns/family-contact/")["X-Cache"] == "hit"


def test_snippets_warm_their_campaign_and_appeals_their_own_page(
    client, site, django_capture_on_commit_callbacks
):
    appeal = make_appeal(campaign=site["campaign"])
    development = make_development(campaign=site["campaign"])
    appeal_path = f"/appeals/{appeal.slug}/"
    read_everything(client, [*FIRST_SEEN, appeal_path])

    with django_capture_on_commit_callbacks(execute=True):
        development.headline = "Families meet again"
        development.save_revision().publish()
        appeal.title = "Write again"
        appeal.save_revision().publish()
    run_worker()

    # Two warms, the second leaving what the first rendered; the update's own page is not
    # among the pages either of them shows on.
    update_path = FIRST_SEEN[-1]
    assert renders() == len(FIRST_SEEN)
    for path in [*FIRST_SEEN[:-1], appeal_path]:
        assert client.get(path)["X-Cache"] == "hit", path
    assert client.get(update_path)["X-Cache"] == "refresh"  # its last copy, then rendered


def test_without_the_page_cache_nothing_is_queued(
    client, site, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        publish(site["update"])
    assert not DBTaskResult.objects.exists()


def test_the_warm_asks_nothing_of_a_cache_that_is_gone(site):
    cache.clear()
    assert warm_pages.call("wagtailcore.Page", site["update"].pk) == 0


def test_a_persian_change_warms_the_persian_pages_and_leaves_the_english_ones(
    client, site, django_capture_on_commit_callbacks
):
    from tests.builders import translate, translate_snippet

    translate(site["home"], "fa")
    development = translate_snippet(make_development(campaign=site["campaign"]), "fa")
    read_everything(client, ["/", "/fa/"])

    with django_capture_on_commit_callbacks(execute=True):
        development.headline = "خانواده‌ها دیدار کردند"
        development.save_revision().publish()
    run_worker()

    assert client.get("/fa/")["X-Cache"] == "hit"
    assert client.get("/")["X-Cache"] == "refresh"
    assert renders() == 1
