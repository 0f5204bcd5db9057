"""Tables of the database search engine.

`IndexedDocument` holds one row per searchable object: its display fields, the generic facet
columns, and (on PostgreSQL) a `search_vector` tsvector column added by migration 0002. On SQLite
the folded and normalised text lives in the FTS5 table `search_index_fts` (rowid = document id).
`SearchTerm` is the vocabulary of folded terms used for typo tolerance; `IndexState` carries a
version number bumped on every change, so processes know when their cached vocabulary is stale.
"""

from django.db import models


class IndexedDocument(models.Model):
    doc_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    body = models.TextField(blank=True)  # original, accented text used for snippets
    boost = models.FloatField(default=1.0)
    category = models.CharField(max_length=20, blank=True, db_index=True)
    category_label = models.CharField(max_length=200, blank=True)
    group_code = models.CharField(max_length=20, blank=True, db_index=True)
    group_label = models.CharField(max_length=200, blank=True)
    stars = models.PositiveSmallIntegerField(null=True, db_index=True)
    commune = models.CharField(max_length=20, blank=True, db_index=True)
    commune_label = models.CharField(max_length=200, blank=True)
    commune_keys = models.TextField(blank=True)  # "|code|folded name|folded legacy name|…|"
    price = models.BigIntegerField(null=True, db_index=True)
    in_stock = models.BooleanField(null=True)
    rating = models.FloatField(null=True)
    rating_count = models.PositiveIntegerField(default=0)
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_doc_unique")
        ]
        indexes = [models.Index(fields=["lat", "lon"], name="search_doc_geo")]

    def __str__(self):
        return f"{self.doc_type}:{self.object_id} {self.title}"


class SearchTerm(models.Model):
    """A folded term that appears in the index (typo candidates are drawn from here)."""

    term = models.CharField(max_length=60, unique=True)

    def __str__(self):
        return self.term


class IndexState(models.Model):
    key = models.CharField(max_length=20, unique=True)
    version = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True)
    elasticsearch_index = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.key} v{self.version}"
