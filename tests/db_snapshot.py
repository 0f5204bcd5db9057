"""The seeded test database, kept once per test session and put back in a transactional test.

Django flushes every table after a transactional test (browser tests, thread races): the next
one used to run `seed_demo` again, about 25 s each, which was most of the suite's time. The
session's seed (tests/conftest.py `django_db_setup`, renditions warmed) is kept here once and
copied back instead, in well under a second:

- SQLite: the whole database file through SQLite's online backup API, into memory and back;
- PostgreSQL: every table of the public schema copied into a schema of its own
  (`CREATE TABLE … AS TABLE …`), and back with one `TRUNCATE` and one `INSERT … SELECT` per table
  in a single transaction (Django's foreign keys are deferred to the commit there).

Media files are not copied: the session's seed wrote them once and no test deletes them.
"""

from __future__ import annotations

import sqlite3

from django.db import connection, transaction

SCHEMA = "test_seed_snapshot"
_kept: dict[str, object] = {}


def take() -> None:
    """Keep the database as it is now (the session's seeded state)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _kept["sqlite"] = copy
    elif connection.vendor == "postgresql":
        tables = _pg_tables()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SCHEMA}")
            for table in tables:
                cursor.execute(f'CREATE TABLE {SCHEMA}."{table}" AS TABLE public."{table}"')
        _kept["postgresql"] = {table: _pg_columns(table) for table in tables}
    else:  # pragma: no cover - the suite runs on SQLite and PostgreSQL only
        return


def available() -> bool:
    return bool(_kept)


def restore() -> bool:
    """Put the kept state back (after a flush or any change); False if nothing was kept."""
    if not _kept:
        return False
    connection.ensure_connection()
    if "sqlite" in _kept:
        connection.close()  # no statement or transaction of ours open while it is replaced
        connection.ensure_connection()
        _kept["sqlite"].backup(connection.connection)
    else:
        tables = _kept["postgresql"]
        names = ", ".join(f'public."{t}"' for t in tables)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names}")
            for table, columns in tables.items():
                cols = ", ".join(f'"{c}"' for c in columns)
                cursor.execute(
                    f'INSERT INTO public."{table}" ({cols}) SELECT {cols} FROM {SCHEMA}."{table}"'
                )
    _forget_cached_rows()
    return True


def _forget_cached_rows() -> None:
    """In-process caches that hold rows of the database just replaced."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    ContentType.objects.clear_cache()
    for alias in caches:
        caches[alias].clear()


def _pg_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'django_migrations' ORDER BY tablename"
        )
        return [row[0] for row in cursor.fetchall()]


def _pg_columns(table: str) -> list[str]:
    """The columns an INSERT may write (not generated ones)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]
