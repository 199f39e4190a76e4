"""Wall time of `dynamo-reports run pnl` on demo data beside the pipeline's floor.

The floor is the same pipeline (embedded server start, kernel start, papermill, HTML export,
index) on a notebook that only has the parameters cell and writes an empty summary.
Measured, not asserted: prints a small table.

    .venv/bin/python bench/report_runtime.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def floor_notebook(directory: Path) -> None:
    source = (ROOT / "notebooks" / "pnl_report.ipynb")
    nb = nbformat.read(source, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    body = nbformat.v4.new_code_cell(
        "from dynamo_reports.reporting.summary import write_summary\n"
        "write_summary({}, summary_path) if summary_path else None")
    empty = nbformat.v4.new_notebook(cells=[params, body], metadata=nb.metadata)
    nbformat.write(empty, directory / "pnl_report.ipynb")


def timed(env: dict | None, out: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dynamo_reports", "run", "pnl", "--output-dir", str(out)],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import os

    work = Path(tempfile.mkdtemp(prefix="dr-bench-"))
    try:
        nbdir = work / "notebooks"
        nbdir.mkdir()
        floor_notebook(nbdir)
        floor_env = {**os.environ, "DYNAMO_REPORTS_NOTEBOOKS": str(nbdir)}
        rows = []
        for label, env in (("floor (parameters only)", floor_env), ("pnl report", None)):
            times = [timed(env, work / f"out-{label[:5]}-{i}") for i in range(args.repeat)]
            rows.append((label, statistics.median(times), min(times), max(times)))
        print(f"{'pipeline':26} {'median s':>9} {'min s':>7} {'max s':>7}")
        for label, med, lo, hi in rows:
            print(f"{label:26} {med:9.2f} {lo:7.2f} {hi:7.2f}")
        print(f"pnl / floor = {rows[1][1] / rows[0][1]:.2f}x (target: within 2x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
