"""The identity rule for requests naming an existing account (no app, no database)."""

from app.rules.identity import IdentityCheck, confirmation_message


def test_same_email_active_account_needs_no_confirmation():
    check = IdentityCheck("Dir@Ecole.be", " dir@ecole.be", reactivates=False)
    assert not check.email_differs and not check.needs_confirmation and check.warnings() == []


def test_other_email_needs_confirmation_and_names_both_addresses():
    check = IdentityCheck("dir@ecole.be", "pirate@example.org", reactivates=False)
    assert check.needs_confirmation
    (warning,) = check.warnings()
    assert "dir@ecole.be" in warning and "pirate@example.org" in warning
    assert "courriel diffère" in confirmation_message(check)


def test_reactivation_needs_confirmation():
    check = IdentityCheck("dir@ecole.be", "dir@ecole.be", reactivates=True)
    assert check.needs_confirmation and "désactivé" in confirmation_message(check)
