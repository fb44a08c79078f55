import io
import json

import pytest
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from modelsearch.backends.database.postgres.weights import determine_boosts_weights
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText
from wagtail.search.models import IndexEntry

import base.search
from advocacy import views
from advocacy.views import SNIPPET_RESULTS, search_terms
from base.search import StrongWords
from campaigns.models import Development
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_content_page,
    make_development,
    translate,
)
from tests.html import links, parse

pytestmark = pytest.mark.django_db


def body(text):
    return [("paragraph", RichText(f"<p>{text}</p>"))]


def results(response):
    page = parse(response)
    listing = page.select_one("ol.search-results")
    return [text for _href, text in links(listing)] if listing else []


def test_search_finds_a_page_by_a_word_from_its_body(client, home_page):
    make_content_page(home_page, "Obstacles", body=body("The visas were refused in Baghdad."))
    make_content_page(home_page, "Aims", body=body("Reuniting families."))

    response = client.get("/search/", {"q": "visas"})

    assert response.status_code == 200
    assert results(response) == ["Obstacles"]
    assert parse(response).select_one("input#search-query")["value"] == "visas"


def test_search_finds_published_appeals_and_developments(client, home_page):
    make_appeal_index(home_page)
    make_appeal("Write about the visas")
    make_appeal("Draft about the visas", slug="draft", live=False)
    make_development("Visas refused in Baghdad")
    make_development("Draft about visas", live=False)

    page = parse(client.get("/search/", {"q": "visas"}))

    assert [h.get_text(strip=True) for h in page.select(".appeal-card h3")] == [
        "Write about the visas"
    ]
    assert [h.get_text(strip=True) for h in page.select(".timeline-entry h3")] == [
        "Visas refused in Baghdad"
    ]


def test_search_never_shows_drafts_or_private_pages(client, home_page):
    make_content_page(home_page, "Draft", live=False, body=body("Confidential visas plan."))
    private = make_content_page(home_page, "Private", body=body("Private visas list."))
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    make_content_page(home_page, "Public", body=body("Public visas news."))

    assert results(client.get("/search/", {"q": "visas"})) == ["Public"]


def test_search_keeps_to_the_readers_language(client, home_page):
    aims = make_content_page(home_page, "Aims", body=body("Families first."))
    persian_home = translate(home_page, "fa", title="خانه")
    translate(aims, "fa", title="اهداف", body=body("خانواده‌ها families"))
    assert persian_home.live

    assert results(client.get("/search/", {"q": "families"})) == ["Aims"]
    assert results(client.get("/fa/search/", {"q": "families"})) == ["اهداف"]


def test_empty_query_asks_for_words(client, home_page):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "Type one or more words" in parse(response).main.get_text()
    assert response["X-Robots-Tag"] == "noindex"


def test_no_results_says_so_and_echoes_the_query(client, home_page):
    response = client.get("/search/", {"q": "zebra"})

    assert results(response) == []
    assert parse(response).main.h2.get_text() == "No pages match “zebra”"


def test_results_are_paginated(client, home_page):
    for number in range(12):
        make_content_page(home_page, f"Update {number}", body=body("Visits to the camp."))

    first = client.get("/search/", {"q": "camp"})
    second = client.get("/search/", {"q": "camp", "page": 2})

    assert len(results(first)) == 10
    assert len(results(second)) == 2
    assert ("?q=camp&page=2", "Next page") in links(parse(first).select_one("nav.pagination"))
    assert not set(results(first)) & set(results(second))


@pytest.mark.parametrize(
    "params",
    [
        {"q": "visas " * 400},
        {"q": "\"'!&|():*<>\\%_~^[]{}@#$;"},
        {"q": "visas\x00\x1f"},
        {"q": "AND OR NOT -"},
        {"q": "خانواده"},
        {"q": "camp", "page": "abc"},
        {"q": "camp", "page": "99999"},
        {"q": "camp", "page": "-1"},
        {"q": ["a", "b"]},
    ],
)
def test_bad_input_never_errors(client, home_page, params):
    make_content_page(home_page, "Obstacles", body=body("The visas were refused at the camp."))

    response = client.get("/search/", params)

    assert response.status_code == 200


