"""Plain functions the job tests run through cms/jobs.py (by dotted path, as real jobs are).
Their behaviour is steered through the cache, so a worker process would see it too."""

from django.core.cache import cache

from cms.jobs import PermanentError


def flaky(key: str, failures: int) -> str:
    """Fails the first `failures` calls for `key`, then succeeds."""
    calls = cache.get(f"jobtest:{key}", 0) + 1
    cache.set(f"jobtest:{key}", calls)
    if calls <= failures:
        raise ConnectionError(f"relay down for buyer an.nguyen@example.vn (call {calls})")
    return "ok"


def calls(key: str) -> int:
    return cache.get(f"jobtest:{key}", 0)


def fails_until_fixed(key: str) -> str:
    calls_so_far = cache.get(f"jobtest:{key}", 0) + 1
    cache.set(f"jobtest:{key}", calls_so_far)
    if not cache.get(f"jobtest:{key}:fixed"):
        raise TimeoutError("object storage did not answer")
    return "ok"


def bad_input() -> None:
    raise PermanentError("Ảnh không có tỉ lệ 2:1")
