"""The financing service on the demo data: counts, closing lock, parameters, catalogue."""

from decimal import Decimal as D

import pytest

from app.models import (
    AuditEvent,
    Convention,
    FinancingParameters,
    Pole,
    PupilCountSheet,
    School,
    TeamFunction,
    TeamScenario,
    User,
)
from app.models.financing import CountClosed, financing_write
from app.rules.errors import InvalidState, PermissionDenied, RuleViolation
from app.services import financing

YEAR = "2026-2027"


@pytest.fixture
def pole1(demo):
    return Pole.objects.get(number=1)


def user(name):
    return User.objects.get(username=name)


def test_demo_envelope_of_pole1(pole1):
    state = financing.pole_financing(pole1, YEAR)
    assert state.params.demo
    # 1200 + 5 × 15 + 4 × 30 + 20 × 25 + 12 × 20 + 2 × 10 + 60 × 3 (seed/financing.json)
    assert state.envelope.total == D("2335.00")
    assert state.totals == {"ipt": 36, "par": 60}
    # the specific partnership's table: Logopède 2,5/5 (62,5) + Instituteur 5/5 (100)
    assert state.balance.retroceded == D("162.50")
    assert state.balance.remaining == D("2172.50")


def test_demo_scenario_respects_the_rules(pole1):
    (scenario,) = financing.scenarios(pole1, YEAR)
    result = financing.evaluate(pole1, YEAR, financing.scenario_lines(scenario))
    assert result.team_points == D("1945")
    assert result.salaries == D("2107.50")
    assert result.ok, result.failures


def _raw(school, ipt, par=0):
    return [{"school": school.pk, "type": 1, "level": "primaire", "ipt": ipt, "par": par}]


def test_counts_locked_after_closing(pole1):
    school = School.objects.get(fase=2111)
    sheet = financing.count_sheet(pole1, YEAR)
    financing.save_counts(pole1, YEAR, _raw(school, 7), user("dir-siege1"), sheet.version)
    assert financing.pole_financing(pole1, YEAR).totals == {"ipt": 7, "par": 0}
    with pytest.raises(PermissionDenied):
        financing.close_counts(pole1, YEAR, user("coord1"))
    financing.close_counts(pole1, YEAR, user("admin"))
    sheet = financing.count_sheet(pole1, YEAR)
    assert sheet.is_closed
    for actor in ("coord1", "admin"):
        with pytest.raises(CountClosed):
            financing.save_counts(pole1, YEAR, _raw(school, 9), user(actor), sheet.version)
    # below the service: the model refuses too
    sheet.lines = []
    with pytest.raises(CountClosed):
        sheet.save()
    with pytest.raises(CountClosed):
        PupilCountSheet.objects(id=sheet.pk).update_one(set__lines=[])
    with pytest.raises(CountClosed):
        sheet.delete()
    assert financing.pole_financing(pole1, YEAR).totals == {"ipt": 7, "par": 0}
    # the Administration reopens, corrects, closes again: every step audited
    financing.reopen_counts(pole1, YEAR, user("admin"))
    financing.save_counts(pole1, YEAR, _raw(school, 8), user("admin"), None)
    actions = [e.action for e in AuditEvent.objects(action__startswith="financing.")]
    assert actions.count("financing.close_counts") == 2  # one refused, one done
    assert "financing.reopen_counts" in actions
    refused = AuditEvent.objects(action="financing.save_counts", outcome="refused")
    assert refused.count() == 2


def test_two_writers_of_the_counts_do_not_overwrite_each_other(pole1):
    school = School.objects.get(fase=2111)
    seen = financing.count_sheet(pole1, YEAR).version  # both load the same version
    financing.save_counts(pole1, YEAR, _raw(school, 3), user("coord1"), seen)
    with pytest.raises(InvalidState, match="modifiées entre-temps"):
        financing.save_counts(pole1, YEAR, _raw(school, 4), user("dir-siege1"), seen)
    assert financing.pole_financing(pole1, YEAR).totals["ipt"] == 3


def test_counts_only_for_the_poles_schools_and_roles(pole1):
    other = School.objects.get(fase=2211)  # pole 2's cooperating school
    with pytest.raises(RuleViolation, match="écoles coopérantes du pôle"):
        financing.save_counts(pole1, YEAR, _raw(other, 1), user("coord1"), None)
    school = School.objects.get(fase=2111)
    for name in ("coord2", "po-siege1", "dir-coop1", "gestionnaire"):
        with pytest.raises(PermissionDenied):
            financing.save_counts(pole1, YEAR, _raw(school, 1), user(name), None)


