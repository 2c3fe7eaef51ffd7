"""The one writer of conventions: the scope inside which a convention document may be written.

``app.models.convention`` hands this scope out once; only the workflow's verbs (this package)
open it. ``tests/architecture`` fails when any other module of the application imports it.
"""

from app.models.convention import claim_writer

workflow_write = claim_writer()

__all__ = ["workflow_write"]
