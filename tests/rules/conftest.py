"""Fixtures of the rules tests: the demo data, its users, schools and poles by name."""

from collections.abc import Callable

import pytest

from app.models import OrganisingAuthority, Pole, School, User
from seed.stages import minimal_pdf


@pytest.fixture
def demo(app):
    """The demo reference data and accounts, without the demo conventions (the rules tests
    build their own); ``staged`` loads the full demo set."""
    from seed.loader import (
        load_financing_reference,
        load_reference,
        load_templates,
        load_users,
        read,
    )
    from tests.conftest import DEMO_PASSWORD, load_cached

    def _load() -> None:
        data = read("demo.json")
        load_reference(data)
        load_templates()
        load_financing_reference()
        load_users(data["users"], DEMO_PASSWORD)

    load_cached("demo-reference", _load)
    return app


@pytest.fixture
def staged(app):
    from tests.conftest import load_demo_cached

    load_demo_cached()
    return app


@pytest.fixture
def user(demo) -> Callable[[str], User]:
    return lambda username: User.objects.get(username=username)


@pytest.fixture
def school(demo) -> Callable[[int], School]:
    return lambda fase: School.objects.get(fase=fase)


@pytest.fixture
def po(demo) -> Callable[[int], OrganisingAuthority]:
    return lambda fase: OrganisingAuthority.objects.get(fase=fase)


@pytest.fixture
def pole1(demo) -> Pole:
    return Pole.objects.get(number=1)


@pytest.fixture
def pole2(demo) -> Pole:
    return Pole.objects.get(number=2)


# --- building conventions as the demo users would --------------------------------------

PDF_BYTES = minimal_pdf("Derogation")  # a real one-page PDF: uploads are parsed


def fill_required(conv, actor):
    """Complete every required article with a plausible text (or table)."""
    from app.services import workflow

    for article in workflow.missing_articles(conv):
        if article.form == "points_split":
            workflow.save_article(conv, article.key, "", actor, data={"mode": "seat"})
        elif article.form == "retrocession":
            rows = [{"function": "Logopède", "counts": {"2,5/5": 1}}]
            workflow.save_article(conv, article.key, "", actor, data={"rows": rows})
        else:
            workflow.save_article(conv, article.key, f"Texte de l'article {article.key}.", actor)
    return conv


@pytest.fixture
def route_pole1(demo, pole1, school, user):
    """Route pole 1's structure (as coord1) and return its conventions by slot."""

    def _route():
        from app.models import Convention
        from app.services import workflow

        coord = user("coord1")
        for fase in (2102, 2103):
            workflow.add_school(pole1, school(fase), "partner", coord)
        for fase in (2111, 2112, 2113, 2114, 2115):
            workflow.add_school(pole1, school(fase), "cooperating", coord)
        workflow.add_school(pole1, school(2201), "specific_partner", coord)
        return {c.slot: c for c in Convention.objects(pole=pole1.pk)}

    return _route


@pytest.fixture
def partnership(pole1, school, user):
    """Pole 1's partnership convention (2102, 2103), list validated, articles complete."""
    from app.services import workflow

    coord = user("coord1")
    workflow.add_school(pole1, school(2102), "partner", coord)
    conv = workflow.add_school(pole1, school(2103), "partner", coord)
    workflow.validate_school_list(conv, coord)
    fill_required(conv, coord)
    return conv


def drive(conv, status, user):
    """Take a convention (list validated, articles complete) to ``status``."""
    from app.rules.parties import signatory_po_ids
    from app.rules.states import Status, status_index
    from app.services import workflow

    order = status_index
    if order(status) >= order(Status.VALIDATED) and order(conv.status) < order(Status.VALIDATED):
        workflow.validate(conv, user("coord1"))
    if order(status) >= order(Status.SIGNED) and conv.status == Status.VALIDATED:
        for signer in _signers(conv, signatory_po_ids(conv)):
            workflow.sign(conv, user(signer))
    if order(status) >= order(Status.APPROVED) and conv.status == Status.SIGNED:
        workflow.approve(conv, user("admin"))
    if order(status) >= order(Status.ACKNOWLEDGED) and conv.status == Status.APPROVED:
        for director in ("dir-siege1", "dir-part1", director_of(2102)):
            workflow.acknowledge(conv, user(director))
    return conv


def _signers(conv, po_ids):
    from app.models import OrganisingAuthority

    by_fase = {1001: "po-siege1", 1002: "po-part1", 1003: "po-coop1", 1005: "po-spec1"}
    fases = [OrganisingAuthority.objects.get(id=p).fase for p in po_ids]
    return [by_fase[f] for f in fases]


def director_of(fase: int) -> str:
    """A director account for a school without one in the demo data (created once)."""
    from app.models import Grant, Pole, School, User

    username = f"dir-{fase}"
    if not User.objects(username=username).count():
        school = School.objects.get(fase=fase)
        pole = Pole.objects.get(number=1)
        User(
            username=username,
            first_name="Marc",
            last_name="Lemaire",
            grants=[Grant(role="partner_director", pole=pole, school=school)],
        ).save()
    return username
