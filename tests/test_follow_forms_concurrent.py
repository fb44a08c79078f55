"""Following by e-mail, with two requests for one address at the same moment: a module of its
own, since its test commits (tests/test_follow_forms.py keeps one tree for all its tests)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from campaigns.followers import subscribe
from campaigns.followers.models import Follower

ADDRESS = "Shirin.Karimi@example.org"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_address_sent_at_the_same_moment_makes_one_follower(monkeypatch):
    together = threading.Barrier(2, timeout=30)
    look = subscribe._existing

    def look_together(address, campaign_key):
        found = look(address, campaign_key)
        if found is None:
            together.wait()  # both found nothing: both will insert
        return found

    monkeypatch.setattr(subscribe, "_existing", look_together)

    def send(_):
        try:
            return subscribe.request_following(ADDRESS, None, "en", "each").pk
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        followers = set(pool.map(send, range(2)))

    assert len(followers) == 1
    assert Follower.objects.count() == 1
