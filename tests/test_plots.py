"""plots: text from the tables is drawn as typed, never parsed as math (issue 11, item 9)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from dynamo_reports import plots  # noqa: E402

# "$x^$" is an unfinished superscript: mathtext raises ValueError when it parses it.
HOSTILE = ["$x^$", "$\\frac{$", "a $b$ c"]


@pytest.fixture(autouse=True)
def _restore_rc():
    with matplotlib.rc_context():
        yield


def _render(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.mark.parametrize("label", HOSTILE)
def test_labels_carrying_dollar_signs_render_after_use_style(label):
    plots.use_style()
    fig, ax = plots.figure(f"P&L of {label}", xlabel=label, ylabel="USDT")
    ax.bar([0, 1], [1, 2], label=label)
    ax.set_xticks([0, 1], [label, "rsi"])            # categorical tick labels from the data
    ax.legend()
    ax.annotate(label, (0, 1))
    assert _render(fig).startswith(b"\x89PNG")
    assert ax.get_xticklabels()[0].get_text() == label


def test_figure_alone_turns_math_parsing_off():
    # a notebook that skips use_style() still gets plain-text labels
    matplotlib.rcParams["text.parse_math"] = True
    fig, ax = plots.figure("$x^$", xlabel="$x^$")
    ax.set_xticks([0], ["$x^$"])
    assert _render(fig).startswith(b"\x89PNG")


def test_chart_text_and_category_ticks_are_masked():
    # Issue 11, item 8: a strategy typed as an e-mail address must not reach the chart in full
    plots.use_style()
    fig, ax = plots.figure("P&L of bob.smith@example.com", xlabel="strategy")
    ax.bar(["rsi", "ann@corp.io"], [1, 2], label="eve@example.org")
    ax.legend()
    plots.mask_chart_emails(fig)
    fig.canvas.draw()
    texts = [ax.get_title(), *(t.get_text() for t in ax.get_xticklabels()),
             *(t.get_text() for t in ax.get_legend().get_texts())]
    assert texts == ["P&L of b***@example.com", "rsi", "a***@corp.io", "e***@example.org"]
    plt.close(fig)


def test_fixed_and_function_tick_labels_are_masked_and_numbers_kept():
    # labels given as a list (set_xticklabels, set_yticks(labels=)) and a function formatter: the
    # addresses are masked as in the title above; the numeric x axis of the second chart still reads 0 .. 2
    from matplotlib.ticker import FuncFormatter

    fig, (left, right) = plt.subplots(1, 2)
    left.bar([0, 1], [1, 2])
    left.set_xticks([0, 1])
    left.set_xticklabels(["ann@corp.io", "rsi"])
    left.set_yticks([1, 2], labels=["bob.smith@example.com", "two"])
    right.plot([0, 1, 2], [0, 1, 2])
    right.set_xticks([0, 1, 2])
    right.yaxis.set_major_formatter(FuncFormatter(lambda v, pos: f"eve{int(v)}@example.org"))
    right.set_yticks([0, 1])
    plots.mask_chart_emails(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in left.get_xticklabels()] == ["a***@corp.io", "rsi"]
    assert [t.get_text() for t in left.get_yticklabels()] == ["b***@example.com", "two"]
    assert [t.get_text() for t in right.get_yticklabels()] == ["e***@example.org", "e***@example.org"]
    assert [t.get_text() for t in right.get_xticklabels()] == ["0", "1", "2"]
    plt.close(fig)


# -- one palette, fixed meanings; counts on integer axes; no scientific notation (issue 12) --------

def test_a_colour_keeps_one_meaning_across_a_reports_charts():
    colors = plots.report_colors("distributions")
    # the inventory chart's "distributed" and the weekly chart's qualities never share a colour
    qualities = ["bronze", "gold", "silver", "mythic", "common"]
    assert colors["distributed"] not in colors.many(qualities)
    assert colors["available"] not in colors.many(qualities)
    assert colors["gold"] == plots.MEANINGS["distributions"]["gold"]          # fixed in plots.py
    # a category from the data: neither a role colour nor a fixed meaning's, and the same when asked again
    fixed = set(plots.MEANINGS["distributions"].values()) | set(plots.ROLES)
    assert colors["mythic"] not in fixed and colors["common"] not in fixed
    assert colors["mythic"] != colors["common"] and colors["mythic"] == colors.many(["mythic"])[0]


@pytest.mark.parametrize("report", sorted(plots.MEANINGS))
def test_a_non_role_colour_means_one_thing_per_report(report):
    by_colour: dict[str, set[str]] = {}
    for label, colour in plots.MEANINGS[report].items():
        by_colour.setdefault(colour, set()).add(label)
    shared = {c: labels for c, labels in by_colour.items() if len(labels) > 1 and c not in plots.ROLES}
    assert not shared


def test_leads_pending_and_the_percentile_line_differ():
    # the drift the issue found: orange was "pending" in one chart and "90th percentile" in the next
    colors = plots.report_colors("leads")
    assert colors["pending"] != colors["90th percentile"] and colors["median"] != colors["90th percentile"]


def test_report_colors_names_a_bad_report():
    with pytest.raises(ValueError, match="report must be one of"):
        plots.report_colors("nope")


def test_count_axis_has_integer_ticks_and_no_scientific_notation():
    plots.use_style()
    fig, ax = plots.figure("guilds", ylabel="guilds")
    ax.bar([0, 1, 2], [3, 1, 2])  # up to 3 guilds: matplotlib alone ticks 0, 0.5, 1, ... 3
    plots.count_axis(ax)
    fig.canvas.draw()
    ticks = [t for t in ax.get_yticks() if 0 <= t <= 3]
    assert ticks and all(t == int(t) for t in ticks)
    assert not any("." in lab.get_text() for lab in ax.get_yticklabels())  # "1", never "0.5" or "1.0"
    fig2, ax2 = plots.figure("read units", ylabel="read units")
    ax2.bar([0, 1], [3_600, 75_000])
    plots.count_axis(ax2)
    fig2.canvas.draw()
    labels = [lab.get_text() for lab in ax2.get_yticklabels()]
    # thousands separated ("16,000"), never "1.6e4" or a "1e4" offset
    assert any("," in lab for lab in labels) and not any("e" in lab or "." in lab for lab in labels)
    assert ax2.yaxis.get_offset_text().get_text() == ""
    with pytest.raises(ValueError, match="axis"):
        plots.count_axis(ax, "z")
    plt.close(fig)
    plt.close(fig2)


def test_plain_numbers_without_count_axis():
    plots.use_style()
    fig, ax = plots.figure("tiny prices")
    ax.plot([0, 1], [1.2e-7, 1.5e-7])
    fig.canvas.draw()
    # 1.2e-07 .. 1.5e-07 would be labelled with a "1e-7" offset by matplotlib's defaults
    assert ax.yaxis.get_offset_text().get_text() == ""
    assert not any("e" in lab.get_text() for lab in ax.get_yticklabels())
    plt.close(fig)
