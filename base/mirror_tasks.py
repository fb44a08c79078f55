"""The static copy stays current by itself: whatever changes what readers see (a publish, an
unpublish, a deletion, a move, new site settings) queues a rebuild of the copy, which a worker
(`manage.py db_worker`, docs/deploy.md) runs off the request that made the change. Each rebuild
is whole and is written aside, then swapped in (base/mirror.py); a full rebuild on a schedule
(`manage.py build_mirror`) catches anything else, such as a page whose go-live time passed.
"""

import logging

from django.conf import settings
from django.db import transaction
from django_tasks import task

from . import mirror
from .page_cache import readers_see_a_change

logger = logging.getLogger(__name__)


@task(backend="database", queue_name="mirror")
def rebuild_mirror():
    copy = mirror.build()
    for target in mirror.publish(copy, settings.MIRROR_TARGETS):
        logger.info("Rebuilt the mirror at %s: %s files", target, len(copy.files))


def _waiting():
    """Whether a rebuild is queued and not yet started: it will see every change made before
    it starts, so a second one would only build the same copy again."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=rebuild_mirror.module_path).exists()


def queue_rebuild(**kwargs):
    if not settings.MIRROR_TARGETS:
        return
    # After the change is committed, so that the rebuild cannot read the site from before it.
    transaction.on_commit(lambda: None if _waiting() else rebuild_mirror.enqueue())


readers_see_a_change.connect(queue_rebuild, dispatch_uid="mirror-rebuild")
