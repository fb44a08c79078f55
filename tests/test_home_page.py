import pytest

from advocacy.models import FeaturedCampaign
from tests.builders import make_content_page
from tests.html import links, parse

pytestmark = pytest.mark.django_db


def feature(home_page, *pages):
    for order, page in enumerate(pages):
        FeaturedCampaign.objects.create(home_page=home_page, page=page, sort_order=order)


def test_featured_campaigns_appear_in_the_editors_order(client, home_page):
    first = make_content_page(home_page, "Family Contact", intro="Families want to visit.")
    second = make_content_page(home_page, "Camp Ashraf")
    hidden = make_content_page(home_page, "Unpublished", live=False)
    feature(home_page, second, hidden, first)

    page = parse(client.get("/"))
    cards = page.select_one("ul.cards")

    assert links(cards) == [
        ("/camp-ashraf/", "Camp Ashraf"),
        ("/family-contact/", "Family Contact"),
    ]
    assert "Families want to visit." in cards.get_text()


def test_no_featured_section_without_featured_campaigns(client, home_page):
    assert parse(client.get("/")).select_one("ul.cards") is None


def test_developments_and_appeals_have_empty_states(client, home_page):
    main = parse(client.get("/")).main.get_text()

    assert "No developments have been published yet." in main
    assert "There are no open appeals at the moment." in main


def test_who_we_are_teaser_links_to_the_aims(client, home_page):
    aims = make_content_page(home_page, "Aims")
    home_page.about_text = "A point of contact for families."
    home_page.about_page = aims
    home_page.save_revision().publish()

    section = parse(client.get("/")).select_one("section.about")

    assert section.h2.get_text() == "Who we are"
    assert "A point of contact for families." in section.get_text()
    assert links(section) == [("/aims/", "Read more: Aims")]


def test_home_page_query_count_does_not_grow_with_featured_campaigns(
    client, home_page, django_assert_max_num_queries
):
    feature(home_page, make_content_page(home_page, "One"))
    client.get("/")
    with django_assert_max_num_queries(100) as baseline:
        client.get("/")
    feature(home_page, *(make_content_page(home_page, f"Campaign {n}") for n in range(5)))

    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get("/")

    assert len(parse(response).select("ul.cards li")) == 6
