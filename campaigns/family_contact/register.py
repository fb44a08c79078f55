"""The register of family contact requests, for the Caseworkers group only.

Caseworkers list, filter, search, open, update, export and delete (on withdrawal) requests.
Every view, change and export of a request is written to Wagtail's audit log; the log stores
who, when, what was done and the request's number ("Request 12"), never its contents.

A request this app server's FAMILY_CONTACT_KEYS cannot read (encryption.py) is listed,
found and exported with what is not encrypted (number, dates, status, consents) and marked as
unreadable; its own page says so and takes no change, so that nothing overwrites what it holds.
"""

import datetime
import logging
import uuid

import django_filters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.utils.urlpatterns import decorate_urlpatterns

from base.search import normalise

from .access import (
    EXPORT_ACTION,
    VIEW_ACTION,
    caseworkers,
    register_view,
)
from .encryption import Unreadable, cannot_read
from .models import ContactRequest

logger = logging.getLogger(__name__)

# The requester's answers, shown to caseworkers as text and never as form fields, under the
# model's verbose names: the form's own labels speak to the requester ("your name"); these speak
# about them.
ANSWER_FIELDS = (
    "created_at",
    "requester_name",
    "relationship",
    "email",
    "phone",
    "country",
    "preferred_language",
    "relative_name",
    "relative_other_names",
    "relative_year",
    "relative_last_place",
    "message",
    "would_travel",
    "consent_contact",
    "consent_share",
)


def label(name):
    return capfirst(ContactRequest._meta.get_field(name).verbose_name)


# The export: the request's number and the caseworkers' part around the requester's answers.
EXPORTED_FIELDS = (
    "id",
    "created_at",
    "status",
    "assigned_to",
    "closed_at",
    *ANSWER_FIELDS[1:],
    "relative_consent",
    "relative_consent_on",
    "notes",
)


UNREADABLE = _("This request cannot be read with the keys this server has.")
# In each exported cell that would hold an answer or a note.
UNREADABLE_CELL = _("(cannot be read with this server's keys)")


def display_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def yes_no(value):
    return gettext("Yes") if value else gettext("No")


def searchable(text):
    """text in one spelling for matching: Persian letters and digits as base.search
    normalises them, any case folded."""
    return normalise(text).casefold()


class ContactRequestFilterSet(WagtailFilterSet):
    assigned_to = django_filters.ModelChoiceFilter(
        label=_("Caseworker"),
        queryset=lambda request: caseworkers(),
        null_label=_("Nobody yet"),
    )

    class Meta:
        model = ContactRequest
        fields = [
            "status",
            "assigned_to",
            "preferred_language",
            "would_travel",
            "consent_share",
            "relative_consent",
        ]


def neutralise_formula(text):
    """Text a spreadsheet would run as a formula (=, +, -, @) starts with an apostrophe: the
    values were typed by strangers on the public form."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class NumberColumn(TitleColumn):
    """The request's number, linked to its page, and the mark of a request that cannot be read."""

    cell_template_name = "campaigns/admin/caseworkers/number_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["unreadable"] = UNREADABLE if cannot_read(instance) else ""
        return context


class ContactRequestIndexView(generic.IndexView):
    # Search by decrypting (search_queryset); CSV only, since XLSX needs openpyxl.
    is_searchable = True
    FORMATS = (SpreadsheetExportMixin.FORMAT_CSV,)
    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        datetime.datetime: {
            SpreadsheetExportMixin.FORMAT_CSV: lambda value: timezone.localtime(value).strftime(
                "%Y-%m-%d %H:%M"
            )
        },
        bool: {SpreadsheetExportMixin.FORMAT_CSV: yes_no},
        str: {SpreadsheetExportMixin.FORMAT_CSV: neutralise_formula},
    }
    custom_field_preprocess = {
        "assigned_to": {SpreadsheetExportMixin.FORMAT_CSV: display_name},
    }

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.user_has_permission("export"):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("assigned_to")

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(NumberColumn)
        return [
            title_column("id", label=_("Number"), sort_key="id", get_url=self.get_edit_url),
            DateColumn("created_at", label=_("Received"), sort_key="created_at"),
            Column("get_status_display", label=_("Status"), sort_key="status"),
            Column(
                "assigned_to", label=_("Caseworker"), accessor=lambda r: display_name(r.assigned_to)
            ),
            Column("get_preferred_language_display", label=_("Preferred language")),
            Column(
                "would_travel", label=_("Would travel"), accessor=lambda r: yes_no(r.would_travel)
            ),
            Column(
                "consent_contact",
                label=_("May contact"),
                accessor=lambda r: yes_no(r.consent_contact),
            ),
            Column(
                "consent_share", label=_("May share"), accessor=lambda r: yes_no(r.consent_share)
            ),
            Column(
                "relative_consent",
                label=_("Relative consents"),
                accessor=lambda r: yes_no(r.relative_consent),
            ),
        ]

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        words = searchable(self.search_query).split()
        fields = ContactRequest.SEARCHED_FIELDS

        def matches(text):
            # A request that cannot be read is listed too, marked: it may be the one looked for.
            return isinstance(text, Unreadable) or all(word in searchable(text) for word in words)

        # Decrypted in Python (they are encrypted, so SQL cannot match them): the register
        # holds open requests and closed ones for FAMILY_CONTACT_RETENTION_MONTHS, a few
        # hundred; with 10,000 the search view took 350 ms in make bench.
        matching, older = [], []
        for pk, text in queryset.select_related(None).values_list("pk", "search_text"):
            if text is None:
                older.append(pk)  # stored before the search text existed: field by field
            elif matches(text):
                matching.append(pk)
        if older:
            requests = ContactRequest.objects.filter(pk__in=older).only("pk", *fields)
            matching += [
                request.pk
                for request in requests
                if matches(request.searched_text() or Unreadable())
            ]
        return queryset.filter(pk__in=matching)

    @cached_property
    def show_export_buttons(self):
        return bool(self.list_export) and self.user_has_permission("export")

    @cached_property
    def header_more_buttons(self):
        xlsx = self.xlsx_export_url
        return [button for button in super().header_more_buttons if button.url != xlsx]

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["status"] = item.get_status_display()
        row["preferred_language"] = item.get_preferred_language_display()
        for field, value in row.items():
            if isinstance(value, Unreadable):
                row[field] = gettext(UNREADABLE_CELL)
        return row

    def write_csv_response(self, queryset):
        requests = list(queryset)
        if unreadable := [request.pk for request in requests if cannot_read(request)]:
            # Numbers only: the operator needs to know which, and nothing they hold.
            logger.warning(
                "Exported %d family contact request(s) that FAMILY_CONTACT_KEYS on this server "
                "cannot read, without their answers: %s",
                len(unreadable),
                ", ".join(str(pk) for pk in unreadable),
            )
        # One entry per request, so that each request's history shows it left the system;
        # one uuid ties the entries of one export together.
        export = uuid.uuid4()
        with transaction.atomic():
            for request in requests:
                log(request, EXPORT_ACTION, user=self.request.user, uuid=export)
        return super().write_csv_response(requests)

    def get_heading(self, queryset, field):
        return str(self.export_headings[field])


