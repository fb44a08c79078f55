"""The copy stays current by itself: a publish queues a rebuild, the worker runs it, off the
request (base/mirror_tasks.py). In a module of its own: the worker takes transactions of its
own, so the test commits as the site does."""

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.builders import make_content_page, make_home_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    call_command(
        "db_worker",
        "--backend=database",
        "--queue-name=mirror",
        "--batch",
        "--no-startup-delay",
        stdout=io.StringIO(),
    )


def test_an_unpublished_page_leaves_the_copy_when_the_worker_rebuilds_it(settings, tmp_path):
    settings.MIRROR_TARGETS = [str(tmp_path / "copy")]
    home = make_home_page(title="Test Organisation")
    aims = make_content_page(home, "Aims")
    point_of_view = make_content_page(home, "Our point of view")
    run_worker()
    assert (tmp_path / "copy" / "our-point-of-view" / "index.html").exists()

    point_of_view.unpublish()
    aims.save_revision().publish()

    # Two changes, one rebuild waiting, which sees both; nothing was built on the request.
    assert DBTaskResult.objects.ready().count() == 1
    assert (tmp_path / "copy" / "our-point-of-view" / "index.html").exists()
    run_worker()
    assert (tmp_path / "copy" / "aims" / "index.html").exists()
    assert not (tmp_path / "copy" / "our-point-of-view").exists()
    assert "our-point-of-view" not in (tmp_path / "copy" / "index.html").read_text()
    assert DBTaskResult.objects.ready().count() == 0
