"""The xhtml2pdf/reportlab side of the PDF renderer, imported at the first render only.

Both libraries weigh about 33 MiB once loaded, and most processes (a served page, an export,
the CLI) never render a PDF: ``app.pdf.render`` imports this module inside ``html_to_pdf``,
so an app that renders nothing never loads them. The reportlab settings below (no random
document id, the document's own creation date) are therefore made here, before any render.
"""

import calendar
import io
import time
import warnings
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib import utils
from reportlab.pdfbase import pdfdoc
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import RenderLimitError, ResourceAccessPolicy

__all__ = ["RenderLimitError", "create_pdf", "resource_policy"]

# Byte-identical output for identical input: no random document id, and a creation date
# that comes from the document (``created``), not from the machine's clock.
rl_config.invariant = 1
_created: ContextVar[datetime | None] = ContextVar("pdf_created", default=None)


class _DocumentTime(utils.TimeStamp):
    """reportlab's document time stamp, taken from the render's ``created`` moment (UTC) when
    one is given: a sealed convention is dated by its approval, identically on every render.
    Without one, reportlab's invariant date (1 January 2000) stays."""

    def __init__(self, invariant: Any = None) -> None:
        moment = _created.get()
        if moment is None:
            super().__init__(invariant)
            return
        stamp = calendar.timegm(moment.utctimetuple())  # naive = UTC, as stored
        self.t = stamp
        self.lt = time.gmtime(stamp)
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


pdfdoc.TimeStamp = _DocumentTime  # reportlab builds every document's stamp through this name


def resource_policy(
    assets: Path, font_dir: Path, seconds: float, max_bytes: int
) -> ResourceAccessPolicy:
    """No network at all; local reads only under our assets and reportlab's fonts."""
    return ResourceAccessPolicy.server(
        base_dir=assets,
        extra_roots=(font_dir,),
        allow_remote=False,
        max_render_seconds=seconds,
        max_document_bytes=max_bytes,
        max_resources=20,
    )


def create_pdf(
    html: str,
    *,
    meta: dict[str, str],
    link_callback: Any,
    policy: ResourceAccessPolicy,
    signature: dict[str, Any] | None,
    created: datetime | None,
) -> tuple[bytes, int]:
    """xhtml2pdf's render of ``html``: the bytes and its error count (exceptions propagate)."""
    out = io.BytesIO()
    token = _created.set(created)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            status = pisa.CreatePDF(
                html,
                dest=out,
                encoding="utf-8",
                link_callback=link_callback,
                context_meta=meta,
                resource_policy=policy,
                signature=signature,
                raise_exception=True,
                # Keep the source in memory: a spooled temporary file is left open when a
                # render is interrupted (time limit), and the input is capped anyway.
                capacity=-1,
            )
    finally:
        _created.reset(token)
    return out.getvalue(), int(getattr(status, "err", 0) or 0)