class ContactRequestForm(WagtailAdminModelForm):
    """The caseworkers' part of a request. The model's clean() refuses "contact made" without
    the relative's consent, as a form error on the status."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assigned_to = self.fields["assigned_to"]
        assigned_to.queryset = caseworkers()
        assigned_to.label_from_instance = display_name


class AnswerPanel(FieldPanel):
    """One of the requester's answers, shown as text: caseworkers record their own work and
    never change what a family told us."""

    def __init__(self, field_name, **kwargs):
        kwargs["read_only"] = True
        super().__init__(field_name, **kwargs)

    def format_value_for_display(self, value):
        if isinstance(value, bool):
            return yes_no(value)
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        return super().format_value_for_display(value)


class ContactRequestEditView(generic.EditView):
    delete_item_label = _("Withdraw and delete")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if cannot_read(self.object):
            return self.unreadable_page()
        response = super().get(request, *args, **kwargs)
        log(self.object, VIEW_ACTION, user=request.user)
        return response

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if cannot_read(self.object):
            # Saving would encrypt the form's empty notes over the ones stored: refuse it all.
            return self.unreadable_page(status=409)
        return super().post(request, *args, **kwargs)

    def unreadable_page(self, status=200):
        """What a request that cannot be read shows instead of its answers and the form. It
        shows nothing personal, so it is no view for the audit log."""
        return TemplateResponse(
            self.request,
            "campaigns/admin/caseworkers/unreadable.html",
            {
                "view": self,
                "object": self.object,
                "breadcrumbs_items": self.get_breadcrumbs_items(),
                "header_title": str(self.object),
                "header_icon": self.header_icon,
                "message": gettext(UNREADABLE),
                "explanation": gettext(
                    "It was stored with an encryption key this server does not have, so its "
                    "answers and notes cannot be shown or changed here. Nothing has been lost: "
                    "ask whoever runs the site to give this server the same FAMILY_CONTACT_KEYS "
                    "as the others."
                ),
                "facts": [
                    (label("created_at"), timezone.localtime(self.object.created_at)),
                    (_("Status"), self.object.get_status_display()),
                ],
                "index_url": reverse(self.index_url_name),
                "index_label": gettext("Back to the family contact requests"),
            },
            status=status,
        )

    def form_invalid(self, form):
        # The page shown again holds the request's answers: that is a view too.
        log(self.object, VIEW_ACTION, user=self.request.user)
        return super().form_invalid(form)


class ContactRequestDeleteView(generic.DeleteView):
    page_title = _("Withdraw and delete")
    success_message = _("%(object)s withdrawn and deleted.")

    @property
    def confirmation_message(self):
        return gettext(
            "The requester has withdrawn this request. Deleting it removes everything they "
            "told us and everything recorded about it, at once. This cannot be undone."
        )


class ContactRequestViewSet(ModelViewSet):
    model = ContactRequest
    icon = "group"
    menu_label = _("Family contact requests")
    menu_order = 250
    add_to_admin_menu = True
    # Requests come only from the public form; nothing copies them or indexes their links.
    copy_view_enabled = False
    add_to_reference_index = False
    index_view_class = ContactRequestIndexView
    edit_view_class = ContactRequestEditView
    delete_view_class = ContactRequestDeleteView
    delete_template_name = "campaigns/admin/caseworkers/confirm_delete.html"
    filterset_class = ContactRequestFilterSet
    ordering = ["-created_at"]
    list_per_page = 50
    list_export = list(EXPORTED_FIELDS)
    export_headings = {
        **{name: label(name) for name in EXPORTED_FIELDS if name != "id"},
        "id": _("Number"),
    }
    export_filename = "family-contact-requests"
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [AnswerPanel(name, heading=label(name)) for name in ANSWER_FIELDS],
                heading=_("The request"),
            ),
            FieldPanel("status"),
            FieldPanel("assigned_to"),
            FieldPanel("relative_consent"),
            FieldPanel("relative_consent_on"),
            FieldPanel("notes"),
        ],
        base_form_class=ContactRequestForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"add_url_name": None, **kwargs})

    def get_urlpatterns(self):
        urlpatterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]
        return decorate_urlpatterns(urlpatterns, register_view)
