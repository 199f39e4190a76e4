"""The report table conventions (reporting/tables.py), expectations written by hand."""

from __future__ import annotations

import pandas as pd
from bs4 import BeautifulSoup

from dynamo_reports.notebook import grouped_findings
from dynamo_reports.reporting.tables import column_label, format_cell, render_table


def test_column_labels_are_human():
    assert column_label("requests_per_month") == "Requests per month"
    assert column_label("provisioned_rcu") == "Provisioned RCU"
    assert column_label("on_demand_cost") == "On demand cost (USD)"
    assert column_label("commission (USD)") == "Commission (USD)"


def test_values_follow_the_conventions():
    assert format_cell(1.487e-07, kind="money") == "0.00000015"
    assert format_cell(11.6549, kind="money") == "11.65"
    assert format_cell(0.5227, kind="share") == "52.3%"
    assert format_cell(20.0) == "20"
    assert format_cell(1234567) == "1,234,567"
    assert format_cell(True) == "yes"
    assert format_cell(pd.Timestamp("2025-05-26")) == "2025-05-26"
    assert format_cell(pd.Timestamp("2025-05-26 13:05")) == "2025-05-26 13:05"
    assert "e" not in format_cell(3.2e-9)


def test_table_escapes_aligns_shortens_ids_and_folds_long_tables():
    frame = pd.DataFrame({"lead_id": [f"0b6f1c2e-8a0b-4c55-9d7e-{i:012d}" for i in range(30)],
                          "name": ["<script>"] * 30, "commission": [1.5] * 30})
    soup = BeautifulSoup(render_table(frame, caption="Leads", max_rows=20), "html.parser")
    first = soup.find("table")
    assert [th.get_text() for th in first.find_all("th")] == ["Lead ID", "Name", "Commission"]
    assert first.find("th", string="Commission")["class"] == ["num"]
    row = first.find("tbody").find("tr").find_all("td")
    assert row[0].span["title"] == "0b6f1c2e-8a0b-4c55-9d7e-000000000000" and "…" in row[0].get_text()
    assert row[1].get_text() == "<script>" and soup.find("script") is None
    assert row[2].get_text() == "1.50" and first["class"] == ["dr-table", "r3"]  # column 3 right-aligned
    assert len(first.find("tbody").find_all("tr")) == 20
    details = soup.find("details")
    assert "20 of 30 shown" in details.summary.get_text()
    assert len(details.find("tbody").find_all("tr")) == 10


def test_repeated_findings_are_grouped_with_examples():
    findings = pd.DataFrame({"rule": ["ttl"] * 5 + ["bad"], "table": ["t"] * 6,
                             "key": [f"k{i}" for i in range(6)], "detail": ["expired"] * 5 + ["x"]})
    grouped = grouped_findings(findings, {"ttl": "past TTL", "bad": "malformed"})
    assert grouped["items"].tolist() == [5, 1]
    assert grouped.loc[0, "examples"] == "k0: expired; k1: expired; k2: expired; … and 2 more"


def test_headlines_read_as_in_the_reports():
    from dynamo_reports.reporting.headlines import attention_points, format_headline

    assert format_headline(0.5227, "share") == "52.3%"
    assert format_headline(0.005595659875, "USD/month") == "0.0056 USD/month"
    assert format_headline(20.0) == "20"
    over = attention_points({"within_budget": False, "total_monthly_cost": 7.5, "monthly_budget": 5.0,
                             "stats_drift": [{"id": 1}], "data_quality": {"bad": 2, "ok": 0}})
    assert over[0] == ("attention", "OVER budget: 7.50 USD a month as configured, budget 5.00 USD.")
    assert ("attention", "1 stored statistics row(s) disagree with the data (drift).") in over
    assert over[-1] == ("attention", "2 data-quality finding(s) (bad): see Data quality.")


def test_sparkline_is_inline_svg_without_script():
    from dynamo_reports.reporting.index import sparkline

    svg = BeautifulSoup(sparkline([1, 2, None, 4]), "html.parser").svg
    assert svg is not None and svg.find("script") is None
    assert len(svg.polyline["points"].split()) == 3  # the gap is skipped
    assert sparkline([3]) == ""  # one run: no trend


def test_a_format_in_scientific_notation_falls_back_to_the_conventions():
    assert format_cell(1.487e-07, kind="money", fmt="{:.4g}") == "0.00000015"
    assert format_cell(0.297, kind="money", fmt="{:.4g}") == "0.297"


