"""Deadlines on the pages: « en retard » on pole 1 past 15 October 2026 (EPOLES_TODAY of the
tests is 2026-12-01), « bientôt » for a specific partnership planned soon, the back-office
filter and column, and the Administration's school years."""

from datetime import date

from app import clock
from app.models import Convention, SchoolYear
from app.rules.states import Kind
from app.services import school_years, workflow
from tests.conftest import csrf_token


def _specific() -> Convention:
    return Convention.objects(pole_number=1, kind=Kind.SPECIFIC_PARTNERSHIP).first()


def test_demo_school_years_and_campaign(demo):
    labels = [y.label for y in SchoolYear.objects.order_by("first_day")]
    assert labels == [f"{y}-{y + 1}" for y in range(2022, 2028)]
    current = school_years.current()
    assert current.label == "2026-2027" and not current.confirmed
    assert current.campaign_deadline == date(2026, 10, 15)
    assert current.amendment_deadline == date(2027, 6, 1)
    partnership = Convention.objects(pole_number=1, kind=Kind.PARTNERSHIP).first()
    assert partnership.school_year == "2026-2027"
    assert partnership.due_on == date(2026, 10, 15)


def test_late_before_and_after_the_campaign_deadline(demo):
    partnership = Convention.objects(pole_number=1, kind=Kind.PARTNERSHIP).first()
    with clock.fixed_today(date(2026, 9, 1)):
        assert school_years.deadline_of(partnership).label == "à temps"
    with clock.fixed_today(date(2026, 10, 10)):
        assert school_years.deadline_of(partnership).label == "bientôt"
    late = school_years.deadline_of(partnership)  # 1 December 2026
    assert late.label == "en retard" and late.late_by > 0


def test_pages_show_late_conventions_of_pole_1(demo, login_as):
    client = login_as("coord1")
    partnership = Convention.objects(pole_number=1, kind=Kind.PARTNERSHIP).first()
    page = client.get(f"/conventions/{partnership.pk}").get_data(as_text=True)
    assert 'data-testid="convention-deadline">échéance 15 octobre 2026' in page
    assert 'data-deadline="late">en retard' in page
    structure = client.get("/poles/1/structure").get_data(as_text=True)
    assert structure.count('data-deadline="late"') >= 3
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="deadlines"' in home and "en retard" in home


def _draft_specific(coord) -> Convention:
    from app.models import Pole, School

    pole = Pole.objects.get(number=1)
    return workflow.add_school(pole, School.objects.get(fase=2301), "specific_partner", coord)


def test_take_in_charge_date_sets_a_due_soon_deadline(demo, login_as):
    from app.models import User

    conv = _draft_specific(User.objects.get(username="coord1"))
    assert conv.kind == Kind.SPECIFIC_PARTNERSHIP and conv.due_on is None
    client = login_as("coord1")
    page = client.get(f"/conventions/{conv.pk}").get_data(as_text=True)
    assert 'data-testid="take-in-charge-form"' in page
    bad = client.post(
        f"/conventions/{conv.pk}/prise-en-charge",
        data={"take_in_charge_on": "11/01/2027", "csrf_token": csrf_token(client, "/")},
        follow_redirects=True,
    )
    assert "Date invalide" in bad.get_data(as_text=True)
    client.post(
        f"/conventions/{conv.pk}/prise-en-charge",
        data={"take_in_charge_on": "2027-01-11", "csrf_token": csrf_token(client, "/")},
    )
    conv.reload()
    # Back on Monday 11 January 2027 after the winter break: 10 school days before it.
    assert conv.take_in_charge_on == date(2027, 1, 11)
    assert conv.due_on == date(2026, 12, 14)
    assert school_years.deadline_of(conv).label == "bientôt"
    home = client.get("/").get_data(as_text=True)
    assert 'data-deadline="due_soon">bientôt' in home


