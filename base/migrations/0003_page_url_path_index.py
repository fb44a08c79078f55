from django.db import migrations

# base.site_data's routing finds the pages on a request's path by their url_path, which Wagtail
# does not index: with benchmarks/dataset.py's 100x archive (10,000 pages) every uncached page
# read the whole page table for it, 6.7 ms a request; along this index, 0.4 ms (EXPLAIN ANALYZE
# on PostgreSQL). Plain SQL that SQLite runs too; the index is on Wagtail's table, which no
# model of ours describes.
URL_PATH = "base_page_url_path"


class Migration(migrations.Migration):
    dependencies = [
        ("base", "0002_search_candidate_indexes"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {URL_PATH} ON wagtailcore_page (url_path)",
            reverse_sql=f"DROP INDEX IF EXISTS {URL_PATH}",
        ),
    ]
