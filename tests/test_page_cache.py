"""The full-page cache: fast for anonymous readers, fresh after one refresh, never for editors."""

import gzip
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.signals import request_finished
from django.db import OperationalError, close_old_connections, connection
from django.http import HttpResponse

from base.cache import redis_cache as redis_cache_settings
from base.page_cache import PageCacheMiddleware
from tests.builders import (
    make_appeal,
    make_content_page,
    make_development,
    make_document,
    make_timeline_page,
    set_site_settings,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings, site_settings):
    """The cache on, and the site settings made: a site's very first page view creates them,
    which counts as a change and costs one more miss."""
    settings.PAGE_CACHE_SECONDS = 600


def test_a_cache_hit_makes_no_database_query(client, home_page, django_assert_num_queries):
    first = client.get("/")
    with django_assert_num_queries(0):
        second = client.get("/")
        head = client.head("/")

    assert (first["X-Cache"], second["X-Cache"], head["X-Cache"]) == ("miss", "hit", "hit")
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_readers_who_accept_gzip_get_a_compressed_copy_and_others_a_plain_one(client, home_page):
    plain = client.get("/")
    compressed = client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    compressed_again = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    plain_again = client.get("/")

    assert gzip.decompress(compressed.content) == plain.content
    assert compressed["Content-Encoding"] == compressed_again["Content-Encoding"] == "gzip"
    assert compressed_again.content == compressed.content
    assert len(compressed.content) < len(plain.content) / 2
    assert "Content-Encoding" not in plain_again and plain_again.content == plain.content
    assert (compressed["X-Cache"], compressed_again["X-Cache"]) == ("miss", "hit")
    assert "Accept-Encoding" in compressed["Vary"]


def test_documents_are_not_compressed_again(client, home_page):
    document = make_document()

    response = client.get(f"/documents/{document.pk}/statement.pdf", HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200 and "Content-Encoding" not in response


def test_a_published_change_is_served_once_the_next_readers_response_has_rendered_it(
    client, home_page
):
    page = make_content_page(home_page, "Aims")
    assert parse(client.get("/aims/")).h1.get_text() == "Aims"

    page.title = "Our aims"
    page.save_revision().publish()

    first = client.get("/aims/")  # the test client closes the response, as a server does
    assert (parse(first).h1.get_text(), first["X-Cache"]) == ("Aims", "refresh")
    after = client.get("/aims/")
    assert (parse(after).h1.get_text(), after["X-Cache"]) == ("Our aims", "hit")


def test_a_draft_does_not_clear_the_cache_and_stays_private(client, home_page):
    page = make_content_page(home_page, "Aims")
    client.get("/aims/")

    page.title = "Draft title"
    page.save_revision()

    response = client.get("/aims/")
    assert response["X-Cache"] == "hit"
    assert parse(response).h1.get_text() == "Aims"


def test_unpublishing_deleting_and_making_pages_private_are_seen_on_the_next_request(
    client, home_page
):
    """A takedown serves no copy from before it, not even while the page renders again."""
    from wagtail.models import PageViewRestriction

    withdrawn = make_content_page(home_page, "Withdrawn")
    deleted = make_content_page(home_page, "Deleted")
    private = make_content_page(home_page, "Private")
    moved = make_content_page(home_page, "Moved")
    for path in ("/withdrawn/", "/deleted/", "/private/", "/moved/", "/"):
        client.get(path)

    withdrawn.unpublish()
    assert client.get("/withdrawn/").status_code == 404
    deleted.delete()
    assert client.get("/deleted/").status_code == 404
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="a-long-password-1"
    )
    assert "Private" not in parse(client.get("/private/")).get_text()
    moved.move(private, pos="last-child")
    moved_away = client.get("/moved/")  # Wagtail's redirect from its old address
    assert (moved_away.status_code, moved_away["Location"]) == (301, "/private/moved/")
    assert client.get("/")["X-Cache"] == "miss"  # rendered, not the copy from before


def test_a_published_snippet_is_seen_after_one_refresh_and_a_deleted_one_at_once(client, home_page):
    make_timeline_page(home_page)
    draft = make_development("Families meet in Baghdad", live=False)
    assert "Families meet" not in client.get("/timeline/").content.decode()

    draft.get_latest_revision().publish()
    assert client.get("/timeline/")["X-Cache"] == "refresh"
    assert "Families meet" in client.get("/timeline/").content.decode()

    draft.delete()
    assert "Families meet" not in client.get("/timeline/").content.decode()