def test_take_in_charge_refused_on_a_signed_convention_and_to_others(demo, login_as):
    from app.models import User
    from app.rules.errors import RuleViolation

    signed = _specific()
    assert signed.status == "signed"
    try:
        workflow.set_take_in_charge(signed, date(2027, 1, 11), User.objects.get(username="coord1"))
    except RuleViolation:
        pass
    else:
        raise AssertionError("a locked convention took a new date")
    assert (
        login_as("coord2")
        .post(
            f"/conventions/{signed.pk}/prise-en-charge",
            data={
                "take_in_charge_on": "2027-01-11",
                "csrf_token": csrf_token(login_as("coord2"), "/"),
            },
        )
        .status_code
        == 404
    )


def test_backoffice_filter_and_column(demo, login_as):
    client = login_as("admin")
    listing = client.get("/admin/conventions_admin/").get_data(as_text=True)
    assert "Échéance" in listing and "en retard" in listing
    signed = str(_specific().pk)
    assert signed in listing
    late_ids = {str(c.pk) for c in Convention.objects(**school_years.state_filter("late"))}
    assert late_ids and signed not in late_ids
    # The filter « Échéance est en retard » keeps only conventions past due and unsigned.
    from app.views.admin.conventions import DeadlineFilter

    view = next(
        v
        for v in client.application.extensions["epoles_admin"]._views
        if getattr(v, "endpoint", "") == "conventions_admin"
    )
    index = next(i for i, f in enumerate(view._filters) if isinstance(f, DeadlineFilter))
    filtered = client.get(f"/admin/conventions_admin/?flt0_{index}=late").get_data(as_text=True)
    assert all(i in filtered for i in late_ids) and signed not in filtered


def test_school_year_admin_edit_refreshes_due_dates(demo, login_as):
    client = login_as("admin")
    year = SchoolYear.objects.get(label="2026-2027")
    assert client.get("/admin/annees/").status_code == 200
    form = client.get(f"/admin/annees/edit/?id={year.pk}").get_data(as_text=True)
    assert "2026-10-19 2026-10-30" in form
    response = client.post(
        f"/admin/annees/edit/?id={year.pk}",
        data={
            "label": "2026-2027",
            "first_day": "2026-08-24",
            "last_day": "2027-07-02",
            "campaign_deadline": "2027-01-15",
            "amendment_deadline": "2027-06-01",
            "soon_days": "14",
            "current": "y",
            "confirmed": "y",
            "closures_text": "2026-10-19 2026-10-30 Congé d'automne",
            "csrf_token": csrf_token(client, "/admin/annees/"),
        },
    )
    assert response.status_code == 302
    partnership = Convention.objects(pole_number=1, kind=Kind.PARTNERSHIP).first()
    assert partnership.due_on == date(2027, 1, 15)
    assert school_years.deadline_of(partnership).label == "à temps"
    assert SchoolYear.objects.get(label="2026-2027").confirmed


def test_school_years_admin_is_for_the_administration(demo, login_as):
    assert login_as("gestionnaire").get("/admin/annees/").status_code in (302, 403)


def test_current_school_year_comes_from_the_data_then_the_settable_clock(app):
    """The flagged campaign wins; with no school year encoded, ``clock.today()`` decides
    (the rentrée is in late August), never the machine's date."""
    assert SchoolYear.objects.count() == 0
    with clock.fixed_today(date(2031, 8, 20)):
        assert workflow.current_school_year() == "2030-2031"
    with clock.fixed_today(date(2031, 8, 30)):
        assert workflow.current_school_year() == "2031-2032"
    SchoolYear(
        label="2029-2030",
        first_day=date(2029, 8, 27),
        last_day=date(2030, 7, 5),
        campaign_deadline=date(2029, 10, 15),
        amendment_deadline=date(2030, 6, 1),
        current=True,
    ).save()
    with clock.fixed_today(date(2031, 8, 30)):
        assert workflow.current_school_year() == "2029-2030"
