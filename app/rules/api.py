"""Decisions of the read-only JSON API on plain values: tokens, scopes, cursors, query filters.

An API client is another ministry system. It reads what an Administration reader would see
of the conventions (their kind, pole, parties, status, dates, sealed PDF) and the reference
data, never a person's contact details: the only names it gets are the signatories' names
and capacities, as printed on the sealed convention.
"""

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits
from app.rules.states import Kind, Status
from app.rules.text import control_problem

TOKEN_PREFIX = "epa_"
SCOPES: dict[str, str] = {
    "conventions": "Conventions (statut, parties, PDF scellé)",
    "reference": "Données de référence (pôles, écoles, pouvoirs organisateurs)",
}
# Which scope each collection needs.
RESOURCE_SCOPES: dict[str, str] = {
    "conventions": "conventions",
    "poles": "reference",
    "schools": "reference",
    "pos": "reference",
}
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
RATE_LIMIT = "120 per minute"
_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


class ApiError(RuleViolation):
    """A refusal of the API: its HTTP status and a French message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def new_token() -> str:
    """A fresh bearer token: 256 random bits, recognisable by its prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored instead of the token: its SHA-256 (the token is random, so a fast hash
    cannot be searched backwards)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, None when absent or malformed."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200 or " " in token:
        return None
    return token


def clean_scopes(scopes: list[str] | tuple[str, ...] | None) -> list[str]:
    """The known scopes among ``scopes``, in their order; all of them when none is given."""
    if not scopes:
        return list(SCOPES)
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise RuleViolation(f"Portée inconnue : {', '.join(unknown)}.")
    return [s for s in SCOPES if s in set(scopes)]


def clean_name(name: str | None) -> str:
    problem = control_problem(name or "", "Le nom du client de l'API")
    if problem:
        raise RuleViolation(problem)
    text = " ".join((name or "").split())
    if not text:
        raise RuleViolation("Donnez un nom au client de l'API (le système qui l'utilise).")
    if len(text) > 100:
        raise RuleViolation("Le nom du client de l'API ne dépasse pas 100 caractères.")
    return text


def may_read(scopes: list[str], resource: str) -> bool:
    return RESOURCE_SCOPES.get(resource, "") in set(scopes or [])


# --- cursors ------------------------------------------------------------------------------


def encode_cursor(last_id: str) -> str:
    """An opaque cursor: the last item's id (24 hex digits), base64url without padding."""
    return base64.urlsafe_b64encode(bytes.fromhex(last_id)).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    """The id a cursor stands for; None for the first page; ``ApiError`` 400 when forged."""
    if cursor is None or cursor == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ApiError(400, "Le curseur de pagination n'est pas valide.") from exc
    if len(raw) != 12 or len(cursor) > 20:
        raise ApiError(400, "Le curseur de pagination n'est pas valide.")
    return raw.hex()


def page_size(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not is_digits(raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, f"« limit » est un nombre entier de 1 à {MAX_LIMIT}.")
    return int(raw)


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConventionQuery:
    """The filters of ``/api/v1/conventions`` (all optional)."""

    pole: int | None = None
    kind: str | None = None
    status: str | None = None
    school_year: str | None = None
    updated_since: datetime | None = None  # naive UTC, as stored


def _integer(raw: str, name: str) -> int:
    if not is_digits(raw) or len(raw) > 6:
        raise ApiError(400, f"« {name} » est un nombre entier positif.")
    return int(raw)


def parse_moment(raw: str) -> datetime:
    """An ISO 8601 date or date-time; a time without zone is UTC; result naive UTC."""
    text = raw.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApiError(
            400, "« updated_since » est une date ISO 8601 (2026-12-01 ou 2026-12-01T08:00:00Z)."
        ) from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def convention_query(args: dict[str, str]) -> ConventionQuery:
    """The filters of a conventions request, checked; unknown values are refused in French."""
    kind = args.get("kind") or None
    if kind is not None and kind not in {k.value for k in Kind}:
        raise ApiError(400, "« kind » vaut " + ", ".join(k.value for k in Kind) + ".")
    status = args.get("status") or None
    if status is not None and status not in {s.value for s in Status}:
        raise ApiError(400, "« status » vaut " + ", ".join(s.value for s in Status) + ".")
    year = args.get("school_year") or None
    if year is not None:
        found = _SCHOOL_YEAR.match(year)
        if not found or int(found.group(2)) != int(found.group(1)) + 1:
            raise ApiError(400, "« school_year » s'écrit comme 2026-2027.")
    pole = args.get("pole") or None
    since = args.get("updated_since") or None
    return ConventionQuery(
        pole=_integer(pole, "pole") if pole is not None else None,
        kind=kind,
        status=status,
        school_year=year,
        updated_since=parse_moment(since) if since is not None else None,
    )


def iso(value: Any) -> str | None:
    """A stored time (naive UTC) as ISO 8601 with « Z »; a calendar date as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
