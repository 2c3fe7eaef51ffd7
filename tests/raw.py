"""The database below the models, for tests that need data no verb would write (data from
before a feature existed, hostile text): the driver's collection, not the model's."""

from typing import Any

import mongoengine


def raw_conventions() -> Any:
    """The conventions collection straight from the driver (not through ``Convention``)."""
    return mongoengine.get_db()["conventions"]
