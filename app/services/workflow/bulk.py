"""Routing whole poles at once: the full-scale seed's path to ~1,700 conventions in seconds.

``add_school`` routes one school per call (a dozen round trips, a pre-filled refresh, an audit
event each): 0.1-0.25 s a school, minutes for the 48 poles. Here the same rules decide
(``app.rules.routing`` for the place of each school, ``app.rules.articles`` for the articles
and their pre-filled text, ``app.rules.derogations`` for whether a list may be validated) on
data loaded once (raw documents, read through small views the rules take like models), the
documents are built in memory in their stored form and inserted in batches (``insert_many``
inside the workflow's writer scope). Their audit events (the creation listing the schools
added, the list's validation) are built by ``audit.pending`` as every verb's are, and each
batch's are chained with one insert (``audit.chain_pending_batch``) *before* its conventions
are inserted: a run stopped in between leaves events of creations that did not happen, never
a convention without its events. (Carrying them in ``pending_events`` and taking them off
after, as the verbs do, cost an update of every batch, which the stand-in stores answer by
scanning the collection: 3× the run.) ``flask audit verify`` passes.

The result equals what ``add_school`` school by school (then ``validate_school_list``) leaves
(tests/rules/test_bulk_routing.py). It is a loading path for poles that have no convention yet
on an otherwise idle database (the seed), not a verb for concurrent writers.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId

from app.models.article_template import ArticleTemplate
from app.models.base import utcnow
from app.models.convention import Article, Convention
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.rules import articles as article_rules
from app.rules.derogations import missing_derogations
from app.rules.errors import RuleViolation
from app.rules.refs import as_id, ref_id
from app.rules.routing import POLE_LIST, eligibility_error, route
from app.rules.states import SCHOOL_ROLE_LABELS, Kind, SchoolRole, Status
from app.services import audit, school_years
from app.services.workflow._writer import workflow_write
from app.services.workflow.school_list import list_validated_event

# The order add_school is called in by the seed (and by a pole filling its structure).
ROLE_ORDER = (SchoolRole.PARTNER, SchoolRole.COOPERATING, SchoolRole.SPECIFIC_PARTNER)
BATCH_SIZE = 200
CHAIN_MOVED = (
    "Le journal d'audit a reçu d'autres événements pendant le chargement : les conventions du "
    "lot n'ont pas été créées ; relancez la commande (les pôles déjà chargés sont gardés)."
)


@dataclass
class BulkReport:
    conventions: int = 0
    list_validated: int = 0
    events: int = 0
    poles: list[int] = field(default_factory=list)


class _View:
    """A stored document read like its model: the rules read attributes, ``ref_id`` reads
    ``_data``; building 25,000 model objects would cost more than the rest of the run."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._data.get(name)


class _SchoolView(_View):
    pk = property(lambda self: self._data["_id"])
    address = property(School.address.fget)


class _PoView(_View):
    pk = property(lambda self: self._data["_id"])
    address = property(OrganisingAuthority.address.fget)


class _EntryView(_View):
    @property
    def role_label(self) -> str:
        return SCHOOL_ROLE_LABELS.get(self._data["role"], self._data["role"])


