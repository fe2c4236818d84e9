"""A report in words, in the reader's language: the short summary the facilitators get after
each session, and the full report (Markdown) at the end of the programme and from
`piiri report`. Figures from fewer than three people read "too few answers"; comments come
without names, and only when at least three people answered."""

from __future__ import annotations

from collections.abc import Mapping

from groups.alerts import CATEGORY_NAMES
from groups.report import MIN_PEOPLE, Figure, Report, SessionFigures
from groups.texts import N_, Texts, local_date, local_time
from groups.timezones import utc_to_local

TOO_FEW = N_("too few answers")


def number(value: float, language: str, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language in ("fi", "sv") else text


def shown(texts: Texts, figure: Figure, digits: int = 1, *, signed: bool = False) -> str:
    if figure.value is None:
        return texts.gettext(TOO_FEW)
    text = number(figure.value, texts.language, digits)
    return ("+" + text if signed and figure.value > 0 else text).replace("-", "\N{MINUS SIGN}")


def share(texts: Texts, figure: Figure) -> str:
    if figure.value is None:
        return texts.gettext(TOO_FEW)
    return f"{round(figure.value * 100)} %"


def flags_text(texts: Texts, flags: Mapping[str, int]) -> str:
    if not flags:
        return texts.gettext(N_("none"))
    names = (
        f"{texts.gettext(CATEGORY_NAMES.get(category, category)).lower()} {count}"
        for category, count in flags.items()
    )
    return ", ".join(names)


def _date(texts: Texts, row: SessionFigures, zone: str) -> str:
    return local_date(utc_to_local(row.starts_at, zone).date(), texts.language)


def session_summary(texts: Texts, report: Report, number_: int, zone: str) -> str:
    """The facilitators' short summary of one session."""
    _ = texts.gettext
    row = report.session(number_)
    if row is None:
        return ""
    present = (
        _("{present} of {members}", present=round(row.present.value), members=row.members)
        if row.present.value is not None
        else _(TOO_FEW)
    )
    lines = [
        _("Session {number} of {group} is over.", number=row.number, group=report.group_name),
        _("Present: {present}", present=present),
        _(
            "Feedback: {average} ({count} answers)",
            average=shown(texts, row.feedback),
            count=row.feedback.n,
        ),
        _("Flags: {flags}", flags=flags_text(texts, row.flags)),
    ]
    if row.comments:
        lines.append(_("Comments (without names):"))
        lines.extend(f"– {comment}" for comment in row.comments)
    return "\n".join(lines)


def markdown(texts: Texts, report: Report, zone: str, title: str = "") -> str:
    """The full report."""
    _ = texts.gettext
    local = utc_to_local(report.made_at, zone)
    made = f"{local_date(local.date(), texts.language)} {local_time(local.time(), texts.language)}"
    out = [
        "# " + _("{group}: report", group=report.group_name),
        "",
        _("Programme: {title} · made {when}", title=title or report.programme_key, when=made),
        _(
            "Figures from fewer than {n} people are not shown: they read “{too_few}”.",
            n=MIN_PEOPLE,
            too_few=_(TOO_FEW),
        ),
        "",
        "## " + _("Attendance and feedback per session"),
        "",
        "| "
        + " | ".join(
            [_("Session"), _("Date"), _("Present"), _("Share"), _("Feedback (answers)"), _("Flags")]
        )
        + " |",
        "|---|---|---|---|---|---|",
    ]
    for row in report.sessions:
        if not row.held:
            out.append(f"| {row.number} | {_date(texts, row, zone)} | {_('skipped')} | | | |")
            continue
        if not row.done:
            out.append(f"| {row.number} | {_date(texts, row, zone)} | {_('coming')} | | | |")
            continue
        present = (
            f"{round(row.present.value)} / {row.members}"
            if row.present.value is not None
            else _(TOO_FEW)
        )
        out.append(
            f"| {row.number} | {_date(texts, row, zone)} | {present} | "
            f"{share(texts, row.attendance_rate)} | {shown(texts, row.feedback)} "
            f"({row.feedback.n}) | {flags_text(texts, row.flags)} |"
        )
    out += [
        "",
        "## " + _("Feedback"),
        "",
        _(
            "Average over all sessions: {average} (from {people} people).",
            average=shown(texts, report.feedback),
            people=report.feedback.n,
        ),
    ]
    if report.items:
        out += [
            "",
            "## "
            + _(
                "Before and after (session {before} → session {after}, paired answers only)",
                before=report.before_session,
                after=report.after_session,
            ),
            "",
            "| " + " | ".join([_("Item"), _("Before"), _("After"), _("Change"), "n"]) + " |",
            "|---|---|---|---|---|",
        ]
        for item in report.items:
            out.append(
                f"| {item.text.get(texts.language)} | {shown(texts, item.before)} | "
                f"{shown(texts, item.after)} | {shown(texts, item.change, signed=True)} | "
                f"{item.change.n} |"
            )
    total = sum(report.flags.values())
    out += [
        "",
        "## " + _("Moderation"),
        "",
        _(
            "Flags in all: {count} ({flags}).",
            count=total,
            flags=flags_text(texts, report.flags),
        )
        if total
        else _("Nothing was flagged."),
        "",
        "## " + _("Retention"),
        "",
        _(
            "Members when the first session began: {count}.",
            count=report.starting_members,
        ),
        "",
        "| " + _("Session") + " | " + _("Still members") + " |",
        "|---|---|",
    ]
    for row, kept in zip(report.sessions, report.retention, strict=True):
        value = str(round(kept.value)) if kept.value is not None else _(TOO_FEW)
        out.append(f"| {row.number} | {value} |")
    return "\n".join(out) + "\n"
