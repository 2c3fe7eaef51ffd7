"""The PDFs of e-Pôles: conventions (draft and sealed), school lists, verification.

The rendering core (``render``, ``documents``, ``seal``, ``verify``) imports no Flask, so that
the rules, the CLI and the seed can use it. ``init_pdf(app)`` is the glue with the
application: it registers the sealer that ``workflow.approve`` calls, and the
``flask verify-pdf FILE`` command.

Optional cryptographic signature (off by default): set ``EPOLES_PDF_P12`` to a PKCS#12 file
(certificate and private key, e.g. ``openssl pkcs12 -export -inkey key.pem -in cert.pem -out
seal.p12``) and ``EPOLES_PDF_P12_PASSWORD`` to its password (required). Each sealed PDF is then
signed at approval (PAdES, through xhtml2pdf's pyHanko support); the SHA-256 stored and
checked by the verification is that of the signed file. A file that cannot be read or a wrong
password refuses the approval with a French message rather than sealing an unsigned file.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from app.models import StoredFile

__all__ = ["init_pdf", "seal_convention"]

VERIFY_PATH = "/verifier"


def _settings() -> dict[str, Any]:
    """The PDF settings of the running app, or of the environment outside one."""
    from flask import current_app, has_app_context

    if has_app_context():
        return dict(current_app.config)
    from app.config import from_environment

    return from_environment()


def seal_convention(convention: Any, snapshot: dict[str, Any]) -> "tuple[StoredFile, str]":
    """The sealer ``workflow.approve`` calls: render, (sign,) store, fingerprint."""
    from app import links
    from app.pdf.seal import seal, signing_from
    from app.rules.errors import RuleViolation

    config = _settings()
    base = links.base_url(config)
    if base is None:
        raise RuleViolation(links.MISSING_MESSAGE)
    signing = signing_from(config.get("EPOLES_PDF_P12"), config.get("EPOLES_PDF_P12_PASSWORD"))
    return seal(convention, snapshot, verify_url=f"{base}{VERIFY_PATH}", signing=signing)


def init_pdf(app: "Flask") -> None:
    """Register the sealer (once per process, whatever the number of apps) and the CLI."""
    from app.pdf.cli import verify_pdf_command
    from app.services import workflow

    if seal_convention not in workflow.SEALERS:
        workflow.SEALERS.append(seal_convention)
    app.cli.add_command(verify_pdf_command)
