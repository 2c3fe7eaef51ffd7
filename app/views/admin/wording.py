"""Flask-Admin's own French words, corrected where its catalogue is wrong or awkward.

Flask-Babel translates Flask-Admin through the ``admin`` domain, whose French catalogue says
« Editer », « Export », « articles » (for rows), « Montage » (for « Editing »), « Filtres
réinitialisés » (for the button that resets them)… The catalogue's directories are merged in an
order where Flask-Admin's own file wins over ``Admin(translations_path=…)``, so an override
file would be ignored: the domain's translations are wrapped instead, once, at start-up, and
every string Flask-Admin translates (templates, filters' operations, flashed messages) goes
through ``CORRECTIONS`` first.
"""

from typing import Any

CORRECTIONS: dict[str, str] = {
    "Edit": "Modifier",
    "Edit Record": "Modifier l'enregistrement",
    "View Record": "Afficher l'enregistrement",
    "Export": "Exporter",
    "items": "lignes",
    "Reset Filters": "Réinitialiser les filtres",
    "Search": "Rechercher",
    "Filter": "Filtrer",
    "Create New Record": "Créer un enregistrement",
    "Save and Continue Editing": "Enregistrer et continuer",
    "Save and Add Another": "Enregistrer et en ajouter un autre",
    "Record was successfully saved.": "L'enregistrement a été enregistré.",
    "Record was successfully created.": "L'enregistrement a été créé.",
    "Failed to save record.": "L'enregistrement n'a pas pu être enregistré.",
    "Please select at least one record.": "Sélectionnez au moins une ligne.",
    "Are you sure you want to delete selected records?": (
        "Voulez-vous vraiment supprimer les lignes sélectionnées ?"
    ),
    "Are you sure you want to delete this record?": (
        "Voulez-vous vraiment supprimer cet enregistrement ?"
    ),
    "Delete?": "Supprimer ?",
    "equals": "égal à",
    "not equal": "différent de",
    "greater than": "supérieur à",
    "smaller than": "inférieur à",
    "Close": "Fermer",
    "Editing %(path)s": "Modification de %(path)s",
    "Changes to %(name)s saved successfully.": "Les modifications de %(name)s sont enregistrées.",
    "Not a valid choice": "Choix non valide",
    "This field is required.": "Ce champ est obligatoire.",
    "There are no items in the table.": "Aucune ligne à afficher.",
    "Please select model": "Tapez pour rechercher",
}


class CorrectedTranslations:
    """A gettext translations object that answers ``CORRECTIONS`` first."""

    def __init__(self, wrapped: Any) -> None:
        self._wrapped = wrapped

    def ugettext(self, message: str) -> str:
        return CORRECTIONS.get(message) or self._wrapped.ugettext(message)

    gettext = ugettext

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        chosen = singular if n == 1 else plural
        return CORRECTIONS.get(chosen) or self._wrapped.ungettext(singular, plural, n)

    ngettext = ungettext

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


def install() -> None:
    """Wrap the ``admin`` domain's translations (idempotent: one wrapper per process)."""
    from flask_admin import babel

    domain = getattr(babel, "domain", None)
    if domain is None or getattr(domain, "_epoles_corrected", False):
        return  # Flask-Babel absent (no domain), or already done
    original = domain.get_translations

    def corrected() -> Any:
        return CorrectedTranslations(original())

    domain.get_translations = corrected
    domain._epoles_corrected = True
