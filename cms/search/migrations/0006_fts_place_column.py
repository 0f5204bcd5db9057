"""SQLite: rebuild the FTS5 table with a `place` column (place names and intent tags, matched as
phrases apart from the other text). The rows are copied with an empty place; run
`manage.py search_index rebuild` once to fill it (and, on PostgreSQL, to move the place names
into the tsvector's weight D). Until then searches work as before, without place phrases."""

from django.db import migrations

OLD = "title_f, title_e, alt_f, body_f, body_e"
NEW = OLD + ", place"
OPTIONS = "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3 4'"


def _rebuild(columns: str, copied: str, values: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in (
            "DROP TABLE IF EXISTS search_index_fts_new",
            f"CREATE VIRTUAL TABLE search_index_fts_new USING fts5({columns}, {OPTIONS})",
            f"INSERT INTO search_index_fts_new (rowid, {copied}) "
            f"SELECT rowid, {values} FROM search_index_fts",
            "DROP TABLE search_index_fts",
            "ALTER TABLE search_index_fts_new RENAME TO search_index_fts",
        ):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search_index", "0005_vocabulary_and_rules")]

    operations = [
        migrations.RunPython(_rebuild(NEW, NEW, OLD + ", ''"), _rebuild(OLD, OLD, OLD)),
    ]