def test_changed_site_settings_are_seen_after_one_refresh(client, home_page):
    set_site_settings(tagline="Before")
    client.get("/")

    set_site_settings(tagline="After")

    assert client.get("/")["X-Cache"] == "refresh"
    assert "After" in parse(client.get("/")).footer.get_text()


def test_signed_in_editors_are_never_served_from_the_cache(client, django_user_model, home_page):
    client.get("/")
    editor = django_user_model.objects.create_user("editor", password="a-long-password-1")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    response = client.get("/")

    assert "X-Cache" not in response
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_the_admin_is_never_cached(client):
    client.get("/admin/login/")

    assert "X-Cache" not in client.get("/admin/login/")


def test_search_results_are_cached_like_pages(client):
    client.get("/search/?q=x")

    assert client.get("/search/?q=x")["X-Cache"] == "hit"


def test_a_response_that_sets_a_cookie_is_not_stored(rf):
    def sets_a_cookie(request):
        response = HttpResponse("personal")
        response.set_cookie("preference", "dark")
        return response

    middleware = PageCacheMiddleware(sets_a_cookie)

    first = middleware(rf.get("/someone/"))
    second = middleware(rf.get("/someone/"))

    assert "X-Cache" not in first and "X-Cache" not in second


def test_appeal_actions_are_never_cached(client):
    appeal = make_appeal()

    client.get(f"/act/{appeal.pk}/")
    response = client.get(f"/act/{appeal.pk}/")

    assert "X-Cache" not in response
    assert appeal.action_counts.get().count == 2


def test_without_a_database_cached_pages_are_served_and_the_rest_answers_503(client, home_page):
    make_content_page(home_page, "Aims")
    client.get("/")
    client.raise_request_exception = False

    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("the database is gone"),
    ):
        cached = client.get("/")
        uncached = client.get("/aims/")

    assert cached.status_code == 200 and cached["X-Cache"] == "hit"
    assert uncached.status_code == 503
    assert uncached["Retry-After"] == "60"
    page = parse(uncached)
    assert page.h1.get_text() == "This site is unavailable for a moment"
    assert "Traceback" not in uncached.content.decode()
    assert "the database is gone" not in uncached.content.decode()


def test_made_up_query_parameters_share_the_cached_page(client, home_page):
    make_content_page(home_page, "Aims")
    client.get("/aims/")

    assert client.get("/aims/?utm_source=x")["X-Cache"] == "hit"
    assert client.get("/aims/?x=1&y=2")["X-Cache"] == "hit"
    client.get("/search/?q=aims&page=1")
    assert client.get("/search/?page=1&q=aims&fbclid=z")["X-Cache"] == "hit"
    assert client.get("/search/?q=other")["X-Cache"] == "miss"


def test_gzip_refused_with_quality_zero_is_not_sent(client, home_page):
    plain = client.get("/")
    refused = client.get("/", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    refused_again = client.get("/", HTTP_ACCEPT_ENCODING="identity, gzip; q=0.0")
    taken = client.get("/", HTTP_ACCEPT_ENCODING="gzip;q=0.5")

    assert "Content-Encoding" not in refused and refused.content == plain.content
    assert "Content-Encoding" not in refused_again and refused_again["X-Cache"] == "hit"
    assert taken["Content-Encoding"] == "gzip"


def test_a_made_up_session_cookie_is_served_from_the_cache(client, home_page):
    client.get("/")
    client.cookies["sessionid"] = "madeupsessionkey0123456789abcdef"

    assert client.get("/")["X-Cache"] == "hit"


def test_past_its_ceiling_a_process_serves_pages_without_storing_them(client, home_page, settings):
    settings.PAGE_CACHE_MEGABYTES = 0

    first, second = client.get("/"), client.get("/")

    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first and "X-Cache" not in second


@pytest.fixture
def redis_cache(settings):
    # A database of each suite's own: CI runs the SQLite and PostgreSQL suites at once.
    number = 15 if connection.vendor == "sqlite" else 14
    settings.CACHES = {"default": redis_cache_settings(f"redis://127.0.0.1:6379/{number}")}
    redis = caches["default"]
    try:
        redis.client.get_client().ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"no Redis at 127.0.0.1:6379 ({error})")
    redis.clear()
    yield redis
    redis.clear()


def test_the_cache_works_on_the_real_redis(
    client, home_page, redis_cache, django_assert_num_queries
):
    page = make_content_page(home_page, "Aims")
    client.get("/aims/")
    with django_assert_num_queries(0):
        assert client.get("/aims/")["X-Cache"] == "hit"

    page.title = "Our aims"
    page.save_revision().publish()

    assert client.get("/aims/")["X-Cache"] == "refresh"
    assert parse(client.get("/aims/")).h1.get_text() == "Our aims"


