"""The profiles of e-Pôles: nine pole profiles and three back-office ones."""

from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    SEAT_DIRECTOR = "seat_director"
    SEAT_PO_DELEGATE = "seat_po_delegate"
    PARTNER_DIRECTOR = "partner_director"
    PARTNER_PO_DELEGATE = "partner_po_delegate"
    SPECIFIC_DIRECTOR = "specific_partner_director"
    SPECIFIC_PO_DELEGATE = "specific_partner_po_delegate"
    COOPERATING_DIRECTOR = "cooperating_director"
    COOPERATING_PO_DELEGATE = "cooperating_po_delegate"
    ADMINISTRATION = "administration"
    DATA_MANAGER = "data_manager"
    SUPPORT = "support"


ROLE_LABELS: dict[str, str] = {
    Role.COORDINATOR: "Coordonnateur",
    Role.SEAT_DIRECTOR: "Direction école siège",
    Role.SEAT_PO_DELEGATE: "Délégué PO école siège",
    Role.PARTNER_DIRECTOR: "Direction école partenaire",
    Role.PARTNER_PO_DELEGATE: "Délégué PO école partenaire",
    Role.SPECIFIC_DIRECTOR: "Direction école partenaire spécifique",
    Role.SPECIFIC_PO_DELEGATE: "Délégué PO école partenaire spécifique",
    Role.COOPERATING_DIRECTOR: "Direction école coopérante",
    Role.COOPERATING_PO_DELEGATE: "Délégué PO école coopérante",
    Role.ADMINISTRATION: "Administration",
    Role.DATA_MANAGER: "Gestionnaire de données",
    Role.SUPPORT: "Support (gestion des accès)",
}

BACKOFFICE_ROLES: frozenset[Role] = frozenset(
    {Role.ADMINISTRATION, Role.DATA_MANAGER, Role.SUPPORT}
)
POLE_ROLES: frozenset[Role] = frozenset(Role) - BACKOFFICE_ROLES

# The seat side: may edit the school lists and the articles, and validate (user guide §7).
SEAT_SIDE_ROLES: frozenset[Role] = frozenset(
    {Role.COORDINATOR, Role.SEAT_DIRECTOR, Role.SEAT_PO_DELEGATE}
)
DIRECTOR_ROLES: frozenset[Role] = frozenset(
    {
        Role.SEAT_DIRECTOR,
        Role.PARTNER_DIRECTOR,
        Role.SPECIFIC_DIRECTOR,
        Role.COOPERATING_DIRECTOR,
    }
)
PO_DELEGATE_ROLES: frozenset[Role] = frozenset(
    {
        Role.SEAT_PO_DELEGATE,
        Role.PARTNER_PO_DELEGATE,
        Role.SPECIFIC_PO_DELEGATE,
        Role.COOPERATING_PO_DELEGATE,
    }
)


def scope_fields(role: str) -> tuple[str, ...]:
    """The scope a grant of ``role`` must carry: pole always for pole profiles, plus
    the school of a director or the PO of a delegate."""
    r = Role(role)
    if r in BACKOFFICE_ROLES:
        return ()
    if r in DIRECTOR_ROLES:
        return ("pole", "school")
    if r in PO_DELEGATE_ROLES:
        return ("pole", "po")
    return ("pole",)
