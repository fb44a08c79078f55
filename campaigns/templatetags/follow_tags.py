from django import template
from django.conf import settings

from ..followers import subscribe

register = template.Library()


@register.inclusion_tag("components/follow_form.html")
def follow_form(form=None, campaign=None, chosen=None, heading=True):
    """The "Follow by e-mail" form: on a campaign's pages (campaign: this one or everything),
    elsewhere with the site's campaigns to choose from (chosen: the one chosen at first, such
    as the timeline's filter), or a form already filled in (/follow/). Nothing when following
    is turned off."""
    if not settings.FOLLOW_BY_EMAIL:
        return {"form": None}
    if form is None:
        initial = {"follow": str(chosen.translation_key)} if chosen else None
        form = subscribe.site_form(initial=initial, campaign=campaign)
    return {
        "form": form,
        "choices": [form["follow"], form["language"], form["frequency"]],
        "heading": heading,
        "days": subscribe.local_number(settings.FOLLOW_UNCONFIRMED_DAYS),
    }