class _ConventionView(_View):
    """A convention being built: its stored dict, with its entries and articles as views."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.schools: list[_EntryView] = []
        self.articles = [_View(a) for a in data["articles"]]

    @property
    def pk(self) -> Any:
        return self._data["_id"]

    def add(self, entry: dict[str, Any]) -> None:
        self._data["schools"].append(entry)
        self.schools.append(_EntryView(entry))

    def article(self, key: str) -> Any:
        return next((a for a in self.articles if a.key == key), None)


def _ids(doc: dict[str, Any], name: str) -> list[Any]:
    return [as_id(v) for v in (doc.get(name) or [])]


class _Facts:
    """What the rules decide on, loaded in a handful of queries for all the poles."""

    def __init__(self) -> None:
        # Whole collections, raw: the stand-in stores test ``$in`` against every id.
        self.schools = {d["_id"]: _SchoolView(d) for d in School._get_collection().find()}
        self.pos = {d["_id"]: _PoView(d) for d in OrganisingAuthority._get_collection().find()}
        self.articles: dict[str, list[dict[str, Any]]] = {}
        for kind in (str(k) for k in Kind):
            templates = list(ArticleTemplate.objects(kind=kind, active=True).order_by("position"))
            if templates:
                built = [Article(**f) for f in article_rules.article_fields(templates)]
                for article in built:
                    article.validate()
                self.articles[kind] = [a.to_mongo().to_dict() for a in built]
        self.school_year = school_years.current_label()
        years = school_years.calendars()
        self.due = {
            kind: school_years.due_date(kind, self.school_year, None, False, years=years)
            for kind in (str(k) for k in Kind)
        }
        self.prototypes = {kind: _prototype(kind, self) for kind in self.articles}
        # Exclusivities across poles (add_school's checks), from every pole's structure.
        self.cooperating_in: dict[Any, list[int]] = {}
        self.partner_in: dict[Any, list[int]] = {}
        self.seat_of: dict[Any, int] = {}
        fields = {"number": 1, "seat_school": 1, "partner_schools": 1, "cooperating_schools": 1}
        for pole in Pole._get_collection().find({}, fields):
            self.seat_of[pole["seat_school"]] = pole["number"]
            for sid in _ids(pole, "cooperating_schools"):
                self.cooperating_in.setdefault(sid, []).append(pole["number"])
            for sid in _ids(pole, "partner_schools"):
                self.partner_in.setdefault(sid, []).append(pole["number"])


def _label(school: Any) -> str:
    return f"L'école {school.name} (FASE {school.fase})"


def _check(pole: Pole, school: Any, role: SchoolRole, seat_id: Any, facts: _Facts) -> None:
    """add_school's refusals, on the loaded facts (a seed with a wrong structure stops)."""
    message = eligibility_error(school, role)
    if message:
        raise RuleViolation(message)
    if school.pk == seat_id:
        raise RuleViolation(
            f"{_label(school)} est l'école siège du pôle : elle en fait déjà partie."
        )
    others = {
        SchoolRole.COOPERATING: facts.cooperating_in,
        SchoolRole.PARTNER: facts.partner_in,
    }.get(role, {})
    elsewhere = [n for n in others.get(school.pk, []) if n != pole.number]
    if elsewhere:
        raise RuleViolation(
            f"{_label(school)} figure déjà dans le pôle n° {elsewhere[0]} "
            f"({'coopération' if role == SchoolRole.COOPERATING else 'partenariat'} exclusif)."
        )
    seat_of = facts.seat_of.get(school.pk)
    if role == SchoolRole.PARTNER and seat_of not in (None, pole.number):
        raise RuleViolation(
            f"{_label(school)} est l'école siège du pôle n° {seat_of} : elle ne peut pas "
            "être partenaire d'un autre pôle."
        )


def _entry(school: Any, role: SchoolRole, facts: _Facts, actor: str, now: Any) -> dict:
    """The stored form of ``documents.new_entry`` (a ConventionSchool), None fields left out."""
    po_id = school.po
    po = facts.pos.get(po_id)
    entry = {
        "school": school.pk,
        "role": role.value,
        "fase": school.fase,
        "name": school.name,
        "po": po_id,
        "po_fase": po.fase if po else None,
        "po_name": po.name if po else "",
        "zone": school.zone,
        "added_at": now,
        "added_by": actor,
    }
    return {k: v for k, v in entry.items() if v is not None}


def _prototype(kind: str, facts: "_Facts") -> dict[str, Any]:
    """A validated convention of ``kind`` in its stored form, whose per-document fields
    ``_new_convention`` overwrites (the model fills the defaults once)."""
    conv = Convention(
        id=ObjectId(),
        kind=kind,
        status=Status.DRAFT,
        pole=ObjectId(),
        pole_number=1,
        slot="prototype",
        seat_school=ObjectId(),
        seat_po=ObjectId(),
        school_year=facts.school_year,
        due_on=facts.due.get(kind),
    )
    conv.validate()
    return conv.to_mongo().to_dict()


def _new_convention(pole: Pole, target: Any, seat: Any, facts: _Facts) -> _ConventionView:
    if target.kind not in facts.articles:
        article_rules.article_fields([])  # the rule's refusal: no template for this kind
    now = utcnow()
    data = dict(
        facts.prototypes[target.kind],
        _id=ObjectId(),
        pole=pole.pk,
        pole_number=pole.number,
        slot=target.slot,
        seat_school=seat.pk,
        seat_po=seat.po,
        created_at=now,
        updated_at=now,
        schools=[],
        articles=[{**a, "data": dict(a.get("data") or {})} for a in facts.articles[target.kind]],
    )
    if target.counterpart_po is not None:
        data["counterpart_po"] = target.counterpart_po
    return _ConventionView(data)


