from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

# What compresses well; PDFs, images and other files are compressed already or gain nothing.
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
)


def accepts_gzip(request):
    """Whether the client takes gzip: named with a quality above 0, or "*" (RFC 9110, 12.5.3).
    Django's GZipMiddleware only looks for the word, so "gzip;q=0" got gzip."""
    qualities = {}
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        name, *parameters = (part.strip() for part in coding.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        qualities[name.lower()] = quality
    return qualities.get("gzip", qualities.get("*", 0.0)) > 0


class TextGZipMiddleware(GZipMiddleware):
    """Compresses pages, feeds and sitemaps for readers on slow connections: a page is a
    quarter of its size. Django's GZipMiddleware includes its mitigation of the BREACH attack;
    the public pages hold no secret anyway."""

    def process_response(self, request, response):
        if response.get("Content-Encoding") == "None":
            # Wagtail's document view (wagtail.utils.sendfile) writes the absent encoding as
            # the word "None", which a browser may refuse to decode.
            del response["Content-Encoding"]
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        if not accepts_gzip(request):
            patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return super().process_response(request, response)


class SecurityHeadersMiddleware(CSPMiddleware):
    """Security headers for every response.

    Public pages get the strict Content-Security-Policy of settings.CONTENT_SECURITY_POLICY.
    The Wagtail admin, and pages seen by a signed-in editor (who gets Wagtail's userbar), get
    the looser ADMIN_CONTENT_SECURITY_POLICY that the admin needs; such responses are never
    cached for anonymous readers.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and self._is_for_editors(request):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts

    @staticmethod
    def _is_for_editors(request):
        if request.path_info.startswith(f"/{settings.ADMIN_PATH}"):
            return True
        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if settings.ONION_ADDRESS and not self._is_for_editors(request):
            # Tor Browser offers the reader the same page at the onion service.
            response.headers.setdefault(
                "Onion-Location", settings.ONION_ADDRESS + request.get_full_path()
            )
        return response
