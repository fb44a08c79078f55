"""The Redis cache: django-redis, with short timeouts and a circuit breaker.

django-redis keeps its redis clients and, with DJANGO_REDIS_IGNORE_EXCEPTIONS, turns a failed
call into a miss. That alone still costs a timeout on every cache call while Redis hangs (a
page makes several), and a traceback for each. The breaker here makes the first failure open
the circuit for BREAKER_SECONDS: calls in that time fail at once, without touching the network,
and only one call per process per period tries Redis again. The outage is logged once when it
starts and once when it ends, per process.

Publishing while Redis is down cannot move the page cache's generation, so the process that
published moves it on when it sees Redis come back (base.page_cache): no page cached before
the outage outlives a publish made during it.
"""

import logging
import threading
import time

import redis
from redis.client import Pipeline

logger = logging.getLogger(__name__)

# Measured on a stopped (SIGSTOP) Redis: each call waits out the socket timeout, so a page that
# makes four cache calls would wait four timeouts without the breaker. With it, a worker waits
# one timeout per period (0.25 s in 2 s); and serves uncached for at most one period after Redis
# is back.
BREAKER_SECONDS = 2.0
TIMEOUT_SECONDS = 0.25


class CircuitOpen(redis.ConnectionError):
    """Redis failed a moment ago; this call was not tried. django-redis treats it as any outage."""


class Breaker:
    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._down = False
        # Callables run once when Redis answers again; each says whether it changed anything.
        self.on_recovery = []

    def before_call(self):
        if self._down and time.monotonic() < self._open_until:
            raise CircuitOpen("Redis failed less than a few seconds ago; not tried")

    def failed(self, error):
        with self._lock:
            first = not self._down
            self._down = True
            self._open_until = time.monotonic() + BREAKER_SECONDS
        if first:
            logger.error(
                "Redis is unavailable (%s): serving without the cache, retrying every %d s",
                error,
                BREAKER_SECONDS,
            )

    def succeeded(self):
        """Closes the circuit. True when this call found Redis back and a recovery step then
        changed what is stored: what this call read may predate that change."""
        if not self._down:
            return False
        with self._lock:
            recovered, self._down = self._down, False
        changed = False
        if recovered:
            logger.warning("Redis answers again: the cache is back in use")
            for callback in self.on_recovery:
                try:
                    changed = bool(callback()) or changed
                except Exception:  # noqa: BLE001 - a callback must not fail the call that recovered
                    logger.exception("A cache recovery step failed")
        return changed

    @property
    def down(self):
        return self._down

    def reset(self):
        with self._lock:
            self._down, self._open_until = False, 0.0


breaker = Breaker()
_FAILURES = (redis.ConnectionError, redis.TimeoutError, OSError)


def _guarded(call, *args, **kwargs):
    breaker.before_call()
    try:
        result = call(*args, **kwargs)
    except _FAILURES as error:
        breaker.failed(error)
        raise
    if breaker.succeeded():
        # The answer was read before a recovery step changed the cache (the page cache's
        # generation, say, has moved on since): the caller gets a miss instead.
        raise CircuitOpen("Redis came back during this call")
    return result


class GuardedPipeline(Pipeline):
    def execute(self, raise_on_error=True):
        return _guarded(super().execute, raise_on_error)


class GuardedRedis(redis.Redis):
    """The redis client django-redis uses (its REDIS_CLIENT_CLASS option), behind the breaker."""

    def execute_command(self, *args, **options):
        return _guarded(super().execute_command, *args, **options)

    def pipeline(self, transaction=True, shard_hint=None):
        return GuardedPipeline(
            self.connection_pool, self.response_callbacks, transaction, shard_hint
        )


def redis_cache(url):
    """The CACHES entry for a Redis URL."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "REDIS_CLIENT_CLASS": "base.cache.GuardedRedis",
            "SOCKET_CONNECT_TIMEOUT": TIMEOUT_SECONDS,
            "SOCKET_TIMEOUT": TIMEOUT_SECONDS,
            "IGNORE_EXCEPTIONS": True,
        },
    }
