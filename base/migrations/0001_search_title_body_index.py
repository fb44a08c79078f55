from django.db import migrations

# The site search (advocacy/views.py) and the admin's search pages, developments and appeals
# with modelsearch's database backend. On PostgreSQL it filters on `title || body @@ query`,
# which the GIN indexes of the index table (one on title, one on body) cannot serve: each
# search joined every live entry of the language to its index entry and tested it.
#
# Measured with benchmarks/dataset.py's 100x archive (EXPLAIN ANALYZE, median of 3, JIT off,
# on two cores shared with other work), the site search's queries in ms, without this index,
# with it, and with Development's index by id as text too:
#
#   query                     developments      pages (count)   pages (first ten)
#   families (common)         402 / 193 / 83    58 / 14 / 14    82 / 46 / 46
#   rapporteur                303 /  78 / 45    67 / 10 / 11    85 / 23 / 23
#   visits camp               461 /  74 / 39    78 / 14 / 14    92 / 45 / 24
#   zzzz (no match)           289 /   1 /  1    65 /  6 /  6
#
# SQLite searches its own FTS5 table, which needs nothing.
INDEX = "base_search_title_body_gin"


class PostgreSQLOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [
        PostgreSQLOnly(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
