"""The main pages at full scale, each beside its floor measured in the same run, at 1× and 2×.

    python -m bench.pages [--repeat 5] [--store litemongo|mongomock]

1. Builds the full-scale set on a fresh embedded store (``flask seed --scale full``'s path:
   the structure, then every pole's routed conventions through ``workflow.bulk``) and four
   accounts (Administration, pole 1's coordinator, its seat PO delegate and seat director).
2. For each page (back-office lists, the pole's structure, a convention page, « À signer »,
   the back office's home, the exports): the median and minimum time of ``--repeat`` requests
   through the application, its database round trips and size; beside it its floor, a bare
   route registered for the bench only that returns the same rows (the same collection,
   filter, sort, page and fields, references batched) as JSON or CSV with no template, no
   session, no permission; the ratio page / floor.
3. Doubles the data (a raw copy of every school, PO, pole and convention under other numbers)
   and measures again: the ratio of each list's time at 2× to its time at 1×.
4. Serves the 2× store with waitress in a child process (one thread, as ``make run``) and
   reads its peak RSS after each page.

Goals printed against: every list ≤ 1.3× its floor; a list at 2× ≤ 1.3× its time at 1×;
served peak RSS ≤ 200 MiB.
"""

import argparse
import copy
import csv
import http.cookiejar
import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mongoengine

import app.models.user as user_module
from app import create_app
from app.rules.refs import ref_id
from bench.goals import goal, load_average, sample

ROOT = Path(__file__).resolve().parent.parent
COUNTED = ("find", "find_one", "count_documents", "aggregate", "distinct")
PASSWORD = "Demo-2026"
PAGE = 51  # a page of 50 rows and the one more that says whether a next page exists
GOAL_FLOOR = 1.3
GOAL_GROWTH = 1.3
GOAL_MIB = 200.0


# --- counting round trips ------------------------------------------------------------------


def collection_classes() -> list[type]:
    import mongomock.collection

    classes = [mongomock.collection.Collection]
    try:
        from litemongo._vendor.mongomock import collection as lite_collection

        classes.append(lite_collection.Collection)
    except ImportError:
        pass
    return classes


@contextmanager
def count_calls(classes: list[type]) -> Iterator[Counter]:
    counter: Counter[str] = Counter()
    originals = []
    for cls in classes:
        for name in COUNTED:
            original = getattr(cls, name)
            originals.append((cls, name, original))

            def wrapper(self, *args, __name=name, __orig=original, **kwargs):
                counter[__name] += 1
                return __orig(self, *args, **kwargs)

            setattr(cls, name, wrapper)
    try:
        yield counter
    finally:
        for cls, name, original in originals:
            setattr(cls, name, original)


# --- the data set --------------------------------------------------------------------------


def make_app(store: str, data_dir: str):
    user_module.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    uri = "mongomock://" if store == "mongomock" else ""
    app = create_app(
        {"MONGODB_URI": uri, "EPOLES_DATA_DIR": data_dir, "SECRET_KEY": "bench", "TESTING": True}
    )
    register_floors(app)
    return app


def build() -> dict[str, float]:
    """The full-scale set and the bench's accounts; seconds and counts."""
    from app.models import Convention
    from seed.generator import load_full
    from seed.loader import load_templates
    from seed.school_years import load_school_years
    from seed.stages import build_full_stages

    started = time.perf_counter()
    load_full()
    load_school_years()
    load_templates()
    create_bench_users()
    structure = time.perf_counter() - started
    started = time.perf_counter()
    build_full_stages()
    return {
        "structure": structure,
        "conventions_s": time.perf_counter() - started,
        "conventions": Convention.objects.count(),
    }


def create_bench_users() -> None:
    """One account per page kind, scoped on the generated pole 1."""
    from app.models import Grant, Pole, User

    pole = Pole.objects.get(number=1)
    seat = pole.seat_school
    specs = {
        "admin": Grant(role="administration"),
        "coord1": Grant(role="coordinator", pole=pole),
        "po-siege1": Grant(role="seat_po_delegate", pole=pole, po=seat.po),
        "dir-siege1": Grant(role="seat_director", pole=pole, school=seat),
    }
    for username, grant in specs.items():
        user = User(username=username, first_name="Banc", last_name="Essai", grants=[grant])
        user.set_password(PASSWORD)
        user.save()
    create_pole_accounts()


