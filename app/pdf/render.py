"""HTML → PDF with xhtml2pdf, locked down: no network, no disk outside our assets, a time limit.

The templates (``app/templates/pdf/``) go through a Jinja2 environment of our own with
autoescaping on, so that the rules, the CLI and the seed can render without Flask. Whatever a
user typed reaches xhtml2pdf as escaped text; even so the renderer runs under a
``ResourceAccessPolicy`` that refuses every remote fetch and every local read outside the
asset folder and reportlab's own fonts, and a ``link_callback`` that rewrites every other URL
to a file that does not exist (the policy is the gate, the callback a second one).

The fonts are reportlab's Bitstream Vera: they ship with reportlab (no system package needed)
and, unlike the PDF standard Helvetica, carry « œ », « ’ », « € » and the dashes.

xhtml2pdf and reportlab themselves are imported at the first render (``app.pdf.engine``):
this module, the templates and the messages load without them.
"""

import importlib.util
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app import formatting
from app.rules.errors import RuleViolation

if TYPE_CHECKING:
    from xhtml2pdf.config.resources import ResourceAccessPolicy

APP_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = APP_DIR / "templates" / "pdf"
ASSETS = APP_DIR / "static" / "pdf"


def _reportlab_dir() -> Path:
    """reportlab's package folder, found without importing it (see ``app.pdf.engine``)."""
    spec = importlib.util.find_spec("reportlab")
    if spec is None or spec.origin is None:
        raise ImportError("reportlab is required to render PDFs")
    return Path(spec.origin).resolve().parent


FONT_DIR = _reportlab_dir() / "fonts"
FONTS = {
    "regular": FONT_DIR / "Vera.ttf",
    "bold": FONT_DIR / "VeraBd.ttf",
    "italic": FONT_DIR / "VeraIt.ttf",
    "bold_italic": FONT_DIR / "VeraBI.ttf",
}
# Where a refused URL is sent: inside the asset folder, and never there.
REFUSED = ASSETS / "refused-resource"

RENDER_SECONDS = 30.0
MAX_HTML_BYTES = 3 * 1024 * 1024

NBSP = "\u00a0"
# Narrow and thin spaces, non-breaking hyphen: not in the Vera fonts.
SPACE_FIXES = str.maketrans({"\u202f": NBSP, "\u2009": " ", "\u200a": " ", "\u2011": "-"})
_BEFORE_PUNCT = re.compile(r"[ \u00a0]+([:;!?»])")
_AFTER_GUILLEMET = re.compile(r"«[ \u00a0]+")


ERROR_MESSAGE = (
    "Le document PDF n'a pas pu être produit. Réessayez dans quelques instants ; si le "
    "problème persiste, contactez le support e-Pôles."
)
TIMEOUT_MESSAGE = (
    "La production du document PDF a pris trop de temps et a été interrompue. Réessayez dans "
    "quelques instants ; si le problème persiste, contactez le support e-Pôles."
)
TOO_LARGE_MESSAGE = "Le document est trop volumineux pour être produit en PDF."

log = logging.getLogger(__name__)


class PdfError(RuleViolation):
    """A PDF could not be produced; the message (French) says so without technical detail."""


# -- text helpers (dates and numbers come from app.formatting) ------------------------------


def french_spacing(text: str) -> str:
    """No line break before « : ; ! ? » » nor after « «; spaces the fonts lack made plain."""
    text = text.translate(SPACE_FIXES)
    text = _BEFORE_PUNCT.sub(NBSP + r"\1", text)
    return _AFTER_GUILLEMET.sub("«" + NBSP, text)


def paragraphs(text: Any) -> Markup:
    """Plain text typed by a user as escaped HTML paragraphs (blank line = new paragraph)."""
    text = french_spacing(str(text or ""))
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    html = []
    for block in blocks:
        if not block:
            continue
        lines = [escape(line) for line in block.split("\n")]
        html.append(Markup("<p>") + Markup("<br/>").join(lines) + Markup("</p>"))
    return Markup("\n").join(html)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(formatting.FILTERS)
    env.filters.update(
        paragraphs=paragraphs,
    )
    env.globals.update(fonts={k: str(v) for k, v in FONTS.items()})
    return env