def test_out_of_range_page_shows_the_last_page(client, home_page):
    for number in range(11):
        make_content_page(home_page, f"Update {number}", body=body("The camp."))

    last = results(client.get("/search/", {"q": "camp", "page": "99999"}))

    assert len(last) == 1
    assert last == results(client.get("/search/", {"q": "camp", "page": "2"}))


def test_long_queries_are_cut_to_a_searchable_length(client, home_page):
    response = client.get("/search/", {"q": "a" * 2000})

    assert len(parse(response).select_one("input#search-query")["value"]) == 200


def explain(sql, params=()):
    with connection.cursor() as cursor:
        # With a few rows a sequential scan is cheapest: forbid it to see what the indexes fit.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text index")
def test_the_search_on_postgresql_has_indexes_that_fit_its_query(home_page):
    """The site search's query of developments tests `title || body` of the index entries and
    joins them to developments on the id as text: base/migrations and Development's indexes
    have an index for each, so a search needs read neither every entry nor every
    development. Its candidates are found by their strong words through an index of these."""
    make_development("Visas refused in Baghdad")
    found = (
        Development.objects.live()
        .filter(locale=home_page.locale)
        .search(search_terms("visas"))[:SNIPPET_RESULTS]
    )
    plan = explain(*found.get_queryset().query.sql_with_params())
    match, join = "(title || body) @@", "((campaigns_development.id)::character varying(50))::text"
    assert match in plan
    assert join in plan

    entries = explain("SELECT id FROM wagtailsearch_indexentry WHERE (title || body) @@ 'visa'")
    developments = explain(
        "SELECT id FROM campaigns_development WHERE (id::varchar(50))::text = '1'"
    )

    strong_words = StrongWords(F("title"), F("body"), output_field=SearchVectorField())
    strong = IndexEntry.objects.annotate(words=strong_words).filter(words=SearchQuery("visas"))

    assert "base_search_title_body_gin" in entries
    assert "development_id_as_text" in developments
    assert "base_search_strong_words_gin" in explain(*strong.values("id").query.sql_with_params())


# At 100x content a common word matches thousands of entries: on PostgreSQL a sliced search
# ranks only candidates (base.search._RankingCandidates). Shown here with a tiny candidate cap.

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's ranking of candidates"
)


def ranked_rows(results):
    """How many rows PostgreSQL ranked (sorted) to answer a sliced search."""
    sql, params = results.get_queryset().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        plan = plan if isinstance(plan, list) else json.loads(plan)

    def sorts(node):
        if node["Node Type"] == "Sort":
            yield node
        for child in node.get("Plans", []):
            yield from sorts(child)

    (sort,) = sorts(plan[0]["Plan"])
    (ranked,) = (child for child in sort["Plans"] if child["Parent Relationship"] == "Outer")
    return ranked["Actual Rows"]


def visas_in_headlines(count):
    for number in range(count):
        make_development(f"Visas refused, {number}", summary="At the border.")


def test_the_search_page_costs_the_same_queries_however_many_developments_match(client, home_page):
    def queries():
        client.get("/search/", {"q": "visas"})
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": "visas"})
        return len(captured)

    visas_in_headlines(SNIPPET_RESULTS)
    few = queries()
    visas_in_headlines(4 * SNIPPET_RESULTS)

    assert queries() == few


@on_postgresql
def test_a_sliced_search_ranks_only_the_candidates_unless_it_reaches_past_them(
    home_page, monkeypatch
):
    monkeypatch.setattr(base.search, "CANDIDATES", 3)
    visas_in_headlines(12)
    found = Development.objects.live().filter(locale=home_page.locale).search("visas")

    assert ranked_rows(found[:2]) == 3
    assert ranked_rows(found[:4]) == 12


