"""Mail to followers: what a publish tells whom, the daily digest, the mails themselves, and the
sender (batches, rate, retries, never twice), against a real SMTP server in the test process."""

import datetime
import logging
import re
import sys
import types
from urllib.parse import urlsplit

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail_localize.models import TranslationSource

from advocacy.gunicorn_logging import redact
from advocacy.settings.base import BASE_DIR
from campaigns.family_contact.acknowledgement import queue_acknowledgement, send_acknowledgement
from campaigns.followers import keys, sending
from campaigns.followers.models import Follower, Mail, MailNotice, Notice
from campaigns.followers.notices import fan_out, next_digest_time
from campaigns.followers.sending import send_due_mail
from campaigns.models import ContactRequest, Development
from tests.builders import (
    development_form_data,
    make_appeal,
    make_appeal_index,
    make_campaign,
    make_campaign_index,
    make_development,
    make_home_page,
    make_timeline_page,
    make_update,
    set_site_settings,
    translate_snippet,
)
from tests.conftest import kept_for_module
from tests.html import parse
from tests.mail_queue import SMTPServer, run_mail_queue

pytestmark = pytest.mark.django_db


def build_site():
    home_page = make_home_page(title="Test Organisation")
    set_site_settings(organisation_name="Test Organisation")
    index = make_campaign_index(home_page)
    pages = {
        "home": home_page,
        "campaign": make_campaign(index, "Family Contact"),
        "other": make_campaign(index, "Prisoners"),
        "timeline": make_timeline_page(home_page),
        "appeals": make_appeal_index(home_page),
    }
    return {name: page.pk for name, page in pages.items()}


@pytest.fixture(scope="module")
def site_for_module(request, django_db_setup, django_db_blocker):
    yield from kept_for_module(request, django_db_blocker, build_site)


@pytest.fixture
def site(site_for_module, db):
    """Home, two campaigns, the timeline and the appeals page, put in once for the module."""
    return {name: Page.objects.get(pk=pk).specific for name, pk in site_for_module.items()}


def follow(address, language="en", campaign=None, frequency=Follower.Frequency.EACH):
    return Follower.objects.create(
        email=address,
        language=language,
        campaign_key=campaign.translation_key if campaign else None,
        frequency=frequency,
        confirmed_at=timezone.now(),
    )


def waiting_senders():
    return DBTaskResult.objects.filter(
        status="READY", task_path=send_due_mail.module_path
    ).order_by("run_after")


def body(message, subtype="plain"):
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


def header(message, name):
    return str(message[name]).strip()


def a_contact_request(**fields):
    return ContactRequest.objects.create(
        requester_name="Maryam",
        relationship="sister",
        email="maryam@example.com",
        country="Germany",
        relative_name="Reza",
        consent_contact=True,
        **fields,
    )


# What a publish tells whom


def test_a_publish_mails_each_follower_hearing_of_it_once_in_their_language(smtp, site):
    follow("campaign@example.org", campaign=site["campaign"])
    follow("everything@example.org")
    follow("persian@example.org", "fa", campaign=site["campaign"])
    follow("other@example.org", campaign=site["other"])
    Follower.objects.create(email="unconfirmed@example.org", language="en")

    development = make_development("Families meet in Baghdad", campaign=site["campaign"])
    send_due_mail.call()

    assert sorted(message["To"] for message in smtp.messages) == [
        "campaign@example.org",
        "everything@example.org",
    ]
    message = smtp.to("campaign@example.org")[0]
    assert header(message, "Subject") == "Families meet in Baghdad (Test Organisation)"
    assert "17 July 2003" in body(message)
    assert "Read more:" in body(message)

    translate_snippet(development, "fa", headline="دیدار خانواده‌ها در بغداد")
    send_due_mail.call()

    (persian,) = smtp.to("persian@example.org")
    assert "دیدار خانواده‌ها در بغداد" in header(persian, "Subject")
    assert 'lang="fa" dir="rtl"' in body(persian, "html")
    assert "Read more" not in body(persian)
    assert len(smtp.messages) == 3
    send_due_mail.call()
    assert len(smtp.messages) == 3


