import pytest
from django.core.cache import cache

from tests.builders import make_home_page, set_site_settings


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder that disappears with the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: Wagtail keeps site root paths there."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    return make_home_page(title="Test Organisation")


@pytest.fixture
def site_settings(home_page):
    return set_site_settings(organisation_name="Test Organisation")
