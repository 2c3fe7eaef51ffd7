"""Back-office form widgets whose markup is valid HTML (the Nu HTML Checker finds none), and
the date-time field typed in Brussels time.

Flask-Admin renders a required list whose first option is a real value (the browser then
submits it unseen, and HTML forbids it) and a reference searched by select2 as a hidden input,
whose label points at nothing a user can reach. ``TextModelConverter`` gives every generated
field its widget from here.
"""

from datetime import datetime
from typing import Any

from flask_admin.model.widgets import AjaxSelect2Widget, XEditableWidget
from markupsafe import Markup
from wtforms import widgets
from wtforms.fields import DateTimeLocalField

from app import formatting

PLACEHOLDER = "— Choisir —"


class PlaceholderSelect(widgets.Select):
    """A single-choice list that, when required, opens on an empty « — Choisir — » option:
    nothing is chosen for the user, and the browser's required check (and the server's)
    asks for a choice."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        html = super().__call__(field, **kwargs)
        if self.multiple or not (kwargs.get("required") or field.flags.required):
            return html
        # The opening tag ends at the first ">": attribute values are escaped.
        end = html.index(">") + 1
        return Markup(f'{html[:end]}<option value="">{PLACEHOLDER}</option>{html[end:]}')


def empty_as_none(coerce: Any) -> Any:
    """The placeholder's empty value reads as no value (the required check answers, in
    French) instead of failing the field's coercion with an English message."""

    def coerced(value: Any) -> Any:
        return None if value in ("", None) else coerce(value)

    return coerced


class LabelledAjaxSelect2Widget(AjaxSelect2Widget):
    """The searched reference as a text input select2 dresses (and moves the label onto its
    own control), so the label points at a control, not at a hidden input."""

    def __call__(self, field: Any, **kwargs: Any) -> str:
        kwargs.setdefault("type", "text")
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(field, **kwargs)


class RowXEditableWidget(XEditableWidget):
    """An inline edit of a list cell whose id names its row: Flask-Admin gives every row's
    link the field's id (« school_year » once per row, a duplicate id)."""

    def __call__(self, field: Any, **kwargs: Any) -> str:
        kwargs.setdefault("id", f"{field.id}-{kwargs.get('pk')}")
        return super().__call__(field, **kwargs)


class BrusselsDateTimeField(DateTimeLocalField):
    """A native date-time input shown and typed in Brussels time (what the pages say),
    stored as naive UTC like every stored time (``app.formatting``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(*args, **kwargs)

    def process_data(self, value: Any) -> None:
        if isinstance(value, datetime):
            value = formatting.local_datetime(value).replace(tzinfo=None)
        super().process_data(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime):
            self.data = formatting.stored_datetime(self.data)