def test_an_address_following_the_campaign_and_everything_gets_one_mail_of_a_publish(smtp, site):
    campaign_following = follow("both@example.org", campaign=site["campaign"])
    follow("both@example.org")

    make_development(campaign=site["campaign"])
    send_due_mail.call()

    (message,) = smtp.messages
    # Its link leaves the campaign, the nearer of the two followings.
    assert keys.link(campaign_following, "leave") in body(message)


def test_an_organisation_wide_development_reaches_only_the_followers_of_everything(smtp, site):
    follow("campaign@example.org", campaign=site["campaign"])
    follow("everything@example.org")

    make_development("The organisation's annual report")
    send_due_mail.call()

    assert [message["To"] for message in smtp.messages] == ["everything@example.org"]


def test_a_campaign_update_and_an_appeal_reach_the_campaigns_followers(smtp, site):
    follow("campaign@example.org", campaign=site["campaign"])

    make_update(site["campaign"], "Fifty families ready to travel")
    make_appeal("Write to the Special Rapporteur", campaign=site["campaign"])
    send_due_mail.call()

    subjects = sorted(header(message, "Subject") for message in smtp.messages)
    assert subjects == [
        "Fifty families ready to travel (Test Organisation)",
        "Write to the Special Rapporteur (Test Organisation)",
    ]


def test_a_republish_tells_nobody_unless_the_editor_ticks_notify_followers(smtp, site):
    follow("campaign@example.org", campaign=site["campaign"])
    development = make_development(campaign=site["campaign"])
    send_due_mail.call()
    assert len(smtp.messages) == 1

    development.summary = "A correction."
    development.save_revision().publish()
    send_due_mail.call()
    assert len(smtp.messages) == 1

    development.notify_followers = True
    revision = development.save_revision()
    revision.publish()
    send_due_mail.call()
    assert len(smtp.messages) == 2

    # Used once, the tick is gone from the live row and from what the next edit starts from.
    development.refresh_from_db()
    revision.refresh_from_db()
    assert development.notify_followers is False
    assert revision.content["notify_followers"] is False
    assert development.get_latest_revision_as_object().notify_followers is False
    development.save_revision().publish()
    send_due_mail.call()
    assert len(smtp.messages) == 2


def test_a_translation_synced_after_a_ticked_publish_tells_nobody_again(
    smtp, site, django_capture_on_commit_callbacks
):
    follow("english@example.org")
    follow("persian@example.org", "fa")
    development = make_development("Families meet in Baghdad")
    source, _created = TranslationSource.get_or_create_from_instance(development)
    persian = Locale.objects.get(language_code="fa")
    with django_capture_on_commit_callbacks(execute=True):
        source.create_or_update_translation(persian, publish=True, fallback=True)
    send_due_mail.call()
    assert len(smtp.to("persian@example.org")) == 1  # its first publish in Persian

    development.notify_followers = True
    development.save_revision().publish()
    source.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        source.create_or_update_translation(persian, publish=True, fallback=True)
    send_due_mail.call()

    assert len(smtp.to("english@example.org")) == 2
    assert len(smtp.to("persian@example.org")) == 1
    assert Development.objects.get(locale=persian).notify_followers is False


def test_a_moderator_ticks_notify_followers_in_the_admin_and_finds_it_unticked_after(
    site, admin_client
):
    follow("everything@example.org")
    development = make_development("Families meet in Baghdad")
    edit = f"/admin/snippets/campaigns/development/edit/{development.pk}/"
    assert Notice.objects.count() == 1  # the first publish

    admin_client.post(edit, {**development_form_data(summary="Corrected."), "action-publish": "1"})
    assert Notice.objects.count() == 1
    admin_client.post(
        edit,
        {**development_form_data(notify_followers="on"), "action-publish": "publish"},
    )

    assert Notice.objects.count() == 2
    form = parse(admin_client.get(edit))
    assert form.select_one("input[name=notify_followers]").get("checked") is None


