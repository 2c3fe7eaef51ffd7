"""The rules of access management (app.services.access), without the web layer."""

from datetime import timedelta

import pytest

from app.models import AccessRequest, AuditEvent, OutboxMessage, PasswordToken, User
from app.models.base import utcnow
from app.rules.errors import InvalidState, PermissionDenied, RuleViolation
from app.rules.roles import Role
from app.services import access
from tests.access.helpers import PDF, director_form, revocation_form


def user(name: str) -> User:
    return User.objects.get(username=name)


def token_from_outbox() -> str:
    body = OutboxMessage.objects.order_by("-created_at").first().body
    return body.split(access.PASSWORD_PATH, 1)[1].split()[0]


def test_submit_gives_a_reference_and_stores_the_annex_fields(demo):
    req = access.submit_request(director_form(), ("form.pdf", PDF), remote_addr="10.0.0.1")
    assert req.reference.startswith(f"EP-{utcnow().year}-")
    assert req.reference.endswith("000001")
    assert req.school_ref.fase == 2103 and req.po_ref.fase == 1002
    assert req.person.username == "clambotte"
    assert req.signatory.capacity_label.startswith("Président(e)")
    assert req.attachment.content_type == "application/pdf"
    second = access.submit_request(director_form(person_username="autre"))
    assert second.reference.endswith("000002")
    assert AuditEvent.objects(action="access_requested").count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"po_fase": "9999"}, "po_fase", "Aucun pouvoir organisateur"),
        ({"po_fase": "12a"}, "po_fase", "nombre entier"),
        ({"school_fase": "2101"}, "school_fase", "n'appartient pas au pouvoir organisateur"),
        ({"school_fase": "424242"}, "school_fase", "Aucune école"),
        ({"profile": "coordinator"}, "school_fase", "école siège"),
        ({"profile": "administration"}, "profile", "Choisissez le profil"),
        ({"person_email": "pas-une-adresse"}, "person_email", "n'est pas valide"),
        ({"person_username": "Jean Dupont!"}, "person_username", "compte CERBERE"),
        ({"person_phone": "appelez-moi"}, "person_phone", "téléphone"),
        ({"signatory_capacity": ""}, "signatory_capacity", "président(e)"),
        ({"signatory_capacity": "other"}, "signatory_capacity_other", "Précisez"),
        ({"person_function": ""}, "person_function", "fonction"),
        ({"person_username": {"$ne": None}}, "person_username", "Indiquez le compte CERBERE"),
    ],
)
def test_field_errors_are_french_and_nothing_is_stored(demo, overrides, field, message):
    with pytest.raises(access.FieldErrors) as caught:
        access.submit_request(director_form(**overrides))
    assert message in caught.value.errors[field]
    assert AccessRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "format PDF"),
        (b"<html><script>alert(1)</script></html>", "format PDF"),
        (b"%PDF-1.4 but no end", "format PDF"),
        (b"", "vide"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), "trop volumineux"),
    ],
)
def test_attachment_is_checked_by_content(demo, data, message):
    with pytest.raises(access.FieldErrors) as caught:
        access.submit_request(director_form(), ("formulaire.pdf", data))
    assert message in caught.value.errors["attachment"]


def test_grants_follow_the_place_of_the_school(demo):
    def roles(**overrides):
        req = access.submit_request(director_form(**overrides))
        return sorted((g.role, g.pole.number) for g in access.grants_for_request(req))

    assert roles() == [("partner_director", 1)]
    assert roles(profile="po", person_username="po-x") == [("partner_po_delegate", 1)]
    # 2201: specific partner of pole 1 and partner of pole 2.
    assert roles(po_fase="1005", school_fase="2201", person_username="dir-x") == [
        ("partner_director", 2),
        ("specific_partner_director", 1),
    ]
    assert roles(
        profile="coordinator", po_fase="1001", school_fase="2101", person_username="co-x"
    ) == [("coordinator", 1)]
    assert roles(po_fase="1003", school_fase="2113", person_username="coop-x") == [
        ("cooperating_director", 1)
    ]


def test_approve_creates_the_user_and_a_one_time_link(demo):
    req = access.submit_request(director_form())
    access.approve_request(req, user("support"), base_url="https://e-poles.example")
    new = user("clambotte")
    assert new.active and not new.password_hash
    assert [(g.role, g.school.fase) for g in new.grants] == [("partner_director", 2103)]
    assert req.status == "approved" and req.decided_by == "support"
    mail = OutboxMessage.objects.get(to="camille.lambotte@meuse.example")
    assert "https://e-poles.example/mot-de-passe/" in mail.body
    token = token_from_outbox()
    assert PasswordToken.objects.get().token_hash != token  # only the hash is stored
    assert AuditEvent.objects(action="access_granted", target="user:clambotte").count() == 1

    with pytest.raises(access.PasswordRejected) as weak:
        access.set_password_with_token(token, "lambotte2026X", min_length=10)
    assert "votre nom" in str(weak.value)
    access.set_password_with_token(token, "Tilleuls-2026", min_length=10)
    assert user("clambotte").check_password("Tilleuls-2026")
    with pytest.raises(RuleViolation, match="plus valable"):
        access.set_password_with_token(token, "Autre-2026-x", min_length=10)


def test_a_request_is_decided_once(demo):
    req = access.submit_request(director_form())
    twin = AccessRequest.objects.get(pk=req.pk)  # loaded before the first decision
    access.approve_request(req, user("support"))
    with pytest.raises(InvalidState):
        access.reject_request(twin, "doublon", user("admin"))
    with pytest.raises(InvalidState):
        access.approve_request(twin, user("admin"))
    assert len(user("clambotte").grants) == 1


