"""Administrator commands."""

from app.models import AuditEvent, User
from app.services import audit
from app.services.workflow._writer import workflow_write


def test_create_user_with_scoped_grant(demo):
    runner = demo.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "Marie.Lambert", "--role", "seat_director", "--pole", "1",
              "--school", "2101", "--first-name", "Marie", "--last-name", "Lambert",
              "--password", "Bonjour-Pole-2026"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="marie.lambert")
    assert [g.role for g in user.grants] == ["seat_director"]
    assert user.check_password("Bonjour-Pole-2026")
    assert AuditEvent.objects(action="user_created_cli").count() == 1


def test_create_user_refuses_weak_password_and_bad_scope(demo):
    runner = demo.test_cli_runner()
    weak = runner.invoke(
        args=["create-user", "x", "--role", "administration", "--password", "court"]
    )
    assert weak.exit_code != 0
    assert "au moins 10 caractères" in weak.output
    scope = runner.invoke(
        args=["create-user", "y", "--role", "coordinator", "--password", "Assez-Long-2026"]
    )
    assert scope.exit_code != 0
    assert "doit préciser le pôle" in scope.output
    missing = runner.invoke(
        args=["create-user", "z", "--role", "coordinator", "--pole", "99",
              "--password", "Assez-Long-2026"],
    )  # fmt: skip
    assert missing.exit_code != 0
    assert "introuvable" in missing.output
    assert User.objects(username__in=["x", "y", "z"]).count() == 0


def test_audit_verify_reports_tampering(app):
    for i in range(3):
        audit.record("test_event", "cli", details={"i": i})
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0
    assert "3 événement(s) vérifié(s)" in ok.output
    AuditEvent.objects(seq=2).update_one(set__details={"i": 42})
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "n° 2" in broken.output


def test_seed_command_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "schools: +18" in first.output
    second = runner.invoke(args=["seed"])
    assert "schools: +0" in second.output


def test_seed_reset_recreates_indexes(demo):
    import pytest
    from mongoengine import NotUniqueError

    from app.models import Convention

    runner = demo.test_cli_runner()
    result = runner.invoke(args=["seed", "--reset"])
    assert result.exit_code == 0, result.output
    assert "Base vidée." in result.output
    assert User.objects.count() == 16
    # The unique (pole, slot) index of conventions exists again after the drop.
    clone = Convention.objects(status="draft").first()
    clone.id = None
    with pytest.raises(NotUniqueError), workflow_write():
        clone.save(force_insert=True)


def test_seed_refuses_to_mix_demo_and_full_sets(demo):
    from app.models import Pole

    runner = demo.test_cli_runner()
    result = runner.invoke(args=["seed", "--scale", "full"])
    assert result.exit_code != 0
    assert "--reset" in result.output
    assert Pole.objects.count() == 3


def test_create_user_grants_through_the_access_operation(demo, monkeypatch):
    """The command and an accepted web request give a profile through one operation."""
    from app.services import access

    calls = []
    original = access.grant_profiles

    def spy(*args, **kwargs):
        calls.append(args[:1])
        return original(*args, **kwargs)

    monkeypatch.setattr(access, "grant_profiles", spy)
    result = demo.test_cli_runner().invoke(
        args=["create-user", "coord1", "--role", "coordinator", "--pole", "2",
              "--password", "Bonjour-Pole-2026"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert calls == [("coord1",)]
    added = [g for g in User.objects.get(username="coord1").grants if g.granted_by == "cli"]
    assert len(added) == 1 and added[0].granted_at is not None
