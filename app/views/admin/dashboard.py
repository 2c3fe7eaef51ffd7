"""The Administration's dashboard (``/admin/``): the campaign by kind, stage, zone and pole.

Thin: parse the filters, ask ``app.services.dashboard``, render. Every number links to the
back-office list of conventions filtered on the same values (Flask-Admin's own filters,
found by column and operation so that the links follow the list's definition). The charts
are drawn here as SVG (bars whose lengths are the shares), each followed by its data table.
"""

from dataclasses import replace
from typing import Any

from flask import request, url_for

from app.rules import dashboard as rules
from app.rules.states import KIND_LABELS, STATUS_LABELS, STATUS_TONES
from app.services import dashboard
from app.views.exports import table_response
from app.views.pagination import paginate

# One colour per stage's tone, dark enough for white text and distinct for the usual colour
# blindnesses; the data tables carry the same numbers for whoever cannot tell them apart.
TONE_COLOURS = {
    "secondary": "#6b6b6b",
    "info": "#2f6f9f",
    "warning": "#a05a00",
    "primary": "#6a3d9a",
    "success": "#2e7d32",
    "dark": "#1b3a1e",
}
STAGE_COLOURS = {stage: TONE_COLOURS[STATUS_TONES[stage]] for stage in rules.STAGES}
# Flask-Admin's equality filters (their operation's label is translated: match the class).
EQUALS = ("FilterEqual", "IntEqualFilter", "ChoiceEqualFilter")


# The late and due-soon list: a page at a time (the counts above it stay whole).
LATE_PER_PAGE = 50


def _conventions_view() -> Any:
    from flask import current_app

    admin = current_app.extensions["epoles_admin"]
    return next(v for v in admin._views if getattr(v, "endpoint", "") == "conventions_admin")


def _filter_index(view: Any, field: str) -> int | None:
    """The position of the filter of ``field`` in the list view (equality, or our own)."""
    from app.views.admin.conventions import AmendmentFilter, DeadlineFilter, ZoneFilter

    own = {"deadline": DeadlineFilter, "zone": ZoneFilter, "amendment": AmendmentFilter}
    for index, flt in enumerate(view._filters):
        if field in own:
            if isinstance(flt, own[field]):
                return index
        elif getattr(flt.column, "name", flt.column) == field and type(flt).__name__ in EQUALS:
            return index
    return None


def list_url(**criteria: Any) -> str:
    """The conventions list filtered on ``criteria`` (kind, status, pole_number, school_year,
    zone, deadline, amendment); None values are left out."""
    view = _conventions_view()
    params: dict[str, Any] = {}
    n = 0
    for field, value in criteria.items():
        if value is None:
            continue
        index = _filter_index(view, field)
        if index is None:
            continue
        params[f"flt{n}_{index}"] = value
        n += 1
    return url_for("conventions_admin.index_view", **params)


def _header() -> list[str]:
    stages = [rules.STAGE_SHORT[s] for s in rules.STAGES]
    return ["Pôle", *stages, "Total", "Communiquées (%)", "En retard", "Bientôt"]


def _row(line: rules.Line) -> list[Any]:
    counts = [line.counts.get(s, 0) for s in rules.STAGES]
    return [line.label, *counts, line.total, round(line.progress * 100, 1), line.late, line.soon]


def render(view: Any) -> Any:
    """The dashboard page (or its pole table as CSV / XLSX, through the one export home)."""
    cals = dashboard.calendars()
    filters = dashboard.parse_filters(
        request.args.get("annee"), request.args.get("zone"), request.args.get("type"), cals
    )
    campaign = dashboard.campaign(filters, cals)
    sort = request.args.get("tri", "pole")
    descending = request.args.get("ordre") == "desc"
    campaign.poles = rules.sort_lines(campaign.poles, sort, descending)
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        rows = [_row(line) for line in campaign.poles]
        return table_response(fmt, f"campagne-{filters.year}", _header(), rows)
    year = filters.year
    zone, kind = filters.zone, filters.kind

    def link(**criteria: Any) -> str:
        base: dict[str, Any] = {"school_year": year, "zone": zone, "kind": kind}
        base.update(criteria)
        return list_url(**base)

    late_page = paginate(campaign.late + campaign.soon, LATE_PER_PAGE)
    listed = dashboard.listed(late_page.items)
    return view.render(
        "admin/steering/dashboard.html",
        campaign=campaign,
        filters=filters,
        late_page=replace(late_page, items=listed),
        waiting=dashboard.waiting([conv for conv, _deadline in listed]),
        years=dashboard.years(cals) or [year],
        all_zones=_all_zones(),
        kinds=KIND_LABELS,
        stages=rules.STAGES,
        stage_labels=STATUS_LABELS,
        stage_short=rules.STAGE_SHORT,
        colours=STAGE_COLOURS,
        waiting_for=rules.WAITING_FOR,
        waiting_stages=rules.WAITING_STAGES,
        link=link,
        sort=sort,
        descending=descending,
    )


def _all_zones() -> list[tuple[int, str]]:
    from app.rules.reference import ZONES, zone_label

    return [(z, zone_label(z)) for z in ZONES]
