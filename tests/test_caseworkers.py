"""The caseworkers' register of family contact requests: who may see it, what it shows, the
audit log of every view, change and export, mutual consent, search, filters and withdrawal."""

import csv
import io
import json
import logging
from importlib import import_module

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from campaigns.models import ContactRequest
from tests.html import parse

pytestmark = pytest.mark.django_db

REGISTER = "/admin/family_contact_requests/"
PERSONAL = {
    "requester_name": "Maryam Rezaei",
    "relationship": "Mother",
    "email": "maryam@example.org",
    "phone": "07946 000111",
    "country": "United Kingdom",
    "relative_name": "Ali Karimi",
    "relative_other_names": "Abu Hassan",
    "relative_last_place": "Camp Ashraf",
    "message": "We last spoke in 2003.",
}


def make_request(**fields):
    return ContactRequest.objects.create(**{**PERSONAL, "consent_contact": True, **fields})


def edit_url(request):
    return f"{REGISTER}edit/{request.pk}/"


def delete_url(request):
    return f"{REGISTER}delete/{request.pk}/"


def member_of(django_user_model, group, username=None, **fields):
    user = django_user_model.objects.create_user(
        username or group.lower(), password="a-long-password-1", **fields
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def caseworker(client, django_user_model):
    user = member_of(django_user_model, "Caseworkers", first_name="Shirin", last_name="Amini")
    client.force_login(user)
    return user


def logs_for(request, action=None):
    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ContactRequest),
        object_id=str(request.pk),
    )
    return entries.filter(action=action) if action else entries


def assert_no_personal_data(entries):
    for entry in entries:
        logged = entry.label + json.dumps(entry.data)
        for value in PERSONAL.values():
            assert value not in logged


def listed(response):
    """The request numbers in the register's listing, in order."""
    cells = parse(response).select("tbody td.title .title-wrapper > a")
    return [int(cell.get_text(strip=True)) for cell in cells]


def exported(response):
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def raw_row(request):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {ContactRequest._meta.db_table} WHERE id = %s",  # noqa: S608
            [request.pk],
        )
        return cursor.fetchone()


def post_casework(client, request, **fields):
    data = {
        "status": request.status,
        "assigned_to": request.assigned_to_id or "",
        "relative_consent_on": "",
        "notes": "",
        **fields,
    }
    # An unticked checkbox is absent from a browser's post.
    if data.pop("relative_consent", False):
        data["relative_consent"] = "on"
    return client.post(edit_url(request), data)


# Who may see requests


def all_register_urls(request):
    return [
        REGISTER,
        REGISTER + "results/",
        REGISTER + "?export=csv",
        edit_url(request),
        delete_url(request),
        f"{REGISTER}history/{request.pk}/",
    ]


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_are_refused_every_register_page(client, django_user_model, group):
    request = make_request()
    client.force_login(member_of(django_user_model, group))

    for url in all_register_urls(request):
        assert client.get(url).status_code == 403, url
    assert client.post(delete_url(request)).status_code == 403
    assert ContactRequest.objects.filter(pk=request.pk).exists()


def test_a_superuser_outside_the_caseworkers_group_is_refused(admin_client):
    request = make_request()

    for url in all_register_urls(request):
        assert admin_client.get(url).status_code == 403, url


def test_a_superuser_added_to_the_caseworkers_group_gets_in(admin_client, admin_user):
    request = make_request()
    admin_user.groups.add(Group.objects.get(name="Caseworkers"))

    assert admin_client.get(REGISTER).status_code == 200
    assert admin_client.get(edit_url(request)).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    request = make_request()

    for url in all_register_urls(request):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


def test_only_caseworkers_see_the_register_in_the_menu(client, django_user_model, caseworker):
    assert "Family contact requests" in client.get("/admin/").content.decode()

    client.force_login(member_of(django_user_model, "Editors"))
    assert "Family contact requests" not in client.get("/admin/").content.decode()


def test_with_family_contact_requests_off_the_register_does_not_exist(client, caseworker, settings):
    request = make_request()
    settings.FAMILY_CONTACT_REQUESTS = False

    for url in all_register_urls(request):
        assert client.get(url).status_code == 404, url
    assert "Family contact requests" not in client.get("/admin/").content.decode()


