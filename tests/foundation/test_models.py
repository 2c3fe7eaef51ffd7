"""Model validation: every rule, with its French message."""

import pytest
from mongoengine import ValidationError

from app.models import ArticleTemplate, Grant, OrganisingAuthority, Pole, School, User


@pytest.fixture
def po(app):
    return OrganisingAuthority(fase=500, name="Commune de Test", city="Namur").save()


def school(po, **fields):
    values = {
        "fase": 700,
        "name": "École test",
        "po": po,
        "zone": 6,
        "education": "ordinary",
        "types": [],
    }
    values.update(fields)
    return School(**values)


def messages(exc: ValidationError) -> str:
    return str(exc.to_dict() if exc.errors else exc.message)


@pytest.mark.parametrize(
    ("fase", "expected"),
    [
        (0, "positif"),
        (-4, "positif"),
        (123_456_789, "trop long"),
    ],
)
def test_fase_must_be_positive(po, fase, expected):
    with pytest.raises(ValidationError) as err:
        school(po, fase=fase).save()
    assert expected in messages(err.value)


def test_fase_is_unique_for_schools(po):
    school(po).save()
    with pytest.raises(ValidationError) as err:
        school(po, name="Autre école").save()
    assert "Le numéro FASE 700 est déjà celui d'une autre école." in messages(err.value)


def test_fase_is_unique_for_pos(po):
    with pytest.raises(ValidationError) as err:
        OrganisingAuthority(fase=500, name="Doublon").save()
    assert "déjà celui d'un autre pouvoir organisateur" in messages(err.value)


@pytest.mark.parametrize("zone", [0, 11, -1])
def test_zone_between_one_and_ten(po, zone):
    with pytest.raises(ValidationError) as err:
        school(po, zone=zone).save()
    assert "La zone d'enseignement doit être comprise entre 1 et 10." in messages(err.value)


def test_specialized_school_needs_a_type(po):
    with pytest.raises(ValidationError) as err:
        school(po, education="specialized", types=[]).save()
    assert "doit avoir au moins un type" in messages(err.value)


def test_ordinary_school_has_no_type(po):
    with pytest.raises(ValidationError) as err:
        school(po, types=[3]).save()
    assert "n'a pas de type" in messages(err.value)


def test_types_range(po):
    with pytest.raises(ValidationError) as err:
        school(po, education="specialized", types=[9]).save()
    assert "de 1 à 8" in messages(err.value)


def test_name_required(po):
    with pytest.raises(ValidationError) as err:
        school(po, name="   ").save()
    assert "La dénomination de l'école est obligatoire." in messages(err.value)


def test_seat_school_must_be_specialized(po):
    seat = school(po).save()
    with pytest.raises(ValidationError) as err:
        Pole(number=1, name="Pôle", seat_school=seat, zone=6).save()
    assert "doit être une école d'enseignement spécialisé" in messages(err.value)


def test_pole_number_unique_and_zone_from_seat(po):
    seat = school(po, education="specialized", types=[1]).save()
    pole = Pole(number=1, name="Pôle", seat_school=seat).save()
    assert pole.zone == 6
    with pytest.raises(ValidationError) as err:
        Pole(number=1, name="Bis", seat_school=seat).save()
    assert "Le pôle n° 1 existe déjà." in messages(err.value)


def test_valid_school_saves(po):
    saved = school(po, education="specialized", types=[6, 4, 6]).save()
    assert saved.types == [4, 6]
    assert saved.zone_label == "6 – Namur"


def test_grant_scope_is_checked(po):
    user = User(username="x", grants=[Grant(role="coordinator")])
    with pytest.raises(ValidationError) as err:
        user.save()
    assert "doit préciser le pôle" in messages(err.value)
    user = User(username="y", grants=[Grant(role="administration", po=po)])
    with pytest.raises(ValidationError) as err:
        user.save()
    assert "ne porte pas sur le pouvoir organisateur" in messages(err.value)


def test_username_is_normalised_and_unique(app):
    User(username="  Jean.Dupont ").save()
    assert User.objects(username="jean.dupont").count() == 1
    with pytest.raises(ValidationError) as err:
        User(username="JEAN.DUPONT").save()
    assert "est déjà pris" in messages(err.value)


def test_username_characters(app):
    with pytest.raises(ValidationError) as err:
        User(username="jean dupont").save()
    assert "ne peut contenir que" in messages(err.value)


def test_password_is_hashed_with_scrypt(app):
    user = User(username="hash")
    user.set_password("Secret-Passw0rd")
    assert user.password_hash.startswith("scrypt:")
    assert "Secret" not in user.password_hash
    assert user.check_password("Secret-Passw0rd")
    assert not user.check_password("secret-passw0rd")


def test_fixed_article_needs_text(app):
    with pytest.raises(ValidationError) as err:
        ArticleTemplate(kind="cooperation", key="2", number=2, position=3, title="Objet",
                        nature="F", text="").save()  # fmt: skip
    assert "doit avoir son texte" in messages(err.value)
