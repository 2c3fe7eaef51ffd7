"""Loading the seed data files into the database (idempotent)."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from mongoengine import get_db

from app.db import forget_collections
from app.models import (
    AppSetting,
    ArticleTemplate,
    Coordinator,
    Grant,
    OrganisingAuthority,
    Pole,
    School,
    User,
)

DATA_DIR = Path(__file__).resolve().parent


def read(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def reset() -> None:
    """Drop every collection of the application (``flask seed --reset``)."""
    db = get_db()
    for name in db.list_collection_names():
        db.drop_collection(name)
    forget_collections()


def load_templates() -> int:
    """Insert the article templates that are missing; return how many were added."""
    added = 0
    for kind, articles in read("articles.json").items():
        existing = {t.key for t in ArticleTemplate.objects(kind=kind).only("key")}
        for spec in articles:
            if spec["key"] in existing:
                continue
            ArticleTemplate(kind=kind, **spec).save()
            added += 1
    return added


def load_reference(data: dict[str, Any]) -> dict[str, int]:
    """POs, schools and poles of a data set; returns how many of each were added."""
    counts = {"organising_authorities": 0, "schools": 0, "poles": 0}
    po_by_fase = {po.fase: po for po in OrganisingAuthority.objects}
    for spec in data["organising_authorities"]:
        if spec["fase"] not in po_by_fase:
            po_by_fase[spec["fase"]] = OrganisingAuthority(**spec).save()
            counts["organising_authorities"] += 1

    school_by_fase = {s.fase: s for s in School.objects}
    for spec in data["schools"]:
        if spec["fase"] in school_by_fase:
            continue
        fields = dict(spec, po=po_by_fase[spec["po"]])
        school_by_fase[spec["fase"]] = School(**fields).save()
        counts["schools"] += 1

    existing_poles = {p.number for p in Pole.objects.only("number")}
    for spec in data["poles"]:
        if spec["number"] in existing_poles:
            continue
        Pole(
            number=spec["number"],
            name=spec["name"],
            seat_school=school_by_fase[spec["seat"]],
            zone=spec["zone"],
            coordinators=[Coordinator(**c) for c in spec.get("coordinators", [])],
            partner_schools=[school_by_fase[f] for f in spec.get("partners", [])],
            cooperating_schools=[school_by_fase[f] for f in spec.get("cooperating", [])],
            specific_partner_schools=[school_by_fase[f] for f in spec.get("specific_partners", [])],
            period_start=date.fromisoformat(spec["period_start"]),
            period_end=date.fromisoformat(spec["period_end"]),
        ).save()
        counts["poles"] += 1
    return counts


def load_users(specs: list[dict[str, Any]], password: str) -> int:
    """Demo accounts; an existing account is left as it is."""
    existing = {u.username for u in User.objects.only("username")}
    poles = {p.number: p for p in Pole.objects}
    schools = {s.fase: s for s in School.objects(fase__in=_fases(specs, "school"))}
    pos = {p.fase: p for p in OrganisingAuthority.objects(fase__in=_fases(specs, "po"))}
    added = 0
    for spec in specs:
        if spec["username"] in existing:
            continue
        grants = [
            Grant(
                role=g["role"],
                pole=poles.get(g.get("pole")),
                school=schools.get(g.get("school")),
                po=pos.get(g.get("po")),
                granted_by="seed",
            )
            for g in spec["grants"]
        ]
        user = User(
            username=spec["username"],
            first_name=spec["first_name"],
            last_name=spec["last_name"],
            email=spec.get("email"),
            grants=grants,
        )
        user.set_password(password)
        user.save()
        added += 1
    return added


def _fases(specs: list[dict[str, Any]], field: str) -> list[int]:
    return [g[field] for s in specs for g in s["grants"] if g.get(field)]


def load_demo(password: str) -> dict[str, int]:
    """The demo set of CONTRACT.md: three poles, the article templates, one account per role."""
    data = read("demo.json")
    counts = load_reference(data)
    from seed.school_years import load_school_years

    counts["school_years"] = load_school_years()
    counts["article_templates"] = load_templates()
    counts["users"] = load_users(data["users"], password)
    from seed.stages import build_demo_stages  # the workflow needs the users above

    counts["financing"] = load_financing_reference()
    from app.services import notify

    with notify.suppressed():  # the demo replays a history: nobody is told now
        counts["conventions"] = build_demo_stages()
    counts["financing"] += load_financing_demo()
    counts["messages"] = load_messages()
    AppSetting.put("demo_data", True)
    return counts


def load_messages() -> int:
    """The demo home-page messages (seed/messages.json) not loaded yet."""
    from app.models import Message

    specs = read("messages.json")
    existing = {(m.title, m.audience) for m in Message.objects.only("title", "audience")}
    school_fases = [m["school"] for m in specs if m.get("school")]
    po_fases = [m["po"] for m in specs if m.get("po")]
    schools = {s.fase: s for s in School.objects(fase__in=school_fases)}
    pos = {p.fase: p for p in OrganisingAuthority.objects(fase__in=po_fases)}
    added = 0
    for spec in specs:
        if (spec["title"], spec["audience"]) in existing:
            continue
        Message(
            title=spec["title"],
            body=spec["body"],
            audience=spec["audience"],
            school=schools.get(spec.get("school")),
            po=pos.get(spec.get("po")),
            created_by="seed",
        ).save()
        added += 1
    return added


def load_financing_reference() -> int:
    """The demo financing parameters and functions catalogue (« valeurs de démonstration »)
    that are missing; returns how many documents were added."""
    from app.models import FinancingParameters, TeamFunction
    from app.models.financing import EnvelopeTerm

    data = read("financing.json")
    added = 0
    known = {f.code for f in TeamFunction.objects.only("code")}
    for spec in data["functions"]:
        if spec["code"] not in known:
            TeamFunction(demo=True, **spec).save()
            added += 1
    years = set(FinancingParameters.objects.distinct("school_year"))
    for spec in data["parameters"]:
        if spec["school_year"] in years:
            continue
        values = dict(spec)
        values["terms"] = [EnvelopeTerm(**t) for t in spec["terms"]]
        values["reference_date"] = date.fromisoformat(spec["reference_date"])
        FinancingParameters(demo=True, **values).save()
        added += 1
    return added


def load_financing_demo() -> int:
    """Pole 1's demo pupil counts and one team scenario, through the financing service."""
    from app.models import PupilCountSheet, TeamScenario
    from app.services import financing

    spec = read("financing.json")["pole1"]
    pole = Pole.objects(number=1).first()
    coord = User.objects(username="coord1").first()
    if pole is None or coord is None:
        return 0
    year = spec["school_year"]
    added = 0
    if PupilCountSheet.objects(pole=pole.pk, school_year=year).first() is None:
        schools = {
            s.fase: s.pk for s in School.objects(fase__in=[c["school"] for c in spec["counts"]])
        }
        raw = [{**c, "school": schools[c["school"]]} for c in spec["counts"]]
        financing.save_counts(pole, year, raw, coord, None)
        added += 1
    scenario = spec["scenario"]
    if not TeamScenario.objects(pole=pole.pk, school_year=year, name=scenario["name"]).first():
        financing.save_scenario(pole, year, scenario["name"], scenario["lines"], coord)
        added += 1
    return added
