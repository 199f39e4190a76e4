"""Notebook parameters: read the ``parameters`` cell, validate and coerce user values.

The parameters cell (the code cell tagged ``parameters``, as papermill finds it) is read
with :mod:`ast` and :mod:`tokenize` — the same view :func:`papermill.inspect_notebook` gives,
without importing papermill, so ``dynamo-reports list`` and every parameter error answer at
once. Per name: the default *as source text*, the annotation (``x: int = 3``) or type
comment (``x = None  # type: float``) when there is one, and the trailing comment as help.
The expected type is taken from the annotation when there is one, else from the default's
literal value (:func:`ast.literal_eval`). A default that is not a literal (``None``, an expression) leaves
the type open and any value is accepted.

Everything is checked before anything runs: unknown names, wrong types, malformed dates in
``start`` / ``end``, ``start`` after ``end``, an unknown ``timezone`` or ``period``, a
malformed ``as_of``. Each problem raises a one-line :class:`ParameterError` naming the
parameter.
"""

from __future__ import annotations

import ast
import io
import json
import os
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..exceptions import ParameterError
from .periods import get_zone, resolve_period, window_from_dates

__all__ = [
    "COMMON_PARAMETERS",
    "ParamSpec",
    "coerce_cli_value",
    "notebook_parameters",
    "validate_parameters",
]

#: The parameters every report notebook declares, with their defaults.
COMMON_PARAMETERS: dict[str, Any] = {
    "source": "demo",
    "endpoint_url": "",
    "region": "eu-west-3",
    "profile": "",
    "env": "dev",
    "project": "trading-bot",
    "config_file": "",
    "period": "last-30-days",
    "start": "",
    "end": "",
    "timezone": "UTC",
    "as_of": "",
    "summary_path": "",
}

_TYPE_NAMES: dict[str, type] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "dict": dict,
    "list": list,
}

_DATE_NAMES = {"start", "end", "as_of"}

_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


@dataclass(frozen=True)
class ParamSpec:
    """One notebook parameter: its name, expected type (``None`` = any), default and help."""

    name: str
    type: type | None
    default: Any
    default_source: str
    help: str = ""

    @property
    def type_name(self) -> str:
        return self.type.__name__ if self.type is not None else "any"


def _type_from_annotation(annotation: str) -> type | None:
    text = annotation.strip()
    if text in _TYPE_NAMES:
        return _TYPE_NAMES[text]
    lowered = text.lower()
    for prefix in ("dict[", "list["):
        if lowered.startswith(prefix):
            return _TYPE_NAMES[prefix[:-1]]
    if lowered.startswith("optional[") and text.endswith("]"):
        return _type_from_annotation(text[len("optional["):-1])
    return None


def _spec(info: Mapping[str, Any]) -> ParamSpec:
    source = str(info.get("default", "")).strip()
    try:
        default: Any = ast.literal_eval(source)
        literal = True
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        default, literal = source, False
    expected = _type_from_annotation(str(info.get("inferred_type_name") or "None"))
    if expected is None and literal and default is not None:
        for candidate in (bool, int, float, str, dict, list):
            if type(default) is candidate:
                expected = candidate
                break
        if isinstance(default, tuple):
            expected = list
    return ParamSpec(
        name=str(info["name"]),
        type=expected,
        default=default if literal else None,
        default_source=source,
        help=str(info.get("help") or ""),
    )


def parameters_cell_source(notebook: str | os.PathLike[str]) -> str:
    """The source of the notebook's first code cell tagged ``parameters`` ("" when none)."""
    path = Path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"notebook not found: {path}")
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as exc:
        raise ParameterError("notebook", f"{path.name} is not a readable notebook: {exc}") from None
    for cell in cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else str(source)
    return ""


def _line_comments(source: str) -> dict[int, str]:
    """Line number -> text of the comment on that line (without ``#``)."""
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string[1:].strip()
    except (tokenize.TokenError, SyntaxError):
        pass
    return comments


def inspect_parameters_cell(source: str) -> list[dict[str, Any]]:
    """Each assignment of a parameters cell as papermill's ``inspect_notebook`` describes it:
    ``name``, ``default`` (source text), ``inferred_type_name`` (annotation, type comment or
    ``"None"``) and ``help`` (the trailing comment)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError("parameters", f"the parameters cell is not valid Python: {exc.msg}") from None
    comments = _line_comments(source)
    found: list[dict[str, Any]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, annotation = node.targets[0].id, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, annotation = node.target.id, ast.get_source_segment(source, node.annotation)
        else:
            continue
        comment = comments.get(node.end_lineno or node.lineno, "")
        if annotation is None and comment.startswith("type:"):
            annotation, comment = comment[len("type:"):].strip(), ""
        found.append({
            "name": name,
            "default": (ast.get_source_segment(source, node.value) if node.value is not None else None) or "",
            "inferred_type_name": annotation or "None",
            "help": comment,
        })
    return found


def notebook_parameters(notebook: str | os.PathLike[str]) -> dict[str, ParamSpec]:
    """The parameters declared in the notebook's ``parameters`` cell, in cell order."""
    return {info["name"]: _spec(info) for info in inspect_parameters_cell(parameters_cell_source(notebook))}


