"""Personal data in reports: e-mail addresses are masked wherever text from the tables is shown.

An e-mail address typed into a free-text field (a lead's ``name`` or ``company``, a chat
subject, a username) is as personal as the ``email`` attribute itself, so every e-mail-like
substring of every value a report shows is masked — ``john.doe@example.com`` becomes
``j***@example.com`` (first character of the local part, the domain kept) — unless the report
runs with ``show_pii=True``. :class:`dynamo_reports.notebook.ReportContext` applies it to every
table, Markdown value and data-quality finding; :func:`dynamo_reports.plots.show` to chart text.
A masked address is not e-mail-like any more (``*`` is not a local-part character), so masking
twice changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["EMAIL_RE", "mask_emails_in_text", "mask_emails_in_value", "mask_emails_in_frame"]

#: an e-mail-like substring: local part, ``@``, a domain with at least one dot (Unicode letters allowed).
#: The parts are bounded (RFC 5321: 64 characters of local part, 63 per label), which also keeps the
#: search linear on a 350 KB run of letters (an unbounded ``[\w.]+@`` is quadratic there).
EMAIL_RE = re.compile(r"[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")


def _mask(match: re.Match[str]) -> str:
    local, _, domain = match.group(0).partition("@")
    return f"{local[:1]}***@{domain}"


def mask_emails_in_text(text: str) -> str:
    """``text`` with every e-mail-like substring masked: ``"mail john@example.com"`` -> ``"mail j***@example.com"``."""
    return EMAIL_RE.sub(_mask, text) if "@" in text else text


def mask_emails_in_value(value: Any) -> Any:
    """A string masked (:func:`mask_emails_in_text`); any other value unchanged."""
    return mask_emails_in_text(value) if isinstance(value, str) else value


def mask_emails_in_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every string cell masked (column names and the index too)."""
    out = frame.copy()
    for position in range(out.shape[1]):
        if _may_hold_text(out.iloc[:, position]):
            out.isetitem(position, out.iloc[:, position].map(mask_emails_in_value))
    out.columns = [mask_emails_in_value(c) for c in out.columns]
    if _may_hold_text(out.index):
        out.index = out.index.map(mask_emails_in_value)
    return out


def _may_hold_text(values: pd.Series | pd.Index) -> bool:
    """Object or string dtype (pandas 3 stores text as ``str``): numbers, times and booleans cannot."""
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