@on_postgresql
def test_a_headline_match_ranks_first_however_many_summaries_match_before_it(
    client, home_page, monkeypatch
):
    monkeypatch.setattr(base.search, "CANDIDATES", SNIPPET_RESULTS)
    for number in range(8):
        make_development(f"Families wait, {number}", summary="Their visas were refused.")
    make_development("Visas granted at last", summary="The families travel.")

    page = parse(client.get("/search/", {"q": "visas"}))

    headlines = [h.get_text(strip=True) for h in page.select(".timeline-entry h3")]
    assert len(headlines) == SNIPPET_RESULTS
    assert headlines[0] == "Visas granted at last"


@pytest.mark.parametrize("prefix", ["", "/fa"])
def test_a_word_in_more_pages_than_are_ranked_shows_the_best_and_asks_for_another_word(
    client, home_page, monkeypatch, prefix
):
    monkeypatch.setattr(base.search, "CANDIDATES", 10)
    monkeypatch.setattr(views, "MAX_RESULTS", 10)
    translate(home_page, "fa", title="سازمان آزمایشی")
    for number in range(12):
        page = make_content_page(
            home_page, f"Camp visit {number}", body=body("Visits to the camp.")
        )
        translate(page, "fa", title=f"دیدار از اردوگاه {number}", body=body("اردوگاه"))
    word = "اردوگاه" if prefix else "camp"

    first = client.get(f"{prefix}/search/", {"q": word})
    beyond = client.get(f"{prefix}/search/", {"q": word, "page": 2})

    heading, hint = parse(first).select("main h2")[-1], parse(first).select_one("main h2 + p")
    if prefix:
        assert heading.get_text(strip=True) == "دست‌کم ۱۰ صفحه با «اردوگاه» جور است"
        assert "واژه‌ای بیفزایید" in hint.get_text()
    else:
        assert heading.get_text(strip=True) == "At least 10 pages match “camp”"
        assert "add a word" in hint.get_text()
    assert len(results(first)) == 10
    assert parse(first).select_one("nav.pagination") is None
    assert results(beyond) == results(first)


def test_fewer_matches_than_are_ranked_are_counted_exactly(client, home_page, monkeypatch):
    monkeypatch.setattr(views, "MAX_RESULTS", 13)
    for number in range(12):
        make_content_page(home_page, f"Camp visit {number}", body=body("Visits to the camp."))

    response = client.get("/search/", {"q": "camp"})

    assert parse(response).select("main h2")[-1].get_text(strip=True) == "12 pages match “camp”"
    assert "add a word" not in response.content.decode()


def test_titles_and_headlines_have_the_weights_that_outrank_all_others():
    """base.search.STRONG_WEIGHTS, and base/migrations/0002's index, name the weights
    modelsearch gives titles and headlines: only while every other field has a weight worth
    a small share of theirs does a match there rank above any match elsewhere."""
    boosts = determine_boosts_weights()
    strong = set(base.search.STRONG_WEIGHTS.strip("{}").upper().split(","))

    assert {weight for boost, weight in boosts if boost > 0} == strong
    assert {boost for boost, weight in boosts if weight not in strong} == {0}


def entry(instance):
    return IndexEntry.objects.get(
        content_type__model=instance._meta.model_name, object_id=str(instance.pk)
    )


def test_indexing_a_page_norms_its_own_title_and_rewrites_no_other_row(home_page):
    """base.search._TitleNorms: a publish norms the title of what it indexed (the average title
    length over its own), and leaves the rest of the index alone; on PostgreSQL a full
    update_index norms every row (modelsearch's SQLite rebuild leaves them as they are)."""
    published = make_content_page(home_page, "Families meet in Baghdad", slug="meet")
    other = make_content_page(home_page, "A visit to the prison", slug="visit")
    IndexEntry.objects.filter(pk=entry(other).pk).update(title_norm=1.0)

    published.title = "Families meet in Baghdad again"
    published.save_revision().publish()

    assert entry(published).title_norm != 1.0
    assert entry(other).title_norm == 1.0
    call_command("update_index", stdout=io.StringIO())
    assert (entry(other).title_norm != 1.0) is (connection.vendor == "postgresql")
