"""Shared pieces of the security suite: the application's URL rules, real values for their
path parameters, the account that may use each endpoint, and a fingerprint of the database
(to prove that a refused request changed nothing)."""

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId, json_util
from flask import Flask
from mongoengine import get_db
from werkzeug.routing import Rule

from app.models import Convention, Pole
from tests.conftest import make_app

# Pages anybody may open without an account (CONTRACT.md and the issue's whitelist).
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login",
        "auth.logout",  # GET: a logged-out visitor is sent to the login page
        "auth.forgot_password",  # « Mot de passe oublié ? »
        "main.health",
        "main.favicon",
        "api.openapi",  # the API's description: no data
        "access.request_access",
        "access.request_revocation",
        "access.set_password",
        "pdf.verify",
        "legal.notices",  # the footer's pages: legal notices, accessibility, contact
        "legal.accessibility",
        "legal.contact",
        "static",
        "admin.static",
    }
)
DUMMY_ID = "0123456789abcdef01234567"


def collect_rules(tmp_dir: Path) -> list[Rule]:
    """The URL rules of a fresh application (at collection time, so new routes are covered)."""
    application = make_app(tmp_dir)
    return sorted(application.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def rule_id(rule: Rule) -> str:
    return f"{rule.endpoint}:{rule.rule}"


def is_static(rule: Rule) -> bool:
    return rule.endpoint == "static" or rule.endpoint.endswith(".static")


def demo_values() -> dict[str, str]:
    """Real values of the demo data for every path parameter the application uses."""
    pole = Pole.objects.get(number=1)
    conv = Convention.objects.get(pole=pole, kind="cooperation", status="draft")
    from app.models import TeamScenario

    scenario = TeamScenario.objects(pole=pole.pk).first()
    return {
        "scenario_id": str(scenario.pk),
        "convention_id": str(conv.pk),
        "school_id": str(conv.schools[0]._data["school"].id),
        "key": conv.articles[-1].key,
        "number": "1",
        "role": "cooperating",
        "reference": "EP-2026-000001",
        "username": "dir-part1",
        "token": "x" * 43,
        "export_type": "csv",
        "filename": "epoles.css",
    }


def build_path(rule: Rule, values: dict[str, str]) -> str:
    """The rule with its parameters filled in (a dummy ObjectId for an unknown one)."""
    args = {name: values.get(name, DUMMY_ID) for name in rule.arguments}
    path = rule.rule
    for name, value in args.items():
        path = path.replace(f"<{name}>", value)
        for converter in ("int", "string", "path", "any"):
            path = path.replace(f"<{converter}:{name}>", value)
    return path


# Who may use each endpoint (by prefix); everything else: the Administration.
ACTORS = [
    ("access.approve", "support"),
    ("access.reject", "support"),
    ("access.revoke", "support"),
    ("access.deactivate", "support"),
    ("access.", None),
    ("auth.login", None),
    ("auth.logout", "coord1"),
    ("auth.forgot_password", None),
    ("auth.change_password", "coord1"),
    ("pdf.verify", None),
    ("conventions.sign", "po-siege1"),
    ("conventions.acknowledge", "dir-siege1"),
    ("conventions.approve", "admin"),
    ("conventions.reopen", "admin"),
    ("conventions.", "coord1"),
    ("structure.", "coord1"),
    ("financing.close", "admin"),
    ("financing.", "coord1"),
    ("users_admin.", "support"),
]


def actor_for(endpoint: str) -> str | None:
    for prefix, username in ACTORS:
        if endpoint.startswith(prefix):
            return username
    return "admin"


def db_fingerprint() -> dict[str, str]:
    """Per collection, a SHA-256 of every document (the rate-limiter lives in memory)."""
    db = get_db()
    out: dict[str, str] = {}
    for name in sorted(db.list_collection_names()):
        docs = sorted(
            json.dumps(json.loads(json_util.dumps(d)), sort_keys=True) for d in db[name].find()
        )
        out[name] = hashlib.sha256("\n".join(docs).encode()).hexdigest()
    return out


@pytest.fixture
def values(demo: Flask) -> dict[str, str]:
    """Path values on the demo data, plus a pending access request and a valid password link
    (so that the access endpoints are exercised on real objects)."""
    from app.models import User
    from app.services import access
    from tests.access.helpers import director_form

    found = demo_values()
    found["reference"] = access.submit_request(director_form()).reference
    newcomer = User(username="nouveau", first_name="Noé", last_name="Neuf", grants=[]).save()
    found["token"] = access.issue_password_token(newcomer)
    return found


@pytest.fixture
def fresh_client(app: Flask) -> Iterator[Any]:
    """A factory of independent test clients (one per browser)."""

    def _make() -> Any:
        return app.test_client()

    yield _make


def is_object_id(value: str) -> bool:
    return ObjectId.is_valid(value)
