"""``app.views.downloads``: what every saved file says of itself."""

from werkzeug.http import parse_options_header

from app.views.downloads import download, streamed_download


def test_a_download_is_named_for_any_browser_and_never_cached(app):
    with app.test_request_context("/"):
        response = download(b"%PDF-1.4", "application/pdf", "dérogation été.pdf")
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    assert options["filename"] == "dérogation été.pdf"  # from filename*, UTF-8
    assert 'filename="derogation ete.pdf"' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "ETag" not in response.headers


def test_a_download_with_an_etag_answers_304_to_a_client_that_has_it(app):
    with app.test_request_context("/", headers={"If-None-Match": '"abc"'}):
        same = download(b"%PDF-1.4", "application/pdf", "x.pdf", etag="abc")
    with app.test_request_context("/", headers={"If-None-Match": '"other"'}):
        changed = download(b"%PDF-1.4", "application/pdf", "x.pdf", etag="abc")
    assert same.status_code == 304
    assert changed.status_code == 200 and changed.headers["ETag"] == '"abc"'


def test_a_streamed_download_carries_the_same_headers(app):
    with app.test_request_context("/"):
        response = streamed_download(iter([b"a;b\n"]), "text/csv", "conventions-2026-12-02.csv")
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert (disposition, options["filename"]) == ("attachment", "conventions-2026-12-02.csv")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.response) == b"a;b\n"
