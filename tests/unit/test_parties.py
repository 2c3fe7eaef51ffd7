"""How the audit trail names the signatures a step takes off (reopening, sending back)."""

from types import SimpleNamespace

from app.rules.parties import signature_summaries


def test_each_removed_signature_keeps_its_po_signatory_and_account_in_order() -> None:
    signatures = [
        SimpleNamespace(po_name="PO A", name="Anne A", username="po-a", signed_at="x", user=1),
        SimpleNamespace(po_name="PO B", name="Bob B", username="po-b", signed_at="y", user=2),
    ]

    assert signature_summaries(signatures) == [
        {"po_name": "PO A", "name": "Anne A", "username": "po-a"},
        {"po_name": "PO B", "name": "Bob B", "username": "po-b"},
    ]


def test_no_signature_gives_an_empty_list() -> None:
    assert signature_summaries([]) == []
