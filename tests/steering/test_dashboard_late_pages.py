"""The dashboard's late list, a page at a time: its counts whole, its reads constant."""

import copy
import re

from bson import ObjectId

from app.models import Convention
from app.rules.states import Kind
from app.views.admin.dashboard import LATE_PER_PAGE
from tests.permissions.test_query_counts import counter  # noqa: F401  (fixture)
from tests.raw import raw_conventions

EXTRA = 60


def _add_late_copies(campaign, count: int = EXTRA) -> set[str]:
    """``count`` copies of pole 1's late partnership (validated, past due): their ids."""
    collection = raw_conventions()
    partnership = collection.find_one({"pole": campaign.pk, "kind": Kind.PARTNERSHIP.value})
    ids = [ObjectId() for _ in range(count)]
    collection.insert_many(
        [dict(copy.deepcopy(partnership), _id=i, slot=f"late-copy:{n}") for n, i in enumerate(ids)]
    )
    return {str(i) for i in ids}


def _late_rows(html: str) -> list[str]:
    table = html.split('data-testid="late"')[1].split("</table>")[0]
    return re.findall(r'data-convention="([0-9a-f]{24})"', table)


def _late_count(html: str) -> str:
    card = html.split('data-testid="late-count"')[1].split("</div>")[0]
    return re.sub(r"<[^>]+>", "", card).strip(" >")


def test_the_late_list_pages_and_its_count_stays_whole(campaign, login_as):
    client = login_as("admin")
    before = client.get("/admin/").get_data(as_text=True)
    late_before = int(_late_count(before))
    assert "Pages des conventions en retard" not in before  # one page: no pager
    copies = _add_late_copies(campaign)

    first = client.get("/admin/").get_data(as_text=True)
    assert int(_late_count(first)) == late_before + EXTRA  # the count is not the page's
    rows = _late_rows(first)
    assert len(rows) == LATE_PER_PAGE
    nav = first.split('<nav aria-label="Pages des conventions en retard et bientôt dues">')[1]
    nav = nav.split("</nav>")[0]
    assert 'aria-current="page">1</a>' in nav and "Suivante »" in nav
    second_url = re.search(r'href="([^"]*page=2[^"]*)"', nav).group(1).replace("&amp;", "&")
    assert "#late-title" in second_url and "annee=2026-2027" in second_url

    second = client.get(second_url).get_data(as_text=True)
    more = _late_rows(second)
    shown = rows + more
    assert len(shown) == len(set(shown))  # no row on both pages
    late_ids = {str(c.pk) for c in Convention.objects(pole=campaign, kind=Kind.PARTNERSHIP)}
    assert copies < set(shown) and late_ids <= set(shown) | copies
    assert "« Précédente" in second
    # the reminder form still counts every late convention of pole 1, not the page's
    assert _pole_1_late(first) == _pole_1_late(before) + EXTRA


def _pole_1_late(html: str) -> int:
    form = html.split('data-testid="remind-form"')[1].split("</form>")[0]
    return int(re.search(r"Pôle 1 \((\d+) en retard\)", form).group(1))


def test_the_dashboard_reads_as_often_with_60_more_late_conventions(
    campaign,
    login_as,
    counter,  # noqa: F811
):
    client = login_as("admin")

    def reads() -> int:
        counter["n"] = 0
        assert client.get("/admin/").status_code == 200
        return counter["n"]

    before = reads()
    _add_late_copies(campaign)
    after = reads()
    assert after == before
    # beyond the session's user: the school years, the poles, the year's conventions, the
    # page's conventions, the count to approve, the POs and the schools awaited
