"""Amendments (avenants) end to end on the demo data (EPOLES_TODAY of the tests: 2026-12-01):
the demo's draft amendment of pole 1's ressort, its circuit (validate, sign, approve and seal,
acknowledge), the lock, scoping, refusals, the sealed PDF citing its parent, verification,
the parent's points in force per year, the signing views, and the race for one per year."""

import hashlib
from datetime import date
from html import unescape

import pytest
from mongoengine import NotUniqueError

from app import clock
from app.models import AuditEvent, Convention, SchoolYear, StoredFile, User
from app.pdf.verify import verify_bytes
from app.rules import amendments as amendment_rules
from app.rules.errors import ConventionLocked, InvalidState, PermissionDenied, RuleViolation
from app.rules.states import Kind
from app.services import workflow
from app.services.workflow._writer import workflow_write
from tests.conftest import csrf_token, login
from tests.pdf.conftest import pdf_text


def user(name: str) -> User:
    return User.objects.get(username=name)


def ressort() -> Convention:
    return Convention.objects.get(pole_number=1, kind=Kind.RESSORT, parent=None)


def demo_amendment() -> Convention:
    return Convention.objects.get(parent=ressort().pk)


def _encode_year(label: str, first: date, amendment_deadline: date) -> SchoolYear:
    return SchoolYear(
        label=label,
        first_day=first,
        last_day=date(first.year + 1, 7, 2),
        campaign_deadline=date(first.year, 10, 15),
        amendment_deadline=amendment_deadline,
        confirmed=False,
    ).save()


def test_demo_ressort_has_a_draft_amendment_for_next_year(demo):
    amendment = demo_amendment()
    parent = ressort()
    assert amendment.status == "draft" and amendment.school_year == "2027-2028"
    assert amendment.kind == Kind.RESSORT and amendment.pole_number == 1
    assert amendment.title == "Avenant 2027-2028 – Ressort"
    assert [e.fase for e in amendment.schools] == [e.fase for e in parent.schools]
    assert [a.key for a in amendment.articles] == [
        "identification",
        "1",
        "objet",
        "motivation",
        "5",
    ]
    # Due by the amendment deadline of the year before it takes effect.
    assert amendment.due_on == date(2027, 6, 1)
    points = amendment.article("5")
    assert points.data == parent.article("5").data and not points.complete
    event = AuditEvent.objects(convention=amendment.pk, action="convention.start_amendment").get()
    assert event.actor == "coord1" and event.details["parent"] == str(parent.pk)


def test_amendment_lifecycle_is_a_conventions(demo):
    amendment = demo_amendment()
    with pytest.raises(RuleViolation, match="Articles à compléter : 5"):
        workflow.validate(amendment, user("coord1"))
    workflow.save_points(
        amendment,
        {"mode": "split", "shares": [{"school_fase": 2101, "percent": "100"}], "body": ""},
        user("dir-siege1"),
    )
    workflow.save_article(amendment, "motivation", "Nouvelle organisation.", user("coord1"))
    workflow.validate(amendment, user("po-siege1"))
    assert amendment.status == "validated"
    # Locked like a convention, whatever the path.
    with pytest.raises(ConventionLocked):
        workflow.save_points(amendment, {"mode": "seat"}, user("coord1"))
    with pytest.raises(ConventionLocked):
        Convention.objects(id=amendment.pk).update(set__school_year="2030-2031")
    # Signed by the same PO delegate as its ressort, then approved and sealed.
    with pytest.raises(PermissionDenied):
        workflow.sign(amendment, user("po-part1"))
    workflow.sign(amendment, user("po-siege1"))
    assert amendment.status == "signed"
    workflow.approve(amendment, user("admin"))
    assert amendment.status == "approved" and amendment.sealed_pdf_sha256
    workflow.acknowledge(amendment, user("dir-siege1"))
    workflow.acknowledge(amendment, user("dir-ress1"))
    assert amendment.status == "approved"
    workflow.acknowledge(amendment, user("dir-ress2"))
    assert amendment.status == "acknowledged"
    assert {a.username for a in amendment.acknowledgments} == {
        "dir-siege1",
        "dir-ress1",
        "dir-ress2",
    }
    actions = [e.action for e in AuditEvent.objects(convention=amendment.pk).order_by("seq")]
    assert actions[:1] == ["convention.start_amendment"]
    assert {"convention.save_points", "convention.validate", "convention.sign"} <= set(actions)
    assert {"convention.approve", "convention.acknowledge"} <= set(actions)