def create_pole_accounts() -> None:
    """The accounts of a full-scale campaign, so that the users list is measured at its
    size: per pole a coordinator, the seat school's director and its PO's delegate (raw
    inserts: these accounts never sign in; 144 accounts, 50 to a page with their grants)."""
    from bson import ObjectId

    from app.models import Pole, School, User

    seats = {s.pk: s for s in School.objects.only("po")}
    docs = []
    for pole in Pole.objects.only("number", "seat_school"):
        seat = seats.get(ref_id(pole, "seat_school"))
        grants = {
            "coordinator": {"role": "coordinator", "pole": pole.pk},
            "director": {"role": "seat_director", "pole": pole.pk, "school": seat.pk},
            "delegate": {"role": "seat_po_delegate", "pole": pole.pk, "po": ref_id(seat, "po")},
        }
        for kind, grant in grants.items():
            docs.append(
                {
                    "_id": ObjectId(),
                    "username": f"{kind}-{pole.number:03d}",
                    "first_name": "Compte",
                    "last_name": f"{kind} {pole.number}",
                    "active": True,
                    "session_token": f"banc-{kind}-{pole.number}",
                    "grants": [grant],
                }
            )
    User._get_collection().insert_many(docs)


def raw_conventions() -> Any:
    """The conventions collection from the driver: the bench writes data no verb would."""
    return mongoengine.get_db()["conventions"]


def awaiting_signature() -> None:
    """Pole 1's validated lists become validated conventions awaiting their POs (raw: the
    bench needs « À signer » to list something; the workflow is not what is measured)."""
    from app.models import Pole

    pole = Pole.objects.get(number=1)
    raw_conventions().update_many(
        {"pole": pole.pk, "status": "list_validated"}, {"$set": {"status": "validated"}}
    )


def double() -> None:
    """A raw copy of every PO, school, pole and convention under other numbers and ids."""
    from bson import ObjectId

    from app.models import Convention, OrganisingAuthority, Pole, School

    ids: dict[Any, Any] = {}

    def new(old: Any) -> Any:
        if old not in ids:
            ids[old] = ObjectId()
        return ids[old]

    def copied(model: Any, change: Callable[[dict], None]) -> None:
        docs = []
        for doc in model._get_collection().find():
            doc = copy.deepcopy(doc)
            doc["_id"] = new(doc["_id"])
            change(doc)
            docs.append(doc)
        collection = raw_conventions() if model is Convention else model._get_collection()
        for start in range(0, len(docs), 500):
            collection.insert_many(docs[start : start + 500])

    def po(doc: dict) -> None:
        doc["fase"] += 500_000

    def school(doc: dict) -> None:
        doc["fase"] += 500_000
        doc["po"] = new(doc["po"]) if doc.get("po") else None

    def pole(doc: dict) -> None:
        doc["number"] += 1000
        doc["seat_school"] = new(doc["seat_school"])
        for name in ("partner_schools", "cooperating_schools", "specific_partner_schools"):
            doc[name] = [new(s) for s in doc.get(name) or []]

    def convention(doc: dict) -> None:
        doc["pole"] = new(doc["pole"])
        doc["pole_number"] += 1000
        for name in ("seat_school", "seat_po", "counterpart_po"):
            if doc.get(name):
                doc[name] = new(doc[name])
        for entry in doc.get("schools") or []:
            entry["school"] = new(entry["school"])
            entry["po"] = new(entry["po"]) if entry.get("po") else None
            entry["fase"] += 500_000
        kind, _, ref = doc["slot"].partition(":")
        if ref:
            doc["slot"] = f"{kind}:{new(ObjectId(ref))}"

    # POs first: the schools' and conventions' references map to the copies.
    for model, change in (
        (OrganisingAuthority, po),
        (School, school),
        (Pole, pole),
        (Convention, convention),
    ):
        copied(model, change)


# --- the floors ----------------------------------------------------------------------------


def _find(model: Any, filters: dict, fields: list[str], sort: list, skip: int = 0) -> list:
    projection: dict[str, Any] = {f: 1 for f in fields}
    if "schools" in projection:
        projection["schools"] = {"$slice": 1}
    cursor = model._get_collection().find(filters, projection).sort(sort)
    return list(cursor.skip(skip).limit(PAGE))


