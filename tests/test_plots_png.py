"""A chart in a notebook is drawn once (plots.inline_png): the picture IPython's inline backend draws twice.

The oracle is IPython's own ``print_figure(fig, "png", bbox_inches="tight")``, what ``display(fig)``
embeds: the same size in pixels, the same picture up to antialiasing (the tight box is cut at the
nearest whole pixel instead of being drawn at its fractional offset).
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.core.pylabtools import print_figure, select_figure_formats  # noqa: E402
from PIL import Image  # noqa: E402

from dynamo_reports import plots  # noqa: E402


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _ink(pixels: np.ndarray) -> tuple[int, int, int, int]:
    """First and last row and column holding anything darker than the white background."""
    rows, cols = np.nonzero((pixels < 250).any(axis=2))
    return rows.min(), rows.max(), cols.min(), cols.max()


def _charts():
    plots.use_style()
    rng = np.random.default_rng(7)
    fig, ax = plots.figure("Item sizes", xlabel="bytes (log)")
    ax.boxplot([rng.lognormal(5, 1, 100) for _ in range(6)], orientation="horizontal",
               tick_labels=[f"table {i}" for i in range(6)])
    ax.set_xscale("log")
    ax.axvline(4096, linestyle=":", label="4 KB")
    ax.legend(loc="lower right")
    yield fig
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    for ax in axes:
        ax.barh([f"t{i}" for i in range(8)], np.arange(8) + 1.5)
        ax.set_title("Cost per table")
    yield fig


@pytest.mark.parametrize("index", [0, 1])
def test_the_png_is_the_one_ipython_draws(index):
    fig = list(_charts())[index]
    fig.tight_layout()  # as plots.show does
    theirs = _pixels(print_figure(fig, "png", bbox_inches="tight"))
    ours = _pixels(base64.b64decode(plots.inline_png(fig)))
    plt.close("all")
    assert ours.shape == theirs.shape  # the same size in pixels
    # the same place: the drawn content starts and ends on the same row and column, give or take one
    assert np.abs(np.subtract(_ink(ours), _ink(theirs))).max() <= 1
    # the same picture: shifted by less than a pixel, pixels differ by antialiasing only; a chart
    # missing a bar or a label would differ by far more than this on average (white vs ink: 255)
    assert np.abs(ours - theirs).mean() < 20


def test_a_figure_larger_than_its_canvas_is_left_to_ipython():
    fig, ax = plots.figure("no tight_layout")
    ax.plot([1, 2], [1, 2])
    ax.text(1.4, 0.5, "a note far right of the axes", transform=ax.transAxes)  # beyond the figure's edge
    assert plots.inline_png(fig) is None
    plt.close(fig)


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    yield ip
    select_figure_formats(ip, {"png"})


def test_only_ipython_default_png_output_is_drawn_once(shell):
    fig, ax = plots.figure("t")
    ax.plot([1, 2], [2, 1])
    select_figure_formats(shell, {"png"})
    assert plots._inline_png_is_default(fig, shell)
    select_figure_formats(shell, {"png"}, dpi=200)  # another print option: IPython's own print
    assert not plots._inline_png_is_default(fig, shell)
    select_figure_formats(shell, {"retina"})
    assert not plots._inline_png_is_default(fig, shell)
    select_figure_formats(shell, {"png", "svg"})  # display(fig) would add an SVG too
    assert not plots._inline_png_is_default(fig, shell)
    select_figure_formats(shell, {"png"})
    assert not plots._inline_png_is_default(plt.figure(), shell)  # empty: print_figure gives no image
    plt.close("all")