def _approve(amendment: Convention) -> Convention:
    workflow.save_points(amendment, {"mode": "seat"}, user("coord1"))
    workflow.validate(amendment, user("coord1"))
    workflow.sign(amendment, user("po-siege1"))
    return workflow.approve(amendment, user("admin"))


def test_sealed_amendment_pdf_cites_its_parent_and_verifies(demo):
    parent = ressort()
    amendment = _approve(demo_amendment())
    snapshot = amendment.snapshot
    assert snapshot["amendment_of"]["id"] == str(parent.pk)
    assert snapshot["amendment_of"]["sealed_pdf_sha256"] == parent.sealed_pdf_sha256
    data = bytes(StoredFile.objects.get(id=amendment.sealed_pdf.pk).data)
    assert hashlib.sha256(data).hexdigest() == amendment.sealed_pdf_sha256
    text = pdf_text(data)
    assert "Certificat de scellement" in text and "Convention modifiée" in text
    assert parent.sealed_pdf_sha256 in text.replace(" ", "")
    assert "Objet de l'avenant" in text and "Avenant 2027-2028 – Ressort" in text
    found = verify_bytes(data)
    assert found.authentic and found.convention_id == str(amendment.pk)
    assert "Avenant 2027-2028 – Ressort" in found.message
    tampered = verify_bytes(data.replace(b"Avenant", b"Avenanx", 1))
    assert not tampered.authentic


def test_parent_page_shows_points_per_year_and_links_amendments(demo, login_as):
    client = login_as("coord1")
    parent, amendment = ressort(), demo_amendment()
    page = client.get(f"/conventions/{parent.pk}").get_data(as_text=True)
    assert 'data-testid="points-by-year"' in page
    assert 'data-year="2026-2027"' in page and 'data-year="2027-2028"' in page
    assert f'href="/conventions/{amendment.pk}"' in page
    assert "Tous les points à l&#39;école siège" in page
    _approve(amendment)
    page = client.get(f"/conventions/{parent.pk}").get_data(as_text=True)
    row = page[page.index('data-year="2027-2028"') :]
    assert row.index("Avenant 2027-2028") < row.index("</tr>")
    own = client.get(f"/conventions/{amendment.pk}").get_data(as_text=True)
    assert 'data-testid="amendment-of"' in own and f'href="/conventions/{parent.pk}"' in own
    assert client.get(f"/conventions/{amendment.pk}/pdf").status_code == 200


