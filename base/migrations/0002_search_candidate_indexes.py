import importlib

from django.db import migrations

from base.search import STRONG_WEIGHTS

# base.search's _RankingCandidates finds the candidates of a search: the entries whose titles
# and boosted fields match it (through the first index), joined to pages on the id as text, as
# modelsearch joins them (the second: campaigns' development_id_as_text is the same for
# developments). Measured with benchmarks/dataset.py's 100x archive (EXPLAIN ANALYZE, two cores
# shared with other work): the site search's first ten pages for "mirror" in 8.0 ms without
# the second index, 3.9 with it; the count of its pages in 3.0 and 1.6.
STRONG_WORDS = "base_search_strong_words_gin"
PAGE_ID = "base_page_id_as_text"
PostgreSQLOnly = importlib.import_module(
    "base.migrations.0001_search_title_body_index"
).PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [
        ("base", "0001_search_title_body_index"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        PostgreSQLOnly(
            sql=f"CREATE INDEX IF NOT EXISTS {STRONG_WORDS} ON wagtailsearch_indexentry "
            f"USING gin ((title || ts_filter(body, '{STRONG_WEIGHTS}')))",
            reverse_sql=f"DROP INDEX IF EXISTS {STRONG_WORDS}",
        ),
        PostgreSQLOnly(
            sql=f"CREATE INDEX IF NOT EXISTS {PAGE_ID} ON wagtailcore_page "
            "(((id::varchar(50))::text))",
            reverse_sql=f"DROP INDEX IF EXISTS {PAGE_ID}",
        ),
    ]
