"""Deterministic full-scale data set: 48 poles over the 10 zones, ~2,900 schools, ~700 POs.

Used for benchmarks (``flask seed --scale full``). The same seed gives the same data.
"""

import random
from datetime import date
from typing import Any

from bson import ObjectId

from app.models import OrganisingAuthority, Pole, School
from app.rules.collation import sort_key

# Poles per zone (48 in all), roughly as the Government's list spreads them.
POLES_PER_ZONE = {1: 8, 2: 3, 3: 3, 4: 7, 5: 3, 6: 5, 7: 3, 8: 4, 9: 6, 10: 6}
ZONE_CITIES = {
    1: ["Bruxelles", "Ixelles", "Schaerbeek", "Anderlecht", "Forest", "Uccle", "Molenbeek"],
    2: ["Wavre", "Nivelles", "Ottignies", "Braine-l'Alleud", "Tubize", "Jodoigne"],
    3: ["Huy", "Waremme", "Hannut", "Amay", "Wanze"],
    4: ["Liège", "Seraing", "Herstal", "Ans", "Flémalle", "Chaudfontaine"],
    5: ["Verviers", "Spa", "Eupen", "Malmedy", "Dison"],
    6: ["Namur", "Andenne", "Dinant", "Gembloux", "Ciney", "Jambes"],
    7: ["Arlon", "Bastogne", "Marche-en-Famenne", "Libramont", "Virton"],
    8: ["Tournai", "Mouscron", "Ath", "Péruwelz", "Lessines"],
    9: ["Mons", "La Louvière", "Soignies", "Binche", "Saint-Ghislain"],
    10: ["Charleroi", "Châtelet", "Thuin", "Fleurus", "Chimay", "Couvin"],
}
NETWORK_NAMES = [
    "ASBL Enseignement catholique",
    "ASBL Écoles libres",
    "Wallonie-Bruxelles Enseignement",
    "ASBL Institut Saint-Joseph",
    "ASBL Athénée et écoles associées",
]
STREETS = [
    "Rue de l'École",
    "Rue du Centre",
    "Avenue des Tilleuls",
    "Rue de la Station",
    "Place communale",
    "Rue des Écoles",
    "Chaussée de Bruxelles",
    "Rue du Moulin",
]

TARGET_POS = 700
TARGET_SCHOOLS = 2900


def generate(seed: int = 2026) -> dict[str, list[dict[str, Any]]]:
    """The full data set as plain dicts (FASE numbers as keys between them)."""
    rng = random.Random(seed)
    pos: list[dict[str, Any]] = []
    schools: list[dict[str, Any]] = []
    poles: list[dict[str, Any]] = []
    pos_by_zone: dict[int, list[int]] = {z: [] for z in POLES_PER_ZONE}

    def new_po(zone: int) -> int:
        fase = 10_000 + len(pos) + 1
        city = rng.choice(ZONE_CITIES[zone])
        name = (
            f"Commune de {city}"
            if len(pos_by_zone[zone]) < len(ZONE_CITIES[zone])
            else f"{rng.choice(NETWORK_NAMES)} de {city} n° {len(pos) + 1}"
        )
        pos.append(
            {
                "fase": fase,
                "name": name,
                "street": rng.choice(STREETS) + f" {rng.randint(1, 200)}",
                "postal_code": str(1000 + zone * 500 + rng.randint(0, 499)),
                "city": city,
            }
        )
        pos_by_zone[zone].append(fase)
        return fase

    def new_school(zone: int, po: int, education: str, types: list[int], label: str) -> int:
        fase = 100_000 + len(schools) + 1
        city = rng.choice(ZONE_CITIES[zone])
        schools.append(
            {
                "fase": fase,
                "name": f"{label} de {city} n° {len(schools) + 1}",
                "street": rng.choice(STREETS) + f" {rng.randint(1, 300)}",
                "postal_code": str(1000 + zone * 500 + rng.randint(0, 499)),
                "city": city,
                "po": po,
                "zone": zone,
                "education": education,
                "types": types,
            }
        )
        return fase

    # Enough POs per zone first, then the rest spread at random.
    for zone in POLES_PER_ZONE:
        for _ in range(POLES_PER_ZONE[zone] * 6):
            new_po(zone)
    while len(pos) < TARGET_POS:
        new_po(rng.choice(list(POLES_PER_ZONE)))

    number = 0
    specialized_pool: list[int] = []
    for zone, count in POLES_PER_ZONE.items():
        for _ in range(count):
            number += 1
            seat_po = rng.choice(pos_by_zone[zone])
            seat = new_school(
                zone,
                seat_po,
                "specialized",
                sorted(rng.sample(range(1, 9), 3)),
                "École d'enseignement spécialisé",
            )
            partners = []
            for _ in range(rng.randint(0, 4)):
                po = seat_po if rng.random() < 0.5 else rng.choice(pos_by_zone[zone])
                partners.append(
                    new_school(
                        zone,
                        po,
                        "specialized",
                        sorted(rng.sample(range(1, 9), 2)),
                        "Institut spécialisé",
                    )
                )
            cooperating = []
            for _ in range(rng.randint(45, 65)):
                z = zone if rng.random() < 0.96 else rng.choice(list(POLES_PER_ZONE))
                po = seat_po if rng.random() < 0.35 and z == zone else rng.choice(pos_by_zone[z])
                cooperating.append(new_school(z, po, "ordinary", [], "École fondamentale"))
            poles.append(
                {
                    "number": number,
                    "name": f"Pôle territorial n° {number}",
                    "seat": seat,
                    "zone": zone,
                    "partners": partners,
                    "cooperating": cooperating,
                    "specific_partners": [],
                    "period_start": "2022-09-01",
                    "period_end": "2028-08-31",
                    "coordinators": [
                        {"last_name": f"Coordonnateur {number}", "first_name": "Pôle"}
                    ],
                }
            )
            specialized_pool.extend([seat, *partners])

    # Specific partners: type 4-7 specialized schools, often of another pole.
    for pole in poles:
        for _ in range(rng.randint(0, 2)):
            zone = pole["zone"]
            po = rng.choice(pos_by_zone[zone])
            fase = new_school(
                zone, po, "specialized", [rng.choice([4, 5, 6, 7])], "École spécialisée sensorielle"
            )
            pole["specific_partners"].append(fase)
    # Schools in no pole yet (the pole lists are never complete on day one).
    while len(schools) < TARGET_SCHOOLS:
        zone = rng.choice(list(POLES_PER_ZONE))
        new_school(zone, rng.choice(pos_by_zone[zone]), "ordinary", [], "École primaire")
    return {"organising_authorities": pos, "schools": schools, "poles": poles}