def test_findings_box_moves_under_the_header_with_contents_and_back_link():
    from dynamo_reports.reporting.export import lead_with_findings

    cell = '<div class="jp-Cell"><div class="jp-OutputArea-child">{}</div></div>'
    body = (cell.format("<h1>Title</h1><table><tr><td>Source</td></tr></table>") + cell.format("<p>prices</p>")
            + "".join(cell.format(f'<h2 id="s{i}">Section {i}</h2>') for i in range(5))
            + cell.format('<h2 id="s4">Section 4</h2>')  # a repeated heading
            + cell.format('<section class="dr-findings"><h2>Key findings</h2><p>x</p></section>'))
    soup = BeautifulSoup(lead_with_findings(f"<html><body><main>{body}</main></body></html>",
                                            back_link="../../index.html"), "html.parser")
    order = [t.name for t in soup.main.find_all(["p", "h1", "table", "section", "nav"]) if t.name != "p"
             or "dr-back" in (t.get("class") or [])]
    assert order[:5] == ["p", "h1", "table", "section", "nav"]
    assert [a["href"] for a in soup.nav.find_all("a")] == [f"#s{i}" for i in range(5)]
    assert soup.select_one("p.dr-back a")["href"] == "../../index.html"


def test_stored_iso_times_read_like_time_columns():
    # a text value that is a whole ISO time, as DynamoDB stores it, reads like a datetime cell (UTC)
    assert format_cell("2025-05-02T06:12:40+00:00") == "2025-05-02 06:12"
    assert format_cell("2025-06-30T19:55:00+02:00") == "2025-06-30 17:55"   # 19:55 at UTC+2 is 17:55 UTC
    assert format_cell("2025-05-01T00:00:00Z") == "2025-05-01"               # midnight: the date alone
    assert format_cell("2025-05-01T00:00:00Z#6c1f") == "2025-05-01T00:00:00Z#6c1f"  # an id is left alone


def test_long_codes_are_shortened_whole_never_cut_by_the_page():
    # a wallet address (44 characters, no space) in any wallet column: short text, full value in the tooltip
    address = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJos9fQa"
    soup = BeautifulSoup(render_table(pd.DataFrame({"wallet": [address]})), "html.parser")
    span = soup.find("span", class_="dr-id")
    assert span["title"] == address and span.get_text() == "7xKXtg2C…9fQa"  # first 8, last 4


def _run(root, name, run_id, headlines, summary=None):
    import json

    run_dir = root / name / run_id
    run_dir.mkdir(parents=True)
    (run_dir / "run.json").write_text(json.dumps({"report": name, "run_id": run_id, "status": "ok",
                                                  "started": f"2025-06-30T{run_id[-2:]}:00:00Z",
                                                  "parameters": {"source": "demo", "quote_asset": "<redacted>"},
                                                  "headlines": headlines}))
    (run_dir / "report.html").write_text("<html></html>")
    if summary is not None:
        (run_dir / "summary.json").write_text(json.dumps(summary))


def test_index_headlines_carry_the_run_s_own_unit(tmp_path):
    from dynamo_reports.reporting.index import write_index

    # run.json has the bare numbers (and a redacted quote_asset); summary.json says the P&L is in EUR
    _run(tmp_path, "pnl", "20250630T10", {"realized_pnl": 32.03738, "trade_count": 31, "win_rate": 0.516129},
         {"realized_pnl": 32.03738, "quote_asset": "EUR"})
    _run(tmp_path, "pnl", "20250630T09", {"realized_pnl": 5.0, "trade_count": 2, "win_rate": 0.5})  # no summary.json
    (tmp_path / "pnl" / "latest.html").write_text("<html></html>")
    soup = BeautifulSoup(write_index(tmp_path).read_text(), "html.parser")
    dashboard = soup.select_one("table.latest").get_text(" ")
    assert "32.04 EUR" in dashboard and "51.6%" in dashboard and "31" in dashboard
    runs = [tr.get_text(" ") for tr in soup.select("table.runs tbody tr")]
    assert "32.04 EUR" in runs[0]
    # no summary.json: the unit is unknown, so the number stands alone (no placeholder, no guessed unit)
    assert "Realized P&L 5 Trade" in runs[1] and "EUR" not in runs[1] and "{quote_asset}" not in runs[1]
