"""The Redis cache backend (cms/rediscache.py): Django's, with one client per connection pool."""

import shutil

import pytest

from bench.harness import free_port, free_redis
from cms.rediscache import RedisCache

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server")


@pytest.fixture(scope="module")
def redis_url():
    port = free_port()
    server = free_redis(port)
    if server is None:
        pytest.skip("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    server.kill()
    server.wait(10)


def test_one_client_per_pool_and_the_cache_still_works(redis_url):
    store = RedisCache(redis_url, {"KEY_PREFIX": "t"})
    inner = store._cache
    assert inner.get_client(write=True) is inner.get_client("any-key")
    store.set("a", {"x": 1}, 60)
    store.set_many({"b": 2, "c": [3]}, 60)
    assert store.get("a") == {"x": 1}
    assert store.get_many(["a", "b", "c", "missing"]) == {"a": {"x": 1}, "b": 2, "c": [3]}
    assert store.add("a", "other", 60) is False
    store.delete("a")
    assert store.get("a") is None
    assert store.incr("b") == 3


def test_another_cache_object_has_its_own_client(redis_url):
    one, two = RedisCache(redis_url, {}), RedisCache(redis_url, {})
    assert one._cache.get_client() is not two._cache.get_client()
    one.set("shared", "yes", 60)
    assert two.get("shared") == "yes"
