"""Database queries of each public page type, uncached: run inside Django (see bench.py).

search_sql() prints the SQL time of the search page for a few kinds of query, on the database
Django is set up with (issue 19 asks at most 30 ms at the 100x size, benchmarks/dataset.py):

    python manage.py shell -c "from benchmarks.queries import search_sql; search_sql()"
"""

import json
import statistics

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.profile import SQLTimer

# A common word in each language of benchmarks/dataset.py's text (drawn from the demo's words
# as often as the demo uses them), a rare one, and two words that are often found together.
SEARCHES = {
    "common word": "/search/?q=family",
    "common Persian word": "/fa/search/?q=%D8%AE%D8%A7%D9%86%D9%88%D8%A7%D8%AF%D9%87",
    "rare word": "/search/?q=mirror",
    "two words": "/search/?q=family+visits",
}


def count(paths, host="127.0.0.1"):
    client = Client(HTTP_HOST=host)
    counts = {}
    for name, path in paths.items():
        client.get(path)  # warm per-process caches, as a running server has them
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}: its queries would mean nothing")
        counts[name] = {"queries": len(queries), "status": status}
    print(json.dumps(counts))


def search_sql(searches=SEARCHES, renders=15, host="127.0.0.1"):
    """Per search: its queries, and the median and the least milliseconds of SQL of a render
    (the least is the nearest to a quiet machine's)."""
    client = Client(HTTP_HOST=host)
    figures = {}
    for name, path in searches.items():
        client.get(path)  # warm per-process caches, as a running server has them
        milliseconds = []
        for _render in range(renders):
            timer = SQLTimer()
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timer):
                status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"{path} answered {status}: its SQL time would mean nothing")
            milliseconds.append(timer.seconds * 1000)
        figures[name] = {
            "path": path,
            "queries": len(queries),
            "median ms": round(statistics.median(milliseconds), 1),
            "least ms": round(min(milliseconds), 1),
        }
    # One line: bench.py reads the last line printed.
    print(json.dumps(figures))
