"""Access requests that name an existing account: what support must see and confirm.

Pure decisions on plain values. An anonymous request may name any username: accepting it
must never hand the account to whoever typed the request. The set-password link and the
decision mail go to the e-mail on file only; a differing e-mail or a deactivated account is
shown side by side and needs support's explicit confirmation.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class IdentityCheck:
    """What accepting a request for an existing account would do, in plain values."""

    email_on_file: str
    email_requested: str
    reactivates: bool

    @property
    def email_differs(self) -> bool:
        return normalise_email(self.email_on_file) != normalise_email(self.email_requested)

    @property
    def needs_confirmation(self) -> bool:
        return self.email_differs or self.reactivates

    def warnings(self) -> list[str]:
        """French warnings shown to support before they confirm."""
        out = []
        if self.email_differs:
            out.append(
                f"Le courriel de la demande ({self.email_requested or 'aucun'}) diffère de "
                f"celui du compte ({self.email_on_file or 'aucun'}). Le lien et la réponse "
                "partiront uniquement vers le courriel du compte : vérifiez l'identité du "
                "demandeur avant d'accepter."
            )
        if self.reactivates:
            out.append(
                "Ce compte est désactivé : l'accepter le réactive (avec son historique) et "
                "son titulaire devra choisir un nouveau mot de passe."
            )
        return out


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


CONFIRMATION_REQUIRED = (
    "Cette demande porte sur un compte existant {details}: cochez la confirmation après avoir "
    "vérifié l'identité du demandeur."
)
NO_EMAIL_ON_FILE = (
    "Le compte « {username} » n'a pas de courriel enregistré : complétez-le (back-office, "
    "Utilisateurs) avant d'accepter, le lien ne part que vers le courriel du compte."
)


def confirmation_message(check: IdentityCheck) -> str:
    parts = []
    if check.email_differs:
        parts.append("dont le courriel diffère de celui de la demande")
    if check.reactivates:
        parts.append("désactivé")
    return CONFIRMATION_REQUIRED.format(details=" et ".join(parts) + " ")
