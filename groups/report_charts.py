"""A report's charts as one PNG, tall and large-lettered so it reads on a phone: attendance per
session, the feedback average per session, and before/after per self-assessment item. A
figure from fewer than three people is drawn as an empty place marked "too few answers"."""

from __future__ import annotations

import io
import math

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from groups.report import Report
from groups.report_text import TOO_FEW, number
from groups.texts import N_, Texts

WIDTH, PANEL_HEIGHT, DPI = 6.0, 3.6, 150
BLUE, ORANGE, GREY = "#1f5f8b", "#d9822b", "#9aa5b1"


def report_png(texts: Texts, report: Report) -> bytes:
    """Matplotlib's Agg canvas, without pyplot: no global state, safe beside the event loop."""
    panels = 3 if report.items else 2
    figure = Figure(figsize=(WIDTH, PANEL_HEIGHT * panels), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.subplots(panels, 1)
    figure.suptitle(report.group_name, fontsize=16, fontweight="bold")
    _attendance(axes[0], texts, report)
    _feedback(axes[1], texts, report)
    if report.items:
        _before_after(axes[2], texts, report)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _style(axes: Axes, title: str) -> None:
    axes.set_title(title, fontsize=14, loc="left")
    axes.tick_params(labelsize=12)
    axes.spines[["top", "right"]].set_visible(False)


def _attendance(axes: Axes, texts: Texts, report: Report) -> None:
    _ = texts.gettext
    _style(axes, _(N_("Attendance per session (%)")))
    done = [row for row in report.sessions if row.done]
    for row in done:
        rate = row.attendance_rate.value
        if rate is None:
            axes.bar(row.number, 100, color="none", edgecolor=GREY, hatch="//")
            axes.text(row.number, 50, _(TOO_FEW), rotation=90, ha="center", va="center")
        else:
            axes.bar(row.number, rate * 100, color=BLUE)
            axes.text(row.number, rate * 100 + 2, f"{round(rate * 100)}", ha="center", fontsize=11)
    axes.set_ylim(0, 110)
    _sessions_axis(axes, report)
    axes.set_xlabel(_(N_("Session")), fontsize=12)


def _feedback(axes: Axes, texts: Texts, report: Report) -> None:
    _ = texts.gettext
    _style(axes, _(N_("Feedback per session (1–5)")))
    done = [row for row in report.sessions if row.done]
    # A suppressed session breaks the line: no trend is drawn through it.
    points = [(row.number, row.feedback.value) for row in done]
    if any(value is not None for _n, value in points):
        axes.plot(
            [n for n, _v in points],
            [math.nan if v is None else v for _n, v in points],
            marker="o",
            color=ORANGE,
            lw=2.5,
        )
        for n, value in points:
            if value is not None:
                axes.text(n, value + 0.2, number(value, texts.language), ha="center", fontsize=11)
    for row in done:
        if row.feedback.value is None:
            axes.text(row.number, 3, _(TOO_FEW), rotation=90, ha="center", va="center", color=GREY)
    axes.set_ylim(0.5, 5.5)
    _sessions_axis(axes, report)
    axes.set_xlabel(_(N_("Session")), fontsize=12)


def _before_after(axes: Axes, texts: Texts, report: Report) -> None:
    _ = texts.gettext
    _style(
        axes,
        _(
            N_("Before and after (session {before} → {after}),\npaired answers only"),
            before=report.before_session,
            after=report.after_session,
        ),
    )
    keys = [item.text.get(texts.language) for item in report.items]
    rows = range(len(report.items))
    for index, item in zip(rows, report.items, strict=True):
        if item.before.value is None or item.after.value is None:
            axes.text(0.1, index, f"{_(TOO_FEW)} (n = {item.change.n})", va="center", color=GREY)
            continue
        for offset, value, colour in (
            (-0.2, item.before.value, GREY),
            (0.2, item.after.value, BLUE),
        ):
            axes.barh(index + offset, value, height=0.4, color=colour)
            text = number(value, texts.language)
            axes.text(value + 0.05, index + offset, text, va="center", fontsize=10)
        axes.text(5.75, index, f"n = {item.change.n}", va="center", ha="right", fontsize=10)
    axes.set_yticks(list(rows), [_wrap(key) for key in keys], fontsize=10)
    axes.set_ylim(len(report.items) - 0.5, -0.5)
    axes.set_xlim(0, 5.8)
    axes.legend([_(N_("Before")), _(N_("After"))], loc="lower right", fontsize=10, frameon=False)


def _sessions_axis(axes: Axes, report: Report) -> None:
    numbers = [row.number for row in report.sessions]
    axes.set_xticks(numbers)
    if numbers:
        axes.set_xlim(min(numbers) - 0.6, max(numbers) + 0.6)


def _wrap(text: str, width: int = 22) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
