"""summary.json: headline numbers of a report run, and atomic file writes.

:func:`write_summary` accepts what notebooks naturally produce — numpy scalars and arrays,
pandas Timestamps / Series / DataFrames, ``Decimal`` (DynamoDB numbers), ``datetime`` —
and writes strict JSON: NaN, infinities, ``NaT`` and ``pd.NA`` become ``null``.

Every file the reporting package writes goes through :func:`atomic_write_text` /
:func:`atomic_write_bytes`: a temporary file in the same directory, flushed and fsynced,
then ``os.replace``-d over the target, so a reader never sees half a file.
"""

from __future__ import annotations

import enum
import json
import math
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "read_summary",
    "to_jsonable",
    "write_summary",
]


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same directory + ``os.replace``).

    The file gets the usual permissions (0666 minus the umask), not a temp file's 0600.
    The parent directory is created if needed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode(encoding))


def _float(value: float) -> float | None:
    return value if math.isfinite(value) else None


def to_jsonable(obj: Any) -> Any:
    """Convert ``obj`` to plain JSON types (dict/list/str/int/float/bool/None), recursively."""
    # numpy and pandas values are looked for only where those modules are loaded (a value of theirs
    # cannot exist otherwise): the runner's run.json, the exporter and the index hold plain values,
    # and their process need not import pandas for them (about 0.2 s)
    np, pd = sys.modules.get("numpy"), sys.modules.get("pandas")

    # order matters: bool before int, numpy/pandas before generic fallbacks
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return _float(float(obj))
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            return None
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if pd is not None and (obj is pd.NaT or obj is pd.NA):
        return None
    if np is not None and isinstance(obj, (np.generic, np.ndarray)):
        return _numpy_value(obj, np)
    if pd is not None:
        if isinstance(obj, pd.Timestamp):
            return obj.isoformat()
        if isinstance(obj, pd.Timedelta):
            return obj.total_seconds()
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, (date, time)):
        return obj.isoformat()
    if isinstance(obj, timedelta):
        return obj.total_seconds()
    if pd is not None:
        if isinstance(obj, pd.DataFrame):
            return [to_jsonable(rec) for rec in obj.to_dict(orient="records")]
        if isinstance(obj, pd.Series):
            return {_key(k): to_jsonable(v) for k, v in obj.to_dict().items()}
        if isinstance(obj, pd.Index):
            return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, enum.Enum):
        return to_jsonable(obj.value)
    if isinstance(obj, PurePath):
        return str(obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(asdict(obj))
    if isinstance(obj, Mapping):
        return {_key(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (set, frozenset)):
        items = [to_jsonable(v) for v in obj]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    # pandas scalar missing values (e.g. a float NaN wrapped in some other type)
    try:
        if pd is not None and pd.isna(obj):
            return None
    except (TypeError, ValueError):
        pass
    raise TypeError(f"summary value of type {type(obj).__name__} is not JSON-serializable: {obj!r}")


def _numpy_value(obj: Any, np: Any) -> Any:
    """A numpy scalar or array as plain JSON types."""
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return _float(float(obj))
    if isinstance(obj, (np.datetime64, np.timedelta64)):
        if np.isnat(obj):
            return None
        import pandas as pd

        return pd.Timestamp(obj).isoformat() if isinstance(obj, np.datetime64) else pd.Timedelta(obj).total_seconds()
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    return to_jsonable(obj.item())


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    value = to_jsonable(key)
    return value if isinstance(value, str) else json.dumps(value)


def write_summary(summary: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``summary`` as strict JSON (sorted keys, indented) to ``path``, atomically."""
    if not isinstance(summary, Mapping):
        raise TypeError(f"summary must be a mapping, not {type(summary).__name__}")
    if not str(path):
        raise ValueError("summary path is empty")
    data = to_jsonable(summary)
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    return atomic_write_text(path, text)


def read_summary(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a summary.json written by :func:`write_summary`."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: summary must be a JSON object")
    return data
