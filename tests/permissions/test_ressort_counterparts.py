"""The ressort's cooperating school (2111, of the seat's PO 1001) and its demo accounts:
dir-ress1 acknowledges the approved ressort end to end; a cooperating-delegate grant of the
seat's PO may sign a ressort (and only a ressort)."""

from app.models import AuditEvent, Convention, School
from app.rules.states import Status
from tests.conftest import csrf_token, login
from tests.permissions.conftest import pole1_conventions


def _client(demo, username):
    client = demo.test_client()
    assert login(client, username).status_code == 302
    return client


def test_the_ressort_cooperating_director_acknowledges_it_end_to_end(demo):
    ressort = pole1_conventions()["ressort"]
    assert ressort.status == Status.APPROVED
    client = _client(demo, "dir-ress1")
    page = client.get(f"/conventions/{ressort.pk}")
    assert page.status_code == 200
    html = client.get("/a-prendre-connaissance").get_data(as_text=True)
    assert f'data-convention="{ressort.pk}"' in html
    assert f"/conventions/{ressort.pk}/pdf" in html
    token = csrf_token(client, "/a-prendre-connaissance")
    response = client.post(
        f"/a-prendre-connaissance/{ressort.pk}", data={"csrf_token": token, "confirm": "oui"}
    )
    assert response.status_code == 302
    conv = Convention.objects.get(id=ressort.pk)
    (ack,) = conv.acknowledgments
    school = School.objects.get(fase=2111)
    assert (ack.username, ack.school.pk) == ("dir-ress1", school.pk)
    assert ack.capacity == "Direction école coopérante" and ack.school_name == school.name
    event = AuditEvent.objects(action="convention.acknowledge", outcome="ok").get()
    assert event.actor == "dir-ress1" and event.details["school"] == str(school.pk)
    assert conv.status == Status.APPROVED  # the seat's and 2112's directors remain
    html = client.get("/a-prendre-connaissance").get_data(as_text=True)
    assert 'data-testid="nothing-to-acknowledge"' in html
    # Once is enough: a second attempt is refused in French, nothing is added.
    client.post(
        f"/a-prendre-connaissance/{ressort.pk}", data={"csrf_token": token, "confirm": "oui"}
    )
    assert len(Convention.objects.get(id=ressort.pk).acknowledgments) == 1


def test_the_ressort_counterparts_see_it_but_not_the_other_pos_cooperation(demo):
    convs = pole1_conventions()
    for username in ("dir-ress1", "po-ress1"):
        client = _client(demo, username)
        assert client.get(f"/conventions/{convs['ressort'].pk}").status_code == 200
        assert client.get(f"/conventions/{convs['coop1003'].pk}").status_code == 404
        assert client.get(f"/conventions/{convs['partnership'].pk}").status_code == 200
