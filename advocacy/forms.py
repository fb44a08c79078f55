"""The home page's admin form: its links and featured campaigns are in the page's language."""

from wagtail.admin.forms import WagtailAdminPageForm

from base.forms import limit_to_language


class HomePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.locale_id:
            return
        locale = self.instance.locale
        limit_to_language(self, locale)
        for featured in self.formsets["featured_campaigns"].forms:
            limit_to_language(featured, locale)