def _refs(rows: list[dict], field: str, model: Any, fields: list[str]) -> None:
    ids = list({r[field] for r in rows if r.get(field)})
    found = {d["_id"]: d for d in model._get_collection().find({"_id": {"$in": ids}}, fields)}
    for row in rows:
        row[field] = found.get(row.get(field))


def floor_schools() -> list:
    from app.models import OrganisingAuthority, School

    fields = ["fase", "name", "city", "po", "zone", "education", "types"]
    rows = _find(School, {}, fields, [("name", 1)])
    _refs(rows, "po", OrganisingAuthority, ["fase", "name"])
    return rows


def floor_poles() -> list:
    from app.models import Pole, School

    fields = ["number", "name", "zone", "seat_school", "partner_schools"]
    fields += ["cooperating_schools", "specific_partner_schools"]
    rows = _find(Pole, {}, fields, [("number", 1)])
    _refs(rows, "seat_school", School, ["fase", "name"])
    return rows


def floor_pos() -> list:
    from app.models import OrganisingAuthority

    return _find(OrganisingAuthority, {}, ["fase", "name", "postal_code", "city"], [("name", 1)])


CONVENTION_FIELDS = ["pole_number", "kind", "status", "school_year", "due_on", "updated_at"]
CONVENTION_FIELDS += ["schools", "parent", "signed_at"]


def floor_conventions(skip: int = 0) -> list:
    from app.models import Convention

    return _find(Convention, {}, CONVENTION_FIELDS, [("pole_number", 1), ("kind", 1)], skip)


def floor_users() -> list:
    from app.models import OrganisingAuthority, Pole, School, User

    fields = ["username", "last_name", "first_name", "email", "active", "grants"]
    rows = _find(User, {}, fields, [("username", 1)])
    grants = [g for row in rows for g in row.get("grants") or []]
    for field, model in (("pole", Pole), ("school", School), ("po", OrganisingAuthority)):
        _refs(grants, field, model, ["number", "fase", "name"])
    return rows


def floor_structure() -> list:
    from app.models import Convention, Pole, School

    pole = Pole._get_collection().find_one({"number": 1})
    ids = [pole["seat_school"], *pole["partner_schools"], *pole["cooperating_schools"]]
    ids += pole["specific_partner_schools"]
    schools = list(School._get_collection().find({"_id": {"$in": ids}}, ["fase", "name", "po"]))
    convs = list(
        Convention._get_collection().find(
            {"pole": pole["_id"]}, {"articles": 0, "snapshot": 0, "history": 0}
        )
    )
    return [pole, schools, convs]


def floor_convention() -> list:
    from app.models import Convention

    return [Convention._get_collection().find_one({"_id": BENCH["convention"]})]


def floor_to_sign() -> list:
    from app.models import Convention

    po = BENCH["po"]
    filters = {"status": "validated", "$or": [{"seat_po": po}, {"schools.po": po}]}
    fields = {"articles": 0, "snapshot": 0, "history": 0}
    return list(Convention._get_collection().find(filters, fields).sort("pole_number"))


def floor_home() -> list:
    from app.models import Convention, OrganisingAuthority, Pole, School, User

    models = (Pole, School, OrganisingAuthority, Convention, User)
    return [m._get_collection().count_documents({}) for m in models]


def floor_export() -> str:
    from app.models import Convention

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    projection: dict[str, Any] = {f: 1 for f in [*CONVENTION_FIELDS, "created_at"]}
    projection["schools"] = {"$slice": 1}
    for doc in (
        Convention._get_collection().find({}, projection).sort([("pole_number", 1), ("kind", 1)])
    ):
        writer.writerow([doc.get(f) for f in CONVENTION_FIELDS])
    return out.getvalue()


BENCH: dict[str, Any] = {}

# name, account, page, floor, is a list (the 1.3× goals apply)
PAGES: list[tuple[str, str, str, Callable[[], Any], bool]] = [
    ("écoles", "admin", "/admin/schools_admin/", floor_schools, True),
    ("pôles", "admin", "/admin/poles_admin/", floor_poles, True),
    ("pouvoirs organisateurs", "admin", "/admin/pos_admin/", floor_pos, True),
    ("conventions", "admin", "/admin/conventions_admin/", floor_conventions, True),
    (
        "conventions, page 20",
        "admin",
        "/admin/conventions_admin/?page=19",
        lambda: floor_conventions(19 * 50),
        True,
    ),
    ("utilisateurs", "admin", "/admin/users_admin/", floor_users, True),
    ("structure du pôle 1", "coord1", "/poles/1/structure", floor_structure, False),
    ("page d'une convention", "coord1", "/conventions/{convention}", floor_convention, False),
    ("« À signer »", "po-siege1", "/a-signer", floor_to_sign, False),
    ("tableau de bord (back-office)", "admin", "/admin/", floor_home, False),
    (
        "export CSV des conventions",
        "admin",
        "/admin/conventions_admin/export/csv/",
        floor_export,
        False,
    ),
]


