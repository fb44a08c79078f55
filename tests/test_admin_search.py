"""Editors find a development or an appeal in the admin listings by any word of its text, in
either language, as readers find it with the site search."""

import pytest
from wagtail.models import Locale

from tests.builders import make_appeal, make_development, translate_snippet

pytestmark = pytest.mark.django_db

DEVELOPMENTS = "/admin/snippets/campaigns/development/"
APPEALS = "/admin/snippets/campaigns/appeal/"


def found(admin_client, listing, query):
    response = admin_client.get(listing, {"q": query})
    assert response.status_code == 200
    return [str(item) for item in response.context["object_list"]]


@pytest.fixture
def development(db):
    return make_development(
        "Families meet in Baghdad",
        summary="Camp residents were kept from their visiting relatives.",
    )


@pytest.fixture
def appeal(db):
    return make_appeal(
        "Ask the UN to make family visits possible",
        target_name="Mr Andreas Mavrommatis",
        ask="Write to the Special Rapporteur about the visas refused to the families.",
    )


def test_the_development_listing_finds_a_word_of_the_summary(admin_client, development):
    assert found(admin_client, DEVELOPMENTS, "residents") == [str(development)]
    assert found(admin_client, DEVELOPMENTS, "reside") == [str(development)]
    assert found(admin_client, DEVELOPMENTS, "zebra") == []


def test_the_development_listing_still_finds_the_start_of_a_headline(admin_client, development):
    assert found(admin_client, DEVELOPMENTS, "Bagh") == [str(development)]


def test_the_appeal_listing_finds_the_target_and_the_ask(admin_client, appeal):
    assert found(admin_client, APPEALS, "Mavrommatis") == [str(appeal)]
    assert found(admin_client, APPEALS, "visas") == [str(appeal)]
    assert found(admin_client, APPEALS, "zebra") == []


def test_the_listings_find_a_persian_word_of_a_translation(admin_client, development, appeal):
    Locale.objects.get_or_create(language_code="fa")
    persian = translate_snippet(
        development,
        "fa",
        headline="دیدار خانواده‌ها در بغداد",
        summary="ساکنان اردوگاه را از دیدار بستگانشان بازداشتند.",
    )
    persian_appeal = translate_snippet(
        appeal,
        "fa",
        title="از سازمان ملل بخواهید",
        target_name="آندریاس ماوروماتیس (Andreas Mavrommatis)",
    )

    assert found(admin_client, DEVELOPMENTS, "ساکنان") == [str(persian)]
    # Typed with an Arabic yeh, as an Arabic keyboard does.
    assert found(admin_client, DEVELOPMENTS, "بستگانشان".replace("ی", "ي")) == [str(persian)]
    assert found(admin_client, APPEALS, "ماوروماتیس") == [str(persian_appeal)]
