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
