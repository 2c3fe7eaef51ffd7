"""The convention and school-list PDFs: content in order, French typography, safe user text."""

import pytest

from app.models import Convention
from app.pdf import documents
from app.pdf.render import PdfError, html_to_pdf
from app.services import workflow
from tests.pdf.conftest import assert_in_order, demo_convention, norm, pdf_text, user

HOSTILE = (
    "Avant <script>alert('x')</script> puis "
    '<img src="file:///etc/passwd"> et <img src="{url}"> '
    "<style>@import url({css});</style> @import url({css}); "
    '<link rel="stylesheet" href="{css}"> fin.'
)


def _divers(conv: Convention):
    return next(a for a in conv.articles if a.nature == "O")


def _write(conv: Convention, body: str) -> Convention:
    article = _divers(conv)
    workflow.save_article(conv, article.key, body, user("coord1"))
    return Convention.objects(id=conv.pk).get()


def test_draft_lists_identification_parties_articles_and_signatures_in_order(demo):
    conv = demo_convention("specific_partnership", status="signed")
    assert len(conv.articles) == 14
    text = pdf_text(documents.draft_pdf(conv))

    assert "PROJET" in text
    assert "page 1 / " in text
    needles = [conv.title, "Pôle territorial n° 1"]
    for article in sorted(conv.articles, key=lambda a: a.position):
        needles.append(article.heading)
        if article.key == "identification":
            needles += ["École d'enseignement spécialisé de Sainte-Walburge (FASE 2101)"]
            needles += ["Ville de Liège (FASE 1001)"]
        elif article.key == "1":  # the parties, as a table: PO, then each school with FASE
            for party in article.data["parties"]:
                needles += [party["po"]["name"], f"(FASE {party['po']['fase']})"]
                for school in party["schools"]:
                    needles += [str(school["fase"]), school["name"]]
        elif article.nature != "P" and article.body:
            needles.append(article.body)
    needles.append("Signatures et mise en œuvre")
    for signature in conv.signatures:
        needles += [signature.po_name, signature.name, signature.capacity]
    needles.append("Prise de connaissance par les directions")
    assert_in_order(text, needles)


def test_points_tables_are_printed(demo):
    conv = demo_convention("specific_partnership", status="signed")
    article = next(a for a in conv.articles if a.form == "retrocession")
    text = pdf_text(documents.draft_pdf(conv))
    assert "Tableau de rétrocession" in text
    for row in article.data["rows"]:
        assert row["function"] in text
    total = f"{article.data['total']:,.2f}".replace(",", " ").replace(".", ",")
    assert f"Total des points rétrocédés {total}" in text


def test_french_typography_survives(demo):
    conv = demo_convention("cooperation", status="list_validated")
    phrase = "L’œuvre « commune » de l’Œuvre – été, à, ç, ê, ï, ù, € et … fin."
    conv = _write(conv, phrase)
    text = pdf_text(documents.draft_pdf(conv))
    # The renderer keeps « » together with their words (no-break spaces): compare collapsed.
    assert norm(phrase) in text
    for char in "’œŒ«»–€…éàç":
        assert char in text


def test_user_markup_is_literal_text_and_fetches_nothing(demo, counting_server):
    conv = demo_convention("cooperation", status="list_validated")
    body = HOSTILE.format(url=counting_server.url("/img"), css=counting_server.url("/css"))
    conv = _write(conv, body)
    text = pdf_text(documents.draft_pdf(conv))
    assert "<script>alert('x')</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert f'<img src="{counting_server.url("/img")}">' in text
    assert f"@import url({counting_server.url('/css')});" in text
    assert "root:" not in text
    assert counting_server.hits == []


def test_raw_html_cannot_fetch_either(counting_server, tmp_path):
    """Defence in depth: even unescaped markup reaches neither the network nor the disk."""
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red; }")
    html = f"""<html><head>
    <link rel="stylesheet" href="{counting_server.url("/link.css")}">
    <style>@import url({counting_server.url("/import.css")});
    @import url({secret});
    body {{ background-image: url({counting_server.url("/bg.png")}); }}
    @font-face {{ font-family: x; src: url({counting_server.url("/font.ttf")}); }}
    </style></head><body>
    <img src="{counting_server.url("/img.png")}">
    <img src="file:///etc/passwd"><img src="/etc/passwd"><img src="../../etc/passwd">
    <pdf:barcode value="x"/><p>Texte</p></body></html>"""
    data = html_to_pdf(html)
    assert data.startswith(b"%PDF")
    assert counting_server.hits == []
    assert "Texte" in pdf_text(data)


def test_render_time_limit_is_a_french_error():
    html = "<html><body>" + "<p>Ligne de texte assez longue pour compter.</p>" * 3000
    with pytest.raises(PdfError) as caught:
        html_to_pdf(html + "</body></html>", seconds=0.05)
    assert "trop de temps" in str(caught.value)


def test_oversized_input_is_refused():
    with pytest.raises(PdfError) as caught:
        html_to_pdf("<p>" + "x" * (4 * 1024 * 1024) + "</p>")
    assert "trop volumineux" in str(caught.value)


def test_renders_are_byte_identical(demo):
    conv = demo_convention("partnership", status="validated")
    assert documents.draft_pdf(conv) == documents.draft_pdf(conv)


def test_school_list_shows_seat_schools_and_their_pos(demo):
    conv = demo_convention("partnership", status="validated")
    text = pdf_text(documents.school_list_pdf(conv))
    assert_in_order(
        text,
        ["Écoles partenaires", "École siège", "(FASE 2101)", "Ville de Liège (FASE 1001)"],
    )
    for entry in conv.schools:
        assert str(entry.fase) in text
        assert norm(entry.name)[:30] in text
        assert entry.po_name in text
    assert "Liste validée le" in text
