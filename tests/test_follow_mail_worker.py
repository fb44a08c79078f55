"""The mail queue's worker killed mid-batch: nothing is sent twice, and a second worker sends the
rest. The workers are `manage.py db_worker --queue-name=mail` processes on the test's database,
so the test commits as the site does (PostgreSQL: SQLite's test database lives in this process
alone)."""

import collections
import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from advocacy.settings.base import BASE_DIR
from campaigns.followers import sending
from campaigns.followers.models import Follower, Mail
from campaigns.followers.sending import send_due_mail
from tests.builders import (
    make_campaign,
    make_campaign_index,
    make_development,
    make_home_page,
    make_timeline_page,
    set_site_settings,
)
from tests.deployment import end_process, poll

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the workers share the test's PostgreSQL database"
    ),
]

FOLLOWERS = 10
HELD = 4


@pytest.fixture
def start_worker(smtp, tmp_path):
    """`db_worker --queue-name=mail` in the production settings, on the test's database and
    keys, sending to the test's SMTP server; its output in worker-<n>.log."""
    database = connection.settings_dict
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_ENV_FILE": os.devnull,
        "SECRET_KEY": settings.SECRET_KEY,
        "FAMILY_CONTACT_KEYS": ",".join(settings.FAMILY_CONTACT_KEYS),
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "MAIL_PER_MINUTE": "1000",
        "LOG_LEVEL": "INFO",
    }
    workers = []

    def start():
        log = tmp_path / f"worker-{len(workers)}.log"
        with open(log, "wb") as output:
            workers.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--backend=database"]
                    + ["--queue-name=mail", "--interval=0.2", "--no-startup-delay"],
                    cwd=BASE_DIR,
                    env=environment,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
        return workers[-1], log

    yield start
    for worker in workers:
        end_process(worker)


def mails_by_state():
    return collections.Counter(Mail.objects.values_list("state", flat=True))


def test_a_worker_killed_mid_batch_sends_nothing_twice_and_the_next_sends_the_rest(
    smtp, start_worker
):
    home = make_home_page()
    set_site_settings(organisation_name="Test Organisation")
    make_timeline_page(home)
    campaign = make_campaign(make_campaign_index(home))
    addresses = [f"follower{number}@example.org" for number in range(FOLLOWERS)]
    for address in addresses:
        Follower.objects.create(email=address, language="en", confirmed_at=timezone.now())
    smtp.hold(HELD)

    make_development("Families meet in Baghdad", campaign=campaign)
    first, first_log = start_worker()
    held = smtp.wait_for_held(timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    smtp.release()

    # Killed while the server had the fourth mail and had not answered.
    assert mails_by_state() == {
        Mail.State.SENT: HELD - 1,
        Mail.State.SENDING: 1,
        Mail.State.PENDING: FOLLOWERS - HELD,
    }
    # The sender that would take up the rest waits, for when the mail being sent would be
    # abandoned; five minutes pass.
    (waiting,) = DBTaskResult.objects.filter(status="READY", queue_name="mail")
    assert waiting.run_after > timezone.now() + datetime.timedelta(minutes=4)
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())

    second, second_log = start_worker()
    poll(lambda: Mail.objects.filter(state=Mail.State.PENDING).count() == 0, 60, "the rest sent")
    poll(lambda: mails_by_state()[Mail.State.SENT] == FOLLOWERS - 1, 30, "the rest marked sent")
    end_process(second)

    received = collections.Counter(str(message["To"]).strip() for message in smtp.messages)
    in_flight = str(held["To"]).strip()
    assert max(received.values()) == 1
    assert {address for address in addresses if received[address] == 1} >= set(addresses) - {
        in_flight
    }
    assert Mail.objects.get(state=Mail.State.SENDING).follower.email == in_flight

    # Once its claim is old, it is given up, never sent again.
    Mail.objects.filter(state=Mail.State.SENDING).update(
        claimed_at=timezone.now() - datetime.timedelta(seconds=sending.STALE_SECONDS + 1)
    )
    send_due_mail.call()
    time.sleep(0.2)
    assert mails_by_state() == {Mail.State.SENT: FOLLOWERS - 1, Mail.State.FAILED: 1}
    assert len(smtp.messages) == sum(received.values())

    logs = first_log.read_text() + second_log.read_text()
    assert "Mail sent: 6" in logs
    for address in addresses:
        assert address not in logs
