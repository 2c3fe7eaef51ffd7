"""The Administration's dashboard on the demo campaign, every stage present on pole 1."""

import re
from html import unescape

import pytest

from app.models import Convention, Pole
from app.rules.states import Kind


def _row(html: str, testid: str, label: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr") if label in r)
    return [
        re.sub(r"<[^>]+>", "", unescape(c)).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    ]


def test_admin_lands_on_the_dashboard_with_pole_1_by_stage(campaign, login_as):
    html = login_as("admin").get("/admin/").get_data(as_text=True)
    assert "Tableau de bord de la campagne 2026-2027" in html
    # Pôle, then the six stages, total, % communicated, late
    cells = _row(html, "by-pole", 'data-pole="1"')
    assert cells[1:8] == ["2", "1", "1", "0", "1", "1", "6"]
    assert cells[8].startswith("33") and cells[9] == "3"
    partnership = _row(html, "by-kind", "Convention de partenariat<")
    assert partnership[3].startswith("1") and partnership[7] == "2"  # validated; poles 1, 2


def test_the_late_ones_and_who_they_wait_for(campaign, login_as):
    html = login_as("admin").get("/admin/").get_data(as_text=True)
    late = html.split('data-testid="late"')[1].split("</table>")[0]
    partnership = Convention.objects.get(pole=campaign, kind=Kind.PARTNERSHIP)
    assert f'data-convention="{partnership.pk}"' in late
    assert "en retard" in late and "la signature de : " in late  # its POs, named
    assert 'data-testid="late-count"' in html


def test_every_number_links_to_the_filtered_list(campaign, login_as):
    client = login_as("admin")
    html = client.get("/admin/").get_data(as_text=True)
    table = html.split('data-testid="by-pole"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr") if 'data-pole="1"' in r)
    links = re.findall(r'href="([^"]+)"', row)
    assert links and all(link.startswith("/admin/conventions_admin/?") for link in links)
    # the « Validée » count of pole 1 lists exactly pole 1's validated partnership
    validated = next(unescape(link) for link in links if "=validated" in link)
    listing = client.get(validated).get_data(as_text=True)
    partnership = Convention.objects.get(pole=campaign, kind=Kind.PARTNERSHIP)
    others = Convention.objects(id__ne=partnership.pk)
    assert str(partnership.pk) in listing
    assert not any(str(c.pk) in listing for c in others)


def test_filters_and_exports(campaign, login_as):
    client = login_as("admin")
    html = client.get("/admin/?zone=4&type=cooperation").get_data(as_text=True)
    assert 'data-pole="1"' in html and 'data-pole="2"' not in html  # pole 2 is in zone 1
    csv = client.get("/admin/?format=csv").get_data(as_text=True)
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("Pôle;Brouillon;")
    assert len(csv.splitlines()) == 1 + Pole.objects.count()
    xlsx = client.get("/admin/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    sorted_html = client.get("/admin/?tri=progress&ordre=desc").get_data(as_text=True)
    assert sorted_html.index('data-pole="1"') < sorted_html.index('data-pole="2"')


def test_charts_are_svg_with_text_alternatives(campaign, login_as):
    html = login_as("admin").get("/admin/").get_data(as_text=True)
    assert html.count('<svg class="ep-chart-bar"') >= 4 + 1
    assert 'role="img" aria-label="Convention de partenariat : Brouillon 1' in unescape(html)


@pytest.mark.parametrize("who", ["coord1", "dir-siege1", "po-part1", "coord2"])
def test_pole_users_never_reach_the_dashboard(campaign, login_as, who):
    client = login_as(who)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/?format=csv").status_code == 403


@pytest.mark.parametrize("who", ["gestionnaire", "support"])
def test_other_back_office_profiles_keep_their_counters(campaign, login_as, who):
    html = login_as(who).get("/admin/").get_data(as_text=True)
    assert "Back-office e-Pôles" in html and "Tableau de bord de la campagne" not in html


def test_each_stage_keeps_its_colour_and_the_last_waits_for_no_one(campaign, login_as):
    html = login_as("admin").get("/admin/").get_data(as_text=True)
    legend = re.findall(r'fill="(#[0-9a-f]{6})"/></svg> ([^<]+)</li>', html)
    assert legend[:6] == [
        ("#6b6b6b", "Brouillon"),
        ("#2f6f9f", "Liste validée"),
        ("#a05a00", "Validée"),
        ("#6a3d9a", "Signée"),
        ("#2e7d32", "Approuvée"),
        ("#1b3a1e", "Connaissance prise"),
    ]
    waiting = html.split('data-testid="waiting-for"')[1].split("</table>")[0]
    assert waiting.count("<tr>") == 1 + 5  # header, then every stage but the last
    assert "Prise de connaissance complète" not in waiting
    assert "Approuvée par l&#39;Administration" in waiting
