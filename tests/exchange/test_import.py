"""The directory import against the demo data: preview, apply, idempotence, conflicts."""

import pytest

from app.models import AuditEvent, Convention, DirectoryImport, OrganisingAuthority, School, User
from app.rules.errors import PermissionDenied, RuleViolation
from app.rules.states import LIST_LOCKED_STATUSES, Status
from app.services import directory
from tests.conftest import csrf_token
from tests.exchange.helpers import current_rows, directory_csv, school_row


def _manager() -> User:
    return User.objects.get(username="gestionnaire")


def _locked_school() -> School:
    conv = Convention.objects(status__in=list(LIST_LOCKED_STATUSES)).first()
    seat = conv.seat_school.pk if conv.seat_school else None
    entry = next(e for e in conv.schools if e.school.pk != seat)
    return School.objects.get(id=entry.school.pk)


def _draft_only_school() -> School:
    locked = {
        e.fase for c in Convention.objects(status__in=list(LIST_LOCKED_STATUSES)) for e in c.schools
    }
    for conv in Convention.objects(status=Status.DRAFT):
        for entry in conv.schools:
            if entry.fase not in locked and School.objects(id=entry.school.pk).first():
                school = School.objects.get(id=entry.school.pk)
                if not directory.frozen_schools().get(school.fase):
                    return school
    raise AssertionError("no school only in a draft")


def test_reimporting_what_is_stored_changes_nothing(demo) -> None:
    data = directory_csv(current_rows())
    report = directory.apply_file("annuaire.csv", data, _manager())
    assert report.summary().startswith("nouvelles: 0, modifiées: 0")
    assert len(report.unchanged) == School.objects.count()


def test_new_changed_applied_in_one_go_then_idempotent(demo) -> None:
    rows = current_rows()
    target = _draft_only_school()
    row = next(r for r in rows if r[0] == str(target.fase))
    row[2] = "Rue Nouvelle 12"
    rows.append(
        [
            "99000001",
            "École Nouvelle d'Ère",
            "Rue A 1",
            "5000",
            "Namur",
            "88000001",
            "Commune d'Éghezée",
            "6",
            "ordinaire",
            "",
        ]
    )
    data = directory_csv(rows, sep=",", encoding="cp1252")
    preview = directory.preview("annuaire.csv", data, _manager())
    assert [o.line.fase for o in preview.report.new] == [99000001]
    (changed,) = preview.report.changed
    assert [(c.field, c.new) for c in changed.changes] == [("street", "Rue Nouvelle 12")]
    assert School.objects(fase=99000001).count() == 0  # a preview writes nothing

    report = directory.confirm(preview.import_id, _manager())
    assert report.summary().startswith("nouvelles: 1, modifiées: 1")
    created = School.objects.get(fase=99000001)
    assert created.name == "École Nouvelle d'Ère"
    assert created.po.fase == 88000001 and created.po.name == "Commune d'Éghezée"
    # Raw writes carry the French sort key too (app.rules.collation).
    assert created.sort_name == "ecole nouvelle d'ere"
    assert created.po.sort_name == "commune d'eghezee"
    assert School.objects.get(fase=target.fase).street == "Rue Nouvelle 12"
    event = AuditEvent.objects(action="directory.import", outcome="ok").get()
    assert event.details["new"] == 1 and event.details["changed"] == 1
    assert event.details["new_pos"] == 1
    assert DirectoryImport.objects.get(id=preview.import_id).status == "applied"

    with pytest.raises(RuleViolation, match="déjà été appliqué"):
        directory.confirm(preview.import_id, _manager())
    again = directory.apply_file("annuaire.csv", data, _manager())
    assert again.summary() == (
        f"nouvelles: 0, modifiées: 0, inchangées: {School.objects.count()}, conflits: 0, erreurs: 0"
    )
    assert OrganisingAuthority.objects(fase=88000001).count() == 1


def test_zone_change_follows_into_draft_conventions(demo) -> None:
    target = _draft_only_school()
    new_zone = 1 if target.zone != 1 else 2
    row = school_row(target)
    row[7] = str(new_zone)
    directory.apply_file("a.csv", directory_csv([row]), _manager())
    assert School.objects.get(id=target.pk).zone == new_zone
    for conv in Convention.objects(schools__school=target.pk):
        assert conv.school_entry(target.pk).zone == new_zone


def test_one_error_line_imports_nothing(demo) -> None:
    rows = current_rows()
    rows[0][2] = "Rue changée 1"
    rows.append(["99000002", "École", "", "5000", "Namur", "501", "X", "6", "ordinaire", ""])
    rows.append(["99000003", "Mauvaise", "", "5000", "Namur", "501", "X", "11", "ordinaire", ""])
    before = School.objects.count()
    with pytest.raises(RuleViolation, match="1 ligne"):
        directory.apply_file("a.csv", directory_csv(rows), _manager())
    assert School.objects.count() == before
    assert School.objects(street="Rue changée 1").count() == 0
    refused = AuditEvent.objects(action="directory.import", outcome="refused").get()
    assert refused.details["errors"] == 1


