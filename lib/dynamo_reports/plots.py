"""matplotlib helpers: one visual style for every report.

Every chart has a title, labelled axes with units, readable dates and the same palette.

One palette, fixed meanings: :data:`MEANINGS` says, per report, which colour stands for what
("distributed", "pending", "90th percentile", ...). A report asks :func:`report_colors` once and
colours every chart from it, so a colour never means one thing in one chart and another in the
next; categories that come from the data (an inventory quality) get the colours no fixed meaning
uses, in first-asked order, and keep them for the whole report. A chart with a single series
uses :data:`PRIMARY`.

Numbers on axes: counts get integer ticks (:func:`count_axis`, no "2.5 guilds"); no axis uses
scientific notation or an offset (:data:`PLAIN_NUMBERS`).

Text is data, never markup: chart labels carry values from the tables (a trade strategy, an
inventory quality), so matplotlib's math parsing (``$...$``) and TeX are off for every text
the report style draws (:data:`TEXT_IS_DATA`). A strategy named ``$x^$`` is drawn as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

PALETTE = ["#1f6f8b", "#e07a1f", "#3a9a5b", "#c23b3b", "#7a5ea8", "#8c6d46", "#d45d9e", "#6b6b6b", "#2a9d8f",
           "#a39b2a"]
BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, TEAL, OLIVE = PALETTE
GAIN, LOSS, NEUTRAL = GREEN, RED, GREY
#: the one series of a single-series chart
PRIMARY = BLUE
#: colours that are roles rather than series, the same in every report: the measured series
#: (PRIMARY), good (GAIN), bad or over a limit (LOSS), a reference or what is left aside (NEUTRAL)
ROLES = (PRIMARY, GAIN, LOSS, NEUTRAL)

#: per report, legend label -> colour: what each colour means in that report's charts. A role
#: colour (:data:`ROLES`) may carry several labels of its role; any other colour carries exactly
#: one label in a report.
MEANINGS: dict[str, dict[str, str]] = {
    "pnl": {"equity": PRIMARY, "fills": PRIMARY, "gain": GAIN, "loss": LOSS, "drawdown": LOSS,
            "daily limit": NEUTRAL},
    "participants": {"new participants": PRIMARY, "cumulative SOL": ORANGE},
    "leads": {"leads": PRIMARY, "approved": GAIN, "rejected": LOSS, "pending": ORANGE, "median": PURPLE,
              "90th percentile": BROWN},
    "bot-config": {"guilds": PRIMARY, "outside the documented range": LOSS, "documented range": GAIN,
                   "enabled": PRIMARY, "disabled": NEUTRAL, "with the cache": GAIN, "without the cache": LOSS},
    "distributions": {"links": PRIMARY, "available": GAIN, "distributed": NEUTRAL, "equality": NEUTRAL,
                      "gold": ORANGE, "silver": PURPLE, "bronze": BROWN},
    "support": {"conversations": PRIMARY, "user": ORANGE, "admin": PURPLE, "median": BROWN, "p90": PINK},
}

#: rcParams that make every title, label, tick label, legend entry and annotation plain text
TEXT_IS_DATA: dict[Any, Any] = {"text.parse_math": False, "text.usetex": False}
#: rcParams that keep axis numbers plain: no ``1e6`` offset text, no scientific notation
PLAIN_NUMBERS: dict[Any, Any] = {"axes.formatter.useoffset": False, "axes.formatter.limits": (-12, 15)}


class ReportColors:
    """The colours of one report's charts: ``colors["pending"]``, the same in every chart.

    A label of the report's :data:`MEANINGS` has its fixed colour; any other label (a category
    from the data) gets the next colour that is neither a role (:data:`ROLES`) nor used by a fixed
    meaning of the report, and keeps it. When those run out, colours repeat (more categories than
    colours)."""

    def __init__(self, report: str, fixed: Mapping[str, str]) -> None:
        self.report = report
        self._colors = dict(fixed)
        used = set(fixed.values()) | set(ROLES)
        self._free = [c for c in PALETTE if c not in used] or list(PALETTE)
        self._assigned = 0

    def __getitem__(self, label: Any) -> str:
        key = str(label)
        if key not in self._colors:
            self._colors[key] = self._free[self._assigned % len(self._free)]
            self._assigned += 1
        return self._colors[key]

    def __contains__(self, label: Any) -> bool:
        return str(label) in self._colors

    def many(self, labels: Iterable[Any]) -> list[str]:
        """The colour of each label, in order."""
        return [self[label] for label in labels]


def report_colors(report: str) -> ReportColors:
    """The chart colours of ``report`` (a key of :data:`MEANINGS`); one call per notebook."""
    if not isinstance(report, str) or report not in MEANINGS:
        raise ValueError(f"report must be one of {', '.join(sorted(MEANINGS))}, got {report!r}")
    return ReportColors(report, MEANINGS[report])


def use_style() -> None:
    """Apply the report style (call once per notebook)."""
    import matplotlib.pyplot as plt
    from cycler import cycler

    plt.rcParams.update({
        "figure.figsize": (9, 3.6),
        "figure.dpi": 96,
        "axes.prop_cycle": cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titleweight": "bold",
        "axes.titlesize": 11,
        "font.size": 9,
        "legend.frameon": False,
        "svg.hashsalt": "dynamo-reports",
        **TEXT_IS_DATA,
        **PLAIN_NUMBERS,
    })


def figure(title: str, *, xlabel: str = "", ylabel: str = "", size: tuple[float, float] | None = None):
    """A new figure and axes with title and labels set."""
    import matplotlib.pyplot as plt

    plt.rcParams.update({**TEXT_IS_DATA, **PLAIN_NUMBERS})  # also when a notebook did not call use_style()
    fig, ax = plt.subplots(figsize=size) if size else plt.subplots()
    ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return fig, ax


def money_axis(ax: Any, currency: str, axis: str = "y") -> None:
    """Format an axis as money with its currency."""
    from matplotlib.ticker import FuncFormatter

    def money(value: float, _: Any) -> str:
        whole = abs(value) >= 100 or value == round(value)
        return f"{value:,.0f} {currency}" if whole else f"{value:,.2f} {currency}"

    fmt = FuncFormatter(money)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def count_axis(ax: Any, axis: str = "y") -> None:
    """Counts on ``axis`` (``"x"`` or ``"y"``): integer ticks only, thousands separated, never
    scientific notation (no "2.5 guilds")."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', got {axis!r}")
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def date_axis(ax: Any) -> None:
    """Readable dates on the x axis."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def alt_text(fig: Any) -> str:
    """The figure's titles, as the image's alternative text in the exported HTML."""
    titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    titles += [ax.get_title() for ax in fig.axes]
    return "; ".join(t for t in titles if t) or "chart"


def _texts(artist: Any) -> Iterator[Any]:
    """Every ``Text`` under ``artist`` (as ``findobj(Text)`` finds them), tick labels left out: an
    axis's tick labels are written from its formatter each time the figure is drawn, whatever they
    said before (categories are masked through the formatter), and asking an axis for its ticks
    makes them all, for nothing."""
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    children = [artist.label, artist.offsetText] if isinstance(artist, Axis) else artist.get_children()
    for child in children:
        yield from _texts(child)
    if isinstance(artist, Text):
        yield artist


def mask_chart_emails(fig: Any) -> None:
    """Mask e-mail-like text in every title, label, legend entry, annotation and text tick of ``fig``
    (:mod:`dynamo_reports.pii`): a chart never needs a full address, whatever ``show_pii`` says.

    Tick labels are written from the axis's formatters at every draw, so text ticks are masked
    there: categories from the data, fixed labels (``set_xticklabels``, ``set_yticks(..., labels=)``)
    and function formatters, major and minor. Numeric formatters are left as they are."""
    from matplotlib.category import StrCategoryFormatter
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    from .pii import mask_emails_in_text

    for text in _texts(fig):
        text.set_text(mask_emails_in_text(text.get_text()))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter, replace in ((axis.get_major_formatter(), axis.set_major_formatter),
                                       (axis.get_minor_formatter(), axis.set_minor_formatter)):
                if isinstance(formatter, FixedFormatter):      # labels given as a list
                    formatter.seq = [mask_emails_in_text(str(label)) for label in formatter.seq]
                elif isinstance(formatter, StrCategoryFormatter | FuncFormatter):  # labelled at draw time
                    replace(FuncFormatter(lambda v, pos, f=formatter: mask_emails_in_text(f(v, pos))))


def show(fig: Any, *, alt: str | None = None) -> None:
    """Render the figure into the notebook output (PNG, embedded in the HTML, with alt text) and close it.

    E-mail-like text in the chart is masked first (:func:`mask_chart_emails`). In a notebook the
    PNG is drawn once (:func:`inline_png`) where IPython's inline backend would draw the figure
    twice; the output (``image/png`` + the figure's ``text/plain``) is the one ``display(fig)`` makes."""
    import matplotlib.pyplot as plt

    mask_chart_emails(fig)
    fig.tight_layout()
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - plain Python without IPython
        plt.show()
    else:
        shell = get_ipython()
        if shell is None:
            plt.show()
        else:
            metadata = {"image/png": {"alt": alt or alt_text(fig)}}
            png = inline_png(fig) if _inline_png_is_default(fig, shell) else None
            if png is None:
                display(fig, metadata=metadata)
            else:
                display({"image/png": png, "text/plain": repr(fig)}, raw=True, metadata=metadata)
    plt.close(fig)


#: keywords of IPython's default inline PNG formatter for figures (``print_figure``, InlineBackend defaults)
_INLINE_PNG_KEYWORDS = {"fmt": "png", "base64": True, "bbox_inches": "tight"}


def _inline_png_is_default(fig: Any, shell: Any) -> bool:
    """Whether ``display(fig)`` would give exactly ``text/plain`` and IPython's default PNG (no retina,
    SVG, PDF or JPEG; no other print options): the case :func:`inline_png` reproduces."""
    import functools

    from IPython.core.pylabtools import print_figure

    formatters = shell.display_formatter.formatters
    try:
        printer = formatters["image/png"].lookup(fig)
    except KeyError:
        return False
    if not (isinstance(printer, functools.partial) and printer.func is print_figure and not printer.args
            and {"bbox_inches": "tight", **printer.keywords} == _INLINE_PNG_KEYWORDS):  # print_figure's default
        return False
    for mime, formatter in formatters.items():
        if mime in ("image/png", "text/plain") or not getattr(formatter, "enabled", True):
            continue
        try:
            formatter.lookup(fig)
        except KeyError:
            continue
        return False
    return bool(fig.axes or fig.lines)  # print_figure gives no image for an empty figure


def inline_png(fig: Any) -> str | None:
    """The figure as IPython's inline backend shows it — a PNG at ``fig.dpi`` cropped to the tight
    bounding box plus ``savefig.pad_inches`` — drawn once, base64. None when it cannot be (not an
    Agg canvas, or the tight box reaches beyond the figure): then ``display(fig)`` does it.

    ``print_figure(..., bbox_inches="tight")`` draws the figure twice: once to place everything
    and measure the tight box, once more translated to that box. Here the figure is drawn once at
    its own size and the tight box cut out of it, at the nearest whole pixel: the same size in
    pixels, the same picture, the content shifted by less than half a pixel."""
    import base64
    import io

    import matplotlib as mpl
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg) or canvas.device_pixel_ratio != 1:
        return None
    pad = mpl.rcParams["savefig.pad_inches"]
    if isinstance(pad, str):  # "layout": print_figure's own rules
        return None
    saving = canvas._is_saving  # type: ignore[attr-defined]
    canvas._is_saving = True  # type: ignore[attr-defined]  # as print_figure draws: animated artists too
    try:
        canvas.draw()
    finally:
        canvas._is_saving = saving  # type: ignore[attr-defined]
    renderer = canvas.get_renderer()
    box = fig.get_tightbbox(renderer).padded(pad)
    dpi = fig.dpi
    width, height = int(box.width * dpi), int(box.height * dpi)  # the size print_figure's canvas gets
    # the box's lower left corner at the nearest whole pixel (y counted up from the bottom, as the
    # tight print places it); its size as print_figure's canvas truncates it
    left, top = round(box.x0 * dpi), round(fig.bbox.height - box.y0 * dpi) - height
    full_width, full_height = canvas.get_width_height(physical=True)
    if left < 0 or top < 0 or width <= 0 or height <= 0 or left + width > full_width or top + height > full_height:
        return None
    pixels = np.asarray(canvas.buffer_rgba())[top:top + height, left:left + width]
    out = io.BytesIO()
    mpl.image.imsave(out, pixels, format="png", origin="upper", dpi=dpi)
    return base64.b64encode(out.getvalue()).decode("ascii")