def register_floors(app) -> None:
    """The bare routes: the same rows, as JSON (an export's floor: its CSV)."""
    from flask import Response

    def view(floor: Callable[[], Any]) -> Callable[[], Response]:
        def bare() -> Response:
            rows = floor()
            if isinstance(rows, str):
                return Response(rows, mimetype="text/csv")
            return Response(json.dumps(rows, default=str), mimetype="application/json")

        return bare

    for index, (_, _, _, floor, _) in enumerate(PAGES):
        app.add_url_rule(f"/_bench/floor/{index}", f"bench_floor_{index}", view(floor))


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Figure:
    median_ms: float
    min_ms: float
    calls: int
    size: int
    status: int


def login(client, username: str) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, f"login {username} failed"


def measure(client, url: str, repeat: int, classes: list[type]) -> Figure:
    """At most ``repeat`` requests (fewer once the median is stable: ``bench.goals``), the
    round trips, size and status of the last."""
    counted: dict[str, Any] = {}

    def run() -> Any:
        with count_calls(classes) as counter:
            response = client.get(url)
            body = response.get_data()
        counted.update(calls=sum(counter.values()), size=len(body), status=response.status_code)

    timed = sample(run, repeat)
    calls, size, status = counted["calls"], counted["size"], counted["status"]
    return Figure(timed.median_ms, timed.min_ms, calls, size, status)


def measure_all(app, repeat: int) -> dict[str, tuple[Figure, Figure]]:
    classes = collection_classes()
    clients = {}
    for username in {account for _, account, _, _, _ in PAGES}:
        clients[username] = app.test_client()
        login(clients[username], username)
    bare = app.test_client()
    out = {}
    for index, (name, account, url, _, _) in enumerate(PAGES):
        page = measure(clients[account], url.format(**BENCH), repeat, classes)
        floor = measure(bare, f"/_bench/floor/{index}", repeat, classes)
        out[name] = (page, floor)
    return out


def pick_bench_documents() -> None:
    from app.models import Convention, Pole

    pole = Pole.objects.get(number=1)
    conv = Convention.objects(pole=pole.pk).only("id").order_by("kind").first()
    BENCH["convention"] = conv.pk
    BENCH["po"] = pole.seat_school.po.pk


# --- served peak RSS -----------------------------------------------------------------------


SERVER = """
import sys
from waitress import serve
import app.models.user as user_module
from app import create_app, db
app = create_app({"EPOLES_DATA_DIR": sys.argv[1], "MONGODB_URI": "", "SECRET_KEY": "bench"})
db.connect("", sys.argv[1])  # opened again by the serving thread
serve(app, host="127.0.0.1", port=int(sys.argv[2]), threads=1, _quiet=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mib(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def served_rss(data_dir: str) -> list[tuple[str, float, float]]:
    """Each page once through a served app (waitress, one thread): RSS and peak after it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, data_dir, str(port)], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        openers = {}
        for username in {account for _, account, _, _, _ in PAGES}:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            html = opener.open(f"{base}/login").read().decode()
            token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
            data = f"username={username}&password={PASSWORD}&csrf_token={token}".encode()
            opener.open(f"{base}/login", data=data).read()
            openers[username] = opener
        out = [("connexion des comptes", _mib(server.pid, "VmRSS"), _mib(server.pid, "VmHWM"))]
        for name, account, url, _, _ in PAGES:
            openers[account].open(base + url.format(**BENCH), timeout=120).read()
            out.append((name, _mib(server.pid, "VmRSS"), _mib(server.pid, "VmHWM")))
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- report --------------------------------------------------------------------------------


ROUND_TRIPS = 4  # a page's own reads, beyond the session's user (read on every request)


