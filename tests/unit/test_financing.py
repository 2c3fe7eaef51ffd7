"""The financing formulas on hand-computed examples (no app, no database)."""

from decimal import Decimal as D

import pytest

from app.rules import financing as f
from app.rules import points
from app.rules.errors import RuleViolation

TERMS = (
    f.Term("Forfait", "pole", D("1200")),
    f.Term("Écoles", "schools", D("15")),
    f.Term("IPT primaire", "ipt", D("25"), level="primaire"),
    f.Term("IPT type 5", "ipt", D("10"), type=5),
    f.Term("PAR", "par", D("3.333")),
)
PARAMS = f.Parameters(school_year="2026-2027", terms=TERMS)
COUNTS = [
    f.CountLine("A", 1, "primaire", ipt=4, par=2),
    f.CountLine("A", 5, "primaire", ipt=2, par=1),
    f.CountLine("B", 5, "secondaire", ipt=3, par=0),
]


def test_envelope_term_by_term_with_rounding():
    env = f.envelope(PARAMS, COUNTS, cooperating_schools=5)
    by_label = {line.term.label: (line.count, line.points) for line in env.lines}
    assert by_label["Forfait"] == (1, D("1200.00"))
    assert by_label["Écoles"] == (5, D("75.00"))
    assert by_label["IPT primaire"] == (6, D("150.00"))  # 4 + 2 primary pupils
    assert by_label["IPT type 5"] == (5, D("50.00"))  # 2 primary + 3 secondary
    # 3 PAR pupils × 3.333 = 9.999 → 10.00 (half up, to the hundredth)
    assert by_label["PAR"] == (3, D("10.00"))
    assert env.total == D("1485.00")
    assert env.salaries_min == D("1188.00")  # 80 %
    assert env.running_max == D("297.00")


def test_rounding_half_up_on_the_split():
    params = f.Parameters("2026-2027", (f.Term("x", "pole", D("100.05")),))
    env = f.envelope(params, [], 0)
    # 100.05 × 0.8 = 80.04 exactly; 100.05 - 80.04 = 20.01
    assert (env.salaries_min, env.running_max) == (D("80.04"), D("20.01"))
    params = f.Parameters("2026-2027", (f.Term("x", "pole", D("0.0625")),))
    assert f.envelope(params, [], 0).total == D("0.06")  # 0.0625 → 0.06
    params = f.Parameters("2026-2027", (f.Term("x", "pole", D("0.125")),))
    assert f.envelope(params, [], 0).total == D("0.13")  # half up, not banker's


def test_parameters_of_one_year_do_not_affect_another():
    other = f.Parameters("2027-2028", (f.Term("Forfait", "pole", D("2000")),))
    assert f.envelope(PARAMS, COUNTS, 5).total == D("1485.00")
    assert f.envelope(other, COUNTS, 5).total == D("2000.00")
    fn = [
        f.Function("LOGO", "Logopède", "paramedical", D("125"), valid_to="2026-2027"),
        f.Function("LOGO2", "Logopède", "paramedical", D("130"), valid_from="2027-2028"),
    ]
    assert set(f.catalogue_for(fn, "2026-2027")) == {"LOGO"}
    assert set(f.catalogue_for(fn, "2027-2028")) == {"LOGO2"}


def test_the_salary_floor_exactly_and_just_under():
    assert f.meets_salary_floor(D("800"), D("1000"), D("80"))  # exactly 80 %
    assert not f.meets_salary_floor(D("799.99"), D("1000"), D("80"))  # just under
    assert f.meets_salary_floor(D("800.01"), D("1000"), D("80"))


CATALOGUE = {
    "COORD": f.Function("COORD", "Coordonnateur", "coordination", D("150")),
    "INST": f.Function("INST", "Instituteur", "pedagogique", D("100")),
    "LOGO": f.Function("LOGO", "Logopède", "paramedical", D("125.55"), workloads=("2,5/5", "5/5")),
}