def test_drafting_through_the_page_then_refusals(demo, login_as):
    parent = ressort()
    workflow.delete_convention(demo_amendment(), user("admin"))  # a draft: the back office may
    client = login_as("coord1")
    page = client.get(f"/conventions/{parent.pk}").get_data(as_text=True)
    assert 'data-testid="start-amendment"' in page and 'value="2027-2028"' in page
    token = csrf_token(client, f"/conventions/{parent.pk}")
    created = client.post(
        f"/conventions/{parent.pk}/avenants", data={"school_year": "2027-2028", "csrf_token": token}
    )
    amendment = Convention.objects.get(parent=parent.pk)
    assert created.status_code == 302 and created.location.endswith(
        f"/conventions/{amendment.pk}?etape=2"
    )
    opened = unescape(client.get(created.location).get_data(as_text=True))
    assert "L'avenant 2027-2028 est créé : complétez la nouvelle répartition des points" in opened
    again = client.post(
        f"/conventions/{parent.pk}/avenants",
        data={"school_year": "2027-2028", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Un avenant existe déjà" in again.get_data(as_text=True)
    assert Convention.objects(parent=parent.pk).count() == 1
    no_csrf = client.post(f"/conventions/{parent.pk}/avenants", data={"school_year": "2028-2029"})
    assert no_csrf.status_code == 400
    assert Convention.objects(parent=parent.pk).count() == 1


def test_refused_after_the_deadline_with_the_next_year_offered(demo):
    parent = ressort()
    workflow.delete_convention(demo_amendment(), user("admin"))
    with clock.fixed_today(date(2027, 6, 2)), pytest.raises(RuleViolation) as exc:
        workflow.start_amendment(parent, "2027-2028", user("coord1"))
    assert "était le 1 juin 2027" in str(exc.value)
    assert "2028-2029 dès que l'Administration aura encodé" in str(exc.value)
    _encode_year("2028-2029", date(2028, 8, 28), date(2029, 6, 1))
    with clock.fixed_today(date(2027, 6, 2)), pytest.raises(RuleViolation) as exc:
        workflow.start_amendment(parent, "2027-2028", user("coord1"))
    assert "avenant pour 2028-2029, à communiquer au plus tard le 1 juin 2028" in str(exc.value)
    with clock.fixed_today(date(2027, 6, 2)):
        later = workflow.start_amendment(parent, "2028-2029", user("coord1"))
    assert later.due_on == date(2028, 6, 1)
    refused = AuditEvent.objects(
        convention=parent.pk, action="convention.start_amendment", outcome="refused"
    )
    assert refused.count() == 2


@pytest.mark.parametrize(
    ("kind", "username", "error"),
    [
        (Kind.RESSORT, "po-ress1", PermissionDenied),  # not the seat side
        (Kind.RESSORT, "admin", PermissionDenied),  # the Administration approves, not drafts
        (Kind.PARTNERSHIP, "coord1", RuleViolation),  # not approved yet
        (Kind.COOPERATION, "coord1", RuleViolation),  # no amendment for cooperation
    ],
)
def test_who_and_what_may_be_amended(demo, kind, username, error):
    conv = Convention.objects(pole_number=1, kind=kind, parent=None).first()
    with pytest.raises(error):
        workflow.start_amendment(conv, "2027-2028", user(username))


def test_an_amendment_has_no_school_list_step(demo):
    amendment = demo_amendment()
    school = amendment.schools[0]
    with pytest.raises(InvalidState, match="celle de la convention"):
        workflow.remove_school(amendment, school.school, user("coord1"))
    with pytest.raises(InvalidState, match="celle de la convention"):
        workflow.validate_school_list(amendment, user("coord1"))
    with pytest.raises(RuleViolation, match="pas par un autre avenant"):
        workflow.start_amendment(amendment, "2028-2029", user("coord1"))
    offers = workflow.offers(amendment, user("coord1"))
    assert not offers.edit_list and not offers.validate_list and offers.validate


def test_reopening_a_validated_amendment_takes_it_back_to_draft(demo):
    amendment = demo_amendment()
    workflow.save_points(amendment, {"mode": "seat"}, user("coord1"))
    workflow.validate(amendment, user("coord1"))
    workflow.reopen(amendment, user("admin"), reason="Erreur de clé")
    assert amendment.status == "draft"
    workflow.validate(amendment, user("coord1"))
    assert amendment.status == "validated"


def test_other_pole_gets_404_on_the_amendment_and_its_actions(demo, login_as):
    amendment = demo_amendment()
    client = login_as("coord2")
    assert client.get(f"/conventions/{amendment.pk}").status_code == 404
    assert client.get(f"/conventions/{amendment.pk}/pdf").status_code == 404
    token = csrf_token(client, "/")
    response = client.post(
        f"/conventions/{ressort().pk}/avenants",
        data={"school_year": "2028-2029", "csrf_token": token},
    )
    assert response.status_code == 404
    assert Convention.objects(parent=ressort().pk).count() == 1


def test_signing_views_list_the_amendment(demo, app, login_as):
    amendment = demo_amendment()
    workflow.save_points(amendment, {"mode": "seat"}, user("coord1"))
    workflow.validate(amendment, user("coord1"))
    page = login_as("po-siege1").get("/a-signer").get_data(as_text=True)
    assert "Avenant 2027-2028 – Ressort" in page
    workflow.sign(amendment, user("po-siege1"))
    workflow.approve(amendment, user("admin"))
    director = app.test_client()
    assert login(director, "dir-ress1").status_code == 302
    page = director.get("/a-prendre-connaissance").get_data(as_text=True)
    assert "Avenant 2027-2028 – Ressort" in page


def test_one_amendment_per_convention_and_year_even_in_a_race(demo, monkeypatch):
    """Two creations that both passed the check (deterministic interleaving): the unique slot
    makes the second insert fail, and the verb turns that into a French refusal."""
    amendment = demo_amendment()
    twin = Convention(
        kind=amendment.kind,
        pole=amendment.pole,
        pole_number=1,
        slot=amendment_rules.slot_of(ressort().pk, "2027-2028"),
        seat_school=amendment.seat_school,
        seat_po=amendment.seat_po,
        school_year="2027-2028",
        parent=ressort().pk,
    )
    with workflow_write(), pytest.raises(NotUniqueError):
        twin.save(force_insert=True)
    # The verb's own check comes first; on a lost race the same message comes from the index.
    with pytest.raises(RuleViolation, match="Un avenant existe déjà"):
        workflow.start_amendment(ressort(), "2027-2028", user("coord1"))
    # The interleaving: this writer read the years taken before the other one inserted.
    from app.services.workflow import amendments as service

    monkeypatch.setattr(service, "_taken", lambda convention: [])
    with pytest.raises(RuleViolation, match="Un avenant existe déjà"):
        workflow.start_amendment(ressort(), "2027-2028", user("coord1"))
    assert Convention.objects(parent=ressort().pk).count() == 1


def test_financing_counts_an_approved_amendment_in_its_year_only(demo):
    from app.models import Pole
    from app.services import financing

    pole = Pole.objects.get(number=1)
    amendment = demo_amendment()
    split = {"mode": "split", "shares": [{"school_fase": 2101, "percent": 100}]}
    workflow.save_points(amendment, split, user("coord1"))
    labels = [c.label for c in financing.commitments(pole, "2027-2028")]
    assert amendment.title not in labels  # a draft is not in force
    workflow.validate(amendment, user("coord1"))
    workflow.sign(amendment, user("po-siege1"))
    workflow.approve(amendment, user("admin"))
    labels = [c.label for c in financing.commitments(pole, "2027-2028")]
    assert labels.count(amendment.title) == 1
    assert amendment.title not in [c.label for c in financing.commitments(pole, "2026-2027")]


def test_specific_partnership_amendment_holds_a_new_retrocession_table(demo):
    specific = Convention.objects.get(
        pole_number=1, kind=Kind.SPECIFIC_PARTNERSHIP, status="signed", parent=None
    )
    workflow.approve(specific, user("admin"))
    amendment = workflow.start_amendment(specific, "2027-2028", user("coord1"))
    points = amendment.article("8")
    assert points.form == "retrocession" and points.data == specific.article("8").data
    workflow.save_points(
        amendment, {"rows": [{"function": "Logopède", "counts": {"5/5": 1}}]}, user("coord1")
    )
    saved = amendment.article("8")
    assert saved.complete and [r["function"] for r in saved.data["rows"]] == ["Logopède"]
    assert saved.data["total"] == saved.data["rows"][0]["points"] > 0
    with pytest.raises(RuleViolation, match="catalogue"):
        workflow.save_points(amendment, {"rows": [{"function": "Astronaute"}]}, user("coord1"))
    workflow.validate(amendment, user("coord1"))
    # Signed by the same two PO delegates as the convention.
    with pytest.raises(PermissionDenied):
        workflow.sign(amendment, user("po-coop1"))
    workflow.sign(amendment, user("po-siege1"))
    workflow.sign(amendment, user("po-spec1"))
    assert amendment.status == "signed"