def test_nobody_adds_requests_in_the_admin(client, caseworker):
    response = client.get(REGISTER)

    assert client.get(REGISTER + "new/").status_code == 404
    assert not parse(response).select(f'a[href="{REGISTER}new/"]')


# The listing


def test_the_listing_shows_numbers_and_casework_but_no_names(client, caseworker):
    request = make_request(assigned_to=caseworker, status=ContactRequest.Status.IN_PROGRESS)

    response = client.get(REGISTER)
    text = parse(response).select_one("table").get_text(" ", strip=True)

    assert listed(response) == [request.pk]
    assert "In progress" in text
    assert "Shirin Amini" in text
    for value in PERSONAL.values():
        assert value not in response.content.decode()


def test_opening_the_listing_writes_nothing_to_any_requests_history(client, caseworker):
    request = make_request()

    client.get(REGISTER)

    assert not logs_for(request).exists()


# Opening and changing a request


def test_a_caseworker_reads_the_request_as_text_and_it_is_logged(client, caseworker):
    request = make_request()
    before = timezone.now()

    response = client.get(edit_url(request))

    assert response.status_code == 200
    document = parse(response)
    text = document.get_text(" ", strip=True)
    assert "Maryam Rezaei" in text and "Ali Karimi" in text and "Camp Ashraf" in text
    # The answers are shown, never offered for editing.
    form_fields = {field["name"] for field in document.select("form [name]")}
    assert not form_fields & set(PERSONAL)
    assert {"status", "assigned_to", "relative_consent", "notes"} <= form_fields
    [entry] = logs_for(request, "campaigns.contact_request.view")
    assert entry.user == caseworker
    assert entry.timestamp >= before
    assert_no_personal_data([entry])


def test_a_requests_history_shows_who_viewed_and_changed_it(client, caseworker):
    request = make_request()
    client.get(edit_url(request))
    post_casework(client, request, status=ContactRequest.Status.IN_PROGRESS)

    response = client.get(f"{REGISTER}history/{request.pk}/")

    rows = [row.get_text(" ", strip=True) for row in parse(response).select("tbody tr")]
    assert len(rows) == 2
    assert "Edited" in rows[0] and "Viewed" in rows[1]
    assert all("Shirin Amini" in row for row in rows)


