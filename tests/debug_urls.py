"""The site's addresses as `make run` (DEBUG) has them, for tests that run without DEBUG."""

from advocacy.urls import development_media
from advocacy.urls import urlpatterns as site_patterns

urlpatterns = development_media + site_patterns
