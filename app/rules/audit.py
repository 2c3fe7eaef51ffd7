"""The audit trail's vocabulary and its hash: labels, the canonical form, the SHA-256 link.

Each event stores the hash of the previous one, so editing or deleting an event in the
database breaks the chain at that point. Recording and walking the chain (which read and
write the database) live in ``app.services.audit``; this module only decides, on plain values.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.rules.choices import Choices

GENESIS = "0" * 64
SYSTEM_ACTOR = "système"

# The actions of the trail, in French, for pages, PDFs and certificates (unknown ones are
# shown as recorded).
ACTION_LABELS = {
    "convention.create": "Création du document",
    "convention.delete": "Suppression du document",
    "convention.add_school": "Ajout d'une école",
    "convention.move_school": "Transfert d'écoles",
    "convention.remove_school": "Retrait d'une école",
    "convention.attach_derogation": "Ajout d'une dérogation",
    "convention.validate_list": "Validation de la liste des écoles",
    "convention.reopen_list": "Réouverture de la liste des écoles",
    "convention.save_article": "Enregistrement d'un article",
    "convention.copy_article": "Reprise d'un article",
    "convention.validate": "Validation de la convention",
    "convention.sign": "Signature",
    "convention.approve": "Approbation par l'Administration",
    "convention.acknowledge": "Prise de connaissance",
    "convention.reopen": "Réouverture de la convention",
    "convention.set_take_in_charge": "Date de prise en charge des élèves",
    "convention.start_amendment": "Création d'un avenant",
    "convention.save_points": "Enregistrement des points",
    "school_year.update": "Modification d'une année scolaire",
    "convention.send_back": "Renvoi pour modification par l'Administration",
    "convention.decline": "Refus de signer",
    "school.change_po": "Changement de pouvoir organisateur d'une école",
    "school.change_zone": "Changement de zone d'une école",
    "directory.import": "Import de l'annuaire des écoles",
    "login": "Connexion",
    "login_failed": "Échec de connexion",
    "logout": "Déconnexion",
    "financing.save_counts": "Encodage des nombres d'élèves",
    "financing.close_counts": "Clôture du comptage des élèves",
    "financing.reopen_counts": "Réouverture du comptage des élèves",
    "financing.save_parameters": "Paramètres de financement",
    "financing.save_function": "Catalogue des fonctions",
    "financing.save_scenario": "Enregistrement d'un scénario d'équipe",
    "financing.delete_scenario": "Suppression d'un scénario d'équipe",
}


class Outcome(Choices):
    """Whether a recorded action took place or was refused (the event's ``outcome``)."""

    OK = "ok", "Effectuée"
    REFUSED = "refused", "Refusée"


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _canonical(event: Any) -> bytes:
    payload = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds") if event.at else None,
        "actor": event.actor,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "action": event.action,
        "outcome": event.outcome,
        "convention": str(event.convention) if event.convention else None,
        "target": event.target,
        "status_before": event.status_before,
        "status_after": event.status_after,
        "details": event.details or {},
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def event_hash(event: Any) -> str:
    """The SHA-256 of an event (any object with the stored fields as attributes)."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def truncate_ms(moment: datetime) -> datetime:
    # MongoDB keeps milliseconds: hash what will be read back.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def plain(value: Any) -> Any:
    """Details as plain JSON-able values, so that the stored event hashes the same."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None
