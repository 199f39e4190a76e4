import threading

import pytest

from dynamo_reports.cache import NOT_FOUND, TTLCache, get_or_load
from dynamo_reports.exceptions import ParameterError


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_expiry_per_entry_with_fake_clock():
    clock = FakeClock()
    cache = TTLCache("stats", ttl=30, clock=clock)
    cache.put("k", 1)
    clock.now = 10
    cache.put("j", 2)
    clock.now = 29.9
    assert cache.get("k") == 1
    clock.now = 30.0  # k put at 0 expires at 30; j put at 10 lives until 40
    assert cache.get("k") is None
    assert cache.get("j") == 2
    clock.now = 40.0
    assert cache.get("j") is None
    # 2 hits (k at 29.9, j at 30) + 2 misses; both misses were expirations
    assert (cache.stats.hits, cache.stats.misses, cache.stats.expirations) == (2, 2, 2)
    assert cache.stats.lookups == cache.stats.hits + cache.stats.misses


def test_not_found_is_not_cached_forever():
    clock = FakeClock()
    cache = TTLCache("c", negative_ttl=5, clock=clock)
    cache.put_not_found("x")
    assert cache.get("x") is NOT_FOUND and not NOT_FOUND
    clock.now = 5
    assert cache.get("x") is None
    assert TTLCache("d").put_not_found("x") is None and "x" not in TTLCache("d")


def test_invalidate_and_counters():
    cache = TTLCache("c")
    cache.put("a", 1)
    cache.invalidate("a")
    assert cache.get("a") is None
    cache.count_table_read(3)
    assert cache.stats.table_reads == 3 and cache.stats.as_dict()["hit_ratio"] == 0.0


@pytest.mark.parametrize("kwargs,name", [({"ttl": 0}, "ttl"), ({"ttl": "30"}, "ttl"),
                                         ({"negative_ttl": -1}, "negative_ttl"), ({"clock": 3}, "clock")])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ParameterError) as e:
        TTLCache("c", **kwargs)
    assert e.value.parameter == name


class _Table:
    """A stand-in for a table read: counts calls, returns what it is told."""

    def __init__(self, value):
        self.value = value
        self.reads = 0

    def __call__(self):
        self.reads += 1
        return self.value


def test_get_or_load_reads_once_then_serves_the_cache():
    cache = TTLCache("c", clock=FakeClock())
    table = _Table("config")
    lock = threading.Lock()
    assert get_or_load(cache, "k", table, lock=lock, generation=lambda: 0) == "config"
    assert get_or_load(cache, "k", table, lock=lock, generation=lambda: 0) == "config"
    assert table.reads == 1
    assert (cache.stats.hits, cache.stats.misses, cache.stats.table_reads) == (1, 1, 1)


def test_get_or_load_remembers_not_found_only_for_negative_ttl():
    clock = FakeClock()
    cache = TTLCache("c", negative_ttl=5, clock=clock)
    table = _Table(None)
    lock = threading.Lock()
    assert get_or_load(cache, "k", table, lock=lock, generation=lambda: 0) is None
    assert cache.peek("k") is NOT_FOUND
    assert get_or_load(cache, "k", table, lock=lock, generation=lambda: 0) is None
    assert table.reads == 1
    clock.now = 5
    table.value = ()  # an empty result is "not found" too
    assert get_or_load(cache, "k", table, lock=lock, generation=lambda: 0) == ()
    assert table.reads == 2


def test_get_or_load_drops_a_repair_that_overlapped_a_write():
    cache = TTLCache("c", clock=FakeClock())
    generation = [0]

    def load():
        generation[0] += 1  # a write lands while the table is being read
        return "stale"

    assert get_or_load(cache, "k", load, lock=threading.Lock(), generation=lambda: generation[0]) == "stale"
    assert "k" not in cache


def test_get_or_load_without_table_read_and_with_store():
    cache = TTLCache("c", clock=FakeClock())
    other = TTLCache("other", clock=FakeClock())
    table = _Table("v")
    lock = threading.Lock()
    assert get_or_load(cache, "k", table, lock=lock, generation=lambda: 0, read_table=False) is None
    assert table.reads == 0
    assert get_or_load(cache, "k", table, lock=lock, generation=lambda: 0,
                       store=lambda v: (cache.put("k", v), other.put("also", v))) == "v"
    assert cache.peek("k") == other.peek("also") == "v"