def _team(inst: int, logo_half: int = 0) -> list[f.ScenarioLine]:
    lines = [f.ScenarioLine("COORD", "5/5", 1), f.ScenarioLine("INST", "5/5", inst)]
    if logo_half:
        lines.append(f.ScenarioLine("LOGO", "2,5/5", logo_half))
    return lines


def test_scenario_points_per_group_and_rounding():
    params = f.Parameters("2026-2027", (), min_team_fte=D("16"))
    result = f.evaluate(_team(15, logo_half=3), CATALOGUE, params, D("2400"))
    groups = {g.group: (g.fte, g.points) for g in result.groups}
    assert groups["coordination"] == (D("1"), D("150"))
    assert groups["pedagogique"] == (D("15"), D("1500"))
    # 125.55 × 0.5 × 3 = 188.325 → 188.33
    assert groups["paramedical"] == (D("1.5"), D("188.33"))
    assert result.team_points == D("1838.33")
    assert result.team_fte == D("16.5") and result.coordinator_fte == D("1")
    # 1838.33 / 2400 = 76.597 %: under 80 %
    assert not result.ok
    assert len(result.failures) == 1
    message = result.failures[0]
    assert "Règle des 80 % / 20 %" in message
    assert "76,59 %" in message  # rounded down in the refusal
    assert "1920" in message  # 80 % of 2400


def test_scenario_exactly_at_eighty_percent_passes():
    params = f.Parameters("2026-2027", (), min_team_fte=D("16"))
    # 150 + 16 × 100 = 1750 points; 1750 / 0.8 = 2187.5
    result = f.evaluate(_team(16), CATALOGUE, params, D("2187.50"))
    assert result.salary_share == D("80.00")
    assert result.ok, result.failures
    assert f.share(D("1750"), D("2187.51")) == D("79.99")  # 79.9996 %: rounded down
    # one hundredth of a point more in the envelope: just under 80 %
    result = f.evaluate(_team(16), CATALOGUE, params, D("2187.51"))
    assert not result.ok
    assert "79,99 %" in result.failures[0]


def test_retrocessions_count_as_salaries_and_over_envelope_is_explained():
    params = f.Parameters("2026-2027", ())
    result = f.evaluate(_team(16), CATALOGUE, params, D("1800"), retroceded=D("62.5"))
    assert result.salaries == D("1812.5")
    assert result.running == D("-12.5")
    assert result.failures == [
        "Le scénario dépasse l'enveloppe : 1812,5 points de traitements pour une enveloppe "
        "de 1800 points (12,5 points de trop)."
    ]


def test_minimum_team_is_explained():
    params = f.Parameters("2026-2027", ())
    lines = [f.ScenarioLine("INST", "5/5", 15), f.ScenarioLine("LOGO", "2,5/5", 1)]
    result = f.evaluate(lines, CATALOGUE, params, D("1600"))
    assert result.team_fte == D("15.5")
    assert any(
        "au moins 1 ETP de coordination" in m and "en prévoit 0" in m for m in result.failures
    )
    assert any("au moins 16 ETP" in m and "en prévoit 15,5" in m for m in result.failures)


def test_scenario_lines_are_checked_against_the_catalogue():
    ok = f.check_lines(
        [
            {"code": "LOGO", "workload": "2,5/5", "head_count": "2"},
            {"code": "", "workload": "", "head_count": ""},
        ],
        CATALOGUE,
    )
    assert ok == [f.ScenarioLine("LOGO", "2,5/5", 2)]
    for raw, message in [
        ({"code": "ASTRO", "workload": "5/5", "head_count": 1}, "pas au catalogue"),
        ({"code": "LOGO", "workload": "1/5", "head_count": 1}, "n'est pas proposée"),
        ({"code": "LOGO", "workload": "5/5", "head_count": "-1"}, "nombre entier"),
        ({"code": "LOGO", "workload": "5/5", "head_count": "1,5"}, "nombre entier"),
        ({"code": "LOGO", "workload": "5/5", "head_count": 100}, "entre 0 et 99"),
    ]:
        with pytest.raises(RuleViolation, match=message):
            f.check_lines([raw], CATALOGUE)
    with pytest.raises(RuleViolation, match="deux fois"):
        f.check_lines([{"code": "INST", "workload": "5/5", "head_count": 1}] * 2, CATALOGUE)


