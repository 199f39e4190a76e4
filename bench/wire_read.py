"""Benchmark: items read per client CPU-second, a full scan of a 20,000-item trades table (issue 14).

Not a test: it measures and prints one side-by-side table from one run. The embedded DynamoDB
(moto over HTTP on 127.0.0.1, ``EmbeddedDynamo(seed=False)``) runs in a *child process*, so
``time.process_time()`` in this process is the client's CPU only (the server's own work is not
counted). The trades table gets 20,000 trade items shaped as the demo's (``trading.trade_item``:
keys, three GSI key pairs, 9 numbers, an ``indicators`` map), then each reader scans it once,
every page, into Python objects (or a DataFrame):

* boto3 resource ``Table.scan`` (botocore's parser, then boto3's deserializer);
* boto3 client + ``TypeDeserializer``;
* awswrangler ``dynamodb.read_items`` (a DataFrame), in its own environment, see below;
* ``reads.scan`` as it was before issue 14, rebuilt (botocore's parser, ``TypeDeserializer``,
  ``Binary`` -> bytes, ``capacity.wire_item_size`` per item for the meter);
* ``reads.scan`` (the wire path: items decoded from the response JSON, metered);
* ``reads.scan`` + ``codec.items_to_frame``.

awswrangler is not a project dependency (its pins clash with ours). To include it::

    python -m venv bench/.venv-wrangler && echo '*' > bench/.venv-wrangler/.gitignore
    bench/.venv-wrangler/bin/pip install awswrangler

The bench then runs its reader in that interpreter (a subprocess timing its own CPU); without
it, the row says so. Run: ``.venv/bin/python bench/wire_read.py [--items N]`` (about a minute
of loading, then a few seconds a reader).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import botocore.config
from boto3.dynamodb.types import TypeDeserializer

from dynamo_reports import capacity, codec, reads
from dynamo_reports.config import Settings
from dynamo_reports.connection import Connection
from dynamo_reports.demo.server import EmbeddedDynamo
from dynamo_reports.systems.trading import trade_item

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_wire import _old_item  # noqa: E402 (today's path as the tests define it: TypeDeserializer, Binary -> bytes)

#: a loaded two-core machine's moto can take long over a 1 MB page: no reader may time out
READ_TIMEOUT = 900
WRANGLER_PYTHON = Path(__file__).resolve().parent / ".venv-wrangler" / "bin" / "python"
SYMBOLS = ("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT")

_WRANGLER_READER = """
import json, sys, time
import awswrangler as wr, boto3, botocore.config
endpoint, region, table = sys.argv[1:4]
session = boto3.session.Session(region_name=region, aws_access_key_id="demo", aws_secret_access_key="demo")
wr.config.dynamodb_endpoint_url = endpoint
wr.config.botocore_config = botocore.config.Config(read_timeout=900, retries={"mode": "standard"})
cpu, wall = time.process_time(), time.perf_counter()
frame = wr.dynamodb.read_items(table_name=table, allow_full_scan=True, boto3_session=session)
print(json.dumps({"items": len(frame), "cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
                  "version": wr.__version__}))
