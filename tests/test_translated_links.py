"""Translating a page or snippet copies its links, which still lead to the originals: readers
of the translation follow them to the linked page in their own language where there is one."""

import pytest
from wagtail.rich_text import RichText

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


def marked_links(element):
    """(href, hreflang, words) of each link inside element; the words as a reader sees them."""
    return [
        (a["href"], a.get("hreflang"), " ".join(a.get_text().split()))
        for a in element.select("a[href]")
    ]


def test_the_persian_home_says_its_links_to_english_only_pages_are_in_english(client, home_page):
    campaign = make_campaign(make_campaign_index(home_page))
    about = make_content_page(home_page, "Aims", intro="What we ask for.")
    FeaturedCampaign.objects.create(home_page=home_page, page=campaign)
    home_page.about_heading, home_page.about_text, home_page.about_page = "Who", "Us.", about
    publish(home_page)
    translate(home_page, "fa", title="سازمان آزمایشی")  # nothing below it is translated

    page = parse(client.get("/fa/"))

    about_link = page.select_one("section.about a")
    assert marked_links(page.select_one("section.about")) == [
        ("/aims/", "en", "بیشتر بخوانید: Aims (به انگلیسی)")
    ]
    assert [(span["lang"], span["dir"]) for span in about_link.select("span[lang]")] == [
        ("en", "ltr")
    ]
    card = page.select_one("ul.cards")
    assert marked_links(card) == [
        ("/campaigns/family-contact/", "en", "Family Contact (به انگلیسی)")
    ]
    assert card.select_one("h3 span[lang]").get_text() == "Family Contact"


def test_the_english_home_links_to_a_translated_page_without_a_mark(client, home_page):
    about = make_content_page(home_page, "Aims")
    home_page.about_heading, home_page.about_text, home_page.about_page = "Who", "Us.", about
    publish(home_page)

    page = parse(client.get("/"))

    assert marked_links(page.select_one("section.about")) == [("/aims/", None, "Read more: Aims")]
    assert page.select_one("section.about span[lang]") is None


def test_persian_rich_text_says_which_linked_pages_are_only_in_english(client, home_page):
    translate(home_page, "fa", title="سازمان آزمایشی")
    history = make_content_page(home_page, "History")
    aims = make_content_page(home_page, "Aims")
    translate(aims, "fa", title="اهداف", slug="aims")
    text = (
        f'<p>ببینید <a linktype="page" id="{history.pk}">تاریخچه</a> و '
        f'<a linktype="page" id="{aims.pk}">اهداف</a>.</p>'
    )
    translate(
        make_content_page(home_page, "Work"),
        "fa",
        title="کار ما",
        slug="work",
        body=[("paragraph", RichText(text))],
    )

    page = parse(client.get("/fa/work/"))

    assert marked_links(page.select_one("main .rich-text, main .block-paragraph, main"))[-2:] == [
        ("/history/", "en", "تاریخچه (به انگلیسی)"),
        ("/fa/aims/", None, "اهداف"),
    ]


def test_english_rich_text_says_which_linked_pages_are_only_in_persian(client, home_page):
    persian_home = translate(home_page, "fa", title="سازمان آزمایشی")
    persian_only = make_content_page(persian_home, "گزارش", slug="report")
    text = f'<p>Read <a linktype="page" id="{persian_only.pk}">the report</a>.</p>'
    make_content_page(home_page, "Work", body=[("paragraph", RichText(text))])

    page = parse(client.get("/work/"))

    assert ("/fa/report/", "fa", "the report (in Persian)") in marked_links(page.select_one("main"))


def test_a_persian_timeline_says_an_untranslated_campaign_is_in_english(
    client, home_page, campaigns
):
    other = make_campaign(campaigns.get_parent(), "Right to Leave")
    translate(make_timeline_page(home_page), "fa", title="گاه‌شمار")
    translate_snippet(make_development(campaign=other), "fa", headline="خروج")

    timeline = parse(client.get("/fa/timeline/"))

    assert marked_links(timeline.select_one(".timeline-campaign")) == [
        ("/campaigns/right-to-leave/", "en", "Right to Leave (به انگلیسی)")
    ]
