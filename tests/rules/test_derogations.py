"""Derogations: needed outside the seat's zone, PDF/JPEG/PNG by content, 10 MB at most."""

import pytest

from app.models import Convention, StoredFile
from app.models.stored_file import MAX_FILE_BYTES
from app.rules.derogations import check_file
from app.rules.errors import InvalidState, NotFound, PermissionDenied, RuleViolation
from app.rules.states import Status
from app.services import workflow
from seed.stages import minimal_pdf
from tests.rules.conftest import PDF_BYTES

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture
def coop_2115(pole1, school, user):
    return workflow.add_school(pole1, school(2115), "cooperating", user("coord1"))


def test_missing_derogation_blocks_the_list(coop_2115, user):
    with pytest.raises(RuleViolation, match=r"Collège Saint-Lambert.*\(FASE 2115\)"):
        workflow.validate_school_list(coop_2115, user("coord1"))
    assert Convention.objects.get(id=coop_2115.pk).status == Status.DRAFT


def test_pdf_derogation_is_stored_and_unblocks(coop_2115, school, user):
    coord = user("coord1")
    workflow.attach_derogation(coop_2115, school(2115), "dérogation zone.pdf", PDF_BYTES, coord)
    entry = coop_2115.school_entry(school(2115).pk)
    assert entry.derogation.content_type == "application/pdf"
    assert entry.derogation.size == len(PDF_BYTES)
    stored = workflow.derogation_file(coop_2115, school(2115).pk, coord)
    assert bytes(stored.data) == PDF_BYTES and stored.content_type == "application/pdf"
    workflow.validate_school_list(coop_2115, coord)
    assert coop_2115.status == Status.LIST_VALIDATED
    # once the list is validated, no new file
    with pytest.raises(InvalidState, match="validée"):
        workflow.attach_derogation(coop_2115, school(2115), "autre.pdf", PDF_BYTES, coord)


@pytest.mark.parametrize(
    ("name", "data", "content_type", "stored_name"),
    [
        ("scan.png", PNG_BYTES, "image/png", "scan.png"),
        ("photo.JPEG", JPEG_BYTES, "image/jpeg", "photo.JPEG"),
        # the name lies: the content decides, and the name gets the right extension
        ("derogation.pdf", PNG_BYTES, "image/png", "derogation.png"),
        ("../../etc/passwd", PDF_BYTES, "application/pdf", "passwd.pdf"),
    ],
)
def test_type_is_read_from_the_content(name, data, content_type, stored_name):
    checked = check_file(name, data)
    assert (checked.content_type, checked.filename) == (content_type, stored_name)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"<html><script>alert(1)</script></html>", "PDF, JPEG ou PNG"),
        (b"GIF89a" + b"\x00" * 64, "PDF, JPEG ou PNG"),
        (b"PK\x03\x04" + b"\x00" * 64, "PDF, JPEG ou PNG"),
        (b"%PDF-" + b"\x00" * (MAX_FILE_BYTES - 4), "trop volumineux"),
    ],
)
def test_refused_files_leave_nothing(coop_2115, school, user, data, message):
    with pytest.raises(RuleViolation, match=message):
        workflow.attach_derogation(coop_2115, school(2115), "fichier.pdf", data, user("coord1"))
    assert StoredFile.objects.count() == 0
    assert coop_2115.school_entry(school(2115).pk).derogation is None


def test_exactly_the_limit_is_accepted():
    # A real PDF whose page text pads it to the limit (uploads are parsed).
    filler = MAX_FILE_BYTES - len(minimal_pdf(""))
    data = minimal_pdf("0" * filler)
    while len(data) != MAX_FILE_BYTES:  # the /Length digits grow with the text
        filler -= len(data) - MAX_FILE_BYTES
        data = minimal_pdf("0" * filler)
    assert check_file("x.pdf", data).size == MAX_FILE_BYTES


def test_in_zone_school_needs_none(pole1, school, user):
    conv = workflow.add_school(pole1, school(2113), "cooperating", user("coord1"))
    with pytest.raises(RuleViolation, match="pas besoin de dérogation"):
        workflow.attach_derogation(conv, school(2113), "x.pdf", PDF_BYTES, user("coord1"))


def test_replacing_a_derogation_drops_the_old_file(coop_2115, school, user):
    coord = user("coord1")
    workflow.attach_derogation(coop_2115, school(2115), "a.pdf", PDF_BYTES, coord)
    workflow.attach_derogation(coop_2115, school(2115), "b.png", PNG_BYTES, coord)
    assert StoredFile.objects.count() == 1
    assert coop_2115.school_entry(school(2115).pk).derogation.filename == "b.png"


def test_derogation_download_needs_view_rights(coop_2115, school, user):
    workflow.attach_derogation(coop_2115, school(2115), "a.pdf", PDF_BYTES, user("coord1"))
    with pytest.raises(PermissionDenied):
        workflow.derogation_file(coop_2115, school(2115).pk, user("coord2"))
    with pytest.raises(NotFound):
        workflow.derogation_file(coop_2115, school(2113).pk, user("coord1"))