def test_a_caseworker_updates_a_request_and_the_change_is_logged(client, caseworker):
    request = make_request()

    response = post_casework(
        client,
        request,
        status=ContactRequest.Status.IN_PROGRESS,
        assigned_to=caseworker.pk,
        notes="Asked the Red Cross office in Erbil.",
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ContactRequest.Status.IN_PROGRESS
    assert request.assigned_to == caseworker
    assert request.notes == "Asked the Red Cross office in Erbil."
    [entry] = logs_for(request, "wagtail.edit")
    assert entry.user == caseworker
    assert entry.label == f"Request {request.pk}"
    assert "Erbil" not in entry.label + json.dumps(entry.data)
    assert_no_personal_data([entry])


def test_contact_made_is_refused_without_the_relatives_consent(client, caseworker):
    request = make_request(status=ContactRequest.Status.IN_PROGRESS)

    response = post_casework(client, request, status=ContactRequest.Status.CONTACT_MADE)

    assert response.status_code == 200
    errors = parse(response).select_one('[data-field-wrapper]:has([name="status"]) .error-message')
    assert "relative's consent" in errors.get_text()
    request.refresh_from_db()
    assert request.status == ContactRequest.Status.IN_PROGRESS
    assert not logs_for(request, "wagtail.edit").exists()


def test_contact_made_is_recorded_once_the_relatives_consent_is(client, caseworker):
    request = make_request(status=ContactRequest.Status.IN_PROGRESS)
    agreed = timezone.localdate()

    response = post_casework(
        client,
        request,
        status=ContactRequest.Status.CONTACT_MADE,
        relative_consent=True,
        relative_consent_on=agreed.isoformat(),
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ContactRequest.Status.CONTACT_MADE
    assert request.relative_consent_on == agreed


def test_neither_code_nor_the_database_marks_contact_made_without_consent():
    request = make_request()

    request.status = ContactRequest.Status.CONTACT_MADE
    with pytest.raises(ValidationError):
        request.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactRequest.objects.filter(pk=request.pk).update(
            status=ContactRequest.Status.CONTACT_MADE
        )


def test_only_caseworkers_can_be_assigned(client, django_user_model, caseworker):
    request = make_request()
    editor = member_of(django_user_model, "Editors")

    response = post_casework(client, request, assigned_to=editor.pk)

    assert response.status_code == 200
    request.refresh_from_db()
    assert request.assigned_to is None
    choices = [option["value"] for option in parse(response).select("[name=assigned_to] option")]
    assert choices == ["", str(caseworker.pk)]


# Export


def test_the_csv_export_holds_each_request_and_is_logged_for_each(client, caseworker):
    agreed = timezone.localdate()
    first = make_request()
    second = make_request(
        requester_name="Reza Ahmadi",
        status=ContactRequest.Status.CONTACT_MADE,
        relative_consent=True,
        relative_consent_on=agreed,
        assigned_to=caseworker,
    )

    rows = exported(client.get(REGISTER + "?export=csv"))

    assert [row["Number"] for row in rows] == [str(second.pk), str(first.pk)]
    assert rows[0]["Requester's name"] == "Reza Ahmadi"
    assert rows[0]["Status"] == "Contact made"
    assert rows[0]["The relative agrees to contact"] == "Yes"
    assert rows[0]["Caseworker"] == "Shirin Amini"
    assert rows[1]["Relative's name"] == "Ali Karimi"
    assert rows[1]["Status"] == "New"
    for request in (first, second):
        [entry] = logs_for(request, "campaigns.contact_request.export")
        assert entry.user == caseworker
        assert_no_personal_data([entry])
    assert (
        len({entry.uuid for entry in ModelLogEntry.objects.filter(action__endswith="export")}) == 1
    )


def test_no_exported_row_says_contact_made_without_the_relatives_consent(client, caseworker):
    make_request(status=ContactRequest.Status.IN_PROGRESS)
    make_request(
        status=ContactRequest.Status.CONTACT_MADE,
        relative_consent=True,
        relative_consent_on=timezone.localdate(),
    )

    rows = exported(client.get(REGISTER + "?export=csv"))

    assert {row["Status"] for row in rows} == {"In progress", "Contact made"}
    for row in rows:
        if row["Status"] == "Contact made":
            assert row["The relative agrees to contact"] == "Yes"


def test_the_export_holds_only_the_filtered_requests(client, caseworker):
    make_request()
    closed = make_request(status=ContactRequest.Status.CLOSED)

    rows = exported(client.get(REGISTER + "?export=csv&status=closed"))

    assert [row["Number"] for row in rows] == [str(closed.pk)]


def test_text_a_spreadsheet_would_run_is_exported_as_text(client, caseworker):
    make_request(requester_name='=HYPERLINK("http://example.com","x")', phone="+44 7946 000111")

    [row] = exported(client.get(REGISTER + "?export=csv"))

    assert row["Requester's name"] == '\'=HYPERLINK("http://example.com","x")'
    assert row["Requester's telephone number"] == "'+44 7946 000111"


def test_exporting_needs_the_export_permission(client, caseworker):
    request = make_request()
    caseworkers = Group.objects.get(name="Caseworkers")
    caseworkers.permissions.remove(caseworkers.permissions.get(codename="export_contactrequest"))

    response = client.get(REGISTER)
    assert response.status_code == 200
    assert "?export=csv" not in response.content.decode()
    assert client.get(REGISTER + "?export=csv").status_code == 403
    assert not logs_for(request).exists()


def test_only_csv_is_offered(client, caseworker):
    make_request()

    response = client.get(REGISTER)
    xlsx = client.get(REGISTER + "?export=xlsx")

    assert "?export=csv" in response.content.decode()
    assert "export=xlsx" not in response.content.decode()
    assert xlsx["Content-Type"].startswith("text/html")


# Search and filters


def test_search_finds_a_request_by_a_name_it_decrypts(client, caseworker):
    found = make_request(relative_name="Hossein Tabrizi")
    make_request()

    assert listed(client.get(REGISTER + "?q=tabrizi")) == [found.pk]
    assert listed(client.get(REGISTER + "?q=hossein+TABRIZI")) == [found.pk]
    assert listed(client.get(REGISTER + "?q=nobody")) == []


def test_search_finds_a_persian_name_typed_with_arabic_letters(client, caseworker):
    found = make_request(relative_name="علی رضایی")
    make_request()

    # Arabic yeh (ي) where the name has the Persian one (ی).
    assert listed(client.get(REGISTER, {"q": "رضايي"})) == [found.pk]


def test_search_looks_only_within_the_filtered_requests(client, caseworker):
    make_request(relative_name="Hossein Tabrizi")
    closed = make_request(relative_name="Hossein Tabrizi", status=ContactRequest.Status.CLOSED)

    assert listed(client.get(REGISTER + "?q=tabrizi&status=closed")) == [closed.pk]


def test_search_finds_a_request_by_its_answers_after_a_caseworker_changed_it(client, caseworker):
    found = make_request(relative_name="Hossein Tabrizi", relative_last_place="Camp Ashraf")
    found.status = ContactRequest.Status.IN_PROGRESS
    found.notes = "Called the family."
    found.save()

    assert listed(client.get(REGISTER, {"q": "ashraf tabrizi"})) == [found.pk]
    assert listed(client.get(REGISTER, {"q": "called"})) == []  # notes are not searched


def test_search_finds_a_request_stored_before_the_search_text_by_its_fields(client, caseworker):
    found = make_request(relative_name="Hossein Tabrizi")
    other = make_request()
    ContactRequest.objects.filter(pk__in=[found.pk, other.pk]).update(search_text=None)

    assert listed(client.get(REGISTER + "?q=tabrizi")) == [found.pk]


def test_the_migration_writes_the_search_text_of_requests_stored_before_it(settings):
    from django.apps import apps

    write_search_texts = import_module(
        "campaigns.migrations.0017_contact_request_search_text"
    ).write_search_texts
    older = make_request(relative_name="Hossein Tabrizi")
    ours = settings.FAMILY_CONTACT_KEYS
    settings.FAMILY_CONTACT_KEYS = [Fernet.generate_key().decode()]
    foreign = make_request()
    settings.FAMILY_CONTACT_KEYS = ours
    ContactRequest.objects.update(search_text=None)

    write_search_texts(apps, None)

    texts = dict(ContactRequest.objects.values_list("pk", "search_text"))
    assert texts[older.pk] == older.searched_text()
    assert "Hossein Tabrizi" in texts[older.pk].splitlines()
    assert texts[foreign.pk] is None  # left to be read field by field, and listed as unreadable
    assert "Tabrizi" not in " ".join(str(value) for value in raw_row(older))


def test_filters_narrow_the_register(client, django_user_model, caseworker):
    colleague = member_of(django_user_model, "Caseworkers", username="colleague")
    mine = make_request(assigned_to=caseworker)
    theirs = make_request(assigned_to=colleague, would_travel=True)
    unassigned = make_request(status=ContactRequest.Status.IN_PROGRESS, consent_share=True)
    agreed = make_request(relative_consent=True, relative_consent_on=timezone.localdate())

    assert listed(client.get(REGISTER + f"?assigned_to={caseworker.pk}")) == [mine.pk]
    assert listed(client.get(REGISTER + "?status=in_progress")) == [unassigned.pk]
    assert listed(client.get(REGISTER + "?would_travel=true")) == [theirs.pk]
    assert listed(client.get(REGISTER + "?consent_share=true")) == [unassigned.pk]
    assert listed(client.get(REGISTER + "?relative_consent=true")) == [agreed.pk]
    assert listed(client.get(REGISTER + "?preferred_language=en")) == []


# Withdrawal


def test_withdrawal_deletes_that_request_at_once_and_nothing_else(client, caseworker):
    withdrawn = make_request()
    kept = make_request()

    confirmation = client.get(delete_url(withdrawn))
    response = client.post(delete_url(withdrawn))

    assert "cannot be undone" in parse(confirmation).get_text()
    assert response.status_code == 302
    assert list(ContactRequest.objects.all()) == [kept]
    [entry] = logs_for(withdrawn, "wagtail.delete")
    assert entry.user == caseworker
    assert entry.label == f"Request {withdrawn.pk}"
    assert_no_personal_data([entry])


# At rest


def test_the_database_row_holds_no_plain_personal_data():
    request = make_request()

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {ContactRequest._meta.db_table} WHERE id = %s",  # noqa: S608
            [request.pk],
        )
        row = " ".join(str(value) for value in cursor.fetchone())

    for value in PERSONAL.values():
        assert value not in row
    assert ContactRequest.objects.get(pk=request.pk).relative_name == "Ali Karimi"


# A request stored with a key this server does not have


UNREADABLE = "This request cannot be read with the keys this server has"


@pytest.fixture
def foreign_request(settings):
    """A request stored by an app server given a valid key that is not the organisation's."""
    ours = settings.FAMILY_CONTACT_KEYS
    settings.FAMILY_CONTACT_KEYS = [Fernet.generate_key().decode()]
    request = make_request(requester_name="Foreign Requester", relative_name="Foreign Relative")
    settings.FAMILY_CONTACT_KEYS = ours
    return request


def row_of(response, request):
    link = parse(response).select_one(f'tbody td.title a[href="{edit_url(request)}"]')
    return link.find_parent("tr").get_text(" ", strip=True)


def test_the_listing_shows_the_requests_it_can_read_and_marks_the_one_it_cannot(
    client, caseworker, foreign_request
):
    readable = make_request(status=ContactRequest.Status.IN_PROGRESS)

    response = client.get(REGISTER)

    assert response.status_code == 200
    assert listed(response) == [readable.pk, foreign_request.pk]
    assert UNREADABLE in row_of(response, foreign_request)
    assert UNREADABLE not in row_of(response, readable)
    assert "In progress" in row_of(response, readable)


def test_search_finds_what_it_can_read_and_lists_the_unreadable_request_marked(
    client, caseworker, foreign_request
):
    found = make_request(relative_name="Hossein Tabrizi")
    make_request()

    response = client.get(REGISTER + "?q=tabrizi")

    assert response.status_code == 200
    # It cannot tell whether the unreadable one matches, so it does not hide it.
    assert listed(response) == [found.pk, foreign_request.pk]
    assert UNREADABLE in row_of(response, foreign_request)


def test_the_export_marks_the_unreadable_request_in_place_of_its_answers(
    client, caseworker, foreign_request, caplog
):
    readable = make_request()

    with caplog.at_level(logging.WARNING, logger="campaigns.family_contact.register"):
        response = client.get(REGISTER + "?export=csv")
        rows = exported(response)

    assert response.status_code == 200
    assert [row["Number"] for row in rows] == [str(readable.pk), str(foreign_request.pk)]
    assert rows[0]["Requester's name"] == "Maryam Rezaei"
    unreadable = rows[1]
    assert unreadable["Status"] == "New"
    assert unreadable["Received"].startswith(str(timezone.localdate().year))
    for heading in ("Requester's name", "Relative's name", "Requester's e-mail address", "Message"):
        assert unreadable[heading] == "(cannot be read with this server's keys)"
    [warning] = caplog.records
    assert str(foreign_request.pk) in warning.getMessage()
    assert "Foreign" not in warning.getMessage()
    for request in (readable, foreign_request):
        [entry] = logs_for(request, "campaigns.contact_request.export")
        assert_no_personal_data([entry])


def test_an_unreadable_request_opens_on_a_page_that_says_so(client, caseworker, foreign_request):
    response = client.get(edit_url(foreign_request))

    assert response.status_code == 200
    document = parse(response)
    text = document.get_text(" ", strip=True)
    assert UNREADABLE in text
    assert "FAMILY_CONTACT_KEYS" in text
    assert "New" in text
    assert not document.select("form [name=notes], form [name=status]")
    assert not logs_for(foreign_request).exists()


def test_a_save_cannot_overwrite_an_unreadable_request(client, caseworker, foreign_request):
    before = raw_row(foreign_request)

    response = post_casework(
        client, foreign_request, status=ContactRequest.Status.CLOSED, notes="Overwritten"
    )

    assert response.status_code == 409
    assert UNREADABLE in parse(response).get_text(" ", strip=True)
    assert raw_row(foreign_request) == before
    assert not logs_for(foreign_request, "wagtail.edit").exists()


def test_saving_an_unreadable_request_in_code_keeps_what_it_holds(foreign_request):
    before = raw_row(foreign_request)
    loaded = ContactRequest.objects.get(pk=foreign_request.pk)

    loaded.save(update_fields=["requester_name", "relative_name", "notes"])

    assert raw_row(foreign_request) == before