def report(one: dict, two: dict, rss: list) -> None:
    print(f"\ncharge de la machine (1, 5, 15 min) : {load_average()}")
    print(
        f"\n{'page':32} {'taille':>5} {'médiane':>8} {'min':>7} {'appels':>6} {'octets':>8}"
        f" {'plancher':>8} {'appels':>6} {'page/plancher':>13}"
    )
    for label, figures in (("1×", one), ("2×", two)):
        for name, (page, floor) in figures.items():
            note = "" if page.status == 200 else f" (HTTP {page.status})"
            print(
                f"{name:32} {label:>5} {page.median_ms:6.0f} ms {page.min_ms:5.0f} ms"
                f" {page.calls:6} {page.size:8} {floor.median_ms:6.0f} ms {floor.calls:6}"
                f" {page.median_ms / floor.median_ms:12.2f}×{note}"
            )
    print("\nObjectifs des pages")
    for name, _account, url, _, is_list in PAGES:
        if is_list:
            for label, figures in (("1×", one), ("2×", two)):
                page, floor = figures[name]
                ratio = page.median_ms / floor.median_ms
                goal(
                    ratio <= GOAL_FLOOR,
                    f"{name} ({label}) : {ratio:.2f}× son plancher (objectif ≤ {GOAL_FLOOR}×)",
                )
            growth = two[name][0].median_ms / one[name][0].median_ms
            goal(
                growth <= GOAL_GROWTH,
                f"{name} : {growth:.2f}× son temps à 2× données (objectif ≤ {GOAL_GROWTH}×)",
            )
        if "/export/" not in url:  # an export reads a batch at a time, by design
            own = [figures[name][0].calls - 1 for figures in (one, two)]
            goal(
                max(own) <= ROUND_TRIPS,
                f"{name} : {own[0]} puis {own[1]} allers-retours à la base à 1× et 2× "
                f"(au-delà de l'utilisateur de la session ; objectif ≤ {ROUND_TRIPS})",
            )
    for name, (page, _floor) in one.items():
        if page.status != 200:
            goal(False, f"{name} : HTTP {page.status}")
    peak = max(hwm for _, _, hwm in rss)
    goal(peak <= GOAL_MIB, f"RSS maximale servie (2×) : {peak:.0f} Mio (objectif ≤ 200 Mio)")
    for name, now, hwm in rss:
        print(f"    après {name:32} RSS {now:6.0f} Mio, pic {hwm:6.0f} Mio")


def run(repeat: int, store: str = "litemongo", data_dir: str | None = None) -> None:
    """Measure every page at 1× and 2×, then the served RSS. ``data_dir``: a store that
    ``flask seed --scale full`` built (``bench.seed`` leaves one), measured instead of
    building the set again; otherwise a fresh one is built in a temporary folder."""
    if data_dir is not None:
        _run(repeat, store, data_dir, reused=True)
        return
    with tempfile.TemporaryDirectory(prefix="epoles-bench-pages-") as folder:
        _run(repeat, store, folder, reused=False)


def _run(repeat: int, store: str, data_dir: str, reused: bool) -> None:
    app = make_app(store, data_dir)
    with app.app_context():
        if reused:
            from app.models import Convention

            create_bench_users()
            count = Convention.objects.count()
            print(f"jeu complet de flask seed --scale full : {count} conventions")
        else:
            built = build()
            print(
                f"jeu complet : structure {built['structure']:.1f} s, "
                f"{built['conventions']} conventions en {built['conventions_s']:.1f} s"
            )
        awaiting_signature()
        pick_bench_documents()
    started = time.perf_counter()
    one = measure_all(app, repeat)
    print(f"pages à 1× mesurées en {time.perf_counter() - started:.0f} s")
    with app.app_context():
        started = time.perf_counter()
        double()
        print(f"données doublées en {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    two = measure_all(app, repeat)
    print(f"pages à 2× mesurées en {time.perf_counter() - started:.0f} s")
    mongoengine.disconnect_all()
    rss = served_rss(data_dir) if store == "litemongo" else [("—", 0.0, 0.0)]
    report(one, two, rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["litemongo", "mongomock"], default="litemongo")
    parser.add_argument("--repeat", type=int, default=5, help="at most, per page")
    parser.add_argument("--data-dir", help="a store built by flask seed --scale full")
    args = parser.parse_args()
    run(args.repeat, args.store, args.data_dir)


if __name__ == "__main__":
    main()
