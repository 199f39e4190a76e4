"""Writes notebooks/explore.ipynb (structure only; `make refresh-notebooks` stores outputs)."""

from nbbuild import build

CELLS = [
    ("md", '''
# Exploring the tables — a guided tour

You have just cloned the project. This notebook walks through what the library does, on the deterministic demo
data: connect to a DynamoDB, list the tables of the five systems, look participants up through their cache, query
one symbol's trades for a week, load a table into a DataFrame, and see what every read cost.

Every call goes through `dynamo_reports` — no boto3 in here. Run it top to bottom (*Run → Run All Cells*).
'''),
    ("md", '''
## 1. Parameters

Leave them empty for the demo. To explore your own tables set `endpoint_url` (DynamoDB Local, moto, ...) or
`source = "aws"` (boto3's usual credential chain: profile, environment, SSO, role) and the `region`.
'''),
    ("params", '''
source = "demo"  # demo: the embedded DynamoDB with the demo dataset; aws: your tables
endpoint_url = ""  # any DynamoDB-compatible endpoint; "": AWS_ENDPOINT_URL_DYNAMODB, else (demo) start one here
region = "eu-west-3"  # AWS region
wallet = ""  # a participant's wallet to look up; "": one taken from the demo dataset
user_id = ""  # a participant's Discord id; "": the owner of that wallet
symbol = "BTCUSDT"  # the trades of one symbol ...
week_start = "2025-06-02"  # ... for the seven days from this date (YYYY-MM-DD)
'''),
    ("md", '''
## 2. Connect

`dynamo_reports.connect(...)` returns a `Connection`: a boto3 client with retries, a **read-only guard** (asked for
here: every write is refused before anything is sent) and a **request meter** that prices each read by AWS's sizing
rules. With nothing configured, the cell below starts `EmbeddedDynamo()` — moto's DynamoDB server on 127.0.0.1,
every table created and the demo dataset loaded — inside this kernel. (`make lab` and the test harness start one for
you and export `AWS_ENDPOINT_URL_DYNAMODB`; then that one is used.)
'''),
    ("code", '''
import os

import pandas as pd

import dynamo_reports
from dynamo_reports import reads, systems
from dynamo_reports.demo.server import EmbeddedDynamo

endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB", "")
server = None
if source == "demo" and not endpoint:
    server = EmbeddedDynamo(region=region).start()   # tables created, demo dataset loaded
    endpoint = server.endpoint_url

conn = dynamo_reports.connect(source=source, endpoint_url=endpoint, region=region, read_only=True)
for spec in systems.ALL_TABLES:
    systems.register(conn, spec)     # lets the meter know each table's index keys
print("connected to", "an embedded server started in this kernel" if server else
      ("the endpoint configured in the environment" if endpoint else f"AWS {region}"),
      "| read-only:", conn.read_only)
'''),
    ("md", '''
## 3. The tables and their specs

Each system module (`systems.solanashares`, `systems.discord_config`, `systems.trading`, `systems.commercive`,
`systems.flavaflav`) declares its tables as `TableSpec`s: keys and GSIs exactly as the source documents give them.
`systems.ALL_TABLES` lists them all; `conn.table_name(logical)` is the physical name (configurable per environment).
'''),
    ("code", '''
tables = pd.DataFrame([{
    "system": spec.system,
    "logical name": spec.logical,
    "physical name": conn.table_name(spec.logical),
    "keys": " + ".join(spec.key_attributes()),
    "indexes": ", ".join(f"{i.name} ({' + '.join(i.key_attributes())})" for i in spec.indexes) or "—",
} for spec in systems.ALL_TABLES])
tables
'''),
    ("code", '''
# One spec in full: what `dynamo-reports tables` prints.
systems.spec_for("solanashares").describe()
'''),
    ("md", '''
## 4. Look a participant up — through the cache

SolanaShares (document 000) finds participants by wallet (a Query of the `WalletAddressIndex` GSI) and by Discord id
(a Query of the user's partition), each behind an in-memory cache. Without parameters we take a participant from the
demo dataset: the first by Discord id whose wallet is valid and who is not one of the planted anomalies.
'''),
    ("code", '''
from dynamo_reports.demo.dataset import ANOMALIES, build_demo_dataset
from dynamo_reports.systems.solanashares import ParticipantRepository, is_valid_wallet

if not wallet:
    planted = {a.key.get("PK") for a in ANOMALIES if a.table == "solanashares"}
    planted |= {k.get("PK") for a in ANOMALIES if a.table == "solanashares" for k in a.other_keys}
    candidates = sorted((i["userId"], i["walletAddress"]) for i in build_demo_dataset()["solanashares"]
                        if i.get("Type") == "participant" and i["PK"] not in planted
                        and is_valid_wallet(i.get("walletAddress")))
    user_id, wallet = candidates[0]

participants = ParticipantRepository(conn)
by_wallet = participants.find_participant_by_wallet(wallet)     # cache miss: one GSI Query
by_wallet
'''),
    ("code", '''
by_user = participants.find_participant_by_user(user_id or by_wallet.user_id)   # filled by the wallet lookup: a hit
again = participants.find_participant_by_wallet(wallet)                           # second lookup: a hit
stats = participants.global_stats()                                               # GLOBAL#STATS: miss, one GetItem
stats_again = participants.global_stats()                                         # within 30 s: a hit
print("same participant both ways:", by_user == by_wallet == again)
print(f"invested: {by_wallet.invested_amount} SOL; all participants: {stats.total_invested} SOL "
      f"over {stats.participant_count} participants")
'''),
    ("md", "The cache counters: every lookup is a hit or a miss, and only misses read the table (`table_reads`)."),
    ("code", '''
pd.DataFrame(participants.cache_stats())
'''),
    ("md", '''
## 5. One symbol's trades for one week

The trading bot (document 002) indexes trades by symbol and date (`gsi1-symbol-date`): one Query per symbol and
window, no scan. `TradingRepository` returns Python items (numbers as exact `Decimal`); `trades_frame` turns them into
a typed DataFrame (UTC timestamps, floats).
'''),
    ("code", '''
from datetime import date, timedelta

from dynamo_reports.systems.trading import TradingRepository, trades_frame

first_day = date.fromisoformat(week_start)
last_day = first_day + timedelta(days=6)
trades = trades_frame(TradingRepository(conn).trades_by_symbol(symbol, first_day, last_day))
print(f"{len(trades)} {symbol} orders from {first_day} to {last_day}")
trades[["created_at", "side", "type", "status", "quantity", "price", "quote_quantity"]]
'''),
    ("code", '''
trades.groupby(["side", "status"]).agg(orders=("id", "size"), quote_volume=("quote_quantity", "sum")).round(2)
'''),
    ("md", '''
## 6. A whole table as a DataFrame

A full scan is something you ask for by name (`allow_full_scan=True`): it reads — and bills — every item, every page.
`reads.to_frame` (= `codec.items_to_frame`) converts any items; each system module also has `*_frame` helpers with
the documented columns. Here: the Flavaflav members.
'''),
    ("code", '''
from dynamo_reports.systems.flavaflav import members_frame

member_items = reads.scan(conn, conn.table_name("members"), allow_full_scan=True, progress=False)
members = members_frame(member_items)
print(f"{len(members)} members, {int(members['active'].sum())} active")
members.sort_values("joined_at").head(5)
'''),
    ("code", '''
# Any items work with reads.to_frame: here the Discord bot's configuration, columns as stored.
config = reads.to_frame(reads.scan(conn, conn.table_name("discord_config"), allow_full_scan=True, progress=False))
config.groupby("Type").size().rename("items")
'''),
    ("md", '''
## 7. What each read cost

Every request went through the connection's meter. Read units are computed from the items read, by AWS's rules
(4 KB per unit, halved for eventually consistent reads; a Query or Scan page is rounded up as a whole) — a local
emulator's own ConsumedCapacity figures are placeholders. The cache hits above cost nothing: they are not here.
'''),
    ("code", '''
conn.meter.by_table()
'''),
    ("code", '''
totals = conn.meter.totals()
print(f"{totals['requests']} requests, {totals['read_units']:g} read units in this session")
'''),
    ("md", '''
## Where next

- `dynamo-reports list` — the reports and their parameters; `dynamo-reports run pnl --period last-30-days` runs one.
- The report notebooks in this folder (`pnl_report.ipynb`, `bot_config_audit.ipynb`, ...) use the same calls.
- If this kernel started the embedded server, it keeps running until the kernel stops (`server.stop()` ends it).
'''),
]

if __name__ == "__main__":
    build("notebooks/explore.ipynb", CELLS)
