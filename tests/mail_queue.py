"""A real SMTP server in the test process (aiosmtpd), and the mail queue's tasks run in it.

`SMTPServer` keeps each message it accepts; a test can make it answer the next messages with
a refusal (`refuse`), or hold the nth message unanswered (`hold`), as a server that hangs would,
while other connections go on being served.
"""

import asyncio
import email
import email.policy
import socket
import time

from aiosmtpd.controller import Controller
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Handler:
    def __init__(self):
        self.messages = []
        self.refusals = []
        self.hold_at = None
        self.held = None
        self.released = False
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.refusals:
            return self.refusals.pop(0)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.seen == self.hold_at:
            self.held = message
            while not self.released:
                await asyncio.sleep(0.05)
        self.messages.append(message)
        return "250 2.0.0 Kept"


class SMTPServer:
    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.handler.released = True
        self.controller.stop()

    @property
    def messages(self):
        return list(self.handler.messages)

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]

    def refuse(self, *answers):
        """The next messages are answered with these (e.g. "451 4.3.0 Try again later")."""
        self.handler.refusals.extend(answers)

    def hold(self, nth):
        """The nth message from now is received but not answered until release()."""
        self.handler.hold_at = self.handler.seen + nth

    def release(self):
        self.handler.released = True

    def wait_for_held(self, timeout=30):
        deadline = time.monotonic() + timeout
        while self.handler.held is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"no message held within {timeout} s")
            time.sleep(0.05)
        return self.handler.held


def run_mail_queue(rounds=10):
    """What `db_worker --queue-name=mail` does with the tasks ready now, but inside the test's
    transaction (the command takes an exclusive one of its own, which SQLite cannot nest),
    until none is ready; the number of tasks run."""
    worker = Worker(
        queue_names=["mail"],
        interval=0,
        batch=True,
        backend_name="database",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
    )
    ran = 0
    for _round in range(rounds):
        ready = list(DBTaskResult.objects.ready().filter(queue_name="mail"))
        if not ready:
            return ran
        for result in ready:
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
    return ran
