"""Fixtures of the page tests: the demo data, and conventions at a given stage.

The demo seed may already stage pole 1's documents; when it does not, the helpers build the
same state with the workflow functions, as a user would through the pages.
"""

from typing import Any

import pytest

from app.models import Convention, OrganisingAuthority, Pole, School, User
from app.rules.reference import ORDINARY
from app.rules.states import Kind, Status
from app.services import workflow
from seed.stages import minimal_pdf

# A PDF small enough to read: what a scanned derogation starts and ends with.
PDF_BYTES = minimal_pdf("Derogation")  # a real one-page PDF: uploads are parsed
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def user(username: str) -> User:
    return User.objects(username=username).get()


def pole(number: int) -> Pole:
    return Pole.objects(number=number).get()


def school(fase: int) -> School:
    return School.objects(fase=fase).get()


def po(fase: int) -> OrganisingAuthority:
    return OrganisingAuthority.objects(fase=fase).get()


def reload(conv: Convention) -> Convention:
    return Convention.objects(id=conv.pk).get()


def convention_with(pole_number: int, fase: int, role: str) -> Convention:
    """The convention holding school ``fase`` in the pole, adding it when it is not there."""
    p = pole(pole_number)
    s = school(fase)
    found = Convention.objects(pole=p.pk, schools__school=s.pk).first()
    if found is not None:
        return found
    return reload(workflow.add_school(p, s, role, user("coord1")))


def fill_articles(conv: Convention, actor: Any = None) -> Convention:
    """Complete every required article (text, or the structured content it asks for)."""
    actor = actor or user("coord1")
    conv = reload(conv)
    for art in workflow.missing_articles(conv):
        data = None
        if art.form == "points_split":
            data = {"mode": "seat", "shares": []}
        elif art.form == "retrocession":
            data = {"rows": [{"function": "Logopède", "counts": {"2,5/5": 1}}]}
        workflow.save_article(
            conv, art.number, f"Texte de l'article {art.number}.", actor, data=data
        )
        conv = reload(conv)
    return conv


def at_stage(conv: Convention, status: str) -> Convention:
    """Move ``conv`` forward through the workflow until it reaches ``status``."""
    order = [s.value for s in Status]
    conv = reload(conv)
    coord, admin = user("coord1"), user("admin")
    while order.index(conv.status) < order.index(status):
        if conv.status == Status.DRAFT:
            for entry in conv.schools:
                if entry.zone != pole(conv.pole_number).zone and not entry.derogation:
                    workflow.attach_derogation(
                        conv, school(entry.fase), "derogation.pdf", PDF_BYTES, coord
                    )
                    conv = reload(conv)
            workflow.validate_school_list(conv, coord)
        elif conv.status == Status.LIST_VALIDATED:
            conv = fill_articles(conv, coord)
            workflow.validate(conv, coord)
        elif conv.status == Status.VALIDATED:
            _sign_all(conv)
        elif conv.status == Status.SIGNED:
            workflow.approve(conv, admin)
        elif conv.status == Status.APPROVED:
            _acknowledge_all(conv)
        conv = reload(conv)
    return conv


def _sign_all(conv: Convention) -> None:
    from app.rules import permissions

    for u in User.objects(grants__pole=conv.pole.pk):
        conv = reload(conv)
        if conv.status != Status.VALIDATED:
            return
        po_id = permissions.signing_po_id(u, conv)
        if po_id is not None and po_id not in {s.po.pk for s in conv.signatures}:
            workflow.sign(conv, u)
    if reload(conv).status == Status.VALIDATED:
        raise AssertionError("some PO of the convention has no demo delegate")


def _acknowledge_all(conv: Convention) -> None:
    from app.rules import permissions

    for u in User.objects(grants__pole=conv.pole.pk):
        conv = reload(conv)
        school_id = permissions.acknowledging_school_id(u, conv)
        if school_id is not None and school_id not in {a.school.pk for a in conv.acknowledgments}:
            workflow.acknowledge(conv, u)


@pytest.fixture
def coop(demo) -> Convention:
    """Pole 1's cooperation convention with PO 1003 (Herstal: schools 2113, 2114)."""
    convention_with(1, 2113, "cooperating")
    return convention_with(1, 2114, "cooperating")


@pytest.fixture
def coop_draft(demo) -> Convention:
    """A fresh draft cooperation convention of pole 1 with a new PO and two schools:
    FASE 9301 in zone 3 (outside the seat's zone 4: needs a derogation), FASE 9302 in zone 4."""
    authority = OrganisingAuthority(fase=9001, name="Commune de Visé", city="Visé").save()
    for fase, name, zone in ((9301, "École communale de Lixhe", 3), (9302, "École de Visé", 4)):
        School(
            fase=fase, name=name, city="Visé", po=authority, zone=zone, education=ORDINARY
        ).save()
        conv = convention_with(1, fase, "cooperating")
    assert conv.kind == Kind.COOPERATION and conv.status == Status.DRAFT
    assert [e.fase for e in conv.schools] == [9301, 9302]
    return conv


def url(conv: Convention, suffix: str = "") -> str:
    return f"/conventions/{conv.pk}{suffix}"


@pytest.fixture
def client_for(app):
    """A fresh test client logged in as ``username`` (one client per user, like browsers)."""
    from tests.conftest import login

    def _client(username: str):
        client = app.test_client()
        response = login(client, username)
        assert response.status_code == 302, response.status_code
        return client

    return _client
