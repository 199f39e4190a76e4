"""Writes notebooks/bot_config_audit.ipynb (structure only; `make refresh-notebooks` stores outputs)."""

from nbbuild import COMMON_PARAMETERS, OPEN_ARGS, build

CELLS = [
    ("params", COMMON_PARAMETERS + '''
messages_per_day = 5000  # onMessageCreate events replayed through the cache (one day of traffic)
replay_seed = 1  # seed of the replay's channel draws: same seed, same traffic
uncached_sample = 200  # uncached lookups actually measured (one ChannelIndex Query each), then extrapolated
'''),
    ("code", f'''
import pandas as pd

from dynamo_reports import capacity, codec, plots, reads
from dynamo_reports.analytics import bot_config
from dynamo_reports.notebook import open_report
from dynamo_reports.systems.discord_config import ChannelConfigRepository, is_snowflake

report = open_report("bot-config", "Discord bot configuration audit", tables=["discord_config"],
                     {OPEN_ARGS})
report.header()
plots.use_style()
'''),
    ("md", '''
## How the numbers are made

The bot (source document 001) keeps its whole configuration in one table, `discord-bot-config`: one
`GUILD#{guild}` / `SETTINGS` item per guild (time zone, summary preferences) and one `GUILD#{guild}` /
`CHANNEL#{channel}` item per tracked channel, indexed by `ChannelIndex` (`GSI_PK = CHANNEL#{channel}`,
`GSI_SK = GUILD#{guild}`). Configuration has no dates: the data window does not apply, every item is audited.

- Ids come from the keys, as the bot's warm-up does: the guild from `PK`, the channel from `SK`.
- A **guild** is a guild with a `SETTINGS` item; a channel whose guild has none is an **orphan**.
- An **index mismatch** is a channel whose `GSI_PK`/`GSI_SK` are not built from those ids: the bot's cache has
  it (the warm-up scans the table), but the document's fallback — a `ChannelIndex` Query by channel id — misses it.
- Time zones are checked with Python's `zoneinfo` (IANA names); `tagType` must be `USER` or `ROLE`; the document
  expects 1–5 tracked channels per guild.
- Reads: one Scan (all pages) for the audit; a second, the bot's own warm-up, measured on its own below.
'''),
    ("code", '''
table = report.conn.table_name("discord_config")
items = report.load("discord_config items",
                    lambda: reads.scan(report.conn, table, allow_full_scan=True, progress=False))
bot_config.describe_rules(report.findings)
audit = bot_config.audit(codec.items_to_frame(items, numbers=()), report.findings, table=table)
settings, channels, per_guild = audit.settings, audit.channels, audit.per_guild
'''),
    ("md", "## Headline"),
    ("code", '''
guilds = int(settings["guild_id"].nunique())
report.table(pd.DataFrame([
    ("Guilds with settings", guilds),
    ("Guilds with tracked channels", int((per_guild["channels"] > 0).sum())),
    ("Channel configs", len(channels)),
    ("Orphan channels (guild without settings)", len(audit.orphans)),
    ("Channels a ChannelIndex lookup misses (index keys disagree)", len(audit.index_mismatches)),
    ("Invalid tagType", len(audit.invalid_tag_types)),
    ("Unknown time zones", len(audit.unknown_timezones)),
    ("Guilds outside 1–5 channels", int((~per_guild["within_bounds"]).sum())),
], columns=["measure", "value"]))
'''),
    ("md", "## Channels per guild\n\nThe document plans 1–5 tracked channels per guild (mean 3). Guilds without settings are included (they are the orphans' guilds)."),
    ("code", '''
distribution = bot_config.channel_count_distribution(per_guild)
fig, ax = plots.figure("Guilds by number of tracked channels", xlabel="tracked channels", ylabel="guilds")
if per_guild.empty:
    plots.empty(ax, "no guild configured")
else:
    lo, hi = bot_config.CHANNELS_PER_GUILD
    colors = [plots.PALETTE[0] if lo <= n <= hi else plots.LOSS for n in distribution["channels"]]
    ax.bar(distribution["channels"], distribution["guilds"], color=colors)
    ax.axvspan(lo - 0.5, hi + 0.5, color=plots.GAIN, alpha=0.08, label="documented range 1–5")
    ax.set_xticks(distribution["channels"])
    ax.legend()
plots.show(fig)
if not per_guild.empty:
    report.md("Mean **{mean}** channels per guild with settings, range {lo}–{hi}.",
              mean=f"{per_guild.loc[per_guild['has_settings'], 'channels'].mean():.2f}" if guilds else "—",
              lo=int(per_guild["channels"].min()), hi=int(per_guild["channels"].max()))
report.table(per_guild[~per_guild["within_bounds"]], caption="Guilds outside the documented 1–5 channels")
report.table(per_guild, caption="Every guild")
'''),
    ("md", "## Orphans and index mismatches\n\nAn orphan channel still works for onMessageCreate, but its guild has no time zone and no summary preferences. An index mismatch is invisible to the cache and fatal to the fallback: after a cache failure the bot would ignore that channel."),
    ("code", '''
report.table(audit.orphans[["key", "guild_id", "channel_id"]], caption="Channels whose guild has no settings")
report.table(audit.index_mismatches[["key", "gsi_pk", "expected_gsi_pk", "gsi_sk", "expected_gsi_sk"]],
             caption="Channels whose ChannelIndex keys disagree with their keys")
report.table(audit.invalid_tag_types[["key", "tag_type"]], caption="Channels with a tagType other than USER or ROLE")
'''),
    ("md", "## Time zones and summary preferences"),
    ("code", '''
zones = (settings.assign(known=settings["timezone"].map(bot_config.is_known_timezone),
                         timezone=settings["timezone"].map(lambda v: "(missing)" if v is None else str(v)))
         .groupby(["timezone", "known"], as_index=False).size().rename(columns={"size": "guilds"})
         .sort_values(["guilds", "timezone"], ascending=[False, True]))
report.table(zones, caption="Time zones in use (known: loadable by zoneinfo)")
report.table(audit.unknown_timezones[["key", "timezone"]], caption="Guilds with an unknown time zone")
report.table(audit.preferences, caption="Summary preferences (guilds)")

fig, ax = plots.figure("Summary preferences in use", xlabel="summary", ylabel="guilds")
if settings.empty:
    plots.empty(ax, "no guild settings")
else:
    labels = [p.replace("Summary", "") for p in audit.preferences["preference"]]
    ax.bar(labels, audit.preferences["enabled"], color=plots.PALETTE[0], label="enabled")
    ax.bar(labels, audit.preferences["disabled"], bottom=audit.preferences["enabled"], color=plots.NEUTRAL,
           alpha=0.4, label="disabled")
    ax.legend()
plots.show(fig)
'''),
    ("md", '''
## The cache

The document's rule: load everything at start-up with **one scan**, then answer every onMessageCreate from memory —
**zero** DynamoDB requests on normal traffic. Below, a `ChannelConfigRepository` on this report's connection does
exactly that: its warm-up (one paginated Scan, every page), then a replay of `messages_per_day` messages whose channel
ids are drawn with `random.Random(replay_seed)` — 80 % from the tracked channels, 20 % from channels the bot does not
track (a complete cache answers those too: "not tracked", without a read). Requests are counted by the connection's
meter, before and after.
'''),
    ("code", '''
repo = ChannelConfigRepository(report.conn, auto_refresh=False)
warm = repo.warm_up()
report.table(pd.DataFrame([
    ("Items read", warm["items"]), ("Channels cached", warm["channels"]), ("Guild settings cached", warm["guild_settings"]),
    ("Scan pages", warm["pages"]), ("Requests", warm["requests"]),
    ("Read units (AWS sizing rules)", f"{warm['read_units']:g}"),
], columns=["warm-up", "value"]))

tracked = [c for c in audit.tracked_channel_ids if is_snowflake(c)]
traffic = bot_config.replay_traffic(tracked, messages_per_day, replay_seed)
before = repo.cache_stats()
mark = report.conn.meter.mark()
answers = [repo.get_channel_config(channel_id) for channel_id in traffic]
replay_reads = report.conn.meter.totals(report.conn.meter.since(mark))
replay = bot_config.cache_delta(before, repo.cache_stats())
channel_stats = replay.set_index("cache").loc["discord_config.channel"]
cache_hit_ratio = round(channel_stats["hits"] / len(traffic), 4) if traffic else None
report.table(replay, caption=f"Cache counters during the replay of {len(traffic):,} messages",
             formats={"hit_ratio": "{:.1%}"})
report.md("Replay: **{hits}** hits (tracked channels), **{misses}** misses answered as *not tracked* from the "
          "complete cache, **{requests} DynamoDB requests, {units} read units** (meter delta).",
          hits=f"{int(channel_stats['hits']):,}", misses=f"{int(channel_stats['misses']):,}",
          requests=int(replay_reads["requests"]), units=f"{replay_reads['read_units']:g}")
'''),
    ("md", '''
## What the same traffic would cost without the cache

Without the cache every message is one `ChannelIndex` Query (the document's getChannelConfigSafe path). That is
**measured** on the first `uncached_sample` messages of the replay — each through a fresh, cold repository, so each
is one Query — and **extrapolated** to `messages_per_day` a day and a 30-day month. The cached side pays for the
warm-up scan, repeated by the 30-minute safety refresh (48 a day). Prices: on-demand read request units in this
region (`capacity.price_table`).
'''),
    ("code", '''
sample = traffic[:uncached_sample]
mark = report.conn.meter.mark()
cold_answers = [ChannelConfigRepository(report.conn, auto_refresh=False).get_channel_config(c) for c in sample]
sample_reads = report.conn.meter.totals(report.conn.meter.since(mark))
differ = sum((warm_answer is None) != (cold is None) for warm_answer, cold in zip(answers, cold_answers))
try:
    rru = capacity.price_table(report.settings.region)["on_demand.read_request_unit"].usd
except ValueError:
    rru = None
uncached = bot_config.extrapolate_uncached_cost(sample_reads["read_units"], len(sample), messages_per_day, rru or 0.0)
cached = bot_config.cached_monthly_cost(warm["read_units"], rru or 0.0)
if rru is None:  # no price known for this region: read units only
    uncached["usd_per_month"] = cached["usd_per_month"] = None

def usd(value):
    return "no price for this region" if rru is None else f"${value:.6f}"

comparison = pd.DataFrame([
    ("with the cache (warm-up + safety refresh every 30 min)", cached["requests_per_month"],
     cached["read_units_per_month"], usd(cached["usd_per_month"])),
    ("without the cache (one ChannelIndex Query per message)", uncached["requests_per_month"],
     uncached["read_units_per_month"], usd(uncached["usd_per_month"])),
], columns=["configuration lookups", "requests per month", "read units per month", "USD per month"])
report.table(comparison, caption=f"A 30-day month at {messages_per_day:,} messages a day",
             formats={"requests per month": "{:,}", "read units per month": "{:,.1f}"})
report.md("Measured: {n} uncached lookups, {requests} Queries, {units} read units ({per} per message). "
          "Answers that differ from the cache's: **{differ}** (channels whose index keys disagree are found by the "
          "warm-up scan, not by the Query).",
          n=len(sample), requests=int(sample_reads["requests"]), units=f"{sample_reads['read_units']:g}",
          per=f"{uncached['read_units_per_event']:g}", differ=differ)

fig, ax = plots.figure("Configuration reads per month", xlabel="", ylabel="read units per month")
ax.bar(["with the cache", "without the cache"], [cached["read_units_per_month"], uncached["read_units_per_month"]],
       color=[plots.GAIN, plots.LOSS])
plots.show(fig)
'''),
    ("code", '''
report.data_quality()
'''),
    ("code", '''
report.cost()
'''),
    ("code", '''
summary = report.write_summary({
    "guilds": guilds,
    "guilds_with_channels": int((per_guild["channels"] > 0).sum()),
    "channels": len(channels),
    "orphans": len(audit.orphans),
    "index_mismatches": len(audit.index_mismatches),
    "invalid_tag_types": len(audit.invalid_tag_types),
    "unknown_timezones": len(audit.unknown_timezones),
    "guilds_out_of_range": int((~per_guild["within_bounds"]).sum()),
    "summary_preferences": {row.preference: int(row.enabled) for row in audit.preferences.itertuples()},
    "cache_hit_ratio": cache_hit_ratio,
    "warmup_read_units": warm["read_units"],
    "warmup_pages": warm["pages"],
    "warmup_requests": warm["requests"],
    "replay": {"events": len(traffic), "hits": int(channel_stats["hits"]), "misses": int(channel_stats["misses"]),
               "table_reads": int(channel_stats["table_reads"]), "requests": int(replay_reads["requests"]),
               "read_units": replay_reads["read_units"]},
    "uncached": {**uncached, "measured_requests": int(sample_reads["requests"]), "answers_differ": differ},
    "cached": cached,
})
'''),
]

if __name__ == "__main__":
    build("notebooks/bot_config_audit.ipynb", CELLS)
