"""Directory files shaped like the official ones, built from what the database holds."""

from app.models import OrganisingAuthority, School
from app.rules.directory import FIELD_LABELS

HEADING = [
    FIELD_LABELS[k]
    for k in (
        "fase",
        "name",
        "street",
        "postal_code",
        "city",
        "po_fase",
        "po_name",
        "zone",
        "education",
        "types",
    )
]


def school_row(school: School) -> list[str]:
    po = OrganisingAuthority.objects.get(id=school.po.pk)
    return [
        str(school.fase),
        school.name,
        school.street or "",
        school.postal_code or "",
        school.city or "",
        str(po.fase),
        po.name,
        str(school.zone),
        "spécialisé" if school.education == "specialized" else "ordinaire",
        ", ".join(str(t) for t in school.types),
    ]


def directory_csv(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if sep in value or '"' in value else value

    lines = [sep.join(cell(c) for c in row) for row in [HEADING, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def current_rows() -> list[list[str]]:
    return [school_row(s) for s in School.objects.order_by("fase")]
