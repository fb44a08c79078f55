from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from .models import Appeal, AppealActionCount


class ActionRedirect(HttpResponseRedirect):
    # A prepared e-mail is a mailto: link; every target comes from the appeal, never the request.
    allowed_schemes = ["http", "https", "mailto"]


@require_safe
def appeal_action(request, appeal_id):
    """Counts one supporter acting on an appeal, then sends them to the appeal's own target.

    Nothing about the supporter is kept: no address, no cookie, only one more in the day's count.
    """
    appeal = get_object_or_404(Appeal.objects.live().select_related("locale"), pk=appeal_id)
    if not appeal.is_open():
        with translation.override(appeal.locale.language_code):
            response = TemplateResponse(
                request, "campaigns/appeal_closed.html", {"appeal": appeal}, status=404
            ).render()
    else:
        target = appeal.get_target_url(request)
        if not target:
            raise Http404("This appeal's action has no target")
        if request.method == "GET":
            AppealActionCount.add_one(appeal)
        response = ActionRedirect(target)
    add_never_cache_headers(response)
    return response
