"""Demo conventions at every stage of the workflow (CONTRACT.md, "demo data").

Every demo pole's structure lists are routed into conventions with ``workflow.add_school``,
then pole 1 is driven through the stages by calling the workflow as the demo users would
(so the audit trail is real):

- the ressort (cooperation with the seat PO's schools 2111, 2112): approved (and sealed when a
  sealer is registered);
- the partnership (2102 moved from the ressort, 2103): validated, awaiting po-siege1 and
  po-part1;
- the specific partnership (2201): signed by po-siege1 and po-spec1, awaiting approval;
- the cooperation of PO 1003 (po-coop1's): list validated, some articles complete;
- the cooperation of PO 1004 (2115, outside the seat's zone, with a derogation): draft;
- the ressort's amendment for the next school year still open: draft;
- a second specific partnership (2203): draft, pupils taken in charge soon after the day the
  demo is loaded, so it is « bientôt »; the campaign's conventions not signed by all are
  « en retard » once its deadline (15 October) has passed.

A pole that already has conventions is left alone, so running the seed again changes nothing.
"""

import json
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app import clock
from app.models import Convention, OrganisingAuthority, Pole, School, User
from app.rules import calendar, deadlines
from app.rules.errors import RuleViolation
from app.rules.permissions import Action, can
from app.rules.states import Kind, SchoolRole
from app.services import school_years, workflow

DATA_DIR = Path(__file__).resolve().parent
SECOND_SPECIFIC = 2203  # type 5, PO 1009: the second specific partner school of pole 1


def demo_articles() -> dict[str, dict[str, Any]]:
    return json.loads((DATA_DIR / "demo_articles.json").read_text(encoding="utf-8"))


def minimal_pdf(text: str) -> bytes:
    """A small, valid one-page PDF showing ``text`` (ASCII), built in code."""
    stream = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _pole_actor(pole: Pole, users: dict[str, User]) -> User:
    """The pole's coordinator when there is a demo one, else the Administration."""
    for username in ("coord1", "coord2"):
        user = users.get(username)
        if user is not None and can(user, Action.EDIT_SCHOOL_LIST, pole):
            return user
    return users["admin"]


def _route(pole: Pole, actor: User) -> None:
    for role, field in (
        (SchoolRole.PARTNER, "partner_schools"),
        (SchoolRole.COOPERATING, "cooperating_schools"),
        (SchoolRole.SPECIFIC_PARTNER, "specific_partner_schools"),
    ):
        for school in getattr(pole, field):
            workflow.add_school(pole, school, role, actor)


def _fill(
    conv: Convention, texts: dict[str, Any], actor: User, keys: list[str] | None = None
) -> None:
    """Write the demo texts of ``conv``'s kind (only ``keys`` when given)."""
    for key, value in texts.get(conv.kind, {}).items():
        if keys is not None and key not in keys:
            continue
        if conv.article(key) is None:
            continue
        if isinstance(value, dict):
            workflow.save_article(conv, key, value.get("body", ""), actor, data=value.get("data"))
        else:
            workflow.save_article(conv, key, value, actor)


def build_demo_stages() -> int:
    """Create the demo conventions; return how many were created."""
    users = {u.username: u for u in User.objects}
    if "admin" not in users:
        return 0
    before = Convention.objects.count()
    poles = list(Pole.objects.order_by("number"))
    for pole in poles:
        if Convention.objects(pole=pole.pk).count():
            continue
        actor = _pole_actor(pole, users)
        _route(pole, actor)
        if pole.number == 1:
            _drive_pole1(pole, users)
    return Convention.objects.count() - before


