"""The read-only JSON API for other ministry systems: ``/api/v1/``.

- Authentication by ``Authorization: Bearer <token>`` only: a session cookie opens nothing
  here (the request's session is emptied before anything reads it), and no cookie is set.
  No CSRF (nothing here writes, and no browser credential is used).
- Every answer is JSON; errors are ``{"error": {"status": n, "message": "…"}}`` in French;
  401 without a valid token, 403 outside the client's scopes, 404 for an unknown object or
  route, 429 beyond the rate limit — never a 500 for bad input.
- Collections answer ``{"items": [...], "next": <cursor or null>}``: keyset pagination on
  the ids (the ``_id`` index; each filter has its own index), with an opaque cursor.
- Each call is audited; answers carry an ETag (``If-None-Match`` gives 304).
"""

from collections.abc import Callable
from typing import Any

from bson import ObjectId
from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask.globals import request_ctx
from mongoengine import QuerySet
from werkzeug.exceptions import HTTPException

from app.extensions import csrf, limiter
from app.models import Convention, OrganisingAuthority, Pole, School
from app.models.base import as_loaded
from app.rules import api as rules
from app.rules.api import ApiError
from app.rules.numbers import is_digits
from app.rules.reference import EDUCATION_LABELS, ZONES
from app.rules.refs import as_id, ref_id
from app.rules.states import APPROVED_STATUSES, SCHOOL_ROLE_LABELS
from app.services import api_clients
from app.services.exports import sealed_bytes
from app.views.api_openapi import openapi_document
from app.views.downloads import download

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise : en-tête « Authorization: Bearer <jeton> » valide.",
    403: "Ce client de l'API n'a pas accès à cette ressource.",
    404: "Ressource introuvable.",
    405: "Méthode non autorisée : l'API est en lecture seule (GET).",
    429: "Trop de requêtes : réessayez dans une minute.",
    500: "Erreur interne.",
}


def _client_key() -> str:
    """Rate limits count per token (per address without one)."""
    token = rules.bearer_token(request.headers.get("Authorization"))
    return "api:" + (rules.token_digest(token)[:16] if token else request.remote_addr or "-")


limiter.limit(rules.RATE_LIMIT, key_func=_client_key)(bp)


