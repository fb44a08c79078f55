"""The mail queue: mails (models.Mail) sent by a task on the database task queue, off the
request that made them (`manage.py db_worker --backend=database --queue-name=mail`).

The contract the rest of the package keeps: make Mail rows (with their MailNotice rows) in a
transaction, then call queue_sending(); the worker sends what is due.
"""

from django.db import transaction
from django_tasks import task


@task(backend="database", queue_name="mail")
def send_due_mail():
    """Sends the mails that are due (the sender is built in sending.py by the mail work)."""
    raise NotImplementedError


def queue_sending():
    """Queues a run of the sender once the current transaction commits."""
    transaction.on_commit(send_due_mail.enqueue)
