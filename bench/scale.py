"""Every report on the demo data (1x) and on the demo history multiplied by ten (10x), side by side.

The 10x dataset is built by a deterministic generator on top of ``dynamo_reports.demo.dataset``
(which is not changed): the demo dataset's own builder run with ten seeds, ``SEED`` (the demo
itself) to ``SEED + 9``, and the items pooled. Every history item gets a new random id with each
seed (trades, participants, guilds, leads, conversations and messages, members, inventory,
distributions), so those tables grow about tenfold; items whose key does not depend on the seed
(``GLOBAL#STATS``, ``CONFIG#bot``, a day's ``REPORT#{date}``, ...) stay single, the first seed's
(the demo's own), so the 10x tables contain the 1x tables. Counts and planted anomalies change
with it: the point is the work a report does, not its findings.

For each scale the dataset is seeded into an embedded DynamoDB (moto server) of its own and
``dynamo-reports run --all --source demo --endpoint-url URL`` runs every report against it
(``--jobs`` reports at once, default the CLI's: the machine's cores). Per report it prints the
items returned and read units of its "cost of this report" section (the executed notebook's
text; ``read_units`` is also in summary.json) and the run's wall time (run.json
``duration_s``). Measured, not asserted.

    .venv/bin/python bench/scale.py [--factor 10] [--jobs N] [-p NAME VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from dynamo_reports.demo import dataset
from dynamo_reports.demo.server import EmbeddedDynamo
from dynamo_reports.systems import ALL_TABLES

#: "3 request(s), 120 item(s) returned, **21 read request units**" (notebook.ReportCost's sentence)
COST_RE = re.compile(r"(\d+) request\(s\), (\d+) item\(s\) returned, \*\*([\d.]+) read request units")


def scaled_dataset(factor: int) -> dict[str, list[dict]]:
    """The demo builder run with seeds SEED .. SEED + factor - 1, pooled; the first item with a
    given primary key wins (so seed SEED's, the demo's own, are all there)."""
    if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
        raise SystemExit(f"scale.py: error: --factor: expected a whole number >= 1, got {factor!r}")
    keys = {spec.logical: (spec.hash_key, spec.range_key) for spec in ALL_TABLES}
    pooled: dict[str, dict[tuple, dict]] = {name: {} for name in dataset.TABLE_ORDER}
    for k in range(factor):
        with mock.patch.object(dataset, "SEED", dataset.SEED + k):
            items = dataset.build_demo_dataset()
        for name, rows in items.items():
            hash_key, range_key = keys[name]
            for item in rows:
                pooled[name].setdefault((item[hash_key], item.get(range_key) if range_key else None), item)
    return {name: list(rows.values()) for name, rows in pooled.items()}


@contextmanager
def seeded_server(items: dict[str, list[dict]]):
    """An embedded DynamoDB with every table, loaded with ``items`` by the demo dataset's loader."""
    with EmbeddedDynamo(seed=False) as server:
        dataset.load_demo_dataset(server.connect(), items=items)
        yield server


def cost_of(run_dir: Path) -> tuple[int | None, float | None]:
    """Items returned and read units, from the executed notebook's "Cost of this report" text."""
    try:
        text = (run_dir / "report.ipynb").read_text(encoding="utf-8")
    except OSError:
        return None, None
    found = COST_RE.search(text)  # the sentence has nothing JSON escapes
    if found is None:
        return None, None
    return int(found.group(2)), float(found.group(3))


def run_all(server: EmbeddedDynamo, out: Path, jobs: int | None, params: list[list[str]]) -> tuple[float, dict]:
    """``run --all`` against ``server``; wall time and, per report, its run.json and cost."""
    env = {**os.environ, **server.environment(), "DYNAMO_REPORTS_PROGRESS": "0"}
    command = [sys.executable, "-m", "dynamo_reports", "run", "--all", "--source", "demo",
               "--endpoint-url", str(server.endpoint_url), "--region", server.region, "--output-dir", str(out)]
    command += ["--jobs", str(jobs)] if jobs else []
    for name, value in params:
        command += ["-p", name, value]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 4):  # 4: an alert rule fired (none are configured here)
        print(proc.stderr[-2000:], file=sys.stderr)
    rows: dict[str, Any] = {}
    for run_file in sorted(out.glob("*/*/run.json")):
        record = json.loads(run_file.read_text(encoding="utf-8"))
        items, units = cost_of(run_file.parent)
        rows[record["report"]] = {"status": record["status"], "seconds": record["duration_s"],
                                  "items": items, "read_units": units}
    return wall, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=10, help="how many times the demo history (default 10)")
    parser.add_argument("--jobs", type=int, default=None, help="reports at once (default: the CLI's)")
    parser.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a notebook parameter for every report that has it")
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory(prefix="dr-scale-") as work:
        for label, factor in (("1x", 1), (f"{args.factor}x", args.factor)):
            t0 = time.perf_counter()
            items = scaled_dataset(factor)
            with seeded_server(items) as server:
                seeded = time.perf_counter() - t0
                wall, rows = run_all(server, Path(work) / label, args.jobs, args.p)
            results[label] = (sum(len(v) for v in items.values()), seeded, wall, rows)
            print(f"{label}: {results[label][0]} items built and seeded in {seeded:.1f} s; run --all {wall:.1f} s",
                  flush=True)

    (one, big) = results.values()
    small_label, big_label = results
    print()
    print(f"{'report':14} {'items ' + small_label:>10} {'items ' + big_label:>10} {'RRU ' + small_label:>9} "
          f"{'RRU ' + big_label:>9} {'s ' + small_label:>7} {'s ' + big_label:>7} {'time x':>7}")

    def show(value: Any, fmt: str) -> str:
        return "-" if value is None else format(value, fmt)

    for report in sorted(set(one[3]) | set(big[3])):
        a, b = one[3].get(report, {}), big[3].get(report, {})
        ratio = b["seconds"] / a["seconds"] if a.get("seconds") and b.get("seconds") else None
        failed = "" if a.get("status") == b.get("status") == "ok" else "  (a run failed)"
        print(f"{report:14} {show(a.get('items'), 'd'):>10} {show(b.get('items'), 'd'):>10} "
              f"{show(a.get('read_units'), 'g'):>9} {show(b.get('read_units'), 'g'):>9} "
              f"{show(a.get('seconds'), '.1f'):>7} {show(b.get('seconds'), '.1f'):>7} {show(ratio, '.2f'):>7}{failed}")
    print(f"{'run --all':14} {one[0]:>10} {big[0]:>10} {'':>9} {'':>9} {one[2]:7.1f} {big[2]:7.1f} "
          f"{big[2] / one[2]:7.2f}   (items: in the tables; s: wall time of the command)")


if __name__ == "__main__":
    main()
