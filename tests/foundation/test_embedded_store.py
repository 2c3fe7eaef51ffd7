"""The embedded store (litemongo on SQLite): data survives a restart."""

import mongoengine

from app.models import OrganisingAuthority, School
from tests.conftest import make_app


def test_data_survives_restart(tmp_path):
    data_dir = tmp_path / "store"
    app = make_app(tmp_path, MONGODB_URI="", EPOLES_DATA_DIR=str(data_dir))
    assert app.config["EPOLES_STORE"].startswith("litemongo")
    with app.app_context():
        po = OrganisingAuthority(fase=42, name="Commune persistante", city="Arlon").save()
        School(fase=4242, name="École durable", po=po, zone=7, education="ordinary").save()
        OrganisingAuthority.objects(fase=42).update_one(set__city="Virton")
    mongoengine.disconnect_all()

    reopened = make_app(tmp_path, MONGODB_URI="", EPOLES_DATA_DIR=str(data_dir))
    with reopened.app_context():
        school = School.objects.get(fase=4242)
        assert school.name == "École durable"
        assert school.po.city == "Virton"
        assert (data_dir / "epoles.sqlite").exists()
    mongoengine.disconnect_all()


def test_embedded_store_serves_pages(tmp_path):
    app = make_app(tmp_path, MONGODB_URI="", EPOLES_DATA_DIR=str(tmp_path / "s"))
    client = app.test_client()
    assert client.get("/health").status_code == 200
    assert client.get("/login").status_code == 200
    mongoengine.disconnect_all()
