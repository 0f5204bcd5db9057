"""Django's Redis cache, without a new Redis client per cache call.

Django's `RedisCacheClient.get_client()` builds a `redis.Redis` object for every get, set or
get_many; each one copies redis-py's table of ~170 response callbacks into a case-insensitive
dict — about a tenth of a millisecond, ten times a page (header, footer, cards, renditions, tag
versions). A client is only a connection pool plus that table and is safe to share between
threads, so one per pool is kept here. Everything else is Django's backend unchanged
(`CACHES["default"]["BACKEND"] = "cms.rediscache.RedisCache"`, cms/settings/base.py).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
