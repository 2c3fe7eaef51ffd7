"""XLSX exports of the financing (openpyxl): team scenarios, the Administration's overview.

Numbers are written as numbers (a spreadsheet computes with them), with a French-looking
format; text cells that would start a formula are neutralised.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.rules.exports import xlsx_cell

# openpyxl (about 20 MiB) is imported by the first export, not with the app.
if TYPE_CHECKING:
    from openpyxl import Workbook

POINTS_FORMAT = "#,##0.00"
FTE_FORMAT = "#,##0.##"


def _num(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _row(sheet: Any, values: list[Any], bold: bool = False, formats: dict[int, str] | None = None):
    typed = [xlsx_cell(_num(v)) for v in values]
    sheet.append([t.value for t in typed])
    row = sheet.max_row
    for col, t in enumerate(typed, start=1):
        if t.quote_prefix:
            cell = sheet.cell(row=row, column=col)
            cell.data_type, cell.quotePrefix = "s", True
    for col, fmt in (formats or {}).items():
        sheet.cell(row=row, column=col).number_format = fmt
    if bold:
        from openpyxl.styles import Font

        for cell in sheet[row]:
            cell.font = Font(bold=True)


def _verdict(item: dict[str, Any]) -> str:
    ev = item["evaluation"]
    if ev is None:
        return item["problem"] or ""
    return "respectées" if ev.ok else " ".join(ev.failures)


def scenarios_workbook(context: dict[str, Any]) -> "Workbook":
    """One sheet comparing the scenarios, then one sheet of lines per scenario."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Comparaison"
    pole = context["pole"]
    compared = context["compared"]
    _row(sheet, [f"Pôle {pole.number} – {pole.name}"], bold=True)
    _row(sheet, [f"Simulation de l'équipe pluridisciplinaire – {context['year']}"])
    if context.get("demo"):
        _row(sheet, ["Valeurs de démonstration (paramètres et points des fonctions)"], bold=True)
    _row(sheet, [])
    _row(sheet, ["Poste", *[c["scenario"].name for c in compared]], bold=True)
    formats = {i: POINTS_FORMAT for i in range(2, len(compared) + 2)}
    for group, label in context["groups"].items():
        values = []
        for c in compared:
            ev = c["evaluation"]
            values.append(next((g.points for g in ev.groups if g.group == group), 0) if ev else "")
        _row(sheet, [f"{label} (points)", *values], formats=formats)
    for title, attr in [
        ("Points de l'équipe", "team_points"),
        ("Rétrocessions", "retroceded"),
        ("Traitements", "salaries"),
        ("Enveloppe", "envelope"),
        ("Fonctionnement", "running"),
    ]:
        _row(
            sheet,
            [title, *[getattr(c["evaluation"], attr) if c["evaluation"] else "" for c in compared]],
            bold=attr == "team_points",
            formats=formats,
        )
    _row(
        sheet,
        [
            "Part des traitements (%)",
            *[c["evaluation"].salary_share if c["evaluation"] else "" for c in compared],
        ],
        formats=formats,
    )
    _row(
        sheet,
        [
            "ETP hors coordination",
            *[c["evaluation"].team_fte if c["evaluation"] else "" for c in compared],
        ],
        formats={i: FTE_FORMAT for i in formats},
    )
    _row(
        sheet,
        [
            "Règles",
            *[
                (
                    c["problem"]
                    if not c["evaluation"]
                    else (
                        "respectées" if c["evaluation"].ok else " ".join(c["evaluation"].failures)
                    )
                )
                for c in compared
            ],
        ],
    )
    sheet.column_dimensions["A"].width = 34
    for c in compared:
        ev = c["evaluation"]
        lines = book.create_sheet(c["scenario"].name[:28].replace("/", "-") or "Scénario")
        _row(lines, ["Fonction", "Groupement", "Charge", "Personnes", "ETP", "Points"], bold=True)
        for line in ev.lines if ev else []:
            _row(
                lines,
                [
                    line.function.label,
                    context["groups"].get(line.function.group, line.function.group),
                    line.workload,
                    line.head_count,
                    line.fte,
                    line.points,
                ],
                formats={5: FTE_FORMAT, 6: POINTS_FORMAT},
            )
        lines.column_dimensions["A"].width = 30
    return book


OVERVIEW_COLUMNS = [
    ("number", "Pôle"),
    ("name", "Nom"),
    ("envelope", "Enveloppe"),
    ("committed", "Rétrocessions"),
    ("remaining", "Solde"),
    ("ipt", "Élèves IPT"),
    ("par", "Élèves PAR"),
    ("scenarios", "Scénarios"),
    ("over", "Enveloppe dépassée"),
    ("under_minimum", "Sous l'équipe minimale"),
]
