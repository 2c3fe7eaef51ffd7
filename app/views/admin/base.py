"""The secured base of every back-office view."""

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import abort, flash, g, redirect, request, stream_with_context, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.actions import action as admin_action
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.mongoengine import ModelView
from flask_admin.contrib.mongoengine.ajax import QueryAjaxModelLoader
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter, FilterConverter
from flask_admin.contrib.mongoengine.form import CustomModelConverter
from flask_admin.contrib.mongoengine.typefmt import DEFAULT_FORMATTERS
from flask_admin.contrib.mongoengine.view import SORTABLE_FIELDS
from flask_admin.helpers import get_redirect_target
from flask_admin.model import filters as admin_filters
from flask_admin.model.fields import AjaxSelectField
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from mongoengine import Document, Q
from wtforms import SelectField, SelectMultipleField

from app import db, formatting
from app.models.base import by_ids, documents_of, ids_in_order, rows_in_order
from app.models.errors import error_message
from app.models.fields import TextField
from app.rules import permissions
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.services.exports import record_export
from app.views.admin.widgets import (
    LabelledAjaxSelect2Widget,
    PlaceholderSelect,
    RowXEditableWidget,
    empty_as_none,
)
from app.views.confirm import Confirmation, confirmed, page_context
from app.views.exports import FORMATS as EXPORT_FORMATS
from app.views.exports import table_response


class AdminForm(FlaskForm):
    """Flask-Admin forms carry the same CSRF token as every other form of the app.

    Flask-Admin's SecureForm uses WTForms' own session CSRF, whose tokens the global
    CSRFProtect does not accept; one token scheme for the whole app is simpler and covers
    create, edit, delete, bulk actions and inline edits alike.
    """


def _deny() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


def bulk_delete_message(deleted: int, refused: int, missing: int) -> str:
    """What a bulk delete really did, in French: never « détruit » when nothing was."""
    parts = []
    if deleted == 0:
        parts.append("Aucun enregistrement n'a été supprimé.")
    elif deleted == 1:
        parts.append("1 enregistrement a été supprimé.")
    else:
        parts.append(f"{deleted} enregistrements ont été supprimés.")
    if refused:
        parts.append(f"{refused} refusé{'s' if refused > 1 else ''} (voir le motif ci-dessus).")
    if missing:
        parts.append(
            f"{missing} introuvable{'s' if missing > 1 else ''} ou hors de votre périmètre."
        )
    return " ".join(parts)


EXPORT_BATCH = 500  # rows read, resolved and written at a time by an export


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# What names a referenced document in a list, an export or a grant's description (the
# models' ``__str__``): a page reads only these of its references (a pole's school lists
# were 2,900 references decoded to name 48 poles on the users list).
NAMING_FIELDS = ("number", "name", "fase")


def prefetch(items: Iterable[Document], field: str, model: type[Document]) -> None:
    """Resolve one reference field of a page of documents with a single ``$in`` query,
    reading what names the referenced documents (``NAMING_FIELDS``)."""
    items = list(items)
    ids = {item._data.get(field) for item in items}
    ids = {getattr(i, "pk", getattr(i, "id", i)) for i in ids if i is not None}
    ids = {i for i in ids if not isinstance(i, Document)}
    if not ids:
        return
    naming = [name for name in NAMING_FIELDS if name in model._fields]
    found = {doc.pk: doc for doc in model.objects(pk__in=list(ids)).only(*naming)}
    for item in items:
        raw = item._data.get(field)
        key = getattr(raw, "pk", getattr(raw, "id", raw))
        if key in found:
            item._data[field] = found[key]


def field_value(model: Any, name: str) -> Any:
    """A document's field as plain data: a choice's label, a loaded reference's name, a
    list's items (an unresolved reference is left empty rather than shown as an id)."""
    raw = model._data.get(name) if hasattr(model, "_data") else getattr(model, name, None)
    field = getattr(model, "_fields", {}).get(name)
    choices = getattr(field, "choices", None)
    if choices and raw is not None:
        labels = {c[0]: c[1] for c in choices if isinstance(c, list | tuple) and len(c) == 2}
        return labels.get(raw, raw)
    return _plain(raw)


