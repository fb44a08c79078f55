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