def load_full(
    seed: int = 2026, data: dict[str, list[dict[str, Any]]] | None = None
) -> dict[str, int]:
    """Insert the full data set (or ``data``, a part of it) in bulk (what exists already, by
    FASE or number, is kept)."""
    data = data if data is not None else generate(seed)
    counts = {}
    po_coll = OrganisingAuthority._get_collection()
    have = {d["fase"] for d in po_coll.find({}, {"fase": 1})}
    new = [
        dict(d, _id=ObjectId(), sort_name=sort_key(d["name"]))
        for d in data["organising_authorities"]
        if d["fase"] not in have
    ]
    if new:
        po_coll.insert_many(new)
    counts["organising_authorities"] = len(new)
    po_ids = {d["fase"]: d["_id"] for d in po_coll.find({}, {"fase": 1})}

    school_coll = School._get_collection()
    have = {d["fase"] for d in school_coll.find({}, {"fase": 1})}
    new = [
        dict(d, _id=ObjectId(), po=po_ids[d["po"]], sort_name=sort_key(d["name"]))
        for d in data["schools"]
        if d["fase"] not in have
    ]
    if new:
        school_coll.insert_many(new)
    counts["schools"] = len(new)
    school_ids = {d["fase"]: d["_id"] for d in school_coll.find({}, {"fase": 1})}

    pole_coll = Pole._get_collection()
    have = {d["number"] for d in pole_coll.find({}, {"number": 1})}
    new = []
    for p in data["poles"]:
        if p["number"] in have:
            continue
        new.append(
            {
                "_id": ObjectId(),
                "number": p["number"],
                "name": p["name"],
                "seat_school": school_ids[p["seat"]],
                "zone": p["zone"],
                "coordinators": p["coordinators"],
                "partner_schools": [school_ids[f] for f in p["partners"]],
                "cooperating_schools": [school_ids[f] for f in p["cooperating"]],
                "specific_partner_schools": [school_ids[f] for f in p["specific_partners"]],
                "period_start": _as_datetime(p["period_start"]),
                "period_end": _as_datetime(p["period_end"]),
            }
        )
    if new:
        pole_coll.insert_many(new)
    counts["poles"] = len(new)
    return counts


def _as_datetime(value: str) -> Any:
    from datetime import datetime

    return datetime.combine(date.fromisoformat(value), datetime.min.time())
