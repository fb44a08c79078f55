"""Translating a page or snippet copies its links, which still lead to the originals: readers
of the translation follow them to the linked page in their own language where there is one."""

import pytest

from advocacy.models import FeaturedCampaign
from tests.builders import (
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_content_page,
    make_development,
    make_timeline_page,
    publish,
    translate,
    translate_snippet,
)
from tests.html import links, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns(home_page):
    """An English campaign and its Persian translation, with the pages above them."""
    translate(home_page, "fa", title="سازمان آزمایشی")
    index = make_campaign_index(home_page)
    translate(index, "fa", title="کارزارها")
    campaign = make_campaign(index)
    translate(campaign, "fa", title="ارتباط خانوادگی")
    return campaign


def test_a_translated_development_links_to_the_campaign_in_its_language(
    client, home_page, campaigns
):
    translate(make_timeline_page(home_page), "fa", title="گاه‌شمار")
    translate_snippet(make_development(campaign=campaigns), "fa", headline="دیدار در بغداد")

    timeline = parse(client.get("/fa/timeline/"))

    assert links(timeline.select_one(".timeline-campaign")) == [
        ("/fa/campaigns/family-contact/", "ارتباط خانوادگی")
    ]


def test_a_translated_appeal_names_the_campaign_in_its_language(client, home_page, campaigns):
    translate(make_appeal_index(home_page), "fa", title="فراخوان‌ها")
    appeal = translate_snippet(make_appeal(campaign=campaigns), "fa", title="نامه بنویسید")

    page = parse(client.get(f"/fa/appeals/{appeal.slug}/"))

    assert ("/fa/campaigns/family-contact/", "ارتباط خانوادگی") in links(page.select_one("main"))


def test_a_translated_home_page_features_the_campaigns_in_its_language(client, home_page):
    index = make_campaign_index(home_page)
    campaign = make_campaign(index)
    about = make_content_page(home_page, "Aims")
    FeaturedCampaign.objects.create(home_page=home_page, page=campaign)
    home_page.about_heading, home_page.about_text, home_page.about_page = "Who", "Us.", about
    publish(home_page)
    translate(home_page, "fa", title="سازمان آزمایشی")  # copies the choices above
    translate(index, "fa", title="کارزارها")
    translate(campaign, "fa", title="ارتباط خانوادگی")
    translate(about, "fa", title="اهداف")

    page = parse(client.get("/fa/"))

    assert links(page.select_one("ul.cards")) == [
        ("/fa/campaigns/family-contact/", "ارتباط خانوادگی")
    ]
    assert links(page.select_one("section.about")) == [("/fa/aims/", "بیشتر بخوانید: اهداف")]


def test_a_link_to_an_untranslated_campaign_still_leads_to_the_original(
    client, home_page, campaigns
):
    other = make_campaign(campaigns.get_parent(), "Right to Leave")
    translate(make_timeline_page(home_page), "fa", title="گاه‌شمار")
    translate_snippet(make_development(campaign=other), "fa", headline="خروج")

    timeline = parse(client.get("/fa/timeline/"))

    assert links(timeline.select_one(".timeline-campaign")) == [
        ("/campaigns/right-to-leave/", "Right to Leave")
    ]
