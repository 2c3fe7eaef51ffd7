"""Optional PAdES signature of the sealed PDF with a PKCS#12 file (pyHanko), off by default."""

import datetime
import hashlib
import io

import pytest

from app.models import StoredFile
from app.pdf.verify import verify_bytes
from app.rules.errors import RuleViolation
from app.services import workflow
from tests.pdf.conftest import demo_convention, pdf_text, user

pytest.importorskip("pyhanko")
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "secret-p12"


def self_signed_p12(path, password: str = PASSWORD):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "e-Pôles test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"epoles", key, cert, None, serialization.BestAvailableEncryption(password.encode())
    )
    path.write_bytes(data)
    return cert


def test_sealed_pdf_is_signed_when_a_p12_is_configured(demo, monkeypatch, tmp_path, login_as):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    p12 = tmp_path / "seal.p12"
    cert = self_signed_p12(p12)
    monkeypatch.setitem(demo.config, "EPOLES_PDF_P12", str(p12))
    monkeypatch.setitem(demo.config, "EPOLES_PDF_P12_PASSWORD", PASSWORD)

    conv = workflow.approve(demo_convention("specific_partnership", status="signed"), user("admin"))
    data = bytes(StoredFile.objects.get(id=conv.sealed_pdf.pk).data)
    assert hashlib.sha256(data).hexdigest() == conv.sealed_pdf_sha256  # hash of the signed bytes

    pem = tmp_path / "cert.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    root = load_cert_from_pemder(str(pem))
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    status = validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[root])
    )
    assert status.intact and status.valid
    assert "Certificat de scellement" in pdf_text(data)

    assert verify_bytes(data).authentic
    assert login_as("coord1").get(f"/conventions/{conv.pk}/pdf").data == data


def test_a_wrong_p12_password_refuses_the_approval_in_french(demo, monkeypatch, tmp_path):
    p12 = tmp_path / "seal.p12"
    self_signed_p12(p12)
    monkeypatch.setitem(demo.config, "EPOLES_PDF_P12", str(p12))
    monkeypatch.setitem(demo.config, "EPOLES_PDF_P12_PASSWORD", "wrong")
    conv = demo_convention("specific_partnership", status="signed")
    with pytest.raises(RuleViolation) as caught:
        workflow.approve(conv, user("admin"))
    assert "signature électronique du PDF" in str(caught.value)
    assert demo_convention("specific_partnership").status == "signed"


def test_signing_is_off_by_default(demo):
    assert not demo.config["EPOLES_PDF_P12"]
    conv = demo_convention("ressort", status="approved")
    data = bytes(StoredFile.objects.get(id=conv.sealed_pdf.pk).data)
    assert b"/ByteRange" not in data