def error(status: int, message: str | None = None) -> Any:
    response = jsonify({"error": {"status": status, "message": message or MESSAGES[status]}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="e-Poles"'
    return response


@bp.before_request
def _no_cookies() -> Any:
    """Forget the browser's session (a cookie opens nothing here), then find the client."""
    # A null session is never saved: no Set-Cookie, and nothing read from the cookie. (Flask
    # opens the session when the request starts; its context keeps it in ``_session``.)
    request_ctx._session = current_app.session_interface.make_null_session(current_app)
    g._login_user = current_app.login_manager.anonymous_user()
    g.api_client = None
    if request.endpoint == "api.openapi":
        return None
    client = api_clients.authenticate(rules.bearer_token(request.headers.get("Authorization")))
    if client is None:
        return error(401)
    g.api_client = client
    return None


@bp.after_request
def _audit(response: Any) -> Any:
    response.headers.pop("Set-Cookie", None)
    response.headers["Cache-Control"] = "private, no-cache"
    if request.endpoint != "api.openapi":
        api_clients.record_call(
            g.get("api_client"), request.path, response.status_code, dict(request.args)
        )
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Any:
    return error(exc.status, str(exc))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    return error(status if status in MESSAGES else 400)


def _needs(resource: str) -> None:
    client = g.api_client
    if not rules.may_read(list(client.scopes or []), resource):
        raise ApiError(403, MESSAGES[403])


def _json(payload: dict[str, Any]) -> Any:
    response = jsonify(payload)
    response.add_etag()
    return response.make_conditional(request)


def _page(query: QuerySet, render: Callable[[list[Any]], list[dict[str, Any]]]) -> Any:
    """One page of ``query`` after the cursor, in id order, and the cursor of the next."""
    after = rules.decode_cursor(request.args.get("cursor"))
    limit = rules.page_size(request.args.get("limit"))
    if after is not None:
        query = query.filter(id__gt=ObjectId(after))
    docs = list(as_loaded(query.order_by("id").limit(limit + 1)))
    more = len(docs) > limit
    docs = docs[:limit]
    following = rules.encode_cursor(str(docs[-1].pk)) if more and docs else None
    return _json({"items": render(docs), "next": following})


def _object_id(raw: str) -> ObjectId:
    if not ObjectId.is_valid(raw):
        raise ApiError(404, MESSAGES[404])
    return ObjectId(raw)


# --- documents ----------------------------------------------------------------------------


@bp.route("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3 description of this API (public: it holds no data)."""
    return _json(openapi_document())


@bp.route("/conventions")
def conventions() -> Any:
    _needs("conventions")
    wanted = rules.convention_query(request.args.to_dict())
    query = _conventions()
    if wanted.pole is not None:
        query = query.filter(pole_number=wanted.pole)
    if wanted.kind is not None:
        query = query.filter(kind=wanted.kind)
    if wanted.status is not None:
        query = query.filter(status=wanted.status)
    if wanted.school_year is not None:
        query = query.filter(school_year=wanted.school_year)
    if wanted.updated_since is not None:
        query = query.filter(updated_at__gte=wanted.updated_since)
    return _page(query, _convention_items)


@bp.route("/conventions/<convention_id>")
def convention(convention_id: str) -> Any:
    _needs("conventions")
    conv = _first(_conventions().filter(id=_object_id(convention_id)))
    if conv is None:
        raise ApiError(404, "Cette convention n'existe pas.")
    return _json(_convention_items([conv])[0])


@bp.route("/conventions/<convention_id>/pdf")
def convention_pdf(convention_id: str) -> Any:
    """The sealed PDF, exactly the bytes whose SHA-256 the convention gives."""
    _needs("conventions")
    conv = _first(_conventions().filter(id=_object_id(convention_id)))
    if conv is None or conv.status not in APPROVED_STATUSES:
        raise ApiError(404, "Cette convention n'a pas de PDF scellé.")
    data = sealed_bytes(conv)
    if data is None:
        raise ApiError(404, "Le PDF scellé de cette convention est introuvable.")
    return download(
        data, "application/pdf", f"convention-{conv.pk}.pdf", etag=conv.sealed_pdf_sha256 or None
    )


def _conventions() -> QuerySet:
    # What an API client may see: every convention, read-only (the Administration's view of
    # the campaign), without the embedded articles and the acknowledgments. Read as loaded
    # (``_page``, ``_first``): their lists' references are named from the stored entries.
    return Convention.objects.exclude("articles", "snapshot", "acknowledgments")


def _first(query: QuerySet) -> Any:
    """The first document of ``query`` as loaded (``models.base.as_loaded``), or None."""
    return next(as_loaded(query.limit(1)), None)


def _convention_items(convs: list[Convention]) -> list[dict[str, Any]]:
    schools = _by_id(School, {ref_id(c, "seat_school") for c in convs}, "fase", "name")
    pos = _by_id(OrganisingAuthority, {ref_id(c, "seat_po") for c in convs}, "fase", "name")
    items = []
    for conv in convs:
        seat = schools.get(ref_id(conv, "seat_school"))
        seat_po = pos.get(ref_id(conv, "seat_po"))
        sealed = conv.status in APPROVED_STATUSES and bool(conv.sealed_pdf_sha256)
        items.append(
            {
                "id": str(conv.pk),
                "kind": conv.kind,
                "kind_label": conv.kind_label,
                "title": conv.title,
                "pole": conv.pole_number,
                "school_year": conv.school_year,
                "status": conv.status,
                "status_label": conv.status_label,
                "parent": str(ref_id(conv, "parent")) if _get(conv, "parent") else None,
                "seat_school": _party(seat),
                "seat_po": _party(seat_po),
                "schools": [
                    {
                        "fase": e.fase,
                        "name": e.name,
                        "role": e.role,
                        "role_label": SCHOOL_ROLE_LABELS.get(e.role, e.role),
                        "po": {"fase": e.po_fase, "name": e.po_name},
                    }
                    for e in conv.schools
                ],
                "signatories": [
                    {
                        "po_name": s.po_name,
                        "name": s.name,
                        "capacity": s.capacity,
                        "signed_at": rules.iso(s.signed_at),
                    }
                    for s in conv.signatures
                ],
                "dates": {
                    name: rules.iso(_get(conv, name))
                    for name in (
                        "created_at",
                        "updated_at",
                        "list_validated_at",
                        "validated_at",
                        "signed_at",
                        "approved_at",
                        "acknowledged_at",
                        "due_on",
                    )
                },
                "sealed_pdf": {
                    "sha256": conv.sealed_pdf_sha256,
                    "url": url_for(
                        "api.convention_pdf", convention_id=str(conv.pk), _external=True
                    ),
                }
                if sealed
                else None,
            }
        )
    return items


def _get(doc: Any, name: str) -> Any:
    return doc._data.get(name) if name in doc._fields else None


def _party(doc: Any) -> dict[str, Any] | None:
    return {"fase": doc.fase, "name": doc.name} if doc is not None else None


def _by_id(model: Any, ids: set[Any], *fields: str) -> dict[Any, Any]:
    ids = {i for i in ids if i is not None}
    return {d.pk: d for d in model.objects(pk__in=list(ids)).only(*fields)} if ids else {}


# --- reference data -----------------------------------------------------------------------


@bp.route("/poles")
def poles() -> Any:
    _needs("poles")
    query = Pole.objects.exclude("coordinators")
    return _page(query, _pole_items)


POLE_LISTS = ("partner_schools", "cooperating_schools", "specific_partner_schools")


def _pole_items(poles: list[Pole]) -> list[dict[str, Any]]:
    ids: set[Any] = set()
    for pole in poles:
        ids.add(ref_id(pole, "seat_school"))
        for field in POLE_LISTS:
            ids.update(as_id(s) for s in pole._data.get(field) or [])
    fase = {pk: s.fase for pk, s in _by_id(School, ids, "fase").items()}

    def fases(pole: Pole, field: str) -> list[int]:
        refs = [as_id(s) for s in pole._data.get(field) or []]
        return sorted(fase[r] for r in refs if r in fase)

    return [
        {
            "id": str(p.pk),
            "number": p.number,
            "name": p.name,
            "zone": p.zone,
            "zone_label": ZONES.get(p.zone),
            "seat_school_fase": fase.get(ref_id(p, "seat_school")),
            "partner_schools": fases(p, "partner_schools"),
            "cooperating_schools": fases(p, "cooperating_schools"),
            "specific_partner_schools": fases(p, "specific_partner_schools"),
            "period_start": rules.iso(p.period_start),
            "period_end": rules.iso(p.period_end),
        }
        for p in poles
    ]


@bp.route("/schools")
def schools() -> Any:
    _needs("schools")
    query = School.objects.exclude("director_name", "email", "phone")
    raw_zone = request.args.get("zone")
    if raw_zone:
        if not is_digits(raw_zone) or int(raw_zone) not in ZONES:
            raise ApiError(400, "« zone » est un numéro de zone (1 à 10).")
        query = query.filter(zone=int(raw_zone))
    return _page(query, _school_items)


def _school_items(schools: list[School]) -> list[dict[str, Any]]:
    pos = _by_id(OrganisingAuthority, {ref_id(s, "po") for s in schools}, "fase", "name")
    return [
        {
            "id": str(s.pk),
            "fase": s.fase,
            "name": s.name,
            "street": s.street,
            "postal_code": s.postal_code,
            "city": s.city,
            "po": _party(pos.get(ref_id(s, "po"))),
            "zone": s.zone,
            "education": s.education,
            "education_label": EDUCATION_LABELS.get(s.education, s.education),
            "types": list(s.types or []),
        }
        for s in schools
    ]


@bp.route("/pos")
def organising_authorities() -> Any:
    _needs("pos")
    return _page(OrganisingAuthority.objects, _po_items)


def _po_items(pos: list[OrganisingAuthority]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(p.pk),
            "fase": p.fase,
            "name": p.name,
            "street": p.street,
            "postal_code": p.postal_code,
            "city": p.city,
        }
        for p in pos
    ]


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def _api_routing_error(exc: HTTPException) -> Any:
    """An unknown address or a method other than GET under ``/api/`` answers JSON too; every
    other page keeps the application's HTML error page."""
    if request.path.startswith(bp.url_prefix or "/api/v1"):
        status = exc.code or 404
        if status == 404:
            return error(404, "Cette adresse de l'API n'existe pas (voir /api/v1/openapi.json).")
        return error(status)
    from app.templating import render_error

    return render_error(exc.code or 404)
