"""Dates claim no more precision than they have, in each language's own way."""

import datetime

import pytest
from django.utils import translation

from base.dates import DAY, MONTH, YEAR, display_date, persian_digits

JULY_17 = datetime.date(2003, 7, 17)


@pytest.mark.parametrize(
    ("date", "precision", "shown"),
    [(JULY_17, DAY, "17 July 2003"), (JULY_17, MONTH, "July 2003"), (JULY_17, YEAR, "2003")],
)
def test_english_dates_say_what_is_known(date, precision, shown):
    with translation.override("en"):
        assert display_date(date, precision) == shown


@pytest.mark.parametrize(
    ("date", "precision", "shown"),
    [
        # A day: the Solar Hijri day, with the Gregorian day beside it.
        (JULY_17, DAY, "۲۶ تیر ۱۳۸۲ (۱۷ ژوئیه ۲۰۰۳)"),
        # A Gregorian month runs across two Solar Hijri months: both are named first, no day,
        # the Gregorian month in brackets, the same order as a day.
        (datetime.date(2003, 5, 1), MONTH, "اردیبهشت–خرداد ۱۳۸۲ (مه ۲۰۰۳)"),
        # ... and across two Solar Hijri years in March.
        (datetime.date(2003, 3, 1), MONTH, "اسفند ۱۳۸۱–فروردین ۱۳۸۲ (مارس ۲۰۰۳)"),
        # A Gregorian year runs across two Solar Hijri years.
        (datetime.date(2003, 1, 1), YEAR, "۱۳۸۱–۱۳۸۲ (۲۰۰۳)"),
    ],
)
def test_persian_dates_put_the_solar_hijri_date_first_at_every_precision(date, precision, shown):
    with translation.override("fa"):
        assert display_date(date, precision) == shown


def test_persian_digits_replace_every_latin_digit():
    assert persian_digits("2003-07-17") == "۲۰۰۳-۰۷-۱۷"


@pytest.mark.django_db
def test_the_persian_timeline_shows_persian_dates(client, home_page):
    from wagtail.models import Locale

    from tests.builders import make_development, make_timeline_page, translate
    from tests.html import parse

    persian = Locale.objects.get(language_code="fa")
    translate(home_page, "fa")
    translate(make_timeline_page(home_page), "fa")
    make_development("خانواده‌ها در بغداد", date=JULY_17, locale=persian)
    make_development("Families in Baghdad", date=JULY_17)

    persian_date = parse(client.get("/fa/timeline/")).select_one(".timeline-date").get_text()
    english_date = parse(client.get("/timeline/")).select_one(".timeline-date").get_text()

    assert persian_date.strip() == "۲۶ تیر ۱۳۸۲ (۱۷ ژوئیه ۲۰۰۳)"
    assert english_date.strip() == "17 July 2003"
