"""The protected final version: sealed once from the snapshot, stable, verifiable."""

import hashlib

import pytest

from app import create_app
from app.models import Convention, Grant, OrganisingAuthority, School, StoredFile
from app.pdf import render, seal_convention
from app.pdf.verify import verify_bytes
from app.rules.errors import RuleViolation
from app.rules.snapshot import snapshot_digest
from app.services import workflow
from tests.conftest import DEMO_PASSWORD
from tests.pdf.conftest import assert_in_order, demo_convention, norm, pdf_text, user


def stored_bytes(conv: Convention) -> bytes:
    return bytes(StoredFile.objects.get(id=conv.sealed_pdf.pk).data)


def approve_specific() -> Convention:
    conv = demo_convention("specific_partnership", status="signed")
    return workflow.approve(conv, user("admin"))


def test_demo_ressort_carries_its_sealed_pdf(demo):
    conv = demo_convention("ressort", status="approved")
    assert conv.sealed_pdf is not None
    data = stored_bytes(conv)
    assert hashlib.sha256(data).hexdigest() == conv.sealed_pdf_sha256
    text = pdf_text(data)
    assert "PROJET" not in text
    needles = [conv.snapshot["title"], "Version approuvée par l'Administration"]
    for article in conv.snapshot["articles"]:
        needles.append(article["title"])
        if article["nature"] != "P" and article["body"]:
            needles.append(article["body"])
    for signature in conv.snapshot["signatures"]:
        needles += [signature["po_name"], signature["name"], signature["capacity"]]
    needles += ["Certificat de scellement", conv.snapshot_sha256, "Historique"]
    needles += ["Création du document", "Validation de la convention", "Signature"]
    needles += ["Approbation par l'Administration et scellement"]
    assert_in_order(text, needles)
    assert snapshot_digest(conv.snapshot) == conv.snapshot_sha256


def test_approval_seals_from_the_snapshot_with_metadata(demo):
    conv = approve_specific()
    assert conv.status == "approved"
    data = stored_bytes(conv)
    assert hashlib.sha256(data).hexdigest() == conv.sealed_pdf_sha256
    assert f"e-poles-convention:{conv.pk}".encode() in data
    assert conv.snapshot_sha256.encode() in data  # in the keywords and on the certificate
    text = pdf_text(data)
    retro = next(a for a in conv.snapshot["articles"] if (a["data"] or {}).get("rows"))
    assert "Tableau de rétrocession" in text
    assert retro["data"]["rows"][0]["function"] in text
    for school in conv.snapshot["parties"][1]["schools"]:
        assert norm(school["name"]) in text


