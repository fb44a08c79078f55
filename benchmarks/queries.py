"""Database queries of each public page type, uncached: run inside Django (see bench.py)."""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


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
