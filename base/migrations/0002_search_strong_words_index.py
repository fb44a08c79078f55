import importlib

from django.db import migrations

from base.search import STRONG_WEIGHTS

# base.search's _RankingCandidates finds the entries whose titles and boosted fields match a
# query through this index, to rank them before the entries that match only in their text.
# Measured with benchmarks/dataset.py's 100x archive: see base.search.CANDIDATES.
INDEX = "base_search_strong_words_gin"
PostgreSQLOnly = importlib.import_module(
    "base.migrations.0001_search_title_body_index"
).PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("base", "0001_search_title_body_index")]

    operations = [
        PostgreSQLOnly(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            f"USING gin ((title || ts_filter(body, '{STRONG_WEIGHTS}')))",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
