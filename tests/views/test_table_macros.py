"""The table macros of ``_tables.html``: a framed table, or what is said when it is empty;
the parties' checklist of step 3."""

from html import unescape


def render(app, source: str, **context) -> str:
    with app.app_context():
        return " ".join(unescape(app.jinja_env.from_string(source).render(**context)).split())


FRAMED = (
    '{% from "_tables.html" import framed_table %}'
    '{% call framed_table(rows, "Rien à montrer.", "table table-sm", "mt-2", testid="t") %}'
    "<tbody>{% for r in rows %}<tr><td>{{ r }}</td></tr>{% endfor %}</tbody>{% endcall %}"
)


def test_a_framed_table_scrolls_in_its_frame(app):
    html = render(app, FRAMED, rows=["a", "b"])
    assert html.startswith('<div class="table-responsive mt-2"> <table class="table table-sm"')
    assert 'data-testid="t"' in html and "<td>a</td>" in html and "<td>b</td>" in html
    assert "Rien à montrer." not in html


def test_an_empty_table_is_replaced_by_its_message(app):
    html = render(app, FRAMED, rows=[])
    assert html == '<p class="text-muted">Rien à montrer.</p>'


def test_a_table_without_a_message_is_shown_even_empty(app):
    source = (
        '{% from "_tables.html" import framed_table %}'
        "{% call framed_table(testid='t') %}<tbody></tbody>{% endcall %}"
    )
    assert render(app, source) == (
        '<div class="table-responsive"> <table class="table table-sm" data-testid="t">'
        " <tbody></tbody> </table> </div>"
    )


def test_the_checklist_marks_each_party_done_or_awaited(app):
    source = (
        '{% from "_tables.html" import checklist, party_mark %}'
        '{% call(p) checklist(parties, "c", "Partie", "Marque") %}'
        "<td>{{ p.name }}</td><td>{% call party_mark(p.mark) %}le {{ p.mark }}{% endcall %}</td>"
        "{% endcall %}"
    )
    html = render(app, source, parties=[{"name": "A", "mark": "1er"}, {"name": "B", "mark": None}])
    assert '<th scope="col">Partie</th><th scope="col">Marque</th>' in html
    assert '<tr><td>A</td><td><span class="text-success" aria-hidden="true">☑</span> le 1er' in html
    assert (
        '<tr><td>B</td><td><span class="text-muted"><span aria-hidden="true">☐</span> En attente'
        in html
    )