"""


def _serve(pipe: Any) -> None:
    """Child process: the embedded server until the parent says stop."""
    logging.disable(logging.CRITICAL)
    with EmbeddedDynamo(seed=False) as server:
        pipe.send((server.endpoint_url, server.region))
        pipe.recv()


def _trades(n: int) -> list[dict]:
    rng = random.Random(20250301)
    items = []
    for i in range(n):
        price = Decimal(str(round(rng.uniform(0.5, 90_000), 2)))
        qty = Decimal(str(round(rng.uniform(0.0001, 5), 5)))
        items.append(trade_item(
            trade_id=str(uuid.UUID(int=rng.getrandbits(128))), symbol=rng.choice(SYMBOLS),
            side=rng.choice(["BUY", "SELL"]), status="FILLED",
            created_at=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
            order_id=rng.randint(10**8, 10**10), client_order_id=f"bot-{rng.getrandbits(40):x}",
            quantity=qty, price=price, quote_quantity=(qty * price).quantize(Decimal("0.00000001")),
            commission=(qty * price * Decimal("0.001")).quantize(Decimal("0.00000001")), commission_asset="USDT",
            strategy="rsi", indicators={"rsi": Decimal(str(round(rng.uniform(10, 90), 2))),
                                        "ma50": price, "ma200": price * 2},
            pnl=Decimal(str(round(rng.uniform(-50, 50), 4))), pnl_percent=Decimal(str(round(rng.uniform(-5, 5), 2)))))
    return items


def _load(conn: Connection, table: str, items: list[dict]) -> None:
    for start in range(0, len(items), 25):
        conn.call("BatchWriteItem", RequestItems={
            table: [{"PutRequest": {"Item": codec.item_to_wire(i)}} for i in items[start:start + 25]]})


def _pages(scan: Callable[..., dict], **params: Any):
    while True:
        page = scan(**params)
        yield page
        if not page.get("LastEvaluatedKey"):
            return
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    os.environ["DYNAMO_REPORTS_PROGRESS"] = "0"
    logging.disable(logging.CRITICAL)

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
    server.start()
    endpoint, region = parent.recv()
    try:
        conn = Connection(Settings(source="demo", region=region, endpoint_url=endpoint), read_only=False,
                          read_timeout=READ_TIMEOUT)
        table = conn.table_name("trades")
        print(f"loading {args.items:,} trade items into {table} on {endpoint} (server in pid {server.pid}) ...")
        _load(conn, table, _trades(args.items))
        session = boto3.session.Session(region_name=region, aws_access_key_id="demo", aws_secret_access_key="demo")
        config = botocore.config.Config(read_timeout=READ_TIMEOUT, retries={"mode": "standard"})
        client = session.client("dynamodb", endpoint_url=endpoint, config=config)
        resource_table = session.resource("dynamodb", endpoint_url=endpoint, config=config).Table(table)
        deserializer = TypeDeserializer()

        def boto3_resource() -> int:
            return sum(len(p["Items"]) for p in _pages(resource_table.scan))

        def boto3_client() -> int:
            n = 0
            for page in _pages(client.scan, TableName=table):
                n += len([{k: deserializer.deserialize(v) for k, v in i.items()} for i in page["Items"]])
            return n

        def reads_before() -> int:
            n = 0
            for page in _pages(client.scan, TableName=table):
                sizes = [capacity.wire_item_size(i) for i in page["Items"]]
                capacity.read_units_for_query(sizes)
                n += len([_old_item(i) for i in page["Items"]])
            return n

        def reads_scan() -> int:
            return len(reads.scan(conn, table, allow_full_scan=True, progress=False))

        def reads_frame() -> int:
            return len(codec.items_to_frame(reads.scan(conn, table, allow_full_scan=True, progress=False)))

        rows: list[tuple[str, int | None, float, float, str]] = []

        def measure(name: str, reader: Callable[[], int]) -> None:
            cpu, wall = time.process_time(), time.perf_counter()
            n = reader()
            rows.append((name, n, time.process_time() - cpu, time.perf_counter() - wall, ""))
            print(f"  {name}: {n:,} items, {rows[-1][2]:.2f} s CPU, {rows[-1][3]:.2f} s wall", flush=True)

        resource_table.scan(Limit=5)  # warm both clients (credentials, connection pool) untimed
        client.scan(TableName=table, Limit=5)
        measure("boto3 resource Table.scan", boto3_resource)
        measure("boto3 client + TypeDeserializer", boto3_client)
        rows.append(_wrangler(endpoint, region, table))
        measure("reads.scan before issue 14 (rebuilt)", reads_before)
        measure("reads.scan (wire path)", reads_scan)
        measure("reads.scan + codec.items_to_frame", reads_frame)
    finally:
        parent.send("stop")
        server.join(timeout=30)

    base = rows[0][1] / rows[0][2] if rows[0][1] else 0.0
    print(f"\nfull scan of {args.items:,} items, client CPU (time.process_time), one run each:\n")
    print("| reader | items | client CPU s | wall s | items per CPU-second | vs boto3 resource |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, n, cpu, wall, note in rows:
        if n is None:
            print(f"| {name} | - | - | - | {note} | - |")
            continue
        rate = n / cpu if cpu else float("inf")
        print(f"| {name} | {n:,} | {cpu:.2f} | {wall:.2f} | {rate:,.0f} | {rate / base:.2f}x |")


def _wrangler(endpoint: str, region: str, table: str) -> tuple[str, int | None, float, float, str]:
    name = "awswrangler dynamodb.read_items (DataFrame)"
    if not WRANGLER_PYTHON.exists():
        return name, None, 0.0, 0.0, f"not installed: see this script's docstring ({WRANGLER_PYTHON.parent})"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    try:
        done = subprocess.run([str(WRANGLER_PYTHON), "-c", _WRANGLER_READER, endpoint, region, table],
                              capture_output=True, text=True, env=env, timeout=1800)
    except subprocess.TimeoutExpired:  # a loaded machine's moto: the other rows still count
        return name, None, 0.0, 0.0, "timed out after 1800 s"
    if done.returncode:
        return name, None, 0.0, 0.0, "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:80]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return f"awswrangler {out['version']} dynamodb.read_items (DataFrame)", out["items"], out["cpu"], out["wall"], ""


if __name__ == "__main__":
    sys.exit(main())
