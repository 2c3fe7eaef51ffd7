"""The application factory, configuration and health check."""

from app import create_app
from tests.conftest import make_app


def test_two_apps_can_coexist(tmp_path):
    # A module-level Admin would break the second app (Flask-Admin issue #910).
    first = make_app(tmp_path)
    second = make_app(tmp_path)
    assert first is not second
    assert "admin" in first.blueprints and "admin" in second.blueprints


def test_config_override_wins(tmp_path):
    app = make_app(tmp_path, EPOLES_PASSWORD_MIN_LENGTH=14)
    assert app.config["EPOLES_PASSWORD_MIN_LENGTH"] == 14
    assert app.config["TESTING"] is True


def test_environment_drives_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("MONGODB_URI", "mongomock://")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("EPOLES_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EPOLES_PASSWORD_MIN_LENGTH", "12")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["EPOLES_PASSWORD_MIN_LENGTH"] == 12
    assert app.config["EPOLES_STORE"].startswith("mongomock")
    # Local demo mode (no real MongoDB): cookies are not marked Secure.
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_production_requires_secret_key(monkeypatch, tmp_path):
    import pytest

    from app.config import from_environment

    monkeypatch.setenv("MONGODB_URI", "mongodb://db.example:27017/epoles")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("EPOLES_DATA_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        from_environment()


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    from app.config import from_environment

    monkeypatch.setenv("MONGODB_URI", "mongodb://db.example:27017/epoles")
    monkeypatch.setenv("SECRET_KEY", "s")
    config = from_environment()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_local_secret_key_survives_restart(monkeypatch, tmp_path):
    from app.config import from_environment

    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("EPOLES_DATA_DIR", str(tmp_path))
    assert from_environment()["SECRET_KEY"] == from_environment()["SECRET_KEY"]


def test_health_answers_when_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_reports_unavailable_database(client, monkeypatch):
    from app import db

    def broken() -> bool:
        raise ConnectionError("down")

    monkeypatch.setattr(db, "ping", broken)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json["status"] == "error"


def test_health_reports_database_not_ok(client, monkeypatch):
    from app import db

    monkeypatch.setattr(db, "ping", lambda: False)
    assert client.get("/health").status_code == 503


def test_unknown_page_is_french_404(client):
    response = client.get("/nexiste-pas")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_the_favicon_is_served_and_named_by_every_layout(demo, client, login_as):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"  # ICO
        assert "max-age" in response.headers["Cache-Control"]
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200
    assert 'rel="icon"' in client.get("/login").get_data(as_text=True)
    admin = login_as("admin")
    assert 'rel="icon"' in admin.get("/admin/conventions_admin/").get_data(as_text=True)