def coerce_cli_value(raw: str, expected_type: type | None) -> Any:
    """Turn a command-line string into a value of ``expected_type``.

    ``"600"`` → 600 for int, ``"0.5"`` / ``"600"`` → float, ``"true"`` / ``"no"`` → bool,
    JSON (``{"BNB": 600}``, ``["a", "b"]``) → dict / list, anything → str. ``None`` (type
    unknown) keeps the string. Raises ``ValueError`` with a short reason.
    """
    if expected_type is None or expected_type is str:
        return raw
    text = raw.strip()
    if expected_type is bool:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"expected a boolean (true/false), got {raw!r}")
    if expected_type is int:
        try:
            return int(text, 10)
        except ValueError:
            raise ValueError(f"expected an integer, got {raw!r}") from None
    if expected_type is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
    if expected_type in (dict, list):
        what = "a JSON object" if expected_type is dict else "a JSON array"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"expected {what}, got {raw!r} ({exc.msg})") from None
        if not isinstance(value, expected_type):
            raise ValueError(f"expected {what}, got {raw!r}")
        return value
    raise ValueError(f"cannot read a {expected_type.__name__} from the command line")


def _check_type(name: str, value: Any, expected: type | None) -> Any:
    if expected is None:
        return value
    if isinstance(value, str) and expected is not str:
        try:
            return coerce_cli_value(value, expected)
        except ValueError as exc:
            raise ParameterError(name, str(exc)) from None
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is list and isinstance(value, tuple):
        return list(value)
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, float)
    else:
        ok = isinstance(value, expected)
    if not ok:
        raise ParameterError(
            name, f"expected {expected.__name__}, got {type(value).__name__} {value!r}"
        )
    return value


def _check_as_of(value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        return
    text = value.strip()
    try:
        datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ParameterError(
                "as_of", f"{value!r} is not an ISO date or timestamp (2026-03-15 or 2026-03-15T08:00:00Z)"
            ) from None


def validate_parameters(
    notebook: str | os.PathLike[str],
    params: Mapping[str, Any],
    *,
    reserved: Iterable[str] = (),
    specs: Mapping[str, ParamSpec] | None = None,
) -> dict[str, Any]:
    """Validate ``params`` against the notebook's parameters cell; return the cleaned values.

    Only the given parameters are returned (defaults stay in the notebook), coerced to the
    declared types. ``reserved`` names may not be given by the caller (the runner sets them).
    """
    if specs is None:
        specs = notebook_parameters(notebook)
    reserved = set(reserved)
    cleaned: dict[str, Any] = {}
    for name, value in params.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterError(str(name), "is not a valid parameter name")
        if name in reserved:
            raise ParameterError(name, "is set by the report runner and cannot be given")
        if name not in specs:
            known = ", ".join(sorted(n for n in specs if n not in reserved))
            raise ParameterError(
                name, f"unknown parameter for {Path(notebook).name}; known: {known}"
            )
        if name in _DATE_NAMES and isinstance(value, date) and not isinstance(value, datetime):
            value = value.isoformat()
        cleaned[name] = _check_type(name, value, specs[name].type)

    def effective(name: str) -> Any:
        if name in cleaned:
            return cleaned[name]
        spec = specs.get(name)
        return spec.default if spec is not None else None

    tz = effective("timezone")
    if "timezone" in specs or "timezone" in cleaned:
        tz = tz if isinstance(tz, str) and tz.strip() else "UTC"
        get_zone(tz)
    else:
        tz = "UTC"

    start, end = effective("start"), effective("end")
    has_dates = any(isinstance(v, (str, date)) and str(v).strip() for v in (start, end))
    if has_dates:
        window_from_dates(start or None, end or None, tz)
    elif "period" in cleaned:
        # without explicit dates the notebook resolves ``period`` itself: it must be valid;
        # with dates, ``period`` is only a label
        resolve_period(str(cleaned["period"]), timezone=tz)

    if "as_of" in cleaned:
        _check_as_of(cleaned["as_of"])
    return cleaned
