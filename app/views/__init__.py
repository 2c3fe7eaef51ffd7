"""Blueprints of the pages. Views are thin: parse input, ask the rules, render.

Each module exposes ``bp`` and may expose ``NAV``: menu entries ``(endpoint, label, check)``
where ``check(user)`` says whether the entry is shown and ``label`` may be a function of the
user (a count of what awaits them). Menus show only what the user may use.
"""

from collections.abc import Callable
from importlib import import_module
from typing import Any

from flask import Flask, request
from flask_login import current_user

BLUEPRINT_MODULES = [
    "app.views.auth",
    "app.views.main",
    "app.views.access",
    "app.views.structure",
    "app.views.conventions",
    "app.views.pdf",
    "app.views.poles",
    "app.views.signing",
    "app.views.help",
    "app.views.legal",
    "app.views.datamgmt",
    "app.views.financing",
    "app.views.directory",
    "app.views.api",
    "app.views.account",
]

NavEntry = tuple[str, str | Callable[[Any], str], Callable[[Any], bool]]


def register_views(app: Flask) -> None:
    nav: list[NavEntry] = []
    for name in BLUEPRINT_MODULES:
        module = import_module(name)
        app.register_blueprint(module.bp)
        nav.extend(getattr(module, "NAV", []))

    @app.context_processor
    def navigation() -> dict[str, Any]:
        def nav_items() -> list[dict[str, Any]]:
            if not current_user.is_authenticated:
                return []
            items = []
            for endpoint, label, check in nav:
                if check(current_user):
                    blueprint = endpoint.split(".")[0]
                    items.append(
                        {
                            "endpoint": endpoint,
                            # A label may be counted for the user (« À signer (2) »).
                            "label": label(current_user) if callable(label) else label,
                            "active": request.blueprint == blueprint
                            or request.endpoint == endpoint,
                        }
                    )
            return items

        return {"nav_items": nav_items}
