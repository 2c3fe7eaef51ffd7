"""The life of a convention: school list, articles, validation, signatures, approval.

Every state change of a convention goes through this module (views, CLI and seed call it).
Each function takes the acting user last, checks ``permissions.can``, checks the status, does
one atomic conditional update (filter on the id and the expected status, ``$push``/``$pull``/
``$set`` on the precise fields, ``$inc`` of ``version``) inside ``workflow_write()``, reloads
the convention it was given, and appends an audit event. A refusal raises a ``RuleViolation``
(French message) after appending an audit event with ``outcome="refused"``.

Decisions worth knowing:
- A convention is created the first time a school is routed to it (slot unique per pole).
- A cooperation or specific partnership convention left without school while still a draft is
  deleted; a ressort or partnership left empty is deleted only if nothing was written in its
  articles (otherwise it is kept, empty, so that the text is not lost).
- Removing the last partner of another PO brings the remaining same-PO partners back from the
  partnership convention into the ressort (the mirror of the move the circular describes).
- ``reopen`` (Administration, before all have signed) takes a validated convention back to
  ``list_validated``: the list stays validated, the articles become editable, the partial
  signatures are removed (they signed another text) and named in the audit trail.
- An amendment (avenant, ``amendments``) is a convention of its parent's kind with ``parent``
  and the school year it takes effect in: one per convention and year (its slot), the
  parent's schools (no list step: validated from the draft, reopened to the draft), then the
  same signatures, approval, seal and acknowledgments.

The package holds one module per part of that life: ``schools`` (routing schools into the
pole's documents, ``documents`` creating and deleting them), ``school_list`` (derogations,
validating and reopening a list), ``text`` (articles), ``signing`` (validation, signatures,
acknowledgments), ``approval`` (approval, sealers, reopening), ``refusals`` (sending back,
declining), ``corrections`` (data manager corrections of a school) and ``queries`` (reading
helpers for the pages); ``_common`` holds the plumbing. Callers use the names re-exported
here (``workflow.add_school``…).
"""

from app.rules.articles import is_required, missing_articles
from app.services.workflow._common import (
    CHANGED_MESSAGE,
    LIST_VALIDATED_MESSAGE,
    UNLOCKED,
    chain_all_events,
)
from app.services.workflow.amendments import (
    amendments_of,
    open_years,
    points_by_year,
    save_points,
    share_names,
    start_amendment,
)
from app.services.workflow.approval import SEALERS, Sealer, approve, reopen
from app.services.workflow.corrections import change_school_po, change_school_zone
from app.services.workflow.documents import (
    current_school_year,
    delete_convention,
    set_school_year,
)
from app.services.workflow.planning import set_take_in_charge
from app.services.workflow.queries import (
    TASK_TITLES,
    Offers,
    Task,
    TaskKind,
    awaited_acknowledgment,
    awaited_signature,
    follow_up_kinds,
    offers,
    open_conventions,
    pole_documents,
    tasks_for,
    validation_blockers,
)
from app.services.workflow.refusals import decline, send_back
from app.services.workflow.school_list import (
    attach_derogation,
    derogation_file,
    reopen_school_list,
    validate_school_list,
)
from app.services.workflow.schools import add_school, remove_school
from app.services.workflow.signing import acknowledge, sign, validate
from app.services.workflow.text import copy_last_cooperation_article, save_article

__all__ = [
    "CHANGED_MESSAGE",
    "LIST_VALIDATED_MESSAGE",
    "SEALERS",
    "TASK_TITLES",
    "UNLOCKED",
    "Offers",
    "Sealer",
    "Task",
    "TaskKind",
    "acknowledge",
    "add_school",
    "amendments_of",
    "approve",
    "attach_derogation",
    "awaited_acknowledgment",
    "awaited_signature",
    "chain_all_events",
    "change_school_po",
    "change_school_zone",
    "copy_last_cooperation_article",
    "current_school_year",
    "decline",
    "delete_convention",
    "derogation_file",
    "follow_up_kinds",
    "is_required",
    "missing_articles",
    "offers",
    "open_conventions",
    "open_years",
    "points_by_year",
    "pole_documents",
    "remove_school",
    "reopen",
    "reopen_school_list",
    "save_article",
    "save_points",
    "send_back",
    "set_school_year",
    "set_take_in_charge",
    "share_names",
    "sign",
    "start_amendment",
    "tasks_for",
    "validate",
    "validate_school_list",
    "validation_blockers",
]
