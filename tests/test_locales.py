import pytest
from wagtail.models import Locale

pytestmark = pytest.mark.django_db


def test_english_and_persian_locales_exist_from_the_migrations():
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == ["en", "fa"]
    assert Locale.get_default().language_code == "en"
