"""The French label of a stored value, as a document's attribute."""

from collections.abc import Mapping
from typing import Any


class Label:
    """Read-only attribute ``doc.<name>`` → the label of ``doc.<field>`` in ``labels``.

    A value outside the table shows as it is stored (or as ``default`` when one is given), so a
    page never breaks on a value an older version wrote.
    """

    def __init__(self, field: str, labels: Mapping[str, str], default: str | None = None) -> None:
        self.field = field
        self.labels = labels
        self.default = default

    def __get__(self, doc: Any, owner: type | None = None) -> Any:
        if doc is None:
            return self
        value = getattr(doc, self.field)
        return self.labels.get(value, value if self.default is None else self.default)
