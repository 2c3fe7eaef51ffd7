"""A yes/no that holds for the length of a ``with`` block, in this thread or task only.

One home for the ``ContextVar`` set / reset dance: the conventions' writer scope, the
financing service's writes and the demo loader's silenced notifications all use it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Flag:
    """Off by default; on inside ``with flag.raised():``, back to what it was after it."""

    def __init__(self, name: str) -> None:
        self._var: ContextVar[bool] = ContextVar(name, default=False)

    def is_set(self) -> bool:
        return self._var.get()

    @contextmanager
    def raised(self) -> Iterator[None]:
        token = self._var.set(True)
        try:
            yield
        finally:
            self._var.reset(token)