def test_parameters_of_one_year_do_not_touch_another(pole1):
    admin = user("admin")
    financing.save_parameters(
        "2027-2028",
        [{"label": "Forfait", "measure": "pole", "coefficient": "2000"}],
        "80",
        "20",
        "1",
        "16",
        None,
        False,
        admin,
    )
    assert financing.pole_financing(pole1, "2027-2028").envelope.total == D("2000.00")
    assert financing.pole_financing(pole1, YEAR).envelope.total == D("2335.00")
    with pytest.raises(PermissionDenied):
        financing.save_parameters(
            YEAR,
            [{"label": "x", "measure": "pole", "coefficient": "1"}],
            "80",
            "20",
            "1",
            "16",
            None,
            False,
            user("coord1"),
        )
    with pytest.raises(RuleViolation, match="totaliser 100"):
        financing.save_parameters(
            YEAR,
            [{"label": "x", "measure": "pole", "coefficient": "1"}],
            "70",
            "20",
            "1",
            "16",
            None,
            False,
            admin,
        )
    assert financing.pole_financing(pole1, YEAR).envelope.total == D("2335.00")


def test_retrocession_uses_the_catalogue_and_a_convention_keeps_its_points(pole1):
    user("coord1")
    signed = Convention.objects.get(pole=pole1.pk, kind="specific_partnership", status="signed")
    assert signed.article("8").data["rows"][0]["points"] == 62.5
    TeamFunction.objects(code="LOGO").update_one(set__points="200")
    # the signed convention keeps the points it was signed with
    assert any(c.points == D("162.50") for c in financing.commitments(pole1, YEAR))
    assert Convention.objects.get(id=signed.pk).article("8").data["rows"][0]["points"] == 62.5


def test_scenarios_never_cross_poles(pole1):
    pole2 = Pole.objects.get(number=2)
    (scenario,) = financing.scenarios(pole1, YEAR)
    with pytest.raises(RuleViolation):
        financing.scenario_of(pole2, scenario.pk)
    with pytest.raises(PermissionDenied):
        financing.save_scenario(
            pole1,
            YEAR,
            "x",
            [{"code": "INST", "workload": "5/5", "head_count": 1}],
            user("coord2"),
        )
    assert financing.scenarios(pole2, YEAR) == []


def test_a_scenario_changes_no_convention(pole1):
    before = {c.pk: c.version for c in Convention.objects(pole=pole1.pk)}
    financing.save_scenario(
        pole1,
        YEAR,
        "Test",
        [{"code": "INST", "workload": "5/5", "head_count": 3}],
        user("coord1"),
    )
    assert {c.pk: c.version for c in Convention.objects(pole=pole1.pk)} == before


def test_the_writer_context_is_the_only_door(pole1):
    financing.close_counts(pole1, YEAR, user("admin"))
    with financing_write():
        assert PupilCountSheet.objects(pole=pole1.pk).update_one(inc__version=1) == 1


def test_two_editors_of_one_scenario_do_not_overwrite_each_other(pole1):
    (scenario,) = financing.scenarios(pole1, YEAR)
    first = TeamScenario.objects.get(id=scenario.pk)  # both load version 1
    second = TeamScenario.objects.get(id=scenario.pk)
    line = [{"code": "INST", "workload": "5/5", "head_count": 2}]
    financing.save_scenario(pole1, YEAR, "Premier", line, user("coord1"), first)
    with pytest.raises(InvalidState, match="modifiées entre-temps"):
        financing.save_scenario(pole1, YEAR, "Second", line, user("dir-siege1"), second)
    assert TeamScenario.objects.get(id=scenario.pk).name == "Premier"


def test_two_editors_of_the_parameters_do_not_overwrite_each_other(pole1):
    admin = user("admin")
    seen = FinancingParameters.objects.get(school_year=YEAR).version
    term = [{"label": "Forfait", "measure": "pole", "coefficient": "1000"}]
    financing.save_parameters(YEAR, term, "80", "20", "1", "16", None, True, admin, seen)
    with pytest.raises(InvalidState, match="modifiées entre-temps"):
        financing.save_parameters(YEAR, term, "75", "25", "1", "16", None, True, admin, seen)
    assert financing.parameters(YEAR).salary_floor == D("80")
    assert financing.pole_financing(pole1, YEAR).envelope.total == D("1000.00")
