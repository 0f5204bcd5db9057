"""A small per-process LRU cache for search answers, keyed with the index (and rules) version.

Every index write and every vocabulary edit bumps a random version (`..vocabulary`), so an entry
can only be read back while what it was computed from is unchanged; nothing needs invalidating.
Labels are in the UI language, which is part of every key. Values are deep-copied out, so
callers may change what they get (the service localises facet labels in place).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from django.utils import translation


class LocalCache:
    def __init__(self, size: int = 256):
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()

    def get_or_compute(self, key: tuple, compute):
        if not self.size:
            return compute()
        key = (translation.get_language() or "", *key)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
        if hit is None:
            hit = compute()
            with self._lock:
                self._items[key] = hit
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return copy.deepcopy(hit)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