def test_reject_needs_a_reason_and_writes_to_the_requester(demo):
    req = access.submit_request(director_form())
    with pytest.raises(RuleViolation, match="motif"):
        access.reject_request(req, "  ", user("support"))
    access.reject_request(req, "Formulaire non signé.", user("support"))
    assert req.status == "rejected" and req.reason == "Formulaire non signé."
    assert "Formulaire non signé." in OutboxMessage.objects.get().body
    assert User.objects(username="clambotte").count() == 0


def test_pole_profiles_cannot_decide(demo):
    req = access.submit_request(director_form())
    with pytest.raises(PermissionDenied):
        access.approve_request(req, user("coord1"))
    assert AccessRequest.objects.get(pk=req.pk).status == "pending"
    assert AuditEvent.objects(action="access_request_approved", outcome="refused").count() == 1


def test_support_cannot_touch_a_backoffice_account(demo):
    req = access.submit_request(director_form(person_username="gestionnaire"))
    with pytest.raises(PermissionDenied, match="back-office"):
        access.approve_request(req, user("support"))
    with pytest.raises(PermissionDenied):
        access.revoke_user(user("gestionnaire"), user("support"))
    access.approve_request(req, user("admin"), confirm_identity=True)
    assert {g.role for g in user("gestionnaire").grants} == {"data_manager", "partner_director"}


def test_existing_user_gets_the_grant_added(demo):
    req = access.submit_request(
        director_form(po_fase="1003", school_fase="2113", person_username="dir-part1")
    )
    # The request's e-mail is not the account's: support confirms having checked who asks.
    access.approve_request(req, user("support"), confirm_identity=True)
    assert {g.role for g in user("dir-part1").grants} == {
        "partner_director",
        "cooperating_director",
    }
    assert PasswordToken.objects.count() == 0
    assert "ajoutés à votre compte" in OutboxMessage.objects.get().body


def test_revocation_request_removes_the_grant_and_closes_the_account(demo):
    old_token = user("dir-part1").session_token
    req = access.submit_request(revocation_form(), kind="revocation")
    assert [g.role for g in access.grants_for_request(req)] == ["partner_director"]
    access.approve_request(req, user("support"))
    gone = user("dir-part1")
    assert gone.grants == [] and not gone.active
    assert gone.session_token != old_token
    assert AuditEvent.objects(action="access_revoked", target="user:dir-part1").count() == 1


def test_revoking_one_grant_keeps_the_others(demo):
    coord = user("coord1")
    token = coord.session_token
    pole3 = next(g for g in coord.grants if g.pole.number == 3)
    access.revoke_user(coord, user("support"), pole3)
    coord = user("coord1")
    assert [g.pole.number for g in coord.grants] == [1]
    assert coord.active and coord.session_token != token
    with pytest.raises(InvalidState):
        access.revoke_user(coord, user("support"), pole3)


def test_revocation_of_an_unknown_account_must_be_rejected(demo):
    req = access.submit_request(revocation_form(person_username="inconnu"), kind="revocation")
    with pytest.raises(RuleViolation, match="Aucun compte"):
        access.approve_request(req, user("support"))
    assert AccessRequest.objects.get(pk=req.pk).status == "pending"


def test_expired_token_is_refused(demo):
    req = access.submit_request(director_form())
    access.approve_request(req, user("support"))
    token = token_from_outbox()
    PasswordToken.objects.update(set__expires_at=utcnow() - timedelta(minutes=1))
    assert access.user_for_token(token) is None
    with pytest.raises(RuleViolation, match="plus valable"):
        access.set_password_with_token(token, "Tilleuls-2026", min_length=10)


def test_reactivated_account_must_choose_a_new_password(demo):
    access.revoke_user(user("dir-part1"), user("support"))
    req = access.submit_request(revocation_form(), kind="access")
    with pytest.raises(RuleViolation, match="désactivé"):
        access.approve_request(req, user("support"))
    access.approve_request(req, user("support"), confirm_identity=True)
    back = user("dir-part1")
    assert back.active and not back.password_hash
    assert [g.role for g in back.grants] == [Role.PARTNER_DIRECTOR.value]
    assert PasswordToken.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "min_length", "expected"),
    [
        ("Abcdef1", 6, []),
        ("Abc1", 2, ["au moins 6 caractères"]),  # the circular's floor
        ("abcdefghij1", 10, ["majuscule"]),
        ("ABCDEFGHIJ1", 10, ["minuscule"]),
        ("Abcdefghijk", 10, ["chiffre"]),
        ("Camille-2026x", 10, ["votre prénom"]),
        ("LAMBOTTE-2026x", 10, ["votre nom"]),
        ("Aa1" + "x" * 200, 10, ["dépasser 200"]),
    ],
)
def test_password_rule(password, min_length, expected):
    from app.rules.passwords import password_problems

    problems = password_problems(
        password, first_name="Camille", last_name="Lambotte", min_length=min_length
    )
    assert len(problems) == len(expected)
    for fragment, problem in zip(expected, problems, strict=True):
        assert fragment in problem


def test_support_manages_pole_accounts_not_back_office_ones(demo):
    from app.models import User

    support = User.objects.get(username="support")
    admin = User.objects.get(username="admin")
    coord = User.objects.get(username="coord1")
    assert access.may_manage_account(support, coord)
    assert not access.may_manage_account(support, admin)
    assert access.may_manage_account(admin, User.objects.get(username="gestionnaire"))
