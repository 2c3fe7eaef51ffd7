"""The profiles of e-Pôles: nine pole profiles and three back-office ones."""

from app.rules.choices import Choices


class Role(Choices):
    COORDINATOR = "coordinator", "Coordonnateur"
    SEAT_DIRECTOR = "seat_director", "Direction école siège"
    SEAT_PO_DELEGATE = "seat_po_delegate", "Délégué PO école siège"
    PARTNER_DIRECTOR = "partner_director", "Direction école partenaire"
    PARTNER_PO_DELEGATE = "partner_po_delegate", "Délégué PO école partenaire"
    SPECIFIC_DIRECTOR = "specific_partner_director", "Direction école partenaire spécifique"
    SPECIFIC_PO_DELEGATE = "specific_partner_po_delegate", "Délégué PO école partenaire spécifique"
    COOPERATING_DIRECTOR = "cooperating_director", "Direction école coopérante"
    COOPERATING_PO_DELEGATE = "cooperating_po_delegate", "Délégué PO école coopérante"
    ADMINISTRATION = "administration", "Administration"
    DATA_MANAGER = "data_manager", "Gestionnaire de données"
    SUPPORT = "support", "Support (gestion des accès)"


ROLE_LABELS: dict[str, str] = Role.labels()

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
