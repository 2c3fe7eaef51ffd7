"""Page timings and database round trips at full scale (48 poles, ~2,900 schools, 700 POs).

    python -m bench.pages [--store litemongo|mongomock] [--repeat 5]

Loads the full data set into a fresh embedded store, routes every pole's schools into
conventions (as the Administration), then times the main pages and counts the database
calls each one makes. Figures, not pass/fail: keep them in the issue notes.
"""

import argparse
import statistics
import tempfile
import time
from collections import Counter
from contextlib import contextmanager

import mongoengine

import app.models.user as user_module
from app import create_app

COUNTED = ("find", "find_one", "count_documents", "aggregate", "update_one", "insert_one")


@contextmanager
def count_calls(collection_classes):
    counter: Counter[str] = Counter()
    originals = []
    for cls in collection_classes:
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


def collection_classes():
    import mongomock.collection

    classes = [mongomock.collection.Collection]
    try:
        from litemongo._vendor.mongomock import collection as lite_collection

        classes.append(lite_collection.Collection)
    except ImportError:
        pass
    return classes


def build(store: str, data_dir: str):
    user_module.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    uri = "mongomock://" if store == "mongomock" else ""
    app = create_app(
        {"MONGODB_URI": uri, "EPOLES_DATA_DIR": data_dir, "SECRET_KEY": "bench", "TESTING": True}
    )
    with app.app_context():
        from seed.generator import load_full
        from seed.loader import load_templates

        started = time.perf_counter()
        load_full()
        load_templates()
        create_bench_users()
        print(f"chargement du jeu complet : {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        created = route_all_poles()
        print(
            f"routage des écoles dans les conventions : {created} conventions, "
            f"{time.perf_counter() - started:.1f} s"
        )
    return app


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
        user.set_password("Demo-2026")
        user.save()


def route_all_poles() -> int:
    """Route every pole's structure lists into conventions, as the Administration."""
    from app.models import Convention, Pole, User
    from app.rules.errors import RuleViolation
    from app.services import workflow

    admin = User.objects.get(username="admin")
    roles = (
        ("partner_schools", "partner"),
        ("cooperating_schools", "cooperating"),
        ("specific_partner_schools", "specific_partner"),
    )
    for pole in Pole.objects:
        for field, role in roles:
            for school in getattr(pole, field):
                try:
                    workflow.add_school(pole, school, role, admin)
                except RuleViolation:
                    continue  # e.g. already listed: the structure lists hold it already
    return Convention.objects.count()


def login(client, username: str) -> None:
    import re

    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"username": username, "password": "Demo-2026", "csrf_token": token}
    )
    assert response.status_code == 302, f"login {username} failed"


PAGES = [
    ("admin", "/admin/schools_admin/"),
    ("admin", "/admin/schools_admin/?search=Liège"),
    ("admin", "/admin/poles_admin/"),
    ("admin", "/admin/pos_admin/"),
    ("admin", "/admin/conventions_admin/"),
    ("admin", "/admin/users_admin/"),
    ("coord1", "/"),
    ("coord1", "/poles/1/structure"),
    ("po-siege1", "/a-signer"),
    ("dir-siege1", "/a-prendre-connaissance"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", choices=["litemongo", "mongomock"], default="litemongo")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        app = build(args.store, data_dir)
        classes = collection_classes()
        print(f"{'page':45} {'compte':10} {'médiane':>9} {'appels BD':>10}")
        for username, url in PAGES:
            client = app.test_client()
            login(client, username)
            times = []
            calls = None
            for _ in range(args.repeat):
                with count_calls(classes) as counter:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - started)
                calls = sum(counter.values())
            status = response.status_code
            note = "" if status == 200 else f" (HTTP {status})"
            print(
                f"{url:45} {username:10} {statistics.median(times) * 1000:7.0f} ms "
                f"{calls:>10}{note}"
            )
        mongoengine.disconnect_all()


if __name__ == "__main__":
    main()
