"""The pure rules of delivery: retry schedule and masking of one-time links."""

from datetime import datetime, timedelta

from app.rules.delivery import BACKOFF_SECONDS, MAX_ATTEMPTS, mask_one_time_links, next_attempt

NOW = datetime(2026, 10, 1, 8, 0)


def test_backoff_grows_then_gives_up():
    delays = [next_attempt(n, NOW) - NOW for n in range(1, MAX_ATTEMPTS)]
    assert delays == [timedelta(seconds=s) for s in BACKOFF_SECONDS]
    assert next_attempt(MAX_ATTEMPTS, NOW) is None
    assert next_attempt(2, NOW, max_attempts=2) is None


def test_one_time_links_are_masked():
    text = "Lien : https://e-poles.example/mot-de-passe/Ab_c-123XYZ\nFin"
    masked = mask_one_time_links(text)
    assert "Ab_c-123XYZ" not in masked
    assert "https://e-poles.example/mot-de-passe/" in masked and masked.endswith("\nFin")
    assert mask_one_time_links(None) == ""
    assert mask_one_time_links("rien à masquer") == "rien à masquer"
