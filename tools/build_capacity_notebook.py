"""Writes notebooks/capacity_report.ipynb (structure only; `make refresh-notebooks` stores outputs)."""

from nbbuild import COMMON_PARAMETERS, OPEN_ARGS, build

CELLS = [
    ("md", '''
Every source document worries about cost: "budget < 5$/mois", "Free Tier obligatoire", "éviter les scans",
chat polled every 10 s, "Scaling to 100k users". This report answers, per table and per system: how big is it,
what does each access pattern cost, what will the month cost on each billing mode, does it fit the budget and
the free tier, what do the caches save (measured), and what happens at 10x and 100x.
'''),
    ("params", COMMON_PARAMETERS + '''
monthly_budget = 5.0  # USD a month, the budget of seed 001
messages_per_day = 2000  # 001 onMessageCreate events a day, all guilds together
active_users = 50  # 003 users with the support chat open
chat_poll_seconds = 10  # 003 chat polling interval in seconds
scale_factors = [1, 10, 100]  # traffic multiples for the sensitivity section
prices = {}  # USD per ONE unit overriding the price table, e.g. {"gb_month": 0.25}
replay_events = 10000  # most lookups replayed per system to measure the caches, 0 to skip the replay
'''),
    ("code", f'''
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from dynamo_reports import capacity, plots, reads
from dynamo_reports.analytics import capacity_model as cm
from dynamo_reports.exceptions import AccessDeniedError, ParameterError, TableNotFoundError
from dynamo_reports.notebook import open_report
from dynamo_reports.systems import ALL_TABLES, SYSTEMS
from dynamo_reports.systems.discord_config import ChannelConfigRepository
from dynamo_reports.systems.solanashares import ParticipantRepository, is_valid_wallet

def _number(name, value, *, positive=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0 \\
            or (positive and value == 0):
        raise ParameterError(name, f"must be a number {{'> 0' if positive else '>= 0'}}, got {{value!r}}")
    return float(value)

monthly_budget = _number("monthly_budget", monthly_budget)
messages_per_day = _number("messages_per_day", messages_per_day)
active_users = _number("active_users", active_users)
chat_poll_seconds = _number("chat_poll_seconds", chat_poll_seconds, positive=True)
if not isinstance(scale_factors, list) or not scale_factors:
    raise ParameterError("scale_factors", f"must be a non-empty list of positive numbers, got {{scale_factors!r}}")
scale_factors = [_number("scale_factors", f, positive=True) for f in scale_factors]
if not isinstance(prices, dict):
    raise ParameterError("prices", f"must be a dict of unit -> USD, got {{prices!r}}")
if isinstance(replay_events, bool) or not isinstance(replay_events, int) or replay_events < 0:
    raise ParameterError("replay_events", f"must be an integer >= 0, got {{replay_events!r}}")

# Every table of the five systems; a missing one is a data-quality finding, not a failure.
report = open_report("capacity", "DynamoDB capacity and cost — all five systems", tables=[],
                     {OPEN_ARGS})
report.findings.describe("table_missing", "a table of the five systems does not exist on this endpoint")
report.findings.describe("item_over_300KB", "an item above 300 KB, close to DynamoDB's 400 KB item limit")
report.findings.describe("past_ttl_still_stored", "an item whose TTL is past at the as-of time but is still stored")
report.findings.describe("ttl_not_a_number", "a TTL attribute that is not a number of epoch seconds")
report.findings.describe("item_size_unknown", "an item whose size cannot be computed by AWS's rules")
present, described, denied = [], {{}}, set()
for spec in ALL_TABLES:
    physical = report.conn.table_name(spec.logical)
    try:
        described[spec.logical] = report.conn.describe_table(spec.logical)
    except TableNotFoundError:
        report.findings.add("table_missing", physical, f"logical table {{spec.logical}} (system {{spec.system}}) "
                            "not found: set [tables] in the TOML config", table=spec.logical)
        continue
    except AccessDeniedError as e:
        denied.add(e.action)  # existence unknown: try to read it anyway
    present.append(spec)
report.tables = [spec.logical for spec in present]
report.header()
plots.use_style()

try:
    price_list = capacity.price_table(report.settings.region, prices)
    price_region = report.settings.region
except ValueError as e:
    if "override" in str(e) or "overrides" in str(e):
        raise ParameterError("prices", str(e)) from None
    price_list = capacity.price_table("us-east-1", prices)
    price_region = "us-east-1"
report.table(pd.DataFrame([{{"price": key, "USD per unit": p.usd, "region": p.region, "as of": p.as_of,
                             "source": p.source}} for key, p in price_list.items()]),
             caption=f"Price table used (region {{price_region}}" +
                     ("" if price_region == report.settings.region
                      else f"; no prices known for {{report.settings.region}}, us-east-1's used") + ")",
             formats={{"USD per unit": "{{:.4g}}"}})
'''),
    ("md", '''
## Inventory

**This report reads every item of every table** — a full Scan of each, asked for by name
(`allow_full_scan=True`): item sizes cannot be measured otherwise. Its cost is stated at the end (*Cost of
this report*); on a large table, that is the figure to look at before scheduling this report.

Sizes follow AWS's rules (attribute names + values; numbers by significant digits); storage adds 100 bytes
per item and per GSI entry. A GSI holds the items that carry all of its key attributes; an entry is the base
table key + the index key + the projected attributes (ALL: the whole item). The data window in the header
does not apply to this report: the inventory is every item stored when it runs (TTLs are compared with the
as-of time).
'''),
    ("code", '''
items_by_table = {}
for spec in present:
    physical = report.conn.table_name(spec.logical)
    items_by_table[spec.logical] = report.load(
        f"capacity: every item of {spec.logical}",
        lambda physical=physical: reads.scan(report.conn, physical, allow_full_scan=True, progress=False))
inventories = {spec.logical: cm.table_inventory(spec, items_by_table[spec.logical], as_of=report.as_of)
               for spec in present}
for inv in inventories.values():
    for row in inv.near_limit:
        report.findings.add("item_over_300KB", row["key"], f"{row['bytes']:,} bytes", table=inv.logical)
    for key in inv.ttl_expired_keys:
        report.findings.add("past_ttl_still_stored", key, f"'{inv.ttl_attribute}' is before {report.as_of:%Y-%m-%d %H:%M} UTC",
                            table=inv.logical)
    for row in inv.ttl_unreadable:
        report.findings.add("ttl_not_a_number", row["key"], f"'{inv.ttl_attribute}' = {row['value']}", table=inv.logical)
    for row in inv.unsized:
        report.findings.add("item_size_unknown", row["key"], row["error"], table=inv.logical)

inventory = cm.inventory_frame(inventories.values())
report.table(inventory, caption="Tables as measured (bytes by AWS's rules; storage = bytes + 100 per item)",
             formats={"items": "{:,}", "bytes": "{:,}", "storage_bytes": "{:,}", "gsi_storage_bytes": "{:,}",
                      "avg_item_bytes": "{:,.0f}", "p95_item_bytes": "{:,.0f}", "max_item_bytes": "{:,}"})
report.md("**{items}** items, **{size}** of billed storage (tables + GSIs) over {tables} tables; "
          "{near} item(s) above 300 KB; {expired} item(s) past their TTL still stored.",
          items=f"{int(inventory['items'].sum()):,}",
          size=f"{sum(i.total_storage_bytes for i in inventories.values()) / 1024 ** 2:,.2f} MB",
          tables=len(inventories), near=int(inventory["near_400KB"].sum()),
          expired=int(inventory["past_ttl_still_stored"].sum()))
'''),
    ("code", '''
gsi_rows = [{"table": inv.logical, "index": i.name, "projection": i.projection, "entries": i.entries,
             "entry_bytes": i.entry_bytes, "storage_bytes": i.storage_bytes, "avg_entry_bytes": i.avg_entry_bytes,
             "key_values": i.index_keys, "avg_entries_per_key": i.avg_entries_per_key,
             "max_entries_per_key": i.max_entries_per_key}
            for inv in inventories.values() for i in inv.indexes]
report.table(pd.DataFrame(gsi_rows), caption="Global secondary indexes: entries and size from the projection",
             formats={"entries": "{:,}", "entry_bytes": "{:,}", "storage_bytes": "{:,}", "avg_entry_bytes": "{:,.0f}",
                      "avg_entries_per_key": "{:,.1f}"})
hot = pd.DataFrame([{"table": inv.logical, "partition key": h["key"], "items": h["items"], "bytes": h["bytes"]}
                    for inv in inventories.values() for h in inv.hot_keys[:3]])
report.table(hot, caption="Hottest partition keys (items per partition-key value, top 3 per table)",
             formats={"bytes": "{:,}"}, max_rows=60)
ttl_rows = [{"table": inv.logical, "TTL attribute (documented)": inv.ttl_attribute or "none",
             "items past TTL still stored": inv.ttl_expired, "their bytes": inv.ttl_expired_bytes}
            for inv in inventories.values()]
report.table(pd.DataFrame(ttl_rows), caption=f"TTL at the as-of time ({report.as_of:%Y-%m-%d %H:%M} UTC)",
             formats={"their bytes": "{:,}"})
'''),
    ("code", '''
fig, ax = plots.figure("Item size distribution per table", xlabel="item size (bytes, AWS rules; log scale)")
sized = [(inv.logical, inv.sizes) for inv in inventories.values() if inv.sizes]
if sized:
    ax.boxplot([s for _, s in sized], orientation="horizontal", tick_labels=[name for name, _ in sized], showfliers=True)
    ax.set_xscale("log")
    ax.axvline(300 * 1024, color=plots.LOSS, linestyle="--", label="300 KB")
    ax.axvline(4096, color=plots.NEUTRAL, linestyle=":", label="4 KB (one read unit)")
    ax.legend(loc="lower right")
else:
    plots.empty(ax, "no items")
plots.show(fig)
'''),
    ("md", '''
## What the caches save — measured

Seeds 000 and 001 call their in-memory caches critical; 001 promises "ZERO requête DynamoDB" on
onMessageCreate. Here the model's traffic for one simulated day is **replayed through the real repositories**
(`ParticipantRepository`, `ChannelConfigRepository`) against this report's read-only connection, and the
table requests are counted with the connection's meter:

- **caches on**: one repository for the whole day (001: warmed up first, then its 30-minute safety refresh
  runs as the simulated clock passes);
- **caches off**: a fresh repository for every lookup, so nothing is remembered.

Keys are drawn uniformly from the items stored (000: valid wallets and user ids plus `GLOBAL#STATS`; 001:
the configured channels, and as many untracked ones). When a day holds more than `replay_events` lookups,
each kind is thinned in proportion and the counts are extrapolated back to a day (the factor is shown).
These requests are real reads: they are part of *Cost of this report*.
'''),
    ("code", '''
model = cm.TrafficModel(messages_per_day=messages_per_day, active_users=active_users,
                        chat_poll_seconds=chat_poll_seconds)
replays, hit_ratios, cache_savings = {}, {}, {}
meter = report.conn.meter

def _cost(records):
    return sum(r.read_units for r in records)

def replay(system, kinds, new_repository, lookup, prepare=None):
    events, scale = cm.replay_plan(kinds, max_events=replay_events)
    out = {"events": events, "scale": scale}
    for label, cached in (("on", True), ("off", False)):
        mark = meter.mark()
        result = cm.replay_lookups(events, new_repository, lookup, cached=cached,
                                   prepare=prepare if cached else None, requests_so_far=meter.mark)
        records = meter.since(mark)
        out[label] = {**result, "records": records, "read_units": _cost(records)}
    replays[system] = out
    return out

sol_items = items_by_table.get("solanashares", [])
wallets = sorted({i["walletAddress"] for i in sol_items if i.get("Type") == "participant"
                  and is_valid_wallet(i.get("walletAddress"))})
users = sorted({i["userId"] for i in sol_items if i.get("Type") == "participant"
                and isinstance(i.get("userId"), str) and i["userId"].isdigit() and len(i["userId"]) <= 20})
LOOKUP_000 = {"wallet": "000 find by wallet (cache, then WalletAddressIndex)",
              "user": "000 find by Discord user (cache, then USER# partition)",
              "stats": "000 global stats (30 s cache, then GetItem)"}
if replay_events and "solanashares" in inventories:
    r = replay("000", {"wallet": (model.wallet_lookups_per_day, wallets), "user": (model.user_lookups_per_day, users),
                       "stats": (model.stats_views_per_day, ["GLOBAL#STATS"])},
               lambda clock: ParticipantRepository(report.conn, clock=clock),
               lambda repo, kind, key: (repo.find_participant_by_wallet(key) if kind == "wallet" else
                                        repo.find_participant_by_user(key) if kind == "user" else repo.global_stats()))
    for kind, pattern in LOOKUP_000.items():
        n = r["on"]["lookups"].get(kind, 0)
        if n:
            hit_ratios[pattern] = 1 - r["on"]["requests"].get(kind, 0) / n

config_items = items_by_table.get("discord_config", [])
tracked = sorted({str(i["SK"]).removeprefix("CHANNEL#") for i in config_items
                  if str(i.get("SK", "")).startswith("CHANNEL#") and str(i["SK"])[8:].isdigit()})
untracked = [str(900000000000000000 + n) for n in range(len(tracked))]
if replay_events and "discord_config" in inventories:
    share = model.untracked_message_share
    r = replay("001", {"tracked": (model.messages_per_day * (1 - share), tracked),
                       "untracked": (model.messages_per_day * share, untracked)},
               lambda clock: ChannelConfigRepository(report.conn, clock=clock),
               lambda repo, kind, key: repo.get_channel_config(key),
               prepare=lambda repo: repo.warm_up())
    scans_on = [rec for rec in r["on"]["records"] if rec.operation == "Scan"]
    lookup_requests_on = len(r["on"]["records"]) - len(scans_on)
    n = sum(r["on"]["lookups"].values())
    if n:
        hit_ratios["001 onMessageCreate: channel config"] = 1 - lookup_requests_on / n
    r["warm_ups"] = r["on"]["repository"].warm_ups
    r["warm_up_requests"] = len(scans_on)
    r["lookup_requests_on"] = lookup_requests_on

rows = []
for system, r in replays.items():
    lookups = sum(r["on"]["lookups"].values())
    on, off = len(r["on"]["records"]), len(r["off"]["records"])
    per_month = r["scale"] * cm.DAYS_PER_MONTH
    rru = price_list["on_demand.read_request_unit"].usd
    cache_savings[system] = {
        "lookups": lookups, "requests_with_cache": on, "requests_without_cache": off,
        "read_units_with_cache": r["on"]["read_units"], "read_units_without_cache": r["off"]["read_units"],
        "extrapolation_factor": r["scale"],
        "monthly_cost_with_cache": r["on"]["read_units"] * per_month * rru,
        "monthly_cost_without_cache": r["off"]["read_units"] * per_month * rru,
    }
    if system == "001":
        cache_savings[system].update({"warm_ups": r["warm_ups"], "warm_up_requests": r["warm_up_requests"],
                                      "lookup_requests_with_cache": r["lookup_requests_on"]})
    rows.append({"system": system, "lookups replayed": lookups, "day extrapolation": r["scale"],
                 "requests, caches on": on, "requests, caches off": off,
                 "read units, on": r["on"]["read_units"], "read units, off": r["off"]["read_units"],
                 "USD/month, on": cache_savings[system]["monthly_cost_with_cache"],
                 "USD/month, off": cache_savings[system]["monthly_cost_without_cache"]})
cache_frame = pd.DataFrame(rows)
report.table(cache_frame, caption="One simulated day of lookups, replayed both ways (on-demand read prices)",
             formats={"lookups replayed": "{:,}", "day extrapolation": "{:g}x", "requests, caches on": "{:,}",
                      "requests, caches off": "{:,}", "read units, on": "{:,.1f}", "read units, off": "{:,.1f}",
                      "USD/month, on": "${:.6f}", "USD/month, off": "${:.6f}"})
if "001" in replays:
    r = replays["001"]
    report.md("**001 onMessageCreate: {lookup} DynamoDB request(s) for {n} messages** with the caches on — "
              "measured. The only requests were the warm-up and its safety refreshes: {warm} scan(s) "
              "({wreq} request(s)) over the simulated day. With the caches off, every message costs a "
              "`ChannelIndex` query: {off} requests.",
              lookup=r["lookup_requests_on"], n=f"{sum(r['on']['lookups'].values()):,}", warm=r["warm_ups"],
              wreq=r["warm_up_requests"], off=f"{len(r['off']['records']):,}")
if "000" in replays:
    r = replays["000"]
    per_kind = pd.DataFrame([{"lookup": LOOKUP_000[k], "lookups": r["on"]["lookups"].get(k, 0),
                              "requests, caches on": r["on"]["requests"].get(k, 0),
                              "requests, caches off": r["off"]["requests"].get(k, 0),
                              "hit ratio": hit_ratios.get(LOOKUP_000[k], float("nan"))} for k in LOOKUP_000])
    report.table(per_kind, caption="000 per lookup kind (the hit ratios feed the cost model below)",
                 formats={"hit ratio": "{:.1%}"})
if not replays:
    report.md("Replay skipped (`replay_events = 0` or the tables are missing): the cost model uses the "
              "documents' design instead (001 answered from its complete cache; 000 with no cache saving).")
else:
    fig, ax = plots.figure("Table requests for one day of lookups", xlabel="system", ylabel="requests (log scale)")
    x = np.arange(len(cache_frame))
    ax.bar(x - 0.2, cache_frame["requests, caches off"].clip(lower=0.8), width=0.4, color=plots.LOSS, label="caches off")
    ax.bar(x + 0.2, cache_frame["requests, caches on"].clip(lower=0.8), width=0.4, color=plots.GAIN, label="caches on")
    ax.set_xticks(x, cache_frame["system"])
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.8)
    ax.legend()
    plots.show(fig)
'''),
    ("md", '''
## Access-pattern cost model

Each document's access patterns, with the traffic model below. Read and write request units come from the
**measured** average item (or GSI entry) size of each table: a GetItem is one item rounded up to 4 KB; a
Query sums the items of the average partition (or index key) and rounds once; a Scan counts every item of the
table; eventually consistent reads are half. Writes round each item up to 1 KB, plus one write per GSI the
item is in (two when the write moves the item's index key); transactions cost double. The 000 and 001 cache
hit ratios are the ones measured above.
'''),
    ("code", '''
report.table(pd.DataFrame([{"parameter": k, "value": v} for k, v in vars(model).items()]),
             caption="Traffic model (defaults from the documents; where they give no figure, assumed and labelled so)")
result = cm.cost_model(model, inventories, price_list, monthly_budget=monthly_budget, cache_hit_ratios=hit_ratios)
patterns, tables, totals = result["patterns"], result["tables"], result["totals"]
shown = patterns[["system", "table", "pattern", "operation", "index", "events_per_month", "cache_hit_ratio",
                  "requests_per_month", "items_per_request", "read_units_per_request", "write_units_per_request",
                  "read_units_per_month", "write_units_per_month", "on_demand_cost", "basis"]]
report.table(shown, caption="Per access pattern, per month (on-demand USD)", max_rows=60,
             formats={"events_per_month": "{:,.0f}", "cache_hit_ratio": "{:.1%}", "requests_per_month": "{:,.0f}",
                      "items_per_request": "{:,.1f}", "read_units_per_request": "{:g}",
                      "write_units_per_request": "{:g}", "read_units_per_month": "{:,.0f}",
                      "write_units_per_month": "{:,.0f}", "on_demand_cost": "${:.4f}"})
'''),
    ("md", '''
## Monthly cost

Per table on **on-demand** (request units + storage) and on **provisioned** capacity sized for the model's
peak (each pattern's units per second over its active hours, summed, x the model's `peak_factor`, rounded up;
at least 1 RCU and 1 WCU for the table and for each of its GSIs). Per-table figures are **before** the free
tier, which belongs to the account and region: 25 GB of storage on every mode, 25 RCU and 25 WCU for
provisioned tables only. The account plans below apply it once — treating the five systems as one account in
one region, which they may not be.
'''),
    ("code", '''
money = {c: "${:.4f}" for c in ["on_demand_reads", "on_demand_writes", "on_demand_storage", "monthly_cost_on_demand",
                                "provisioned_reads", "provisioned_writes", "provisioned_storage",
                                "monthly_cost_provisioned"]}
report.table(tables[["system", "table", "configured_mode", "on_demand_reads", "on_demand_writes", "on_demand_storage",
                     "monthly_cost_on_demand", "provisioned_rcu", "provisioned_wcu", "monthly_cost_provisioned",
                     "cheapest_mode"]],
             caption="Per table, USD a month, before the free tier", formats=money)
by_system = tables.groupby("system", as_index=False)[["monthly_cost_on_demand", "monthly_cost_provisioned",
                                                       "provisioned_rcu", "provisioned_wcu", "storage_bytes"]].sum()
by_system["title"] = [SYSTEMS[s].TITLE for s in by_system["system"]]
report.table(by_system[["system", "title", "monthly_cost_on_demand", "monthly_cost_provisioned", "provisioned_rcu",
                        "provisioned_wcu", "storage_bytes"]],
             caption="Per system, USD a month, before the free tier", formats={**money, "storage_bytes": "{:,}"})
plan_labels = {"configured": "as configured", "on_demand": "everything on-demand", "provisioned": "everything provisioned",
               "per_table": "each table on its cheaper mode", "free_tier_packing": "provisioned inside the free tier, rest on-demand"}
plans = pd.DataFrame([{"plan": plan_labels[name], "reads": totals[name]["reads"], "writes": totals[name]["writes"],
                       "storage": totals[name]["storage"], "total": totals[name]["total"],
                       "provisioned tables": sum(1 for m in totals["plans"][name].values() if m == "provisioned")}
                      for name in plan_labels])
report.table(plans, caption="The account's month, free tier applied once (USD)",
             formats={"reads": "${:.4f}", "writes": "${:.4f}", "storage": "${:.4f}", "total": "${:.4f}"})
free = totals["free_tier"]
report.md("**As configured: ${total} a month** against a budget of ${budget} — **{verdict}**. Cheapest plan: "
          "{plan}, ${cheapest} a month. Free tier: provisioning every table for the model's peak needs {rcu} RCU / "
          "{wcu} WCU (free: {frcu} / {fwcu}) and {gb} GB of storage (free: {fgb} GB) — "
          "{fit}. On-demand has no free request units.",
          total=f"{totals['total_monthly_cost']:.4f}", budget=f"{monthly_budget:.2f}",
          verdict="within budget" if totals["within_budget"] else "OVER budget",
          plan=plan_labels[totals["cheapest_plan"]], cheapest=f"{totals['cheapest_total_monthly_cost']:.4f}",
          rcu=free["provisioned_rcu"], wcu=free["provisioned_wcu"], frcu=free["free_rcu"], fwcu=free["free_wcu"],
          gb=f"{free['storage_gb']:.4f}", fgb=free["free_storage_gb"],
          fit="it all fits: the month would be free" if free["fits"] else "that does not all fit")
'''),
    ("code", '''
from matplotlib.ticker import MaxNLocator

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
for ax, mode, title in ((axes[0], "on_demand", "on-demand"), (axes[1], "provisioned", "provisioned (peak-sized)")):
    left = np.zeros(len(tables))
    for part, color in (("reads", plots.PALETTE[0]), ("writes", plots.PALETTE[1]), ("storage", plots.PALETTE[2])):
        values = tables[f"{mode}_{part}"].to_numpy(dtype=float)
        ax.barh(tables["table"], values, left=left, color=color, label=part)
        left += values
    ax.set_title(f"Cost per table, {title}")
    ax.set_xlabel("USD a month, before the free tier")
    ax.xaxis.set_major_locator(MaxNLocator(4))
    plots.money_axis(ax, "USD", axis="x")
axes[0].invert_yaxis()
axes[0].legend(loc="lower right")
plots.show(fig)
'''),
    ("md", '''
## Sensitivity

The same model with every volume (users, guilds, messages, trades, lookups) multiplied by each of
`scale_factors`, and with the 003 chat polled at other intervals. Storage stays as measured today. The
break-even is the smallest scale, on a log grid from 0.1x to 10,000x, at which provisioned capacity costs no
more than on-demand.
'''),
    ("code", '''
polls = sorted({5.0, 10.0, 30.0, 60.0, float(chat_poll_seconds)})
sens = cm.sensitivity(model, inventories, price_list, scale_factors=scale_factors, poll_seconds=polls,
                      cache_hit_ratios=hit_ratios)
by_scale, by_poll = sens[sens["vary"] == "scale"], sens[sens["vary"] == "chat_poll_seconds"]
usd = {c: "${:,.4f}" for c in ["on_demand", "provisioned", "configured", "cheapest"]}
report.table(by_scale.drop(columns="vary").rename(columns={"value": "scale"}),
             caption="Account month (USD, free tier applied once) against traffic scale", formats={"scale": "{:g}x", **usd})
report.table(by_poll.drop(columns="vary").rename(columns={"value": "chat poll (s)"}),
             caption="Account month (USD) against the 003 chat polling interval", formats={"chat poll (s)": "{:g}", **usd})
break_even = cm.break_even_scale(model, inventories, price_list, cache_hit_ratios=hit_ratios)
be_rows = [{"scope": "whole account (free tier applied)", "provisioned beats on-demand from": break_even["account"]}]
be_rows += [{"scope": t, "provisioned beats on-demand from": f} for t, f in break_even["tables"].items()]
report.table(pd.DataFrame(be_rows), caption="Break-even scale (blank: not within 0.1x - 10,000x)",
             formats={"provisioned beats on-demand from": "{:,.1f}x"})

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
for column, color, label in (("on_demand", plots.PALETTE[0], "on-demand"), ("provisioned", plots.PALETTE[1], "provisioned"),
                             ("cheapest", plots.PALETTE[2], "cheapest plan")):
    left.plot(by_scale["value"], by_scale[column].clip(lower=1e-4), marker="o", color=color, label=label)
    right.plot(by_poll["value"], by_poll[column].clip(lower=1e-4), marker="o", color=color, label=label)
for ax in (left, right):
    ax.axhline(monthly_budget, color=plots.LOSS, linestyle="--", label="budget")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylabel("USD a month (log)")
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
for ax, ticks in ((left, list(by_scale["value"])), (right, list(by_poll["value"]))):
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:g}"))
left.set_title("Cost against traffic scale")
left.set_xlabel("scale (x today's model, log)")
right.set_title("Cost against the chat polling interval")
right.set_xlabel("chat poll interval (seconds, log)")
left.legend()
plots.show(fig)
'''),
    ("md", '''
## Recommendations

Computed from the figures above, not written in advance: a table whose mode in the cheapest plan differs
from its configured billing mode, a scan run many times a day, a pattern that dominates the cost, tables that
grow forever without a TTL, items past their TTL still stored, items near the item limit, the budget, the free tier.
'''),
    ("code", '''
advice = cm.recommendations(patterns, tables, totals, inventories)
report.table(pd.DataFrame([{"kind": a["kind"], "table": a["table"], "recommendation": a["text"]} for a in advice],
                          columns=["kind", "table", "recommendation"]),
             caption="Recommendations", max_rows=100)
'''),
    ("md", '''
## As deployed (DescribeTable)

With `source = "aws"` only: DynamoDB's own item count and size for each table — **updated by AWS about every
six hours**, so they lag the measured figures above — and the billing mode, GSIs and TTL as deployed, compared
with the documents.
'''),
    ("code", '''
if report.settings.source != "aws":
    report.md("Skipped on demo data: the embedded server's DescribeTable figures are not AWS's.")
else:
    rows, differences = [], []
    for spec in present:
        if spec.logical in denied or "DescribeTable" in denied:
            rows.append({"table": spec.logical, "note": "dynamodb:DescribeTable denied"})
            continue
        d = described.get(spec.logical, {})
        mode = (d.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
        deployed = sorted(g["IndexName"] for g in d.get("GlobalSecondaryIndexes", []) or [])
        documented = sorted(i.name for i in spec.indexes)
        ttl_state = ""
        try:
            ttl = report.conn.call("DescribeTimeToLive", TableName=report.conn.table_name(spec.logical))
            desc = ttl.get("TimeToLiveDescription", {})
            ttl_state = f"{desc.get('TimeToLiveStatus', '')} {desc.get('AttributeName', '')}".strip()
        except AccessDeniedError as e:
            ttl_state = f"denied ({e.action})"
        inv = inventories[spec.logical]
        rows.append({"table": spec.logical, "items (AWS, ~6 h old)": d.get("ItemCount"),
                     "items (measured)": inv.items, "bytes (AWS, ~6 h old)": d.get("TableSizeBytes"),
                     "bytes (measured)": inv.item_bytes, "billing mode": mode, "GSIs deployed": ", ".join(deployed),
                     "TTL deployed": ttl_state, "note": ""})
        if mode != spec.billing_mode:
            differences.append(f"{spec.logical}: billing mode {mode}, documented {spec.billing_mode}")
        for name in sorted(set(documented) - set(deployed)):
            differences.append(f"{spec.logical}: GSI {name} documented but not deployed")
        for name in sorted(set(deployed) - set(documented)):
            differences.append(f"{spec.logical}: GSI {name} deployed but not documented")
        if spec.ttl_attribute and not ttl_state.startswith(("ENABLED", "denied")):
            differences.append(f"{spec.logical}: TTL on '{spec.ttl_attribute}' documented, deployed: {ttl_state or 'none'}")
    report.table(pd.DataFrame(rows), caption="DescribeTable beside the measured figures")
    if denied:
        report.md("Permission denied for: {actions}. The section shows what could be read; the report went on.",
                  actions=", ".join(f"dynamodb:{a}" for a in sorted(denied)))
    report.table(pd.DataFrame({"difference": differences}, columns=["difference"]),
                 caption="Deployed vs documented")
'''),
    ("code", '''
report.data_quality()
'''),
    ("code", '''
costs = report.cost()
if replays:
    replay_requests = sum(len(r["on"]["records"]) + len(r["off"]["records"]) for r in replays.values())
    report.md("Of these, {n} request(s) were the cache replay; the rest are the inventory's full read.",
              n=f"{replay_requests:,}")
'''),
    ("code", '''
summary = report.write_summary({
    "tables": {row.table: {"items": int(row.items), "bytes": int(inventories[row.table].item_bytes),
                           "storage_bytes": int(row.storage_bytes),
                           "avg_item_bytes": float(inventories[row.table].avg_item_bytes),
                           "monthly_cost_on_demand": float(row.monthly_cost_on_demand),
                           "monthly_cost_provisioned": float(row.monthly_cost_provisioned),
                           "provisioned_rcu": int(row.provisioned_rcu), "provisioned_wcu": int(row.provisioned_wcu),
                           "configured_mode": row.configured_mode, "cheapest_mode": row.cheapest_mode,
                           "physical_name": report.conn.table_name(row.table), "system": row.system}
               for row in tables.itertuples()},
    "total_monthly_cost": float(totals["total_monthly_cost"]),
    "cheapest_total_monthly_cost": float(totals["cheapest_total_monthly_cost"]),
    "cheapest_plan": totals["cheapest_plan"],
    "monthly_budget": monthly_budget,
    "within_budget": bool(totals["within_budget"]),
    "free_tier_fit": bool(totals["free_tier"]["fits"]),
    "free_tier": totals["free_tier"],
    "cache_savings": cache_savings,
    "recommendations": [{"kind": a["kind"], "table": a["table"], "text": a["text"]} for a in advice],
    "by_system": {row.system: {"monthly_cost_on_demand": float(row.monthly_cost_on_demand),
                               "monthly_cost_provisioned": float(row.monthly_cost_provisioned)}
                  for row in by_system.itertuples()},
    "sensitivity": [{"vary": row.vary, "value": row.value, "on_demand": row.on_demand, "provisioned": row.provisioned,
                     "cheapest": row.cheapest} for row in sens.itertuples()],
    "break_even_scale": break_even["account"],
    "prices": {"region": price_region, "as_of": max(p.as_of for p in price_list.values()),
               "overrides": sorted(prices)},
    "missing_tables": [spec.logical for spec in ALL_TABLES if spec.logical not in inventories],
})
'''),
]

# The intro reads best under the header (title, DEMO banner): move it after the first code cell.
CELLS.insert(2, CELLS.pop(0))

if __name__ == "__main__":
    build("notebooks/capacity_report.ipynb", CELLS)
