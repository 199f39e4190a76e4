"""Benchmark: the cached lookups of 000 (participants) and 001 (channel configs), with and without cache.

Not a test: it measures and prints. Starts the embedded DynamoDB (moto over HTTP on
127.0.0.1), loads 500 participants and 60 channel configs (20 guilds x 3), then replays the
same seeded sequence of lookups twice per access pattern:

* **cached**: one repository, as a running bot has (it starts cold; 001 warms up first, and
  the warm-up's own cost is printed separately);
* **no cache**: a fresh repository for every lookup (built outside the timed part), so every
  lookup goes to the table or index, as it would without the document's caches.

Prints median and p99 lookup time (µs) and table requests per 10,000 lookups (from the
connection's request meter). Run: ``.venv/bin/python bench/cache_lookups.py [--lookups N]``.
Absolute times are those of a local emulator; the request counts are what DynamoDB would bill.
A full run takes a few minutes, nearly all of it in the 30,000 uncached lookups (moto answers
a Query in ~5-12 ms); ``--lookups 2000`` gives a quick run.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import time
from decimal import Decimal
from typing import Callable, Sequence

from dynamo_reports.codec import item_to_wire
from dynamo_reports.connection import Connection
from dynamo_reports.demo.server import EmbeddedDynamo
from dynamo_reports.systems.discord_config import ChannelConfigRepository, channel_item, settings_item
from dynamo_reports.systems.solanashares import STATS_KEY, ParticipantRepository, participant_item

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def batch_put(conn: Connection, table: str, items: Sequence[dict]) -> None:
    for start in range(0, len(items), 25):
        chunk = items[start:start + 25]
        pending = {table: [{"PutRequest": {"Item": item_to_wire(i)}} for i in chunk]}
        while pending:
            pending = conn.call("BatchWriteItem", RequestItems=pending).get("UnprocessedItems") or {}


def load_participants(conn: Connection, rng: random.Random, count: int) -> list[tuple[str, str]]:
    table = conn.table_name("solanashares")
    pairs, items = [], []
    total = Decimal(0)
    active = 0
    for n in range(count):
        user = str(400_000_000_000_000_000 + n)
        wallet = "".join(rng.choice(BASE58) for _ in range(44))
        amount = Decimal(rng.randint(0, 10_000)) / 100
        items.append(participant_item(user, wallet, amount, 1_700_000_000_000, 1_700_000_000_000))
        pairs.append((user, wallet))
        total += amount
        active += amount > 0
    batch_put(conn, table, items)
    conn.call("PutItem", TableName=table, Item=item_to_wire({
        **STATS_KEY, "Type": "global_stats", "totalInvested": total, "participantCount": count,
        "activeParticipants": active, "updatedAt": 1_700_000_000_000}))
    return pairs


def load_channels(conn: Connection, guilds: int, per_guild: int) -> list[str]:
    table = conn.table_name("discord_config")
    items, channels = [], []
    config = {"image": True, "notifyOnClose": False, "pin": True, "tagType": "ROLE", "tagId": 1, "threshold": 3}
    for g in range(guilds):
        guild = str(500_000_000_000_000_000 + g)
        items.append(settings_item(guild, {"timezone": "Europe/Paris"}))
        for c in range(per_guild):
            channel = str(600_000_000_000_000_000 + g * 100 + c)
            items.append(channel_item(guild, channel, config))
            channels.append(channel)
    batch_put(conn, table, items)
    return channels


def measure(conn: Connection, lookups: Sequence, lookup: Callable[[object], object],
            fresh: Callable[[], object] | None = None) -> dict:
    """Time each lookup; ``fresh`` (if given) builds the object to call before each one, untimed."""
    mark = conn.meter.mark()
    times = []
    target = None
    for key in lookups:
        if fresh is not None:
            target = fresh()
        started = time.perf_counter_ns()
        lookup(target, key)
        times.append((time.perf_counter_ns() - started) / 1000)
    requests = len(conn.meter.since(mark))
    times.sort()
    return {
        "median_us": statistics.median(times),
        "p99_us": times[min(len(times) - 1, int(len(times) * 0.99))],
        "requests_per_10k": requests * 10_000 / len(lookups),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    rng = random.Random(args.seed)

    with EmbeddedDynamo(seed=False) as server:
        conn = server.connect()
        pairs = load_participants(conn, rng, args.participants)
        channels = load_channels(conn, guilds=20, per_guild=3)
        untracked = [str(700_000_000_000_000_000 + n) for n in range(60)]

        # 000: half by wallet, half by Discord user, over the 500 participants.
        participant_lookups = [("wallet", w) if rng.random() < 0.5 else ("user", u)
                               for u, w in (rng.choice(pairs) for _ in range(args.lookups))]

        def find(repo: ParticipantRepository, key):
            kind, value = key
            return repo.find_participant_by_wallet(value) if kind == "wallet" else repo.find_participant_by_user(value)

        # 001: the onMessageCreate mix, 70 % messages in tracked channels.
        channel_lookups = [rng.choice(channels) if rng.random() < 0.7 else rng.choice(untracked)
                           for _ in range(args.lookups)]
        stats_lookups = [None] * args.lookups

        rows = []
        repo = ParticipantRepository(conn)
        rows.append(("000 participant by wallet/user", "cached",
                     measure(conn, participant_lookups, lambda _, k: find(repo, k))))
        rows.append(("000 participant by wallet/user", "no cache",
                     measure(conn, participant_lookups, find, fresh=lambda: ParticipantRepository(conn))))

        stats_repo = ParticipantRepository(conn)
        rows.append(("000 global stats (30 s cache)", "cached",
                     measure(conn, stats_lookups, lambda _, k: stats_repo.global_stats())))
        rows.append(("000 global stats (30 s cache)", "no cache",
                     measure(conn, stats_lookups, lambda r, k: r.global_stats(),
                             fresh=lambda: ParticipantRepository(conn))))

        config_repo = ChannelConfigRepository(conn)
        started = time.perf_counter()
        warm = config_repo.warm_up()
        warm_ms = (time.perf_counter() - started) * 1000
        rows.append(("001 channel config (onMessage)", "cached",
                     measure(conn, channel_lookups, lambda _, k: config_repo.get_channel_config(k))))
        rows.append(("001 channel config (onMessage)", "no cache",
                     measure(conn, channel_lookups, lambda r, k: r.get_channel_config(k),
                             fresh=lambda: ChannelConfigRepository(conn))))

    print(f"{args.lookups:,} lookups per row; embedded DynamoDB (moto over HTTP on 127.0.0.1); "
          f"{args.participants} participants, 60 channels in 20 guilds")
    header = f"{'access pattern':32} {'mode':9} {'median µs':>10} {'p99 µs':>10} {'requests / 10k':>15}"
    print(header)
    print("-" * len(header))
    for name, mode, result in rows:
        print(f"{name:32} {mode:9} {result['median_us']:10.1f} {result['p99_us']:10.1f} "
              f"{result['requests_per_10k']:15,.0f}")
    print()
    print(f"000 cache counters (cached run): {_counters(repo)}")
    print(f"001 cache counters (cached run): {_counters(config_repo)}")
    print(f"001 warm-up before the cached run: {warm['requests']} request(s), {warm['pages']} page(s), "
          f"{warm['items']} items, {warm['read_units']} read units, {warm_ms:.1f} ms")


def _counters(repo) -> str:
    return "; ".join(f"{s['cache'].split('.', 1)[1]}: {s['hits']} hits / {s['misses']} misses / "
                     f"{s['table_reads']} table reads" for s in repo.cache_stats() if s["hits"] + s["misses"])


if __name__ == "__main__":
    main()