def test_sealed_bytes_never_change_after_data_or_template_changes(
    demo, login_as, monkeypatch, tmp_path
):
    conv = approve_specific()
    sealed = stored_bytes(conv)
    client = login_as("coord1")
    first = client.get(f"/conventions/{conv.pk}/pdf")
    assert first.status_code == 200
    assert first.data == sealed

    # Reference data change: the seat school and PO are renamed by a data manager.
    School.objects(fase=2101).update_one(set__name="École renommée après approbation")
    OrganisingAuthority.objects(fase=1001).update_one(set__name="PO renommé")
    # Template change: a new convention template is deployed.
    changed = tmp_path / "pdf"
    changed.mkdir()
    for source in render.TEMPLATES.iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name == "convention.html":
            text = text.replace("Signatures et mise en œuvre", "SIGNATURES MODÈLE 2027")
        (changed / source.name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES", changed)
    monkeypatch.setattr(render, "ENV", render._environment())

    again = client.get(f"/conventions/{conv.pk}/pdf")
    assert again.data == sealed
    assert hashlib.sha256(again.data).hexdigest() == conv.sealed_pdf_sha256
    # The change is real: a draft rendered now uses the new template and the new names.
    draft = demo_convention("partnership", status="validated")
    draft_text = pdf_text(client.get(f"/conventions/{draft.pk}/pdf").data)
    assert "SIGNATURES MODÈLE 2027" in draft_text
    assert "École renommée après approbation" in draft_text
    assert "SIGNATURES MODÈLE 2027" not in pdf_text(sealed)


def test_verification_accepts_the_sealed_file_and_rejects_a_modified_one(demo):
    conv = demo_convention("ressort", status="approved")
    data = stored_bytes(conv)
    good = verify_bytes(data)
    assert good.authentic
    assert good.convention_id == str(conv.pk)
    assert "Document scellé authentique : Ressort, pôle territorial n° 1" in good.message

    tampered = data.replace(b"Ressort", b"Ressorx", 1)
    assert tampered != data
    bad = verify_bytes(tampered)
    assert not bad.authentic
    assert "modifié" in bad.message
    assert bad.claims_convention == str(conv.pk)

    appended = verify_bytes(data + b"\n% one more line\n")
    assert not appended.authentic

    other = verify_bytes(b"%PDF-1.4\nnot a sealed file\n%%EOF\n")
    assert not other.authentic
    assert other.message == "Ce fichier n'est pas un PDF scellé d'e-Pôles ou il a été modifié."


def test_verify_page_is_public_and_says_which_convention(demo, client):
    conv = demo_convention("ressort", status="approved")
    data = stored_bytes(conv)
    page = client.get("/verifier")
    assert page.status_code == 200
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]

    import io

    ok = client.post(
        "/verifier",
        data={"csrf_token": token, "file": (io.BytesIO(data), "ressort.pdf")},
        content_type="multipart/form-data",
    )
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200
    assert 'data-authentic="oui"' in html
    assert "Document scellé authentique : Ressort, pôle territorial n° 1" in html
    assert f"/conventions/{conv.pk}" not in html  # anonymous: no link into the application

    bad = client.post(
        "/verifier",
        data={"csrf_token": token, "file": (io.BytesIO(data[:-10] + b"0000000000"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert 'data-authentic="non"' in bad.get_data(as_text=True)

    empty = client.post("/verifier", data={"csrf_token": token}, content_type="multipart/form-data")
    assert empty.status_code == 400
    assert "Choisissez le fichier PDF à vérifier." in empty.get_data(as_text=True)


def test_verify_page_links_to_the_convention_for_a_user_who_may_see_it(demo, login_as):
    import io

    conv = demo_convention("ressort", status="approved")
    client = login_as("coord1")
    page = client.get("/verifier")
    assert "Vérifier un PDF" in page.get_data(as_text=True)  # menu entry
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    ok = client.post(
        "/verifier",
        data={"csrf_token": token, "file": (io.BytesIO(stored_bytes(conv)), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert f"/conventions/{conv.pk}" in ok.get_data(as_text=True)


def test_cli_verify_pdf(demo, tmp_path):
    conv = demo_convention("ressort", status="approved")
    good = tmp_path / "good.pdf"
    good.write_bytes(stored_bytes(conv))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(stored_bytes(conv).replace(b"Ressort", b"Ressorx", 1))
    runner = demo.test_cli_runner()
    result = runner.invoke(args=["verify-pdf", str(good)])
    assert result.exit_code == 0, result.output
    assert "Document scellé authentique" in result.output
    assert conv.sealed_pdf_sha256 in result.output
    result = runner.invoke(args=["verify-pdf", str(bad)])
    assert result.exit_code == 1
    assert "modifié" in result.output


def test_a_failed_render_refuses_the_approval_and_changes_nothing(demo, monkeypatch):
    from app.pdf import seal as seal_module
    from app.pdf.render import PdfError

    def broken(*args, **kwargs):
        raise PdfError("Le document PDF n'a pas pu être produit.")

    monkeypatch.setattr(seal_module, "sealed_pdf", broken)
    conv = demo_convention("specific_partnership", status="signed")
    files_before = StoredFile.objects.count()
    with pytest.raises(RuleViolation) as caught:
        workflow.approve(conv, user("admin"))
    assert "PDF" in str(caught.value)
    conv = Convention.objects.get(id=conv.pk)
    assert conv.status == "signed"
    assert conv.sealed_pdf is None
    assert StoredFile.objects.count() == files_before


def test_sealer_is_registered_once_whatever_the_number_of_apps(app, tmp_path):
    for index in range(2):
        create_app(
            {
                "TESTING": True,
                "MONGODB_URI": "mongomock://",
                "SECRET_KEY": "x",
                "EPOLES_DATA_DIR": str(tmp_path / f"d{index}"),
                "EPOLES_DEMO_PASSWORD": DEMO_PASSWORD,
            }
        )
    assert workflow.SEALERS.count(seal_convention) == 1


def test_the_sealed_pdf_prints_the_capacity_of_the_grant_that_signed(demo):
    # Jean Masset delegates the seat's PO and also holds, listed first, a partner-delegate
    # grant naming the same PO: the sealed PDF prints the capacity of the grant that allows
    # him to sign this partnership (the seat delegate's), not of the first grant naming it.
    conv = demo_convention("partnership", status="validated")
    assert not conv.signatures
    delegate = user("po-siege1")
    seat_po = OrganisingAuthority.objects.get(fase=1001)
    delegate.grants.insert(0, Grant(role="partner_po_delegate", pole=conv.pole, po=seat_po))
    delegate.save()
    workflow.sign(conv, user("po-part1"))
    workflow.sign(conv, delegate)
    conv = workflow.approve(conv, user("admin"))
    text = pdf_text(stored_bytes(conv))
    partner_po = OrganisingAuthority.objects.get(fase=1002)
    assert_in_order(
        text,
        [
            "Signatures et mise en œuvre",
            f"{partner_po.name} Philippe Renson Délégué PO école partenaire",
            f"{seat_po.name} Jean Masset Délégué PO école siège",
        ],
    )
    assert text.count("Délégué PO école partenaire") == 1
