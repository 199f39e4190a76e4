"""E-mail addresses typed into free text are masked in everything a report shows (issue 11, item 8)."""

from __future__ import annotations

import pandas as pd
import pytest

from dynamo_reports import notebook
from dynamo_reports.notebook import ReportContext
from dynamo_reports.pii import mask_emails_in_frame, mask_emails_in_text


@pytest.mark.parametrize("raw,masked", [
    ("john@example.com", "j***@example.com"),
    ("Call me: ann.lee+crm@mail.example.co.uk!", "Call me: a***@mail.example.co.uk!"),
    ("<b>x@y.io</b> and z_z@q.org", "<b>x***@y.io</b> and z***@q.org"),
    ("Zoë@exämple.de", "Z***@exämple.de"),                    # Unicode letters are e-mail-like too
    ("j***@example.com", "j***@example.com"),                  # already masked: unchanged
    ("user@localhost", "user@localhost"),                      # no dot in the domain: not an address
    ("price $x^$ @ 5", "price $x^$ @ 5"),
])
def test_mask_emails_in_text(raw, masked):
    assert mask_emails_in_text(raw) == masked


def test_masking_stays_linear_on_a_350_kb_run_of_letters():
    # an unbounded local part made this quadratic (350,000^2 steps: minutes); bounded, it is one pass
    text = "A" * 350_000 + "@example.com"
    assert mask_emails_in_text(text) == "A" * (350_000 - 64) + "A***@example.com"


def test_every_string_cell_of_a_frame_is_masked():
    frame = pd.DataFrame({"name": ["ann@corp.io", "Bob"], "company": ["Acme (sales@acme.com)", None],
                          "commission": [50.0, 1.0]})
    out = mask_emails_in_frame(frame)
    assert out["name"].tolist() == ["a***@corp.io", "Bob"]
    assert out["company"].iloc[0] == "Acme (s***@acme.com)" and pd.isna(out["company"].iloc[1])
    assert out["commission"].tolist() == [50.0, 1.0]
    assert frame["name"].iloc[0] == "ann@corp.io"              # the input is not changed


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(notebook, "_html", out.append)
    monkeypatch.setattr(notebook, "_markdown", out.append)
    return out


def _context(show_pii: bool) -> ReportContext:
    # table(), md() and data_quality() need no connection
    return ReportContext(name="leads", title="t", settings=None, conn=None, tables=[], start=None,  # type: ignore[arg-type]
                         end=None, period="", timezone="UTC", as_of=pd.Timestamp("2025-06-30T00:00:00Z"),
                         show_pii=show_pii)


def test_report_tables_values_and_findings_are_masked_unless_show_pii(shown):
    # Before the fix a lead named "ann@corp.io" (company "mail bob@x.org") was shown in full.
    leads = pd.DataFrame({"name": ["ann@corp.io"], "company": ["mail bob@x.org"]})
    masked = _context(show_pii=False)
    masked.table(leads, caption="Leads of ann@corp.io")
    masked.md("Lead **{name}**", name="ann@corp.io")
    masked.findings.add("wrong_type", "ann@corp.io", "name is ann@corp.io", table="leads")
    masked.data_quality()
    text = "\n".join(shown)
    assert "ann@corp.io" not in text and "bob@x.org" not in text
    # caption, cell, finding key and detail in HTML; the Markdown value with its * escaped
    assert "Leads of a***@corp.io" in text and "<td>a***@corp.io</td>" in text and "b***@x.org" in text
    assert "name is a***@corp.io" in text and "a\\*\\*\\*@corp.io" in text

    shown.clear()
    full = _context(show_pii=True)
    full.table(leads)
    full.md("Lead **{name}**", name="ann@corp.io")
    assert "ann@corp.io" in shown[0] and "bob@x.org" in shown[0] and "ann@corp.io" in shown[1]
