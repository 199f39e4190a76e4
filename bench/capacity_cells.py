"""Where the capacity report's time goes: seconds per notebook cell, from one run.

Runs ``dynamo-reports run capacity --source demo`` into a temporary directory (or reads an
executed ``report.ipynb`` given with ``--notebook``) and prints papermill's own duration of each
code cell (``metadata.papermill.duration``), the run's wall time and the load average before
and after (the machine is shared: a number without its load means little).

    .venv/bin/python bench/capacity_cells.py [--notebook reports/capacity/<run>/report.ipynb] [-p NAME VALUE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cell_rows(notebook: Path) -> list[tuple[int, float, str]]:
    """(cell index, seconds, first line of the source) of every executed cell."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    rows = []
    for index, cell in enumerate(nb["cells"]):
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell["cell_type"] != "code" or duration is None:
            continue
        lines = "".join(cell["source"]).strip().splitlines()
        rows.append((index, float(duration), lines[0] if lines else ""))
    return rows


def run_report(params: list[list[str]]) -> tuple[Path, float, str, str]:
    out = Path(tempfile.mkdtemp(prefix="capacity-cells-"))
    command = [str(ROOT / ".venv" / "bin" / "dynamo-reports"), "run", "capacity", "--source", "demo",
               "--output-dir", str(out)]
    for name, value in params:
        command += ["-p", name, value]
    before = load_average()
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "DYNAMO_REPORTS_PROGRESS": "0"},
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    notebook = next(out.glob("capacity/*/report.ipynb"))
    return notebook, wall, before, load_average()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, help="an executed report.ipynb instead of a new run")
    parser.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a notebook parameter for the run")
    args = parser.parse_args()
    if args.notebook and args.p:
        parser.error("-p: only for a new run, not with --notebook")
    if args.notebook:
        notebook, wall, before, after = args.notebook, None, "", ""
    else:
        notebook, wall, before, after = run_report(args.p)
    rows = cell_rows(notebook)
    print(f"{'cell':>4}  {'seconds':>7}  source")
    for index, seconds, first in rows:
        print(f"{index:>4}  {seconds:7.2f}  {first[:72]}")
    print(f"{'':>4}  {sum(s for _, s, _ in rows):7.2f}  all cells (papermill)")
    if wall is not None:
        print(f"\n`run capacity --source demo`: {wall:.1f} s wall; load average {before} before, {after} after")
    print(f"notebook: {notebook}", file=sys.stderr)


if __name__ == "__main__":
    main()