def test_counts_are_checked_and_totalled():
    lines = f.check_counts(
        [
            {"school": "A", "type": 1, "level": "primaire", "ipt": "3", "par": ""},
            {"school": "A", "type": 2, "level": "primaire", "ipt": "0", "par": "0"},
            {"school": "B", "type": 8, "level": "secondaire", "ipt": 1, "par": 4},
        ]
    )
    assert len(lines) == 2  # the zero line is dropped
    assert f.count_totals(lines) == {"ipt": 4, "par": 4}
    with pytest.raises(RuleViolation, match="IPT"):
        f.check_counts([{"school": "A", "type": 1, "level": "primaire", "ipt": "x"}])
    with pytest.raises(RuleViolation, match="inconnu"):
        f.check_counts([{"school": "A", "type": 9, "level": "primaire", "ipt": 1}])


def test_terms_and_shares_are_checked():
    term = f.check_term("IPT type 4", "ipt", "12,5", "4", "")
    assert term == f.Term("IPT type 4", "ipt", D("12.5"), type=4, level=None)
    with pytest.raises(RuleViolation, match="ne s'appliquent qu'aux élèves"):
        f.check_term("Forfait", "pole", "10", 4, None)
    with pytest.raises(RuleViolation, match="n'est pas un nombre"):
        f.check_term("Forfait", "pole", "dix")
    assert f.check_shares("80", "20") == (D("80"), D("20"))
    with pytest.raises(RuleViolation, match="totaliser 100"):
        f.check_shares("80", "25")


def test_split_key_applied_to_points_adds_up():
    parts = f.split_points([("Siège", D("33.33")), ("A", D("33.33")), ("B", D("33.34"))], D("100"))
    assert [p for _, _, p in parts] == [D("33.33"), D("33.33"), D("33.34")]
    parts = f.split_points([("Siège", D("50")), ("A", D("50"))], D("0.05"))
    assert sum(p for _, _, p in parts) == D("0.05")


def test_balance_takes_off_the_retrocessions():
    commitments = [
        f.Commitment("Spécifique A", "retrocession", D("162.5")),
        f.Commitment("Partenariat", "split", D("0")),
    ]
    bal = f.balance(D("2335"), commitments)
    assert (bal.retroceded, bal.remaining, bal.over) == (D("162.5"), D("2172.5"), False)
    assert f.balance(D("100"), commitments).over


def test_retrocession_table_prices_from_the_catalogue():
    catalogue = {"Logopède": D("125"), "Psychologue": D("140")}
    table = points.normalise_retrocession(
        {"rows": [{"function": "Logopède", "counts": {"2,5/5": 1, "1/5": 2}}]}, catalogue
    )
    assert table["rows"][0]["points"] == 112.5  # 125 × (0.5 + 0.4)
    catalogue["Logopède"] = D("130")
    # A saved table keeps its points: the total is read, not recomputed.
    assert points.retrocession_total(table["rows"]) == 112.5
    with pytest.raises(RuleViolation, match="pas au catalogue"):
        points.normalise_retrocession(
            {"rows": [{"function": "Kinésithérapeute", "counts": {"5/5": 1}}]}, catalogue
        )
    with pytest.raises(RuleViolation, match="n'est pas proposée"):
        points.normalise_retrocession(
            {"rows": [{"function": "Logopède", "counts": {"1/5": 1}}]},
            catalogue,
            {"Logopède": ("5/5",)},
        )


def test_no_framework_import():
    from pathlib import Path

    import app.rules.financing as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    for forbidden in ("flask", "mongoengine", "app.models", "bson"):
        assert f"import {forbidden}" not in source and f"from {forbidden}" not in source