def empty(ax: Any, message: str = "no data in this window") -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color=NEUTRAL)
    ax.set_xticks([])
    ax.set_yticks([])


def requests_both_ways(frame: Any, *, label: str, off: str, on: str, title: str, xlabel: str) -> Any:
    """Bars of requests with the caches off (loss colour) and on (gain colour) per row, log scale.

    Counts below 0.8 are drawn at 0.8 so that zero stays visible on the log axis.
    """
    import numpy as np

    fig, ax = figure(title, xlabel=xlabel, ylabel="requests (log scale)")
    x = np.arange(len(frame))
    ax.bar(x - 0.2, frame[off].clip(lower=0.8), width=0.4, color=LOSS, label="caches off")
    ax.bar(x + 0.2, frame[on].clip(lower=0.8), width=0.4, color=GAIN, label="caches on")
    ax.set_xticks(x, frame[label])
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.8)
    ax.legend()
    return fig


def cost_curves(panels: Any, *, budget: float, series: Any) -> Any:
    """Side-by-side log-log cost curves with the budget line.

    ``panels``: ``[(frame, title, xlabel)]``, each frame with an ``x`` column ``value``;
    ``series``: ``[(column, label)]`` drawn in the palette's order. Costs below 1e-4 USD are
    drawn at 1e-4 (log axis); x ticks are the frame's own values.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    fig, axes = plt.subplots(1, len(panels), figsize=(10, 3.8))
    for ax, (frame, title, xlabel) in zip(list(axes), panels, strict=True):
        for color, (column, label) in zip(PALETTE, series, strict=False):
            ax.plot(frame["value"], frame[column].clip(lower=1e-4), marker="o", color=color, label=label)
        ax.axhline(budget, color=LOSS, linestyle="--", label="budget")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylabel("USD a month (log)")
        ax.xaxis.set_major_locator(FixedLocator(list(frame["value"])))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:g}"))
        ax.set_title(title)
        ax.set_xlabel(xlabel)
    axes[0].legend()
    return fig
