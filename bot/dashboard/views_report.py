"""A group's report for its facilitators (and admins): attendance, feedback and flags, as the
facilitators' end-of-programme report words it, with its charts and a CSV file.

The figures come from `groups.report_data.report_for_group`, which the CLI and the chat's
summaries use; a figure from fewer than three people reads "too few answers" there already.
Charts are drawn only when asked for (matplotlib's Agg canvas, off the event loop).
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.commands.group_target import Refusal, Target, resolve
from bot.dashboard.auth import Staff, forbidden, page, signed_in
from groups.report import Report
from groups.report_charts import report_png
from groups.report_data import report_for_group
from groups.report_files import to_csv
from groups.report_text import markdown


async def _report(staff: Staff, group_id: str) -> tuple[Target, Report] | None:
    try:
        target = await resolve(staff.ctx, f"#{group_id}")
    except Refusal:
        return None
    found = await report_for_group(
        staff.tx, target.group.id, staff.dash.services.snapshots, staff.dash.clock.now()
    )
    return (target, found) if found is not None else None


@signed_in
async def report_page(request: web.Request, staff: Staff) -> web.StreamResponse:
    found = await _report(staff, request.match_info["group"])
    if found is None:
        return forbidden(request)
    target, report = found
    title = target.programme.title.get(staff.t.language, target.group.language)
    return page(
        request,
        staff,
        "staff/report.html",
        {
            "title": staff.t.gettext("Report"),
            "section": "groups",
            "group": target.group,
            "text": markdown(staff.t, report, target.group.timezone, title),
        },
    )


@signed_in
async def report_file(request: web.Request, staff: Staff) -> web.StreamResponse:
    found = await _report(staff, request.match_info["group"])
    if found is None:
        return forbidden(request)
    target, report = found
    name = f"piiri-group-{target.group.id}"
    if request.match_info["kind"] == "csv":
        return web.Response(
            text=to_csv([report]),
            content_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    png = await asyncio.to_thread(report_png, staff.t, report)
    return web.Response(body=png, content_type="image/png")