def test_locked_school_po_change_is_a_conflict_and_not_applied(demo) -> None:
    school = _locked_school()
    row = school_row(school)
    other = OrganisingAuthority.objects(id__ne=school.po.pk).first()
    row[5], row[6] = str(other.fase), other.name
    report = directory.apply_file("a.csv", directory_csv([row]), _manager())
    (conflict,) = report.conflicts
    assert conflict.line.fase == school.fase
    assert "Convention de partenariat du pôle n° 1" in conflict.reason  # which one, by name
    assert "Seule l'Administration peut rouvrir" in conflict.reason  # and who unfreezes it
    assert School.objects.get(id=school.pk).po.pk == school.po.pk
    assert report.summary().endswith("conflits: 1, erreurs: 0")


def test_duplicate_fase_is_an_error_of_the_second_line(demo) -> None:
    rows = current_rows()[:2]
    rows.append(list(rows[0]))
    report = directory.compare_file("a.csv", directory_csv(rows))
    (error,) = report.errors
    assert error.line == 4 and "figure déjà à la ligne 2" in error.message


def test_only_data_managers_and_administration_import(demo) -> None:
    with pytest.raises(RuleViolation):
        directory.preview("a.csv", directory_csv([]), User.objects.get(username="coord1"))


def test_pages_preview_and_confirm(demo, client, login_as) -> None:
    login_as("gestionnaire")
    rows = current_rows()
    rows.append(
        [
            "99000004",
            "École du Parc",
            "",
            "1000",
            "Bruxelles",
            "501",
            "PO Parc",
            "1",
            "ordinaire",
            "",
        ]
    )
    token = csrf_token(client, "/gestion/annuaire/")
    from io import BytesIO

    page = client.post(
        "/gestion/annuaire/apercu",
        data={"csrf_token": token, "file": (BytesIO(directory_csv(rows)), "annuaire.csv")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html[:400]
    assert "nouvelles: 1" in html and "École du Parc" in html
    upload = DirectoryImport.objects.get()
    done = client.post(
        f"/gestion/annuaire/{upload.pk}/confirmer",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Annuaire importé" in done.get_data(as_text=True)
    assert School.objects(fase=99000004).count() == 1


def test_page_refuses_an_unreadable_file_in_french(demo, client, login_as) -> None:
    login_as("admin")
    token = csrf_token(client, "/gestion/annuaire/")
    from io import BytesIO

    page = client.post(
        "/gestion/annuaire/apercu",
        data={"csrf_token": token, "file": (BytesIO(b"nothing;here\n1;2\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 400
    assert "Colonnes introuvables" in page.get_data(as_text=True)


def test_page_answers_404_to_a_pole_profile(demo, client, login_as) -> None:
    login_as("coord1")
    assert client.get("/gestion/annuaire/").status_code == 404


@pytest.mark.parametrize("username", ["coord1", "support", None])
def test_the_service_refuses_whoever_may_not_import(demo, username) -> None:
    """Only the shell's actor passes without the permission (the CLI test runs it)."""
    data = directory_csv(current_rows())
    kept = directory.preview("annuaire.csv", data, _manager()).import_id
    who = User.objects.get(username=username) if username else None
    refused = "Vous ne pouvez pas importer l'annuaire des écoles."
    with pytest.raises(PermissionDenied, match=refused):
        directory.preview("annuaire.csv", data, who)
    with pytest.raises(PermissionDenied, match=refused):
        directory.apply_file("annuaire.csv", data, who)
    with pytest.raises(PermissionDenied, match=refused):
        directory.confirm(kept, who)
    assert [i.status for i in DirectoryImport.objects] == ["previewed"]
    report = directory.apply_file("annuaire.csv", data, directory.CLI_ACTOR)
    assert report.summary().startswith("nouvelles: 0, modifiées: 0")


def test_cli_preview_apply_exit_status_and_last_line(demo, tmp_path) -> None:
    rows = current_rows()
    rows.append(
        ["99000005", "École CLI", "", "4000", "Liège", "501", "PO CLI", "4", "ordinaire", ""]
    )
    good = tmp_path / "annuaire.csv"
    good.write_bytes(directory_csv(rows))
    runner = demo.test_cli_runner()
    shown = runner.invoke(args=["import-schools", str(good)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.strip().splitlines()[-1].startswith("nouvelles: 1, modifiées: 0")
    assert School.objects(fase=99000005).count() == 0
    applied = runner.invoke(args=["import-schools", str(good), "--apply"])
    assert applied.exit_code == 0, applied.output
    assert School.objects(fase=99000005).count() == 1
    again = runner.invoke(args=["import-schools", str(good), "--apply"])
    assert again.output.strip().splitlines()[-1].startswith("nouvelles: 0, modifiées: 0")
    rows.append(["bad", "X", "", "", "", "", "", "", "", ""])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(directory_csv(rows))
    failed = runner.invoke(args=["import-schools", str(bad), "--apply"])
    assert failed.exit_code == 1
    assert failed.output.strip().splitlines()[-1].endswith("erreurs: 1")
