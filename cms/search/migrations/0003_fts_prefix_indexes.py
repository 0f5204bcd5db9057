"""SQLite: rebuild the FTS5 table with prefix indexes for 1- to 4-letter prefixes.

Every search matches its last word as a prefix too ("gom bat tr" → tr*), and suggestions do
on every keystroke. Without a prefix index FTS5 merges the postings of every term that starts
with the prefix (tra, trang, tre, trong, …) across the whole table on each query; with it, a
short prefix reads one list. Longer prefixes cover few terms and need no index. The rows are
copied over, so no reindex is needed. PostgreSQL matches prefixes through its GIN index.
"""

from django.db import migrations

COLUMNS = "title_f, title_e, alt_f, body_f, body_e"
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"


def _rebuild(prefix_option: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in (
            "DROP TABLE IF EXISTS search_index_fts_new",
            f"CREATE VIRTUAL TABLE search_index_fts_new USING fts5({COLUMNS}, "
            f"{TOKENIZE}{prefix_option})",
            f"INSERT INTO search_index_fts_new (rowid, {COLUMNS}) "
            f"SELECT rowid, {COLUMNS} FROM search_index_fts",
            "DROP TABLE search_index_fts",
            "ALTER TABLE search_index_fts_new RENAME TO search_index_fts",
        ):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search_index", "0002_fulltext")]

    operations = [
        migrations.RunPython(_rebuild(", prefix = '1 2 3 4'"), _rebuild("")),
    ]
