"""e-Pôles: the back office of the territorial poles (Fédération Wallonie-Bruxelles)."""

import logging
from typing import Any

from flask import Flask

from app import db
from app.config import from_environment

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides what the environment says."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(from_environment())
    if config:
        app.config.update(config)

    from app import clock

    clock.configure(app.config)
    store = db.connect(app.config["MONGODB_URI"], app.config["EPOLES_DATA_DIR"])
    app.logger.info("e-Pôles: base de données %s", store)
    app.config["EPOLES_STORE"] = store

    from app import auth, cli, formatting, headers, templating
    from app.extensions import babel, csrf, limiter, login_manager, principal
    from app.views import register_views, text_guard
    from app.views.admin import init_admin

    headers.init_headers(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=lambda: formatting.LOCALE,
        timezone_selector=lambda: formatting.TIMEZONE_NAME,
    )
    from app.views.admin import wording

    wording.install()  # Flask-Admin's French words, corrected
    limiter.init_app(app)
    principal.init_app(app)
    login_manager.init_app(app)
    auth.init_auth(app)
    templating.init_templating(app)
    register_views(app)
    # After CSRF protection: a forged request is refused as such first.
    text_guard.init_text_guard(app)
    init_admin(app)
    cli.register(app)
    from app.pdf import init_pdf

    init_pdf(app)
    return app