def _plain(value: Any) -> Any:
    if isinstance(value, Document):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | Decimal | date | datetime | bool) or value is None:
        return value
    return None  # an ObjectId, a DBRef, an embedded document: not for a spreadsheet


def prefetch_embedded(
    items: Iterable[Document], list_field: str, models: dict[str, type[Document]]
) -> None:
    """Resolve the references of the embedded documents in ``list_field`` (a user's grants:
    pole, school, PO) of a page of documents with one ``$in`` query per referenced model."""
    embedded = [e for item in items for e in (item._data.get(list_field) or [])]
    for field, model in models.items():
        prefetch(embedded, field, model)


class SearchAjaxLoader(QueryAjaxModelLoader):
    """Flask-Admin 2.2.1's mongoengine loader calls ``.filter`` on the search text (every
    lookup answered 500): search the referenced collection itself, at most 50 rows."""

    def get_list(self, term: Any, offset: int = 0, limit: int = 10) -> Any:
        query = self.model.objects
        text = str(term or "").strip()[:100]
        if text:
            criteria = Q()
            for field in self._cached_fields:
                criteria |= Q(**{f"{field.name}__icontains": text})
            query = query.filter(criteria)
        if offset and offset > 0:
            query = query.skip(offset)
        return query.limit(max(1, min(limit or 10, 50)))


def _french(formatter: Any) -> Any:
    return lambda view, value, name=None: formatter(value)


FRENCH_TYPES = {
    datetime: _french(formatting.datetime_text),
    date: _french(formatting.date_text),
    float: _french(formatting.decimal_text),
    Decimal: _french(formatting.decimal_text),
    bool: _french(lambda value: "Oui" if value else "Non"),
}
"""Back-office cells (lists, details) say dates and numbers the French way."""


