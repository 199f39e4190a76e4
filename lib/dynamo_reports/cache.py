"""In-memory caches with the semantics the source documents call critical.

* Per-entry expiry with an injectable clock (``clock()`` returns seconds; tests pass a fake).
* Write-through is the repositories' job: they write the table first and call :meth:`TTLCache.put`
  only after the write succeeded, so a failed write leaves the cache as it was.
* "Not found" is cached only for ``negative_ttl`` seconds (default: not at all), never forever.
* Counters: hits, misses, expirations, table reads (repositories call :meth:`count_table_read`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .exceptions import ParameterError

V = TypeVar("V")
_MISSING = object()
_ABSENT = object()  # get_or_load's miss marker (``get`` reads _MISSING as "no default given")


@dataclass
class CacheStats:
    name: str
    hits: int = 0
    misses: int = 0
    expirations: int = 0
    table_reads: int = 0
    size: int = 0

    @property
    def lookups(self) -> int:
        return self.hits + self.misses

    @property
    def hit_ratio(self) -> float:
        return self.hits / self.lookups if self.lookups else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"cache": self.name, "hits": self.hits, "misses": self.misses, "expirations": self.expirations,
                "table_reads": self.table_reads, "size": self.size, "hit_ratio": round(self.hit_ratio, 4)}


class TTLCache(Generic[V]):
    """A dict with per-entry expiry and counters. ``ttl=None`` means entries never expire."""

    def __init__(self, name: str, *, ttl: float | None = None, negative_ttl: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0):
            raise ParameterError("ttl", f"must be a positive number of seconds or None, got {ttl!r}")
        if isinstance(negative_ttl, bool) or not isinstance(negative_ttl, (int, float)) or negative_ttl < 0:
            raise ParameterError("negative_ttl", f"must be >= 0 seconds, got {negative_ttl!r}")
        if not callable(clock):
            raise ParameterError("clock", "must be a callable returning seconds")
        self.name = name
        self.ttl = ttl
        self.negative_ttl = negative_ttl
        self.clock = clock
        self._entries: dict[Hashable, tuple[Any, float | None]] = {}
        self._lock = threading.RLock()
        self.stats = CacheStats(name)

    def _expired(self, expires_at: float | None) -> bool:
        return expires_at is not None and self.clock() >= expires_at

    def get(self, key: Hashable, default: Any = _MISSING) -> Any:
        """The cached value (hit), or ``default``/``None`` (miss). Expired entries are dropped."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self._expired(entry[1]):
                del self._entries[key]
                self.stats.expirations += 1
                entry = None
            if entry is None:
                self.stats.misses += 1
                return None if default is _MISSING else default
            self.stats.hits += 1
            return entry[0]

    def peek(self, key: Hashable) -> Any:
        """Like :meth:`get` without touching the counters (for reports and tests)."""
        with self._lock:
            entry = self._entries.get(key)
            return None if entry is None or self._expired(entry[1]) else entry[0]

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            entry = self._entries.get(key)
            return entry is not None and not self._expired(entry[1])

    def put(self, key: Hashable, value: V | _NotFoundType, *, ttl: float | None | object = _MISSING) -> None:
        with self._lock:
            life = self.ttl if ttl is _MISSING else ttl
            assert life is None or isinstance(life, int | float)
            self._entries[key] = (value, None if life is None else self.clock() + life)
            self.stats.size = len(self._entries)

    def put_not_found(self, key: Hashable) -> None:
        """Remember a miss for ``negative_ttl`` seconds (0: not at all)."""
        if self.negative_ttl > 0:
            self.put(key, _NotFound, ttl=self.negative_ttl)

    def invalidate(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self.stats.size = len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.stats.size = 0

    def count_table_read(self, n: int = 1) -> None:
        with self._lock:
            self.stats.table_reads += n

    def reset_stats(self) -> None:
        with self._lock:
            self.stats = CacheStats(self.name, size=len(self._entries))

    def keys(self) -> Iterator[Hashable]:
        with self._lock:
            return iter([k for k, (_, exp) in self._entries.items() if not self._expired(exp)])

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for _, exp in self._entries.values() if not self._expired(exp))


class _NotFoundType:
    def __repr__(self) -> str:
        return "NotFound"

    def __bool__(self) -> bool:
        return False


_NotFound = _NotFoundType()
NOT_FOUND = _NotFound
"""Sentinel stored by :meth:`TTLCache.put_not_found`; falsy, so ``if cached:`` treats it as absent."""


def get_or_load(cache: TTLCache[V], key: Hashable, load: Callable[[], Any], *, lock: AbstractContextManager[Any],
                generation: Callable[[], int], store: Callable[[Any], None] | None = None,
                read_table: bool = True) -> Any:
    """The read-through lookup every repository cache uses.

    A hit returns the cached value (``None`` for a remembered "not found"). On a miss, and only
    if ``read_table``, ``load()`` reads the table once (counted in the cache's ``table_reads``)
    and its result repairs the cache — under ``lock``, and only if ``generation()`` did not
    change meanwhile: a read that overlapped a write must not cache what the write replaced.
    A falsy result (``None``, an empty tuple) is "not found", remembered for the cache's
    ``negative_ttl``; a found one is put under ``key``, or handed to ``store`` (called under
    ``lock``) when the repair touches more than this entry. Returns what ``load`` returned, or
    ``None`` on a miss without ``read_table``.
    """
    cached = cache.get(key, _ABSENT)
    if cached is not _ABSENT:
        return None if cached is NOT_FOUND else cached
    if not read_table:
        return None
    started = generation()
    cache.count_table_read()
    found = load()
    with lock:
        if started == generation():
            if not found:
                cache.put_not_found(key)
            elif store is not None:
                store(found)
            else:
                cache.put(key, found)
    return found
