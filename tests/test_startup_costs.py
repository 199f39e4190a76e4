"""What a process pays before its first useful step: no demo dataset build where only its date is
needed. (The notebook readers' rfc3987 grammars are checked in test_reporting.)"""

from __future__ import annotations

import subprocess
import sys


def test_the_demo_run_plan_reads_the_as_of_date_without_building_the_dataset():
    # Every report kernel on the demo data builds its run plan, which needs the dataset's as-of
    # date (2025-06-30T18:00:00Z, a constant) but not its 2,198 items: nothing is built until the
    # items or the anomalies are asked for, and then once.
    code = ("from dynamo_reports.plan import build_plan\n"
            "from dynamo_reports.demo import dataset\n"
            "plan = build_plan(['pnl'], options={'source': 'demo'})\n"
            "print(plan.parameters['pnl']['as_of'], dataset._shared_build.cache_info().misses)\n"
            "anomalies = dataset.ANOMALIES\n"
            "assert dataset.anomaly(anomalies[0].name) is anomalies[0]\n"
            "print(dataset._shared_build.cache_info().misses)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["2025-06-30T18:00:00Z", "0", "1"]


def test_a_demo_run_loads_no_pandas_before_its_kernel_does():
    # `dynamo-reports run ... --source demo` imports the runner, the index writer and the embedded
    # server, and sets the server up with the demo dataset, all before the first kernel starts:
    # none of it needs pandas (about 0.2 s of import), which only the kernels and the index's
    # tables use. The set-up's writes went through codec, whose frame functions import it.
    code = ("import sys\n"
            "import dynamo_reports.cli, dynamo_reports.plan, dynamo_reports.reporting.runner\n"
            "import dynamo_reports.reporting.index\n"
            "from dynamo_reports.demo.server import EmbeddedDynamo\n"
            "server = EmbeddedDynamo().start()\n"
            "print(sum(server.seed_summary.values()), 'pandas' in sys.modules)\n"
            "server.stop()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["2198", "False"]  # the demo dataset's 2,198 items, written without pandas


def test_plain_values_are_written_as_json_without_pandas():
    # the runner writes run.json through to_jsonable once every report: plain values need no
    # pandas (a numpy or pandas value cannot exist in a process that has not imported them)
    code = ("import sys, json\n"
            "from datetime import datetime, timezone\n"
            "from decimal import Decimal\n"
            "from dynamo_reports.reporting.summary import to_jsonable\n"
            "value = {'n': [1, 2.5, Decimal('1.50'), Decimal('3')], 'at': datetime(2026, 1, 2, tzinfo=timezone.utc),\n"
            "         'tags': {'b', 'a'}, 'nan': float('nan')}\n"
            "print(json.dumps(to_jsonable(value), sort_keys=True))\n"
            "print('pandas' in sys.modules, 'numpy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    # Decimal 1.50 -> 1.5 (not integral), 3 -> 3; a set sorted; NaN -> null
    assert out == ['{"at": "2026-01-02T00:00:00+00:00", "n": [1, 2.5, 1.5, 3], "nan": null, "tags": ["a", "b"]}',
                   "False False"]
