"""The protected final version: rendered once at approval, from the frozen snapshot only.

``seal(convention, snapshot)`` is the sealer ``app.services.workflow.approve`` calls (through
``workflow.SEALERS``, registered by ``app.pdf.init_pdf``): it renders the approved text from
the snapshot, adds the certificate page (the snapshot's SHA-256, the audit trail of the
convention up to approval, the link of the audit chain at that moment), optionally signs the
file with a PKCS#12 certificate (pyHanko), stores the bytes and returns them with their
SHA-256. Every later download returns exactly those bytes: nothing here is ever re-rendered.
"""

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.models import AuditEvent, StoredFile, User
from app.pdf.documents import file_name, sealed_pdf
from app.pdf.render import PdfError
from app.rules import audit
from app.rules.snapshot import snapshot_digest
from app.rules.states import STATUS_LABELS
from app.services import audit as audit_trail

PDF_CONTENT_TYPE = "application/pdf"
SIGNING_UNAVAILABLE = (
    "La signature électronique du PDF est configurée (EPOLES_PDF_P12) mais n'a pas pu être "
    "appliquée : vérifiez le fichier PKCS#12, son mot de passe et l'installation de pyHanko."
)


@dataclass(frozen=True)
class Signing:
    """A PKCS#12 file (certificate + key) to sign the sealed PDFs with (pyHanko)."""

    p12_path: str
    password: str

    def as_xhtml2pdf(self) -> dict[str, Any]:
        return {
            "type": "simple",
            "engine": "pkcs12",
            "pfx_file": self.p12_path,
            "passphrase": self.password.encode("utf-8"),
        }


def signing_from(p12_path: str | None, password: str | None) -> Signing | None:
    """The signing setting, or None when no PKCS#12 file is configured (the default)."""
    if not p12_path:
        return None
    return Signing(str(p12_path), password or "")


def _event_detail(event: AuditEvent) -> str:
    details = event.details or {}
    if details.get("school_name"):
        fase = details.get("school_fase")
        return f"{details['school_name']}" + (f" (FASE {fase})" if fase else "")
    if details.get("article"):
        return f"article {details['article']}"
    if details.get("po_name"):
        return str(details["po_name"])
    if details.get("school_fases"):
        return f"{len(details['school_fases'])} école(s)"
    return ""


def _status_change(before: str | None, after: str | None) -> str:
    if after and after != before:
        return STATUS_LABELS.get(after, after)
    return ""


def _people(usernames: set[str]) -> dict[str, str]:
    """username → "First Last (username)" in one query."""
    users = User.objects(username__in=sorted(usernames)).only("username", "first_name", "last_name")
    labels = {}
    for user in users:
        full = f"{user.first_name or ''} {user.last_name or ''}".strip()
        labels[user.username] = f"{full} ({user.username})" if full else user.username
    return labels


def certificate_for(
    convention_id: Any, snapshot: dict[str, Any], verify_url: str
) -> dict[str, Any]:
    """The certificate page: fingerprints and the history of the convention up to approval."""
    history = audit_trail.history(convention_id)
    done = [e for e in history if e.outcome == "ok"]
    approver = snapshot.get("approved_by") or ""
    people = _people({e.actor for e in done if e.actor} | {approver})
    events = [
        {
            "at": e.at,
            "actor": people.get(e.actor, e.actor or audit.SYSTEM_ACTOR),
            "action": audit.action_label(e.action),
            "detail": _event_detail(e),
            "status": _status_change(e.status_before, e.status_after),
        }
        for e in done
    ]
    events.append(
        {
            "at": snapshot.get("approved_at"),
            "actor": people.get(approver, approver),
            "action": audit.action_label("convention.approve") + " et scellement",
            "detail": "",
            "status": STATUS_LABELS["approved"],
        }
    )
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    return {
        "snapshot_sha256": snapshot_digest(snapshot),
        "approved_by_label": people.get(approver, approver),
        "events": events,
        "refused": len(history) - len(done),
        "audit_seq": last.seq if last else None,
        "audit_hash": last.hash if last else "",
        "verify_url": verify_url,
    }


def render_sealed(
    convention_id: Any,
    snapshot: dict[str, Any],
    verify_url: str,
    signing: Signing | None = None,
) -> bytes:
    """The sealed PDF bytes (rendered from ``snapshot``; signed when ``signing`` is given)."""
    certificate = certificate_for(convention_id, snapshot, verify_url)
    if signing is None:
        return sealed_pdf(snapshot, certificate)
    check_signing(signing)
    try:
        data = sealed_pdf(snapshot, certificate, signature=signing.as_xhtml2pdf())
    except PdfError as exc:
        raise PdfError(SIGNING_UNAVAILABLE) from exc
    # xhtml2pdf returns the unsigned file when the signer cannot be built: refuse it.
    if b"/ByteRange" not in data:
        raise PdfError(SIGNING_UNAVAILABLE)
    return data


def check_signing(signing: Signing) -> None:
    """Load the PKCS#12 once before rendering, so that a bad setting fails early and clearly."""
    if not signing.password or not Path(signing.p12_path).is_file():
        raise PdfError(SIGNING_UNAVAILABLE)
    try:
        from pyhanko.sign import signers
    except ImportError as exc:
        raise PdfError(SIGNING_UNAVAILABLE) from exc
    logger = logging.getLogger("pyhanko")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # a wrong password is reported by us, in French
    try:
        signer = signers.SimpleSigner.load_pkcs12(
            pfx_file=signing.p12_path, passphrase=signing.password.encode("utf-8")
        )
    except Exception as exc:  # unreadable file
        raise PdfError(SIGNING_UNAVAILABLE) from exc
    finally:
        logger.setLevel(level)
    if signer is None:
        raise PdfError(SIGNING_UNAVAILABLE)


def seal(
    convention: Any,
    snapshot: dict[str, Any],
    verify_url: str = "/verifier",
    signing: Signing | None = None,
) -> tuple[StoredFile, str]:
    """Render, store and fingerprint the protected final version of ``convention``."""
    data = render_sealed(convention.pk, snapshot, verify_url, signing)
    digest = hashlib.sha256(data).hexdigest()
    pole = (snapshot.get("pole") or {}).get("number")
    stored = StoredFile.store(
        file_name(snapshot.get("kind", ""), pole, convention.pk, "scellee"),
        PDF_CONTENT_TYPE,
        data,
        snapshot.get("approved_by"),
    )
    return stored, digest
