"""The OpenAPI 3.1 description of ``/api/v1/`` (checked by openapi-spec-validator in tests)."""

from typing import Any

from app.rules.api import DEFAULT_LIMIT, MAX_LIMIT, RATE_LIMIT
from app.rules.states import Kind, Status


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


ERRORS = {
    "400": _error("Paramètre invalide (message en français)."),
    "401": _error("Jeton absent, inconnu ou révoqué."),
    "403": _error("Le client n'a pas la portée nécessaire."),
    "429": _error(f"Limite de requêtes dépassée ({RATE_LIMIT} par client)."),
}
PAGING = [
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "description": "Le curseur « next » de la page précédente (opaque).",
        "schema": {"type": "string"},
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": f"Éléments par page (défaut {DEFAULT_LIMIT}).",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    },
]
ID_PARAMETER = {
    "name": "convention_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{24}$"},
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _page(item: str) -> dict[str, Any]:
    return {
        "description": "Une page : les éléments et le curseur de la suivante (null à la fin).",
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["items", "next"],
                    "properties": {
                        "items": {"type": "array", "items": _ref(item)},
                        "next": {"type": ["string", "null"]},
                    },
                }
            }
        },
    }


def _list(summary: str, item: str, tag: str, extra: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "parameters": [*PAGING, *extra],
            "responses": {"200": _page(item), **ERRORS},
        }
    }


NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
PARTY = {
    "type": ["object", "null"],
    "properties": {"fase": NULLABLE_INTEGER, "name": NULLABLE_STRING},
}
# A school's or a PO's identity and address (the directory's public data).
ADDRESSED = {
    "id": {"type": "string"},
    "fase": {"type": "integer"},
    "name": {"type": "string"},
    "street": NULLABLE_STRING,
    "postal_code": NULLABLE_STRING,
    "city": NULLABLE_STRING,
}
SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
            }
        },
    },
    "Convention": {
        "type": "object",
        "required": ["id", "kind", "pole", "status", "sealed_pdf"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in Kind]},
            "kind_label": {"type": "string"},
            "title": {"type": "string"},
            "pole": {"type": "integer"},
            "school_year": NULLABLE_STRING,
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "status_label": {"type": "string"},
            "parent": {
                "type": ["string", "null"],
                "description": "Pour un avenant : la convention qu'il modifie.",
            },
            "seat_school": PARTY,
            "seat_po": PARTY,
            "schools": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "fase": NULLABLE_INTEGER,
                        "name": NULLABLE_STRING,
                        "role": {"type": "string"},
                        "role_label": {"type": "string"},
                        "po": PARTY,
                    },
                },
            },
            "signatories": {
                "type": "array",
                "description": "Nom et qualité des signataires (aucune autre donnée personnelle).",
                "items": {
                    "type": "object",
                    "properties": {
                        "po_name": NULLABLE_STRING,
                        "name": NULLABLE_STRING,
                        "capacity": NULLABLE_STRING,
                        "signed_at": NULLABLE_STRING,
                    },
                },
            },
            "dates": {
                "type": "object",
                "description": "Moments en UTC (ISO 8601, « Z ») ; « due_on » est une date.",
                "additionalProperties": NULLABLE_STRING,
            },
            "sealed_pdf": {
                "type": ["object", "null"],
                "properties": {
                    "sha256": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        },
    },
    "Pole": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "number": {"type": "integer"},
            "name": {"type": "string"},
            "zone": {"type": "integer"},
            "zone_label": NULLABLE_STRING,
            "seat_school_fase": NULLABLE_INTEGER,
            "partner_schools": {"type": "array", "items": {"type": "integer"}},
            "cooperating_schools": {"type": "array", "items": {"type": "integer"}},
            "specific_partner_schools": {"type": "array", "items": {"type": "integer"}},
            "period_start": NULLABLE_STRING,
            "period_end": NULLABLE_STRING,
        },
    },
    "School": {
        "type": "object",
        "properties": {
            **ADDRESSED,
            "po": PARTY,
            "zone": {"type": "integer"},
            "education": {"type": "string"},
            "education_label": {"type": "string"},
            "types": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "OrganisingAuthority": {"type": "object", "properties": ADDRESSED},
}


def openapi_document() -> dict[str, Any]:
    convention_filters = [
        _query("pole", "Numéro du pôle.", {"type": "integer", "minimum": 1}),
        _query("kind", "Type de convention.", {"type": "string", "enum": [k.value for k in Kind]}),
        _query("status", "Statut.", {"type": "string", "enum": [s.value for s in Status]}),
        _query("school_year", "Année scolaire, ex. 2026-2027.", {"type": "string"}),
        _query(
            "updated_since",
            "Modifiées depuis (date ou date-heure ISO 8601, UTC par défaut).",
            {"type": "string"},
        ),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "e-Pôles – API en lecture seule",
            "version": "1.0.0",
            "description": (
                "Statut des conventions des pôles territoriaux et données de référence, pour "
                "les autres systèmes du ministère. Authentification : « Authorization: Bearer "
                "<jeton> » (jeton créé par l'Administration). Pagination par curseur : suivre "
                "« next » jusqu'à null. Chaque appel est journalisé."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "tags": [{"name": "conventions"}, {"name": "référence"}, {"name": "description"}],
        "paths": {
            "/openapi.json": {
                "get": {
                    "summary": "Ce document",
                    "tags": ["description"],
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "Le document OpenAPI.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/conventions": _list(
                "Conventions (et avenants)", "Convention", "conventions", convention_filters
            ),
            "/conventions/{convention_id}": {
                "get": {
                    "summary": "Une convention",
                    "tags": ["conventions"],
                    "parameters": [ID_PARAMETER],
                    "responses": {
                        "200": {
                            "description": "La convention.",
                            "content": {"application/json": {"schema": _ref("Convention")}},
                        },
                        "404": _error("Convention inconnue."),
                        **ERRORS,
                    },
                }
            },
            "/conventions/{convention_id}/pdf": {
                "get": {
                    "summary": "Le PDF scellé d'une convention approuvée",
                    "tags": ["conventions"],
                    "parameters": [ID_PARAMETER],
                    "responses": {
                        "200": {
                            "description": (
                                "Les octets scellés (leur SHA-256 est « sealed_pdf.sha256 »)."
                            ),
                            "content": {"application/pdf": {}},
                        },
                        "404": _error("Convention inconnue ou sans PDF scellé."),
                        **ERRORS,
                    },
                }
            },
            "/poles": _list("Pôles territoriaux", "Pole", "référence", []),
            "/schools": _list(
                "Écoles (sans coordonnées de personnes)",
                "School",
                "référence",
                [_query("zone", "Zone d'enseignement.", {"type": "integer"})],
            ),
            "/pos": _list("Pouvoirs organisateurs", "OrganisingAuthority", "référence", []),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
    }
