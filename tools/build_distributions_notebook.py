"""Writes notebooks/link_distribution_report.ipynb (structure only; `make refresh-notebooks` stores outputs)."""

from nbbuild import COMMON_PARAMETERS, OPEN_ARGS, build

CELLS = [
    ("params", COMMON_PARAMETERS + '''
top_n = 10  # how many members the top table and the top share count
'''),
    ("code", f'''
import pandas as pd

from dynamo_reports import plots
from dynamo_reports.analytics import distributions as dist
from dynamo_reports.notebook import open_report
from dynamo_reports.systems.flavaflav import (FlavaflavRepository, distributions_frame, inventory_frame,
                                              lists_frame, members_frame)

dist.check_report_parameters(top_n=top_n)
report = open_report("distributions", "Flavaflav — link distributions",
                     tables=["members", "inventory", "distributions", "lists"],
                     {OPEN_ARGS})
report.header()
plots.use_style()
'''),
    ("md", '''
## How the numbers are made

- **Inventory** is read through the `availability-quality-index` GSI: one Query for the `available` partition and
  one for `distributed` — no table scan. Items are *found through the index*: a link whose `availability` is
  anything else is in neither partition and is not counted. Quality and type breakdowns are computed from
  those items (the `type-quality-index` would need one Query per type already known).
- **Distributions**: the data-quality rules and *never served* need the **whole history**, so the report reads
  the whole distributions table with one paginated scan, asked for by name, then keeps the window's
  distributions for the window's numbers (charts, links received, fairness). Reading every day through the
  `date-index` GSI instead would read the same items and cost more: each per-day Query costs at least 0.5 read
  units, even for a day without any distribution.
- **Members** come from a scan of the members table, asked for by name: it has no index, and every member is
  needed to find the ones never served. **Lists**: the `active-quality-index` GSI, partition `"true"`.
- **Never served** = active members with no distribution in the whole history. **Fairness** is over the
  window: every active member plus anyone who received a link in it, zeros included. Gini: 0 when everyone got
  the same number of links, towards 1 when one member got them all.
'''),
    ("code", '''
repo = FlavaflavRepository(report.conn)
inventory_items = (report.load("inventory available", lambda: repo.inventory_by_availability("available"))
                   + report.load("inventory distributed", lambda: repo.inventory_by_availability("distributed")))
member_items = report.load("members (scan)", repo.all_members)
list_items = report.load("lists active", lambda: repo.lists_by_active(True))
inventory = inventory_frame(inventory_items)
members = members_frame(member_items)
lists = lists_frame(list_items)

history = distributions_frame(report.load("distributions (scan)", repo.all_distributions))
window = history[report.in_window(history["distributed_at"])]

dist.describe_rules(report.findings)
dist.check_link_ids(inventory, report.findings)
dist.check_distributions(history, inventory, members, report.findings)
dist.check_availability(inventory, history, report.findings)

per_member = dist.links_per_member(window, members)
per_member_all = dist.links_per_member(history, members)
never = dist.members_never_served(members, history)
fair = dist.fairness(dist.window_counts(per_member), top_n)
numbers = dist.headline(inventory, window, never, fair)
'''),
    ("md", "## Headline"),
    ("code", '''
def share(value):
    return "—" if value is None else f"{value:.1%}"

first_day = history["distributed_at"].min()
report.md("History read: {n} distribution(s){since}.", n=len(history),
          since="" if history.empty or pd.isna(first_day) else f" since {first_day:%Y-%m-%d}")
report.table(pd.DataFrame([
    ("Links available (inventory)", numbers["links_available"]),
    ("Links distributed (inventory)", numbers["links_distributed"]),
    ("Distributions in the window", numbers["distributions"]),
    ("Members served in the window", numbers["members_served"]),
    ("Active members never served (whole history)", numbers["members_never_served"]),
    ("Gini of links received in the window", "—" if fair["gini"] is None else f"{fair['gini']:.3f}"),
    (f"Share of the top {top_n} members", share(fair["top_share"])),
], columns=["measure", "value"]))
'''),
    ("md", "## Inventory\n\nBy quality and by link type, as found through `availability-quality-index`."),
    ("code", '''
by_quality = dist.inventory_by(inventory, "quality")
by_type = dist.inventory_by(inventory, "link_type")
report.table(by_quality, caption="Links by quality")
report.table(by_type, caption="Links by type")

fig, ax = plots.figure("Inventory by quality", xlabel="quality", ylabel="links")
if by_quality.empty:
    plots.empty(ax, "no link in the inventory")
else:
    ax.bar(by_quality["quality"], by_quality["available"], color=plots.PALETTE[0], label="available")
    ax.bar(by_quality["quality"], by_quality["distributed"], bottom=by_quality["available"],
           color=plots.PALETTE[1], label="distributed")
    ax.legend()
plots.show(fig)
'''),
    ("md", "## Distributions over time\n\nDistributions of the window per week (weeks start on Monday, in the report's time zone), by quality."),
    ("code", '''
lo, hi = report.bounds_utc()
weekly = dist.distributions_per_period(window, freq="W", timezone=report.timezone, lo=lo, hi=hi)
fig, ax = plots.figure("Distributions per week", xlabel="week (Monday)", ylabel="links distributed")
if weekly.empty or weekly.to_numpy().sum() == 0:
    plots.empty(ax)
else:
    bottom = None
    for i, quality in enumerate(weekly.columns):
        ax.bar(weekly.index, weekly[quality], width=5, bottom=bottom, color=plots.PALETTE[i % len(plots.PALETTE)],
               label=quality)
        bottom = weekly[quality] if bottom is None else bottom + weekly[quality]
    plots.date_axis(ax)
    ax.legend()
plots.show(fig)
report.table(weekly.reset_index(), caption="Distributions per week and quality", max_rows=60)
'''),
    ("md", "## Per member\n\nLinks received in the window (and over the whole history read), the members who received most."),
    ("code", '''
top = per_member.merge(per_member_all[["member_id", "links"]].rename(columns={"links": "links_all_time"}),
                       on="member_id", how="left")
report.table(top[["member_id", "username", "active", "known", "links", "links_all_time", "last_received"]].head(top_n),
             caption=f"Top {top_n} members by links received in the window")
counts = dist.window_counts(per_member)
histogram = counts.value_counts().sort_index()
fig, ax = plots.figure("Members by links received in the window", xlabel="links received", ylabel="members")
if histogram.empty:
    plots.empty(ax)
else:
    ax.bar(histogram.index.astype(int), histogram.values, color=plots.PALETTE[0])
    ax.xaxis.get_major_locator().set_params(integer=True)
plots.show(fig)
'''),
    ("md", "### Members never served\n\nActive members with no distribution at all in the history read."),
    ("code", '''
report.table(never, caption="Active members who never received a link")
'''),
    ("md", "## Fairness\n\nOver the window's population (active members and anyone served in the window). The Lorenz curve plots the share of links against the share of members, least served first: the diagonal is perfect equality."),
    ("code", '''
report.table(pd.DataFrame([
    ("members in the population", fair["members"]),
    ("links received", fair["links"]),
    ("Gini coefficient", "—" if fair["gini"] is None else f"{fair['gini']:.3f}"),
    (f"share of the top {top_n}", share(fair["top_share"])),
], columns=["measure", "value"]))
fig, ax = plots.figure("Lorenz curve of links received", xlabel="share of members (%)", ylabel="share of links (%)")
values = sorted(counts.tolist())
if not values or sum(values) == 0:
    plots.empty(ax)
else:
    xs = [100 * i / len(values) for i in range(len(values) + 1)]
    running = [0.0]
    for v in values:
        running.append(running[-1] + v)
    ax.plot(xs, [100 * r / running[-1] for r in running], color=plots.PALETTE[0], label="links received")
    ax.plot([0, 100], [0, 100], color=plots.NEUTRAL, linestyle="--", label="equality")
    ax.legend()
plots.show(fig)
'''),
    ("md", "## Active lists and their eligible members\n\nEligible = the list's members who are active members; `unknown` ids are in no member item."),
    ("code", '''
report.table(dist.active_lists(lists, members, window),
             caption="Active lists (distributions: made from the list in the window)")
'''),
    ("code", '''
report.data_quality()
'''),
    ("code", '''
report.cost()
'''),
    ("code", '''
summary = report.write_summary({
    **numbers,
    "top_share": fair["top_share"],
    "top_n": top_n,
    "active_lists": int(len(lists)),
})
'''),
]

if __name__ == "__main__":
    build("notebooks/link_distribution_report.ipynb", CELLS)