def test_a_publish_with_nobody_to_tell_keeps_no_notice_and_queues_nothing(
    site, django_capture_on_commit_callbacks
):
    follow("other@example.org", campaign=site["other"])

    with django_capture_on_commit_callbacks(execute=True):
        make_development(campaign=site["campaign"])

    assert Notice.objects.count() == 0
    assert not waiting_senders().exists()


def test_publishes_queue_one_sender_however_many_there_are(
    site, django_capture_on_commit_callbacks
):
    follow("everything@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        make_development("One")
    with django_capture_on_commit_callbacks(execute=True):
        make_development("Two")

    assert Notice.objects.count() == 2
    assert waiting_senders().count() == 1
    assert run_mail_queue() == 1
    assert Mail.objects.filter(state=Mail.State.SENT).count() == 2
    assert not waiting_senders().exists()


def test_fanning_out_a_notice_twice_makes_no_second_mail(site):
    follow("everything@example.org")
    follow("daily@example.org", frequency=Follower.Frequency.DAILY)
    make_development()
    notice = Notice.objects.get()

    assert fan_out(notice.pk) == 2
    Notice.objects.filter(pk=notice.pk).update(fanned_out_at=None)
    assert fan_out(notice.pk) == 0

    assert Mail.objects.count() == 2
    assert MailNotice.objects.count() == 2


def test_fanning_out_to_many_followers_takes_bulk_inserts_not_a_query_each(
    site, django_assert_max_num_queries
):
    Follower.objects.bulk_create(
        Follower(
            email=f"follower{number}@example.org",
            address_hash=keys.address_hash(f"follower{number}@example.org"),
            language="en",
            frequency=Follower.Frequency.DAILY if number % 2 else Follower.Frequency.EACH,
            confirmed_at=timezone.now(),
        )
        for number in range(3000)
    )
    make_development()
    notice = Notice.objects.get()

    # Inserts of hundreds of rows each (SQLite takes 999 parameters a query), never a query
    # for each follower.
    with django_assert_max_num_queries(3000 // 50):
        fan_out(notice.pk)

    assert Mail.objects.filter(kind=Mail.Kind.NOTICE).count() == 1500
    assert Mail.objects.filter(kind=Mail.Kind.DIGEST).count() == 1500
    assert MailNotice.objects.count() == 3000


# The digest


def test_daily_followers_get_one_digest_of_several_publishes_at_the_digest_hour(
    smtp, site, settings
):
    settings.FOLLOW_DIGEST_HOUR = 7
    follow("daily@example.org", campaign=site["campaign"], frequency=Follower.Frequency.DAILY)
    make_development("Families meet in Baghdad", campaign=site["campaign"])
    make_update(site["campaign"], "Fifty families ready to travel")
    make_appeal("Write to the Special Rapporteur", campaign=site["campaign"])

    send_due_mail.call()

    (digest,) = Mail.objects.all()
    assert smtp.messages == []
    assert digest.kind == Mail.Kind.DIGEST
    assert digest.due_at == next_digest_time()
    assert timezone.localtime(digest.due_at).hour == 7
    assert digest.due_at > timezone.now()
    # The sender waits for the hour.
    assert [task.run_after for task in waiting_senders()] == [digest.due_at]

    Mail.objects.update(due_at=timezone.now())  # the hour comes
    send_due_mail.call()

    (message,) = smtp.messages
    assert header(message, "Subject").startswith("3 new from Test Organisation, ")
    text = body(message)
    for headline in (
        "Families meet in Baghdad",
        "Fifty families ready to travel",
        "Write to the Special Rapporteur",
    ):
        assert headline in text
    assert not waiting_senders().exists()


def test_the_next_digest_hour_is_later_today_or_tomorrow(site, settings):
    settings.FOLLOW_DIGEST_HOUR = 7
    morning = timezone.make_aware(datetime.datetime(2026, 3, 4, 6, 59))
    evening = timezone.make_aware(datetime.datetime(2026, 3, 4, 7, 0))

    assert next_digest_time(morning) == timezone.make_aware(datetime.datetime(2026, 3, 4, 7))
    assert next_digest_time(evening) == timezone.make_aware(datetime.datetime(2026, 3, 5, 7))


# The mails themselves


def test_every_notice_mail_carries_a_one_click_unsubscribe_and_a_visible_leave_link(smtp, site):
    follower = follow("everything@example.org")
    make_development()
    send_due_mail.call()

    (message,) = smtp.messages
    leave = keys.link(follower, "leave")
    assert header(message, "List-Unsubscribe") == f"<{leave}>"
    assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert header(message, "Auto-Submitted") == "auto-generated"
    assert leave in body(message)
    assert f'href="{leave}"' in body(message, "html")


def test_the_one_click_unsubscribe_of_a_mail_deletes_the_follower(smtp, site, client):
    pytest.importorskip("campaigns.followers.subscribe", reason="the leave view (follow-forms)")
    follow("everything@example.org")
    make_development()
    send_due_mail.call()
    (message,) = smtp.messages
    leave = header(message, "List-Unsubscribe").strip("<>")

    response = client.post(
        leave.removeprefix("http://localhost"), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code < 400
    assert not Follower.objects.exists()


def test_a_headline_with_a_line_break_makes_a_one_line_subject(smtp, site):
    follow("everything@example.org")
    make_development("Families meet\nin Baghdad")

    send_due_mail.call()

    assert header(smtp.messages[0], "Subject") == "Families meet in Baghdad (Test Organisation)"


def test_the_mails_carry_no_image_no_tracking_and_no_link_through_the_site(smtp, site):
    follow("everything@example.org")
    make_appeal("Write to the Special Rapporteur", campaign=site["campaign"])
    send_due_mail.call()

    html = body(smtp.messages[0], "html")
    assert "<img" not in html
    assert "/act/" not in html  # the counted action addresses of the site
    assert "mailto:rapporteur@un.example?subject=Family%20visits" in html


def test_an_appeal_mail_gives_the_target_the_ask_and_the_letter(smtp, site):
    follow("everything@example.org")
    make_appeal(
        "Write to the Special Rapporteur",
        campaign=site["campaign"],
        ask="Ask him to make family visits possible.",
    )
    send_due_mail.call()

    text = body(smtp.messages[0])
    assert "To: Mr Andreas Mavrommatis, UN Special Rapporteur on Iraq" in text
    assert "Ask him to make family visits possible." in text
    assert "E-mail address: rapporteur@un.example" in text
    assert "Subject: Family visits" in text
    assert "Dear Mr Mavrommatis,\nPlease help the families." in text
    assert "http://localhost/appeals/write-to-the-special-rapporteur/" in text


def test_an_item_unpublished_before_sending_is_left_out(smtp, site):
    follow("daily@example.org", frequency=Follower.Frequency.DAILY)
    make_development("Kept")
    withdrawn = make_development("Withdrawn")
    send_due_mail.call()
    assert smtp.messages == []

    withdrawn.unpublish()
    Mail.objects.update(due_at=timezone.now())
    send_due_mail.call()

    (digest,) = smtp.messages
    assert "Kept" in body(digest)
    assert "Withdrawn" not in body(digest)
    assert header(digest, "Subject").startswith("1 new from")


def test_a_mail_with_nothing_left_to_tell_is_closed_as_sent_and_not_sent(smtp, site):
    follow("each@example.org")
    soon_gone = make_development("Soon gone")
    soon_gone.unpublish()

    send_due_mail.call()

    (mail,) = Mail.objects.all()
    assert (mail.state, mail.sent_at) == (Mail.State.SENT, None)
    assert smtp.messages == []


def test_an_update_on_a_page_kept_to_some_readers_is_not_mailed(smtp, site):
    PageViewRestriction.objects.create(
        page=site["campaign"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    follow("campaign@example.org", campaign=site["campaign"])

    make_update(site["campaign"], "Only for those with the password")
    send_due_mail.call()

    assert smtp.messages == []
    assert Mail.objects.get().state == Mail.State.SENT


def test_a_supporter_follows_confirms_hears_of_a_publish_and_leaves_in_one_click(
    smtp, site, client
):
    """The whole path, through the public views and a real SMTP server: the form, the
    confirmation mail and its link, the mail of a publish, its one-click unsubscribe."""
    campaign = site["campaign"]
    response = client.post(
        "/follow/",
        {
            "email": "supporter@example.org",
            "follow": str(campaign.translation_key),
            "language": "en",
            "frequency": "each",
        },
    )
    assert response.status_code == 303
    make_development("Before the confirmation", campaign=campaign)
    send_due_mail.call()
    (confirmation,) = smtp.to("supporter@example.org")
    confirm = re.search(r"https?://\S+/follow/confirm/\S+/", body(confirmation)).group(0)
    assert client.post(urlsplit(confirm).path).status_code == 200

    make_development("Families meet in Baghdad", campaign=campaign)
    make_development("Another campaign's news", campaign=site["other"])
    send_due_mail.call()

    confirmation, news = smtp.to("supporter@example.org")
    assert "Families meet in Baghdad" in header(news, "Subject")
    assert "Another campaign" not in body(news) and "Before the confirmation" not in body(news)
    leave = urlsplit(header(news, "List-Unsubscribe").strip("<>")).path
    assert client.post(leave, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Follower.objects.exists()
    make_development("After leaving", campaign=campaign)
    send_due_mail.call()
    assert len(smtp.to("supporter@example.org")) == 2


def test_a_confirmation_is_composed_by_the_subscribe_module_and_sent_by_the_queue(
    smtp, site, monkeypatch
):
    def compose_confirmation(mail):
        return EmailMultiAlternatives("Confirm", "Open the link.", to=[mail.follower.email])

    monkeypatch.setitem(
        sys.modules,
        "campaigns.followers.subscribe",
        types.SimpleNamespace(compose_confirmation=compose_confirmation),
    )
    follower = Follower.objects.create(email="new@example.org", language="en")
    Mail.objects.create(follower=follower, kind=Mail.Kind.CONFIRM)

    send_due_mail.call()

    (message,) = smtp.messages
    assert header(message, "Subject") == "Confirm"
    assert Mail.objects.get().state == Mail.State.SENT


# The sender


def test_a_mail_refused_for_now_is_tried_again_after_the_back_off(smtp, site, settings):
    settings.MAIL_RETRY_SECONDS, settings.MAIL_ATTEMPTS = 60, 3
    follow("everything@example.org")
    make_development()
    smtp.refuse("451 4.3.0 Try again later")

    started = timezone.now()
    send_due_mail.call()

    mail = Mail.objects.get()
    assert smtp.messages == []
    assert (mail.state, mail.attempts) == (Mail.State.PENDING, 1)
    assert started + datetime.timedelta(seconds=59) < mail.due_at
    assert mail.due_at < timezone.now() + datetime.timedelta(seconds=61)
    assert [task.run_after for task in waiting_senders()] == [mail.due_at]

    send_due_mail.call()  # not due yet
    assert Mail.objects.get().attempts == 1

    smtp.refuse("451 4.3.0 Try again later")
    Mail.objects.update(due_at=timezone.now())
    send_due_mail.call()
    mail = Mail.objects.get()
    assert mail.attempts == 2
    # The second wait is twice the first.
    assert mail.due_at > timezone.now() + datetime.timedelta(seconds=119)

    Mail.objects.update(due_at=timezone.now())
    send_due_mail.call()
    mail = Mail.objects.get()
    assert (mail.state, mail.attempts) == (Mail.State.SENT, 3)
    assert len(smtp.messages) == 1


def test_a_mail_is_given_up_after_the_last_attempt_or_at_a_permanent_refusal(smtp, site, settings):
    settings.MAIL_ATTEMPTS = 2
    first, second = follow("first@example.org"), follow("second@example.org")
    make_development()
    smtp.refuse("550 5.1.1 No such user", "451 4.3.0 Try again later")

    send_due_mail.call()
    states = dict(Mail.objects.values_list("follower", "state"))
    assert states == {first.pk: Mail.State.FAILED, second.pk: Mail.State.PENDING}

    smtp.refuse("451 4.3.0 Try again later")
    Mail.objects.update(due_at=timezone.now())
    send_due_mail.call()
    assert set(Mail.objects.values_list("state", flat=True)) == {Mail.State.FAILED}
    assert smtp.messages == []
    assert not waiting_senders().exists()


def test_a_server_closing_the_connection_leaves_the_rest_of_the_batch_for_later(
    smtp, site, settings
):
    settings.MAIL_RETRY_SECONDS = 60
    for number in range(3):
        follow(f"follower{number}@example.org")
    make_development()
    smtp.refuse("421 4.3.2 Service shutting down")

    send_due_mail.call()

    # One tried and refused for now; the other two not tried on a closed connection.
    assert sorted(Mail.objects.values_list("attempts", flat=True)) == [0, 0, 1]
    assert set(Mail.objects.values_list("state", flat=True)) == {Mail.State.PENDING}
    assert waiting_senders().get().run_after > timezone.now() + datetime.timedelta(seconds=55)


def test_a_mail_server_that_cannot_be_reached_costs_no_attempt(site, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", SMTPServer().port  # nobody there
    follow("everything@example.org")
    make_development()

    send_due_mail.call()

    mail = Mail.objects.get()
    assert (mail.state, mail.attempts) == (Mail.State.PENDING, 0)
    (waiting,) = waiting_senders()
    assert waiting.run_after > timezone.now() + datetime.timedelta(seconds=50)


def test_a_run_sends_at_most_the_batch_size_and_no_more_than_the_rate(smtp, site, settings):
    settings.MAIL_BATCH_SIZE, settings.MAIL_PER_MINUTE = 2, 3
    for number in range(5):
        follow(f"follower{number}@example.org")
    make_development()

    assert send_due_mail.call()["sent"] == 2
    # More is due and the rate allows it: the next run is now.
    assert waiting_senders().get().run_after <= timezone.now()

    assert send_due_mail.call()["sent"] == 1
    assert len(smtp.messages) == 3
    # Three in the last minute: the next waits until the first of them is a minute old.
    first_sent = Mail.objects.filter(sent_at__isnull=False).order_by("sent_at")[0].sent_at
    assert waiting_senders().get().run_after == first_sent + datetime.timedelta(minutes=1)
    assert send_due_mail.call() == {}
    assert len(smtp.messages) == 3

    Mail.objects.filter(state=Mail.State.SENT).update(
        sent_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert send_due_mail.call()["sent"] == 2
    assert len({message["To"] for message in smtp.messages}) == 5


def test_a_mail_left_being_sent_by_a_dead_worker_is_given_up_not_sent_again(smtp, site, caplog):
    follow("everything@example.org")
    make_development()
    send_due_mail.call()
    smtp.handler.messages.clear()
    # As a worker leaves it when it dies between taking the mail and marking it sent.
    Mail.objects.update(
        state=Mail.State.SENDING,
        claimed_at=timezone.now() - datetime.timedelta(seconds=sending.STALE_SECONDS - 5),
        sent_at=None,
    )

    send_due_mail.call()
    assert Mail.objects.get().state == Mail.State.SENDING  # it may be being sent still
    assert waiting_senders().get().run_after < timezone.now() + datetime.timedelta(seconds=6)

    Mail.objects.update(claimed_at=timezone.now() - datetime.timedelta(minutes=6))
    with caplog.at_level(logging.INFO):
        send_due_mail.call()

    assert Mail.objects.get().state == Mail.State.FAILED
    assert smtp.messages == []
    assert "Gave up 1 mails left being sent by a worker that stopped" in caplog.text


def test_mails_and_notices_are_forgotten_a_month_after(smtp, site):
    follow("everything@example.org")
    follow("daily@example.org", frequency=Follower.Frequency.DAILY)
    make_development()
    send_due_mail.call()
    long_ago = timezone.now() - datetime.timedelta(days=sending.KEEP_DAYS + 1)
    Notice.objects.update(created_at=long_ago)
    Mail.objects.update(created_at=long_ago)

    send_due_mail.call()

    # The digest waits for its hour, and keeps its notice.
    assert list(Mail.objects.values_list("kind", flat=True)) == [Mail.Kind.DIGEST]
    assert Notice.objects.count() == 1
    Mail.objects.update(state=Mail.State.SENT)
    send_due_mail.call()
    assert not Mail.objects.exists()
    assert not Notice.objects.exists()


def test_the_logs_hold_no_address_and_no_link(smtp, site, caplog):
    follower = follow("secret.person@example.org")
    make_development()
    smtp.refuse("550 5.1.1 <secret.person@example.org>: no such user")

    with caplog.at_level(logging.DEBUG):
        send_due_mail.call()

    # The site's own lines (not the test's SMTP server's, which logs what it is sent).
    logged = "\n".join(
        record.getMessage() for record in caplog.records if record.name != "mail.log"
    )
    assert Mail.objects.get().state == Mail.State.FAILED
    assert "SMTPDataError" in logged
    assert "secret.person" not in logged
    assert keys.link_token(follower, "leave") not in logged


def test_the_access_logs_keep_no_follower_link(site):
    follower = follow("everything@example.org")

    for purpose in ("confirm", "leave"):
        path = urlsplit(keys.link(follower, purpose)).path
        logged = redact(path)
        assert logged == f"/follow/{purpose}/…/…/"
        assert keys.link_token(follower, purpose) not in logged
        assert str(follower.public_id) not in logged
    deploy_md = (BASE_DIR / "docs" / "deploy.md").read_text()
    assert '"~^(?<kept>.*/follow/(confirm|leave)/)" "${kept}…";' in deploy_md


def test_no_address_is_stored_in_plain_text(smtp, site):
    follow("plain.text@example.org")
    make_development()
    send_due_mail.call()

    tables = [
        *(model._meta.db_table for model in (Follower, Mail, MailNotice, Notice)),
        DBTaskResult._meta.db_table,
    ]
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found += [table for row in cursor.fetchall() if "plain.text" in repr(row)]
    assert len(smtp.messages) == 1
    assert Follower.objects.get().email == "plain.text@example.org"
    assert found == []


# The family contact acknowledgement


def test_the_family_acknowledgement_is_sent_once_through_the_mail_queue(
    smtp, site, django_capture_on_commit_callbacks
):
    request = a_contact_request(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        queue_acknowledgement(request, "en")
    assert smtp.messages == []  # nothing on the request itself

    assert run_mail_queue() == 1
    assert send_acknowledgement.call(request.pk, "en") == "not waiting"

    (message,) = smtp.messages
    assert message["To"] == "maryam@example.com"
    assert header(message, "Subject") == "We have received your request"
    assert header(message, "Auto-Submitted") == "auto-replied"
    request.refresh_from_db()
    assert (request.acknowledgement, request.acknowledgement_attempts) == ("sent", 1)


def test_a_refused_family_acknowledgement_is_tried_again_later(
    smtp, site, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_RETRY_SECONDS = 60
    request = a_contact_request()
    smtp.refuse("451 4.3.0 Try again later")
    with django_capture_on_commit_callbacks(execute=True):
        queue_acknowledgement(request, "en")

    assert run_mail_queue() == 1
    (later,) = DBTaskResult.objects.filter(status="READY", queue_name="mail")
    assert later.run_after > timezone.now() + datetime.timedelta(seconds=55)
    DBTaskResult.objects.filter(pk=later.pk).update(run_after=timezone.now())
    assert run_mail_queue() == 1

    (message,) = smtp.messages
    assert header(message, "Subject") == "درخواست شما به دست ما رسید"
