"""Dates as readers of each language read them, claiming no more precision than they have.

In English: "17 July 2003", "May 2003", "2003". In Persian, in Persian digits, at every precision
the Solar Hijri date comes first and the Gregorian follows in brackets. A month or a year known
only in the Gregorian calendar does not fall within one Solar Hijri month or year: the Solar Hijri
part names the months or years it spans ("اسفند ۱۳۸۱–فروردین ۱۳۸۲ (مارس ۲۰۰۳)"), never a day.
"""

import datetime

import jdatetime
from django.utils import translation
from django.utils.formats import date_format

DAY, MONTH, YEAR = "day", "month", "year"
FORMATS = {DAY: "j F Y", MONTH: "F Y", YEAR: "Y"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
SOLAR_MONTHS = jdatetime.date.j_months_fa


def persian_digits(text):
    return str(text).translate(PERSIAN_DIGITS)


def display_date(date, precision=DAY):
    """The date in the active language, to the precision it is known."""
    gregorian = date_format(date, FORMATS[precision])
    if translation.get_language() != "fa":
        return gregorian
    if precision == DAY:
        solar = jdatetime.date.fromgregorian(date=date)
        text = f"{solar.day} {SOLAR_MONTHS[solar.month - 1]} {solar.year}"
    else:
        text = _solar_span(date, precision)
    return persian_digits(f"{text} ({gregorian})")


def _solar_span(date, precision):
    """The Solar Hijri months (of a Gregorian month) or years (of a Gregorian year) it covers."""
    if precision == MONTH:
        first = date.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        last = following - datetime.timedelta(days=1)
    else:
        first, last = date.replace(month=1, day=1), date.replace(month=12, day=31)
    start, end = jdatetime.date.fromgregorian(date=first), jdatetime.date.fromgregorian(date=last)
    if precision == YEAR:
        return f"{start.year}–{end.year}"
    start_month, end_month = SOLAR_MONTHS[start.month - 1], SOLAR_MONTHS[end.month - 1]
    if start.year == end.year:
        return f"{start_month}–{end_month} {end.year}"
    return f"{start_month} {start.year}–{end_month} {end.year}"


def uses_solar_years():
    """Persian pages file by Solar Hijri years (headings, the year filter); others Gregorian."""
    return translation.get_language() == "fa"


# Solar Hijri years whose first and last days both have a Gregorian date Python can hold.
SOLAR_YEARS = range(jdatetime.MINYEAR, jdatetime.MAXYEAR)


def solar_year(date):
    return jdatetime.date.fromgregorian(date=date).year


def solar_year_days(year):
    """The first and last Gregorian days of a Solar Hijri year (Nowruz to the eve of the next)."""
    first = jdatetime.date(year, 1, 1).togregorian()
    last = jdatetime.date(year + 1, 1, 1).togregorian() - datetime.timedelta(days=1)
    return first, last


def filing_year(date):
    """The year an entry is filed under on a page: the Solar Hijri year of its own (stored) date
    on Persian pages, the Gregorian year elsewhere. A month or year known only in the Gregorian
    calendar is stored as its first day, so it is filed under the Solar Hijri year its span
    starts in: March 2003 under 1381, where most of that month falls, and the year 2003 under
    1381 too, where its date ("۱۳۸۱–۱۳۸۲ (۲۰۰۳)") begins. Filing by the stored date keeps the
    headings, the year filter and the newest-first order in agreement without a second sort key."""
    return solar_year(date) if uses_solar_years() else date.year