ENV = _environment()


def render_html(template: str, **context: Any) -> str:
    """Render one of the PDF templates (autoescaped) to an HTML string."""
    return ENV.get_template(template).render(**context)


# -- resource gates ----------------------------------------------------------------------------


def _allowed_roots() -> tuple[Path, ...]:
    return (ASSETS.resolve(), FONT_DIR)


def link_callback(uri: str, rel: str | None = None) -> str:
    """Map a URL found in the document to a local path: our assets and fonts only."""
    candidate = str(uri or "")
    if "://" in candidate or candidate.startswith(("data:", "//")):
        return str(REFUSED)
    try:
        path = Path(candidate).resolve()
    except (OSError, ValueError):
        return str(REFUSED)
    if any(path == root or path.is_relative_to(root) for root in _allowed_roots()):
        return str(path)
    return str(REFUSED)


def resource_policy(seconds: float = RENDER_SECONDS) -> "ResourceAccessPolicy":
    """No network at all; local reads only under our assets and reportlab's fonts."""
    from app.pdf import engine

    return engine.resource_policy(ASSETS, FONT_DIR, seconds, MAX_HTML_BYTES)


# -- HTML → PDF --------------------------------------------------------------------------------


def html_to_pdf(
    html: str,
    *,
    title: str = "",
    subject: str = "",
    keywords: Iterable[str] = (),
    seconds: float = RENDER_SECONDS,
    signature: dict[str, Any] | None = None,
    created: datetime | None = None,
) -> bytes:
    """Render ``html`` to PDF bytes; raise ``PdfError`` (French) on any failure.

    ``created`` (UTC) is the document's creation date; without it, a fixed one.

    The time limit is xhtml2pdf's own render budget, checked between elements, fetches and
    flowables: a bound on the render, not a precise stop. The input size is capped first so
    that no single element can be unreasonably long.
    """
    if len(html.encode("utf-8")) > MAX_HTML_BYTES:
        raise PdfError(TOO_LARGE_MESSAGE)
    meta = {
        "title": title,
        "author": "e-Pôles – Fédération Wallonie-Bruxelles",
        "subject": subject,
        "keywords": ", ".join(k.replace(",", " ") for k in keywords),
    }
    from app.pdf import engine  # xhtml2pdf and reportlab: loaded at the first render

    try:
        data, errors = engine.create_pdf(
            html,
            meta=meta,
            link_callback=link_callback,
            policy=resource_policy(seconds),
            signature=signature,
            created=created,
        )
    except engine.RenderLimitError as exc:
        log.warning("PDF render stopped: %s", exc)
        raise PdfError(TIMEOUT_MESSAGE) from exc
    except PdfError:
        raise
    except Exception as exc:  # xhtml2pdf/reportlab errors of any kind: a French message
        log.exception("PDF render failed")
        raise PdfError(ERROR_MESSAGE) from exc
    if errors:
        log.error("PDF render reported %s error(s)", errors)
        raise PdfError(ERROR_MESSAGE)
    if not data.startswith(b"%PDF"):
        raise PdfError(ERROR_MESSAGE)
    return data


class PdfOptions(TypedDict, total=False):
    """The options of ``html_to_pdf`` (which holds their defaults), passed on as they are."""

    title: str
    subject: str
    keywords: Iterable[str]
    seconds: float
    signature: dict[str, Any] | None
    created: datetime | None


def render_pdf(template: str, context: dict[str, Any], **options: Unpack[PdfOptions]) -> bytes:
    """Render a PDF template with ``context`` to PDF bytes (``options``: see ``html_to_pdf``)."""
    try:
        html = render_html(template, **context)
    except Exception as exc:  # a template error must not become a server error
        log.exception("PDF template %s failed", template)
        raise PdfError(ERROR_MESSAGE) from exc
    return html_to_pdf(html, **options)