def test_the_redis_client_is_built_once_and_kept(redis_cache):
    client = redis_cache.client.get_client()

    assert redis_cache.client.get_client(write=True) is client
    assert redis_cache.get_many(["a", "b"]) == {}


def sent(response):
    """What a WSGI server does once it has written a response: close it, which renders a
    refresh's page (as Django's test client does, without closing the test's database
    connection)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_after_a_change_every_reader_gets_the_last_copy_and_the_page_renders_after_one(rf):
    """Nobody waits for the render after a change: the reader who sets it off gets the copy
    from before the change at once, as every other reader does, and the page is rendered once,
    after that reader's response is sent; the next reader gets the new copy."""
    from base.page_cache import invalidate

    renders = []

    def view(request):
        renders.append(len(renders) + 1)
        return HttpResponse(f"version {len(renders)}")

    middleware = PageCacheMiddleware(view)
    assert middleware(rf.get("/campaign/")).content == b"version 1"
    invalidate()

    first = middleware(rf.get("/campaign/"))
    assert (first.content, first["X-Cache"]) == (b"version 1", "refresh")
    assert renders == [1]  # not while the reader waits
    with mock.patch("base.page_cache.cache", wraps=caches["default"]) as cache:
        during = [middleware(rf.get("/campaign/")) for _reader in range(5)]
    assert [(r.content, r["X-Cache"]) for r in during] == [(b"version 1", "stale")] * 5
    # One round trip to the cache each: the process's own copy is served.
    assert [call[0] for call in cache.method_calls] == ["get_many"] * 5
    for response in during:
        sent(response)
    assert renders == [1]

    sent(first)
    assert renders == [1, 2]
    after = middleware(rf.get("/campaign/"))
    assert (after.content, after["X-Cache"]) == (b"version 2", "hit")


def test_readers_asking_at_once_after_a_change_set_off_one_render(rf):
    """Concurrent misses: twelve readers at the same moment, one render between them."""
    import threading

    from base.page_cache import invalidate

    renders, lock = [], threading.Lock()

    def view(request):
        with lock:
            renders.append(len(renders) + 1)
            return HttpResponse(f"version {len(renders)}")

    middleware = PageCacheMiddleware(view)
    middleware(rf.get("/campaign/"))
    invalidate()
    together, answered = threading.Barrier(12), threading.Barrier(12)
    responses = []

    def reader():
        together.wait(timeout=10)
        response = middleware(rf.get("/campaign/"))
        responses.append(response)
        answered.wait(timeout=10)  # every reader has an answer before the first is sent
        sent(response)

    readers = [threading.Thread(target=reader) for _reader in range(12)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(timeout=10)

    assert sorted(r["X-Cache"] for r in responses) == ["refresh"] + ["stale"] * 11
    assert {r.content for r in responses} == {b"version 1"}
    assert renders == [1, 2]
    assert middleware(rf.get("/campaign/")).content == b"version 2"


def test_a_head_request_gets_the_last_copy_and_leaves_the_render_to_a_get(rf):
    from base.page_cache import invalidate

    renders = []

    def view(request):
        renders.append(request.method)
        return HttpResponse(f"version {len(renders)}")

    middleware = PageCacheMiddleware(view)
    middleware(rf.get("/campaign/"))
    invalidate()
    head = middleware(rf.head("/campaign/"))
    sent(head)

    assert (head["X-Cache"], renders) == ("stale", ["GET"])
    sent(middleware(rf.get("/campaign/")))
    assert renders == ["GET", "GET"]


def test_a_render_that_fails_lets_the_next_request_render(rf, caplog):
    from base.page_cache import invalidate

    calls = []

    def view(request):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return HttpResponse(f"version {len(calls)}")

    middleware = PageCacheMiddleware(view)
    middleware(rf.get("/campaign/"))
    invalidate()
    failed = middleware(rf.get("/campaign/"))
    sent(failed)

    assert (failed.content, failed["X-Cache"]) == (b"version 1", "refresh")
    assert "Rendering page-cache::testserver:/campaign/ afresh after serving" in caplog.text
    again = middleware(rf.get("/campaign/"))
    assert (again.content, again["X-Cache"]) == (b"version 1", "refresh")
    sent(again)
    assert middleware(rf.get("/campaign/")).content == b"version 3"
