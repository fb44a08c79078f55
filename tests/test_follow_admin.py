"""Followers in the admin: editors and moderators see how many follow what, in which language,
and never an address; the list itself goes only to holders of campaigns.export_follower, and
each export is in the audit log with who took it and how many addresses, never an address."""

import csv
import io
import json

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from advocacy.models import HomePage
from campaigns.followers.admin import EXPORT_ACTION, follower_counts
from campaigns.models import CampaignPage, Follower
from tests.builders import make_campaign, make_campaign_index, make_home_page, translate
from tests.conftest import kept_for_module
from tests.html import parse

pytestmark = pytest.mark.django_db

COUNTS = "/admin/followers/"
EXPORT = "/admin/followers/export/"
ADDRESSES = ["leila@example.org", "reza@example.net", "=HYPERLINK(1)@example.com"]


def member_of(django_user_model, client, *groups, username="member"):
    user = django_user_model.objects.create_user(username, password="a-long-password-1")
    user.groups.add(*Group.objects.filter(name__in=groups))
    client.force_login(user)
    return user


def follow(email, campaign=None, language="en", confirmed=True, **fields):
    return Follower.objects.create(
        email=email,
        language=language,
        campaign_key=campaign.translation_key if campaign else None,
        confirmed_at=timezone.now() if confirmed else None,
        **fields,
    )


def build_campaigns():
    """The home page and two campaigns, the first also in Persian: their pks."""
    home_page = make_home_page()
    index = make_campaign_index(home_page)
    family = make_campaign(index, "Family Contact")
    camp = make_campaign(index, "Camp Ashraf")
    translate(home_page, "fa", title="سازمان آزمایشی")
    translate(index, "fa", title="کارزارها")
    translate(family, "fa", title="ارتباط خانوادگی")
    return home_page.pk, family.pk, camp.pk


@pytest.fixture(scope="module", autouse=True)
def campaigns_for_module(request, django_db_setup, django_db_blocker):
    """Every test of the module starts from these pages (and none has to publish them)."""
    yield from kept_for_module(request, django_db_blocker, build_campaigns)


@pytest.fixture
def home_page(campaigns_for_module, db):
    return HomePage.objects.get(pk=campaigns_for_module[0])


@pytest.fixture
def campaigns(campaigns_for_module, db):
    """The two campaigns, the first also in Persian."""
    return tuple(CampaignPage.objects.get(pk=pk) for pk in campaigns_for_module[1:])


@pytest.fixture
def followers(campaigns):
    family, camp = campaigns
    follow(ADDRESSES[0], family)
    follow(ADDRESSES[1], family, language="fa")
    follow(ADDRESSES[2], family, language="fa", frequency=Follower.Frequency.DAILY)
    follow("waiting@example.org", family, confirmed=False)
    follow(ADDRESSES[0], camp)
    follow(ADDRESSES[1], None, language="fa")
    follow("unsure@example.org", None, confirmed=False)
    return Follower.objects.all()


def table(response):
    """The counts table as text: one list of cells a row, the header row first."""
    rows = parse(response).select("#follower-counts tr")
    return [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in rows]


def exported(response):
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def give_export_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="export_follower"))


def export_entries():
    return ModelLogEntry.objects.filter(action=EXPORT_ACTION)


# The counts


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_see_confirmed_followers_per_campaign_and_language(
    client, django_user_model, followers, group
):
    member_of(django_user_model, client, group)

    response = client.get(COUNTS)

    assert response.status_code == 200
    assert table(response) == [
        [
            "Follows",
            "Confirmed, in English",
            "Confirmed, in Persian",
            "Confirmed, in all",
            "Not yet confirmed",
        ],
        ["Everything", "0", "1", "1", "1"],
        ["Camp Ashraf", "1", "0", "1", "0"],
        ["Family Contact", "1", "2", "3", "1"],
        ["In all", "2", "3", "5", "2"],
    ]


def test_the_counts_page_shows_no_address(client, django_user_model, followers):
    member_of(django_user_model, client, "Moderators")

    page = client.get(COUNTS).content.decode()

    for address in [*ADDRESSES, "waiting@example.org", "unsure@example.org", "example"]:
        assert address not in page
    assert "/admin/followers/export/" not in page


def test_campaigns_are_named_in_the_admins_own_language_where_they_are_translated(
    client, django_user_model, followers
):
    editor = member_of(django_user_model, client, "Editors")
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "fa"
    profile.save()

    rows = table(client.get(COUNTS))
    titles = [row[0] for row in rows[1:-1]]

    assert "تأییدشده، به فارسی" in rows[0]
    assert titles[0] == "همه چیز"
    # Camp Ashraf has no Persian translation: its English title stands in.
    assert "ارتباط خانوادگی" in titles
    assert "Camp Ashraf" in titles
    assert "Family Contact" not in titles


def test_followers_of_a_deleted_campaign_are_counted_under_a_row_that_says_so(
    client, django_user_model, campaigns
):
    family, camp = campaigns
    follow(ADDRESSES[0], camp)
    camp.delete()
    member_of(django_user_model, client, "Editors")

    assert table(client.get(COUNTS))[1] == ["A campaign no longer on the site", "1", "0", "1", "0"]


def test_with_nobody_following_the_page_says_so(client, django_user_model, home_page):
    member_of(django_user_model, client, "Editors")

    assert "Nobody follows the site by e-mail yet." in client.get(COUNTS).content.decode()