def _drive_pole1(pole: Pole, users: dict[str, User]) -> None:
    texts = demo_articles()
    coord, admin = users["coord1"], users["admin"]
    convs = {c.slot: c for c in Convention.objects(pole=pole.pk)}
    po_1003 = OrganisingAuthority.objects.get(fase=1003)
    po_1004 = OrganisingAuthority.objects.get(fase=1004)
    school_2115 = School.objects.get(fase=2115)
    specific = next(c for c in convs.values() if c.kind == Kind.SPECIFIC_PARTNERSHIP)

    # The ressort: approved (sealed when a sealer is registered).
    ressort = convs["ressort"]
    workflow.validate_school_list(ressort, coord)
    _fill(ressort, texts, users["dir-siege1"])
    workflow.validate(ressort, coord)
    workflow.sign(ressort, users["po-siege1"])
    workflow.approve(ressort, admin)

    # The partnership: validated, awaiting both signatures.
    partnership = convs["partnership"]
    workflow.validate_school_list(partnership, coord)
    _fill(partnership, texts, coord)
    workflow.validate(partnership, users["po-siege1"])

    # The specific partnership: signed by both POs, awaiting the Administration.
    workflow.validate_school_list(specific, coord)
    _fill(specific, texts, coord)
    workflow.validate(specific, coord)
    workflow.sign(specific, users["po-siege1"])
    workflow.sign(specific, users["po-spec1"])

    # po-coop1's cooperation: list validated, article 4 written, article 5 still to do.
    coop = convs[f"cooperation:{po_1003.pk}"]
    workflow.validate_school_list(coop, coord)
    _fill(coop, texts, coord, keys=["4", "11"])

    # The other cooperation (2115, outside the seat's zone): draft, derogation attached.
    other = convs[f"cooperation:{po_1004.pk}"]
    workflow.attach_derogation(
        other,
        school_2115,
        "derogation-zone-2115.pdf",
        minimal_pdf("Derogation de zone - ecole FASE 2115 - pole territorial 1"),
        coord,
    )
    workflow.copy_last_cooperation_article(other, 4, coord)

    # The ressort's amendment for the next school year still open, in draft (issue 11).
    years = workflow.open_years(ressort)
    if years:
        workflow.start_amendment(ressort, years[0].label, coord)

    # A second specific partnership, in draft, due soon: pupils taken in charge shortly
    # after the day the demo is loaded.
    second = workflow.add_school(
        pole, School.objects.get(fase=SECOND_SPECIFIC), "specific_partner", coord
    )
    day = due_soon_take_in_charge()
    if day is not None:
        workflow.set_take_in_charge(second, day, coord)


def due_soon_take_in_charge() -> date | None:
    """A take-in-charge date whose due date (10 school working days before) falls within
    the « bientôt » window of today (the settable clock), or None without a calendar."""
    cals = school_years.Calendars.load()
    today = clock.today()
    soon = cals.soon.get(school_years.current_label(), deadlines.DEFAULT_SOON_DAYS)
    for offset in range(1, 120):
        day = today + timedelta(days=offset)
        if not calendar.is_school_day(cals.years, day):
            continue
        try:
            due = deadlines.specific_due_date(cals.years, day)
        except RuleViolation:
            continue
        if today < due and (due - today).days <= soon // 2:
            return day
    return None


# --- full scale ---------------------------------------------------------------------------

# Share of the school lists validated at full scale: mid-campaign, most poles have settled
# their lists, some are still drafting (and a list missing a derogation stays a draft).
FULL_SCALE_VALIDATED_PERCENT = 60


def full_scale_validates(conv: Convention) -> bool:
    """Whether the full-scale seed validates this convention's list (the same answer on every
    run: a stable hash of the pole and the slot's kind and first school)."""
    first = conv.schools[0].fase if conv.schools else 0
    key = f"{conv.pole_number}:{conv.kind}:{first}".encode()
    return zlib.crc32(key) % 100 < FULL_SCALE_VALIDATED_PERCENT


def build_full_stages(actor: str = "seed") -> dict[str, int]:
    """The routed conventions of every pole that has none yet, through the bulk path."""
    from app.services.workflow import bulk

    have = set(Convention._get_collection().distinct("pole"))
    poles = [p for p in Pole.objects.order_by("number") if p.pk not in have]
    report = bulk.route_poles(poles, actor, validate_list=full_scale_validates)
    return {
        "conventions": report.conventions,
        "list_validated": report.list_validated,
        "audit_events": report.events,
    }