def _prefill(conv: _ConventionView, pole: Pole, seat: Any, facts: _Facts) -> None:
    """``refresh_prefilled`` on the document in memory."""
    schools = {seat.pk: seat}
    schools.update({e.school: facts.schools[e.school] for e in conv.schools})
    for key, (body, data) in article_rules.prefilled(conv, pole, schools, facts.pos).items():
        conv.article(key)._data.update(body=body, data=data, complete=True)
    fases = article_rules.split_fases(conv, seat)
    for article in conv.articles:
        if article.complete and not article_rules.structured_still_valid(article, fases):
            article._data["complete"] = False


def plan_pole(pole: Pole, facts: _Facts, actor: str) -> list[_ConventionView]:
    """The pole's conventions as ``add_school`` would leave them after its whole structure."""
    seat_id = ref_id(pole, "seat_school")
    seat = facts.schools.get(seat_id)
    if seat is None:
        raise RuleViolation("L'école siège de ce pôle est introuvable.")
    lists = {role: _ids(pole._data, POLE_LIST[role]) for role in ROLE_ORDER}
    missing = [s for ids in lists.values() for s in ids if s not in facts.schools]
    if missing:
        raise RuleViolation("Une école de la structure du pôle est introuvable.")
    # Where partners go depends on all of them: the rule sees every partner's PO at once,
    # which is where add_school's moves out of the ressort end.
    partner_pos = [facts.schools[s].po for s in lists[SchoolRole.PARTNER]]
    now = utcnow()
    convs: dict[str, _ConventionView] = {}
    seen: set[Any] = set()
    for role in ROLE_ORDER:
        for school_id in lists[role]:
            school = facts.schools[school_id]
            _check(pole, school, role, seat_id, facts)
            if school_id in seen:
                raise RuleViolation(f"{_label(school)} figure déjà dans ce pôle.")
            seen.add(school_id)
            target = route(role, school_id, school.po, seat.po, partner_pos)
            conv = convs.get(target.slot)
            if conv is None:
                conv = convs[target.slot] = _new_convention(pole, target, seat, facts)
            conv.add(_entry(school, role, facts, actor, now))
    for conv in convs.values():
        _prefill(conv, pole, seat, facts)
    return list(convs.values())


def route_poles(
    poles: Iterable[Pole],
    actor: str,
    *,
    validate_list: Callable[[Any], bool] = lambda conv: False,
    batch_size: int = BATCH_SIZE,
) -> BulkReport:
    """Create the routed conventions of ``poles`` (which have none yet) in batches.

    ``validate_list(conv)`` says which lists the caller wants validated; a list is validated
    only when the rules allow it (every needed derogation attached), as
    ``validate_school_list`` would. Each convention gets its creation event (kind, slot and
    the schools added, as ``add_school`` records them one by one) and, when validated, the
    list's validation event.
    """
    poles = list(poles)
    report = BulkReport()
    if not poles:
        return report
    facts = _Facts()
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if not batch:
            return
        # The events first: a run stopped between the two inserts leaves events of a creation
        # that did not happen, never a convention without the events of its creation.
        events = [(e, c["_id"]) for c in batch for e in c.pop("pending_events")]
        chained = audit.chain_pending_batch(events, fresh=True)
        report.events += len(chained)
        if len(chained) != len(events):
            raise RuntimeError(CHAIN_MOVED)
        for conv in batch:
            conv["pending_events"] = []
        with workflow_write():
            Convention._get_collection().insert_many(batch, ordered=True)
        report.conventions += len(batch)
        batch.clear()

    for pole in poles:
        seat_zone = facts.schools[ref_id(pole, "seat_school")].zone
        for conv in plan_pole(pole, facts, actor):
            events = conv._data["pending_events"] = [
                audit.pending(
                    "convention.create",
                    actor,
                    status_after=Status.DRAFT,
                    details={
                        "kind": conv.kind,
                        "slot": conv.slot,
                        "pole": pole.number,
                        "schools_added": [
                            {"school_fase": e.fase, "school_name": e.name, "role": e.role}
                            for e in conv.schools
                        ],
                    },
                )
            ]
            if validate_list(conv) and not missing_derogations(conv, seat_zone):
                conv._data["status"] = Status.LIST_VALIDATED.value
                conv._data["list_validated_at"] = utcnow()
                events.append(list_validated_event(conv, actor))
                report.list_validated += 1
            batch.append(conv._data)
            if len(batch) >= batch_size:
                flush()
        report.poles.append(pole.number)
    flush()
    return report