class TextModelConverter(CustomModelConverter):
    """Forms for our ``TextField`` (the hostile-text rule's field): Flask-Admin converts by
    class name; a long text (over 300 characters) is edited in a text area. Every field is
    labelled with the view's French column label."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.converters["TextField"] = self.conv_Text

    def convert(self, model: Any, field: Any, field_args: Any) -> Any:
        # Flask-Admin's mongoengine forms label a field with its verbose_name, else its
        # name title-cased (« Postal Code »): the view's French column label comes first.
        labels = getattr(self.view, "column_labels", None) or {}
        name = getattr(field, "name", None)  # None on a form_overrides placeholder
        if name in labels and not (field_args or {}).get("label"):
            field_args = {**(field_args or {}), "label": labels[name]}
        return with_valid_widget(super().convert(model, field, field_args))

    def conv_Text(self, model: Any, field: Any, kwargs: dict[str, Any]) -> Any:
        if field.max_length is not None and field.max_length > 300:
            kwargs["textarea"] = True
        return self.conv_String(model, field, kwargs)


def with_valid_widget(unbound: Any) -> Any:
    """A generated field with the widget of ``app.views.admin.widgets`` its kind needs."""
    kind = getattr(unbound, "field_class", None)
    if kind is None or "widget" in unbound.kwargs:
        return unbound
    if issubclass(kind, AjaxSelectField):
        unbound.kwargs["widget"] = LabelledAjaxSelect2Widget()
    elif (
        issubclass(kind, SelectField)
        and not issubclass(kind, SelectMultipleField)
        and not unbound.kwargs.get("allow_blank")  # Select2Field has its own blank
    ):
        unbound.kwargs["widget"] = PlaceholderSelect()
        if "coerce" in unbound.kwargs:
            unbound.kwargs["coerce"] = empty_as_none(unbound.kwargs["coerce"])
    return unbound


class TextFilterConverter(FilterConverter):
    """Filters on a ``TextField`` are those of a string."""

    @admin_filters.convert("TextField")
    def conv_text(self, column: str, name: str) -> list[Any]:
        return self.conv_string(column, name)


class ChoiceEqualFilter(BaseMongoEngineFilter):
    """Equality on a coded field, offered as its French labels: « Brouillon » finds the
    drafts (the code ``draft`` is what is stored and matched)."""

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(**{self.column: str(value)})

    def operation(self) -> str:
        return "est"


class ChoiceNotEqualFilter(ChoiceEqualFilter):
    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(**{f"{self.column}__ne": str(value)})

    def operation(self) -> str:
        return "n'est pas"


class ActionGated:
    """A back-office view (or its base) open only to users whose profile allows ``action``:
    the anonymous are sent to the login page, the others refused (``_deny``)."""

    action: Action

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and permissions.can(current_user, self.action)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        return _deny()


class SecureModelView(ActionGated, ModelView):
    """Back-office list/CRUD view, open only to users whose profile allows ``action``."""

    action: Action = Action.MANAGE_REFERENCE
    form_base_class = AdminForm
    model_form_converter = TextModelConverter
    filter_converter = TextFilterConverter()
    allowed_search_types = (*ModelView.allowed_search_types, TextField)
    page_size = 50
    # Flask-Admin's templates, with the HTML they get wrong put right (no new vnu error).
    list_template = "admin/epoles_list.html"
    create_template = "admin/epoles_create.html"
    edit_template = "admin/epoles_edit.html"
    can_view_details = True
    can_set_page_size = True
    column_editable_list: list[str] = []
    column_type_formatters = {**DEFAULT_FORMATTERS, **FRENCH_TYPES}
    # Exports: CSV and XLSX through app.views.exports (French, typed, no formulas).
    export_types = list(EXPORT_FORMATS)
    # References to resolve in one query per page: {field: Model}
    prefetch_refs: dict[str, type[Document]] = {}
    # A page reads only the listed fields (``.only``): those of ``column_list`` that the model
    # stores, plus these, which the formatters read (None: the whole documents).
    list_extra_fields: tuple[str, ...] | None = ()
    # The cheap pager: no count (a count scans the collection on the embedded store), one
    # row more than the page says whether there is a next page (see ``render``).
    simple_list_pager = True
    # Heavy documents: on a stand-in store, which sorts whole decoded documents, a page reads
    # its sort keys, then its rows by id (``sorted_by_ids``).
    page_by_ids = False
    # Integer fields matched exactly when the search term is a number (FASE, pole number).
    numeric_search_fields: tuple[str, ...] = ()
    # French labels of coded fields whose model choices are codes only: {field: {code: label}}
    # (fields whose choices are (code, label) pairs need nothing here).
    choice_labels: dict[str, Mapping[str, str]] = {}

    def scaffold_sortable_columns(self) -> dict[str, Any]:  # type: ignore[override]
        # Flask-Admin sorts the exact types it knows; a TextField sorts as a string.
        columns = super().scaffold_sortable_columns()
        for name, field in self._get_model_fields():
            if type(field) is TextField and type(field) not in SORTABLE_FIELDS:
                columns[name] = field
        return columns

    def scaffold_list_form(  # type: ignore[override]
        self, widget: Any = None, validators: Any = None
    ) -> Any:
        """Inline edits whose ids name their row (valid HTML with several rows)."""
        return super().scaffold_list_form(widget or RowXEditableWidget(), validators)

    def scaffold_filters(self, name: Any) -> Any:  # type: ignore[override]
        # A coded field is filtered by choosing its French label, not by typing its code.
        attr = self.model._fields.get(name) if isinstance(name, str) else name
        labels = self._labels_of_choices(attr)
        if not labels:
            return super().scaffold_filters(name)
        visible = self.get_column_name(attr.name)
        options = [(str(code), str(label)) for code, label in labels.items()]
        return [
            ChoiceEqualFilter(attr.name, visible, options=options),
            ChoiceNotEqualFilter(attr.name, visible, options=options),
        ]

    def _labels_of_choices(self, attr: Any) -> Mapping[str, str] | None:
        if attr is None:
            return None
        if attr.name in self.choice_labels:
            return self.choice_labels[attr.name]
        choices = getattr(attr, "choices", None) or ()
        if choices and all(isinstance(c, list | tuple) and len(c) == 2 for c in choices):
            return {c[0]: c[1] for c in choices}
        return None

    def _create_ajax_loader(self, name: str, opts: Any) -> Any:
        loader = super()._create_ajax_loader(name, opts)
        return SearchAjaxLoader(name, loader.model, **opts)

    def handle_view_exception(self, exc: Exception) -> bool:
        message = error_message(exc)
        if message is None:
            return super().handle_view_exception(exc)
        flash(message, "error")
        return True

    def listed_fields(self, columns: Iterable[str] | None = None) -> list[str] | None:
        """The stored fields a page of ``columns`` (the list's by default) reads; None: all."""
        if self.list_extra_fields is None:
            return None
        stored = self.model._fields
        names = [n for n in (self.column_list or [] if columns is None else columns)]
        names = [n for n in names if n in stored]
        return list(dict.fromkeys(["id", *names, *self.list_extra_fields]))

    def _export_data(self, execute: bool = True) -> Any:
        """The list's query as the user filtered, searched and sorted it, unpaged, projected
        on the export's columns (a whole-document export sets ``epoles_export_columns`` to
        "whole"); executed unless ``execute`` is False."""
        g.setdefault("epoles_export_columns", [name for name, _ in self._export_columns])
        view_args = self._get_list_extra_args()
        sort = self._get_column_by_idx(view_args.sort)
        return self.get_list(
            0,
            sort[0] if sort is not None else None,
            view_args.sort_desc,
            view_args.search,
            view_args.filters,
            execute=execute,
            page_size=self.export_max_rows,
        )

    def sorted_by_ids(self) -> bool:
        """Whether, on a stand-in store, a page reads its sort keys first, then its rows by id
        (``ids_in_order``, ``by_ids``), and an export its projected rows in one read sorted
        here (``rows_in_order``): for heavy documents, which the store's sorted read decodes
        whole."""
        return self.page_by_ids and db.sorts_in_memory()

    def loaded(self, rows: Iterable[Any]) -> Iterable[Any]:
        """The rows as the page reads them (a view may keep their lists unresolved)."""
        return rows

    def project(self, query: Any) -> Any:
        """``query`` reading only what the page or the export shows."""
        columns = g.get("epoles_export_columns")
        fields = None if columns == "whole" else self.listed_fields(columns)
        return query if fields is None else query.only(*fields)

    def get_list(  # type: ignore[override]
        self,
        page: int | None,
        sort_column: Any,
        sort_desc: bool,
        search: Any,
        filters: Any,
        execute: bool = True,
        page_size: int | None = None,
    ) -> Any:
        """The page's rows, projected, with one more to know whether a next page exists."""
        # Flask-Admin's mongoengine list sorts by the column's own name: a sortable column
        # declared as (column, field) — a name sorted by its French key — sorts by the field.
        field = (self._sortable_columns or {}).get(sort_column) if sort_column else None
        if isinstance(field, str) and field != sort_column:
            sort_column = field
        size = self.page_size if page_size is None else page_size
        _none, query = super().get_list(
            page, sort_column, sort_desc, search, filters, execute=False, page_size=0
        )
        query = self.project(query)
        skip = (page or 0) * size
        if not execute:
            return None, query.skip(skip).limit(size + 1) if size else query
        total = None
        if size and self.sorted_by_ids():
            ids = ids_in_order(query)
            total = len(ids)  # the exact count, read with the page's sort keys
            rows: Any = by_ids(query, ids[skip : skip + size + 1])
        else:
            rows = query.skip(skip).limit(size + 1) if size else query
        data = list(self.loaded(rows))
        g.epoles_has_next = bool(size) and len(data) > size
        data = data[:size] if size else data
        if total is None and not g.epoles_has_next and (data or not skip):
            total = skip + len(data)  # the last page: every row is counted
        g.epoles_total = total
        g.epoles_through = skip + len(data)  # the rows up to this page's last
        for field, model in self.prefetch_refs.items():
            prefetch(data, field, model)
        return None, data

    def result_count(self) -> str:
        """« 2 900 résultats » under the list when the page knows the count for free (the
        stand-in's sort-key read, or the last page); else « Plus de 50 résultats »: a count
        scans the collection on the embedded store, and is one more round trip on MongoDB."""
        total = g.get("epoles_total")
        if total is not None:
            return f"{formatting.integer_text(total)} résultat{'s' if total > 1 else ''}"
        shown = g.get("epoles_through", 0)
        return f"Plus de {formatting.integer_text(shown)} résultat{'s' if shown > 1 else ''}"

    def render(self, template: str, **kwargs: Any) -> Any:
        # Flask-Admin's simple pager guesses the next page from a full page; the numbered
        # pager, given the pages known so far, says it exactly and keeps the page numbers.
        if "num_pages" in kwargs and kwargs["num_pages"] is None:
            kwargs["num_pages"] = kwargs.get("page", 0) + (2 if g.get("epoles_has_next") else 1)
        return super().render(template, **kwargs)

    def _search(self, query: Any, search_term: str) -> Any:
        term = search_term.strip()
        if self.numeric_search_fields and is_digits(term) and len(term) <= 9:
            criteria = Q()
            for name in self.numeric_search_fields:
                criteria |= Q(**{name: int(term)})
            for field in self._search_fields or []:
                criteria |= Q(**{f"{field.name}__icontains": term})
            return query.filter(criteria)
        return super()._search(query, term)

    def search_placeholder(self) -> str | None:
        names = [*self.numeric_search_fields, *(self.column_searchable_list or [])]
        if not names:
            return None
        labels = [str(self.column_labels.get(n, n)) if self.column_labels else n for n in names]
        return "Rechercher : " + ", ".join(
            label.lower() if label != "FASE" else label for label in labels
        )

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Any:
        """The list as the user sees it (search, filters, sort, scope) in CSV or XLSX.

        Flask-Admin offers CSV only and refuses any other type with « Autorisation refusée »
        (its ``export_types`` default); its CSV is comma-separated, without BOM, with raw
        values. Both formats go through the one export module instead."""
        if not self.can_export or export_type not in self.export_types:
            flash("Cette liste ne s'exporte pas dans ce format.", "error")
            return redirect(self.get_url(".index_view"))
        _none, query = self._export_data(execute=False)
        columns = [name for name, _ in self._export_columns]
        labels = [str(label) for _, label in self._export_columns]
        user = current_user._get_current_object()
        filters = {k: v[:200] for k, v in request.args.items()}

        def rows() -> Iterator[list[Any]]:
            """The projected rows, built and written a batch at a time while the file is
            written; the export is recorded with the rows really sent (even if cut short).

            On a stand-in store with ``page_by_ids`` (the conventions), the projected rows
            are read in one find and sorted here (its sorted find decodes whole documents;
            reading them by ids took a query per 100): one round trip at any size. Else one
            cursor. References are resolved a batch at a time (the conventions have none:
            their listed names are stored with them)."""
            sent = 0
            try:
                if self.sorted_by_ids():
                    source = documents_of(query, rows_in_order(query))
                else:
                    source = query.no_cache()
                for batch in _batches(self.loaded(source), EXPORT_BATCH):
                    for field, model in self.prefetch_refs.items():
                        prefetch(batch, field, model)
                    for row in batch:
                        yield [self.export_cell(row, name) for name in columns]
                        sent += 1
            finally:
                record_export(user, self.endpoint, export_type, sent, filters)

        # Formatters may need the request: it is kept while the rows are streamed.
        return table_response(export_type, str(self.name), labels, stream_with_context(rows()))

    def export_cell(self, model: Any, name: str) -> Any:
        """One exported cell as a typed value: the export formatter's text, else the list
        formatter's when it is plain text, else the field's value (a choice as its label,
        a reference as its name) for ``app.rules.exports`` to turn into French or a cell."""
        formatter = (self.column_formatters_export or {}).get(name)
        if formatter is not None:
            return formatter(self, None, model, name)
        formatter = (self.column_formatters or {}).get(name)
        if formatter is not None:
            shown = formatter(self, None, model, name)
            if not isinstance(shown, Markup):
                return shown
        return field_value(model, name)

    # -- bulk actions ------------------------------------------------------------------------

    def scoped_rows(self, ids: Iterable[Any]) -> list[Document]:
        """The rows a bulk action names, loaded through the view's scoped ``get_query()``.

        Flask-Admin's own actions load rows with ``QuerySet.in_bulk``, which queries the raw
        collection and drops every filter of ``get_query()`` (FINDINGS.md): a row the user
        may not see could be deleted by naming its id. Every action of every view must load
        its rows here; an id outside the scope (or not an id at all) is simply not found.
        """
        pks = []
        for raw in ids:
            try:
                pks.append(self.object_id_converter(raw))
            except Exception:  # a malformed id names no row
                continue
        if not pks:
            return []
        return list(self.get_query().filter(pk__in=pks))

    @admin_action(
        "delete",
        lazy_gettext("Delete"),
        lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids: list[Any]) -> None:
        """Bulk delete through the scoped query; the message says what really happened."""
        rows = self.scoped_rows(ids)
        deleted = sum(1 for row in rows if self.delete_model(row))
        missing = len(set(ids)) - len(rows)
        flash(
            bulk_delete_message(deleted, len(rows) - deleted, missing),
            ("success" if deleted and deleted == len(set(ids)) else "error"),
        )

    @expose("/delete/", methods=("POST",))
    def delete_view(self) -> Any:
        """A row's delete button is confirmed on a page of its own first, JavaScript or not
        (app.views.confirm): the list's button posts here unconfirmed; the page posts back
        with the confirmation and Flask-Admin's delete follows."""
        if confirmed():
            return super().delete_view()
        return_url = get_redirect_target() or self.get_url(".index_view")
        form = self.delete_form()
        if not self.can_delete or not self.validate_form(form):
            return redirect(return_url)
        model = self.get_one(form.id.data)
        if model is None:
            flash("Cet enregistrement n'existe pas (ou plus).", "error")
            return redirect(return_url)
        confirmation = Confirmation(
            title="Supprimer cet enregistrement ?",
            subject=f"{self.name} : {model}",
            consequences=[
                f"« {model} » sera supprimé définitivement de la liste « {self.name} » : il "
                "ne pourra pas être restauré.",
            ],
            button="Supprimer",
            tone="danger",
            cancel_url=return_url,
            hidden={"id": str(form.id.data), "url": return_url},
        )
        return self.render("admin/confirm.html", **page_context(confirmation))

    @expose("/api/file/")
    def api_file_view(self) -> Any:
        # Flask-Admin serves GridFS files from any collection and database named in the query
        # string, inline, with the uploader's content type. e-Pôles serves its files from its
        # own routes, after an authorization check: this door stays shut.
        abort(404)

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self) -> Any:
        # Flask-Admin answers a refused inline edit with a 500; say 400 and why, in French.
        result = super().ajax_update()
        if isinstance(result, tuple) and result[1] == 500:
            return result[0], 400
        return result


class BackOfficeIndexView(ActionGated, AdminIndexView):
    action = Action.ENTER_BACKOFFICE

    @expose("/")
    def index(self) -> Any:
        from app.models import Convention, OrganisingAuthority, Pole, School, User

        # The Administration steers the campaign: its home is the dashboard (CONTRACT.md).
        if permissions.can(current_user, Action.STEER_CAMPAIGN):
            from app.views.admin import dashboard

            return dashboard.render(self)

        counts = {
            "poles": Pole.objects.count(),
            "schools": School.objects.count(),
            "pos": OrganisingAuthority.objects.count(),
            "conventions": Convention.objects.count(),
            "users": User.objects.count(),
        }
        return self.render("admin/epoles_index.html", counts=counts)