def test_the_counts_take_one_query_however_many_campaigns_are_followed(
    campaigns, django_assert_num_queries
):
    family, camp = campaigns
    follow(ADDRESSES[0], family)
    with django_assert_num_queries(1):
        rows, total = follower_counts()
    assert len(rows) == 1

    index = family.get_parent()
    for number in range(5):
        follow(f"reader{number}@example.org", make_campaign(index, f"Campaign {number}"))
        follow(f"reader{number}@example.org", None, language="fa", confirmed=False)
    with django_assert_num_queries(1):
        rows, total = follower_counts()

    assert len(rows) == 7
    assert (total["confirmed"], total["unconfirmed"]) == (6, 5)


@pytest.mark.parametrize("group", ["Translators", "Caseworkers"])
def test_a_signed_in_admin_user_who_is_not_an_editor_is_refused(
    client, django_user_model, followers, group
):
    member_of(django_user_model, client, group)

    assert client.get(COUNTS).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert "Followers by e-mail" not in client.get("/admin/").content.decode()


def test_a_signed_in_user_without_admin_access_is_sent_to_log_in(client, django_user_model):
    member_of(django_user_model, client)

    response = client.get(COUNTS)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editors_find_the_counts_in_the_reports_menu(client, django_user_model, home_page):
    member_of(django_user_model, client, "Editors")

    dashboard = client.get("/admin/").content.decode()

    assert "Followers by e-mail" in dashboard
    assert COUNTS in dashboard


def test_with_following_off_neither_page_exists(admin_client, settings, followers):
    settings.FOLLOW_BY_EMAIL = False

    assert admin_client.get(COUNTS).status_code == 404
    assert admin_client.get(EXPORT).status_code == 404
    assert COUNTS not in admin_client.get("/admin/").content.decode()


# The export


def test_editors_and_moderators_are_not_given_the_export_permission():
    for name in ["Editors", "Moderators", "Translators", "Caseworkers"]:
        group = Group.objects.get(name=name)
        assert not group.permissions.filter(codename="export_follower").exists(), name


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_exporting_without_the_permission_is_refused_and_logs_nothing(
    client, django_user_model, followers, group
):
    member_of(django_user_model, client, group)

    response = client.get(EXPORT)

    assert response.status_code == 403
    assert "example" not in response.content.decode()
    assert not export_entries().exists()


def test_the_export_holds_the_confirmed_followers_and_one_log_entry_names_the_user_and_count(
    client, django_user_model, followers
):
    moderator = member_of(django_user_model, client, "Moderators")
    give_export_permission(moderator)

    page = client.get(COUNTS).content.decode()
    response = client.get(EXPORT)
    rows = exported(response)

    assert EXPORT in page
    assert "no-store" in response["Cache-Control"]
    assert rows[0] == ["E-mail address", "Language", "Follows", "How often", "Confirmed on"]
    assert sorted((row[0], row[1], row[2], row[3]) for row in rows[1:]) == [
        ("'=HYPERLINK(1)@example.com", "Persian", "Family Contact", "One mail a day at most"),
        ("leila@example.org", "English", "Camp Ashraf", "One mail each time"),
        ("leila@example.org", "English", "Family Contact", "One mail each time"),
        ("reza@example.net", "Persian", "Everything", "One mail each time"),
        ("reza@example.net", "Persian", "Family Contact", "One mail each time"),
    ]
    assert all(row[4].startswith(timezone.localdate().isoformat()) for row in rows[1:])
    [entry] = export_entries()
    assert entry.user == moderator
    assert entry.data == {"count": 5}
    assert entry.content_type.model_class() is Follower
    logged = entry.label + json.dumps(entry.data) + entry.message
    assert "Exported 5 followers' addresses" in logged
    for address in [*ADDRESSES, "example"]:
        assert address not in logged


def test_a_superuser_may_export(admin_client, admin_user, followers):
    rows = exported(admin_client.get(EXPORT))

    assert len(rows) == 1 + 5
    assert export_entries().get().user == admin_user


def test_each_export_is_its_own_entry(admin_client, followers):
    admin_client.get(EXPORT)
    Follower.objects.confirmed().filter(campaign_key=None).delete()  # one leaves
    admin_client.get(EXPORT)

    assert sorted(entry.data["count"] for entry in export_entries()) == [4, 5]
    assert len({entry.uuid for entry in export_entries()}) == 2


def test_the_site_history_lists_the_export_for_those_who_may_export(
    client, django_user_model, followers
):
    moderator = member_of(django_user_model, client, "Moderators")
    give_export_permission(moderator)
    client.get(EXPORT)

    history = client.get("/admin/reports/site-history/")

    assert history.status_code == 200
    assert "Exported 5 followers&#x27; addresses" in history.content.decode()


def test_an_address_these_keys_cannot_read_is_exported_marked_and_nothing_else_is_lost(
    admin_client, followers, settings
):
    ours = settings.FAMILY_CONTACT_KEYS
    settings.FAMILY_CONTACT_KEYS = [Fernet.generate_key().decode()]
    follow("stranger@example.org", None, language="en")
    settings.FAMILY_CONTACT_KEYS = ours

    rows = exported(admin_client.get(EXPORT))

    assert ["(cannot be read with this server's keys)", "English", "Everything"] in [
        row[:3] for row in rows
    ]
    assert export_entries().get().data == {"count": 6}


def test_an_administrator_can_give_a_group_the_export_permission(admin_client):
    editors = Group.objects.get(name="Editors")
    page = parse(admin_client.get(f"/admin/groups/edit/{editors.pk}/"))
    permission = Permission.objects.get(codename="export_follower")

    [checkbox] = page.select(f"input[type=checkbox][value='{permission.pk}']")

    assert not checkbox.has_attr("checked")
    assert "Can export followers" in page.get_text()
