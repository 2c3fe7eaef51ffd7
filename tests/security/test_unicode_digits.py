"""« ² » and « ١٢ » pass `str.isdigit()`, and `int("²")` raises: every number a user types in a
query string or a form is read as ASCII digits, so such text is refused or ignored, never a 500."""

import pytest

from tests.conftest import login

SUPERSCRIPT = "%C2%B2"  # « ² »

CASES = [
    ("support", f"/support/demandes?q={SUPERSCRIPT}"),
    ("admin", f"/selection-du-pole?q={SUPERSCRIPT}"),
    ("gestionnaire", f"/gestion/poles?q={SUPERSCRIPT}"),
    ("coord1", f"/poles/1/ajouter/cooperating?q={SUPERSCRIPT}"),
    ("coord1", f"/poles/1/ajouter/cooperating?page={SUPERSCRIPT}"),
    ("admin", f"/admin/?zone={SUPERSCRIPT}"),
    ("admin", f"/admin/schools_admin/?search={SUPERSCRIPT}"),
    ("admin", f"/admin/pos_admin/?search={SUPERSCRIPT}"),
    ("admin", f"/admin/poles_admin/?search={SUPERSCRIPT}"),
]


@pytest.mark.parametrize(("username", "url"), CASES)
def test_superscript_digits_in_a_query_are_no_error(demo, username, url):
    client = demo.test_client()
    assert login(client, username).status_code == 302
    response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code)


def test_superscript_fase_in_the_access_request_is_a_french_refusal(client):
    from tests.conftest import csrf_token

    token = csrf_token(client, "/acces/demande")
    response = client.post(
        "/acces/demande", data={"csrf_token": token, "po_fase": "²", "school_fase": "١٢"}
    )
    assert response.status_code == 400
    assert "Le numéro FASE est un nombre entier positif" in response.get_data(as_text=True)
