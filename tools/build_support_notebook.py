"""Writes notebooks/support_chat_report.ipynb (structure only; `make refresh-notebooks` stores outputs)."""

from nbbuild import COMMON_PARAMETERS, OPEN_ARGS, build

CELLS = [
    ("params", COMMON_PARAMETERS + '''
show_messages = False  # True: list the user-written message texts (escaped); False: never shown
'''),
    ("code", f'''
import pandas as pd

from dynamo_reports import plots
from dynamo_reports.analytics import support
from dynamo_reports.notebook import open_report
from dynamo_reports.systems.commercive import CommerciveRepository, conversations_frame, messages_frame

report = open_report("support", "Commercive — support chat", tables=["conversations", "messages"],
                     {OPEN_ARGS})
report.header()
plots.use_style()
'''),
    ("md", '''
## How the numbers are made

- **Conversations** are read through the `ConversationStatusIndex` GSI (`status` / `updated_at`), not a scan:
  the whole `open` partition (the backlog is the state as read, whatever the window), and the `closed`
  partition from the window's first day **with the end left open** — a conversation opened in the window but
  updated (answered, closed) after it has an `updated_at` past the window's end and must still be found.
  Conversations in another status partition, or without `updated_at`, are not seen.
- **Messages** are read with one Query per conversation read, on the Messages table's key (`conversation_id`),
  every message of the conversation (a first reply may come after the window).
- **Opened** = `created_at` in the window; **closed** = status closed with `updated_at` (taken as the closing
  time) in the window. **Time to first admin reply** = first `admin` message at or after `created_at`, minus
  `created_at`, for the conversations opened in the window (median and p90, linear interpolation).
- **Unread**: user messages not yet read by an admin, admin messages not yet read by the user, over every
  message read (`read` not true). **Busiest hours**: messages created in the window, by hour in the report's
  time zone.
- User-written text (messages, subjects) is **not shown** unless `show_messages = True`; then it is escaped.
'''),
    ("code", '''
repo = CommerciveRepository(report.conn)
lo, hi = report.bounds_utc()
first_day = lo.date() if lo is not None else None   # the UTC day of the window's first instant
conversations = support.combine_conversations(
    conversations_frame(report.load("conversations open", lambda: repo.conversations_by_status("open"))),
    conversations_frame(report.load(f"conversations closed {first_day}..open",
                                    lambda: repo.conversations_by_status("closed", first_day, None))),
)
ids = conversations["conversation_id"].astype(str).tolist()
messages = messages_frame(report.load(f"messages of {len(ids)} conversations {first_day}..open",
                                      lambda: [m for cid in ids for m in repo.messages(cid)]))

support.describe_rules(report.findings)
support.check_chat(conversations, messages, report.findings)

opened = support.opened_in_window(conversations, lo, hi)
closed = support.closed_in_window(conversations, lo, hi)
backlog = support.open_backlog(conversations, report.as_of)
backlog_numbers = support.backlog_stats(backlog)
replies = support.first_replies(conversations, messages)
window_replies = replies[replies["conversation_id"].isin(set(opened["conversation_id"].astype(str)))]
reply_numbers = support.reply_time_stats(window_replies["minutes"])
waiting = support.awaiting_first_reply(backlog, replies)
unread = support.unread_counts(messages)
'''),
    ("md", "## Headline"),
    ("code", '''
def number(value, unit=""):
    return "—" if value is None else f"{value:,.1f}{unit}"

report.table(pd.DataFrame([
    ("Conversations opened in the window", len(opened)),
    ("Conversations closed in the window", len(closed)),
    ("Open backlog (as of)", backlog_numbers["open"]),
    ("Median age of the open backlog", number(backlog_numbers["median_age_hours"], " h")),
    ("Oldest open conversation", number(backlog_numbers["oldest_age_hours"], " h")),
    ("Open conversations still waiting for a first admin reply", len(waiting)),
    ("Median time to first admin reply", number(reply_numbers["median"], " min")),
    ("p90 time to first admin reply", number(reply_numbers["p90"], " min")),
    ("User messages unread by an admin", unread["unread_by_admin"]),
    ("Admin messages unread by the user", unread["unread_by_user"]),
], columns=["measure", "value"]))
'''),
    ("md", "## Open backlog and its age\n\nOpen conversations as of the report's as-of time, oldest first; age in hours."),
    ("code", '''
shown = backlog.merge(support.messages_per_conversation(backlog, messages), on="conversation_id", how="left")
report.table(shown[["conversation_id", "user_id", "created_at", "updated_at", "age_hours", "messages"]],
             caption="Open conversations", formats={"age_hours": "{:,.1f}"})
report.table(waiting, caption="Open conversations without any admin reply yet", formats={"waiting_hours": "{:,.1f}"})
fig, ax = plots.figure("Age of the open conversations", xlabel="age (days)", ylabel="conversations")
if backlog.empty:
    plots.empty(ax, "nothing open")
else:
    ax.hist(backlog["age_hours"] / 24.0, bins=min(20, max(5, len(backlog))), color=plots.PALETTE[0])
plots.show(fig)
'''),
    ("md", "## Time to first admin reply\n\nConversations opened in the window, by week of opening (weeks start on Monday)."),
    ("code", '''
weekly = support.weekly_reply_times(window_replies, timezone=report.timezone, lo=lo, hi=hi)
fig, ax = plots.figure("Time to first admin reply per week", xlabel="week (Monday)", ylabel="minutes")
if weekly["replied"].sum() == 0:
    plots.empty(ax)
else:
    ax.plot(weekly.index, weekly["median_minutes"], marker="o", color=plots.PALETTE[0], label="median")
    ax.plot(weekly.index, weekly["p90_minutes"], marker="o", color=plots.PALETTE[1], label="p90")
    plots.date_axis(ax)
    ax.legend()
plots.show(fig)
report.table(weekly.reset_index(), caption="First admin reply per week of opening (minutes)", max_rows=60,
             formats={"median_minutes": "{:,.1f}", "p90_minutes": "{:,.1f}"})
'''),
    ("md", "## Messages per conversation\n\nConversations opened in the window, every message they hold."),
    ("code", '''
per_conversation = support.messages_per_conversation(opened, messages)
counts = support.message_count_stats(per_conversation)
report.table(pd.DataFrame([(k, "—" if v is None else (f"{v:.2f}" if isinstance(v, float) else v))
                           for k, v in counts.items()], columns=["measure", "value"]))
fig, ax = plots.figure("Messages per conversation", xlabel="messages in the conversation", ylabel="conversations")
if per_conversation.empty:
    plots.empty(ax)
else:
    spread = per_conversation["messages"].value_counts().sort_index()
    ax.bar(spread.index, spread.values, color=plots.PALETTE[0])
    ax.xaxis.get_major_locator().set_params(integer=True)
plots.show(fig)
'''),
    ("md", "## Unread messages waiting on each side\n\nPer conversation read, the messages whose `read` flag is not set."),
    ("code", '''
per_side = support.unread_by_conversation(messages)
report.table(per_side, caption="Conversations with unread messages")
'''),
    ("md", "## Busiest hours\n\nMessages created in the window, by hour of the day."),
    ("code", '''
window_messages = messages[report.in_window(messages["created_at"])]
hours = support.busiest_hours(window_messages, timezone=report.timezone)
fig, ax = plots.figure(f"Messages by hour of the day ({report.timezone})", xlabel="hour of the day",
                       ylabel="messages")
if hours["total"].sum() == 0:
    plots.empty(ax)
else:
    ax.bar(hours.index, hours["user"], color=plots.PALETTE[0], label="user")
    ax.bar(hours.index, hours["admin"], bottom=hours["user"], color=plots.PALETTE[1], label="admin")
    ax.set_xticks(range(0, 24, 2))
    ax.legend()
plots.show(fig)
'''),
    ("md", "## Messages\n\nUser-written text, shown only with `show_messages = True` (escaped)."),
    ("code", '''
if show_messages:
    report.table(support.message_texts(window_messages), caption="Messages created in the window", max_rows=200)
else:
    report.md("Message texts are not shown (`show_messages = False`).")
'''),
    ("code", '''
report.data_quality()
'''),
    ("code", '''
report.cost()
'''),
    ("code", '''
summary = report.write_summary({
    "conversations_opened": int(len(opened)),
    "conversations_closed": int(len(closed)),
    "open_backlog": backlog_numbers["open"],
    "oldest_open_hours": backlog_numbers["oldest_age_hours"],
    "awaiting_first_reply": int(len(waiting)),
    "median_minutes_to_first_reply": reply_numbers["median"],
    "p90_minutes_to_first_reply": reply_numbers["p90"],
    "unread": unread,
})
'''),
]

if __name__ == "__main__":
    build("notebooks/support_chat_report.ipynb", CELLS)
