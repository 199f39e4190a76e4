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
