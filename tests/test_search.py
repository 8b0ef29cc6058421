"""Search: what people type finds what they mean, and never anything they may not see."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select


@pytest.fixture
def registry(make_organisation, make_record):
    ids = {
        "sports": make_organisation(
            "Beijing Municipal Bureau of Sports", "北京市体育局", "Běijīng Shì Tǐyù Jú"
        ),
        "zpark": make_organisation(
            "Administrative Committee of Zhongguancun Science Park",
            "中关村科技园区管理委员会",
            "Zhōngguāncūn Kējì Yuánqū Guǎnlǐ Wěiyuánhuì",
        ),
        "hml": make_organisation(
            "Hämeenlinna China Friendship Society", place=None, kind="association"
        ),
        "shanghai": make_organisation(
            "Shanghai Municipal Foreign Affairs Office",
            "上海市人民政府外事办公室",
            place="shanghai",
        ),
    }
    return ids


def titles(client, query: str) -> list[str]:
    page = client.get(f"/search?q={query}").get_data(as_text=True)
    return [
        re.sub(r"</?mark>", "", t) for t in re.findall(r'<li>\s+<a href="[^"]+">(.*?)</a>', page)
    ]


@pytest.mark.parametrize(
    "query,finds",
    [
        ("hameenlinna", "Hämeenlinna China Friendship Society"),  # diacritics folded
        ("Hämeen", "Hämeenlinna China Friendship Society"),  # ... and by prefix
        ("HÄMEENLINNA", "Hämeenlinna China Friendship Society"),  # case folded
        ("北京", "Beijing Municipal Bureau of Sports"),  # Chinese characters
        ("体育", "Beijing Municipal Bureau of Sports"),  # two characters inside a name
        ("科技园区", "Administrative Committee of Zhongguancun Science Park"),
        ("Zhongguancun", "Administrative Committee of Zhongguancun Science Park"),
        ("zhong guan cun", "Administrative Committee of Zhongguancun Science Park"),
        ("Zhōngguāncūn", "Administrative Committee of Zhongguancun Science Park"),  # tones
        ("beijing shi tiyu", "Beijing Municipal Bureau of Sports"),  # pinyin in syllables
        ("Běijīng", "Beijing Municipal Bureau of Sports"),
        ("sport bureau", "Beijing Municipal Bureau of Sports"),  # prefixes, any order
    ],
)
def test_search_finds_what_people_type(client_as, registry, query, finds):
    client, _ = client_as("viewer", "oulu")
    assert finds in titles(client, query)


@pytest.mark.parametrize("query", ["上海", "shanghai", "foreign affairs"])
def test_search_does_not_find_the_wrong_thing(client_as, registry, query):
    client, _ = client_as("viewer", "oulu")
    found = titles(client, query)
    assert "Shanghai Municipal Foreign Affairs Office" in found  # the search does find ...
    assert "Beijing Municipal Bureau of Sports" not in found  # ... but not the wrong thing


def test_words_are_highlighted_and_html_is_escaped(client_as, make_organisation):
    make_organisation("<b>Bold</b> Hämeenlinna Trading Co., Ltd.")
    client, _ = client_as()
    page = client.get("/search?q=hameen").get_data(as_text=True)
    assert "<mark>Hämeen</mark>linna" in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page and "<b>Bold</b>" not in page


KINDS = ["contact", "interaction", "project", "event", "agreement", "offer"]


@pytest.fixture
def secrets_everywhere(make_contact, make_interaction, make_record):
    """One private record of each kind in Helsinki, all named with the word 'Salaisuus'."""
    make_contact("helsinki", "city", family_name="Salaisuus")
    make_interaction("helsinki", "city", title="Salaisuus talks")
    for kind in ("project", "event", "agreement", "offer"):
        make_record(kind, "helsinki", "city", title=f"Salaisuus {kind}")
    # And a shared twin of each, named 'Julkinen'.
    make_contact("helsinki", "network", family_name="Julkinen")
    make_interaction("helsinki", "network", title="Julkinen talks")
    for kind in ("project", "event", "agreement", "offer"):
        make_record(kind, "helsinki", "network", title=f"Julkinen {kind}")


def test_a_search_never_reveals_another_citys_private_records(client_as, secrets_everywhere):
    other, _ = client_as("officer", "espoo")
    page = other.get("/search?q=salaisuus").get_data(as_text=True)
    assert "Salaisuus" not in page.replace("Search: salaisuus", "")
    assert "0 results" in page
    # Facet counts and totals are computed over the visible set only.
    page = other.get("/search?q=julkinen").get_data(as_text=True)
    assert "6 results" in page
    assert re.search(r"Helsinki</a> \(6\)", page)
    page = other.get("/search?city=helsinki").get_data(as_text=True)
    assert "Salaisuus" not in page and "6 results" in page
    own, _ = client_as("viewer", "helsinki")
    page = own.get("/search?q=salaisuus").get_data(as_text=True)
    assert "6 results" in page


def test_facets_combine_and_live_in_the_address(client_as, make_record, make_organisation):
    make_record("event", "helsinki", "network", title="Winter festival")
    make_record("project", "helsinki", "network", title="Winter camps")
    make_record("project", "lahti", "network", title="Winter coaching")
    client, _ = client_as()
    page = client.get("/search?q=winter").get_data(as_text=True)
    assert "3 results" in page and "/search?q=winter&amp;kind=project" in page
    page = client.get("/search?q=winter&kind=project").get_data(as_text=True)
    assert "2 results" in page
    page = client.get("/search?q=winter&kind=project&city=lahti").get_data(as_text=True)
    assert "1 result" in page and "<mark>Winter</mark> coaching" in page
    assert "selected; select to remove" in page


def test_partner_cities_find_a_private_project(client_as, make_record):
    make_record("project", "lahti", "city", title="Confidential coaching", partners=["helsinki"])
    partner, _ = client_as("viewer", "helsinki")
    assert "Confidential coaching" in titles(partner, "confidential")
    outsider, _ = client_as("viewer", "turku")
    assert titles(outsider, "confidential") == []


def test_archiving_edits_and_merges_update_the_index(
    app, client_as, make_contact, make_organisation
):
    contact = make_contact("helsinki", "network", family_name="Vanhanimi")
    client, _ = client_as("officer", "helsinki")
    assert "Vanhanimi Li" in titles(client, "vanhanimi")
    client.post(f"/contacts/{contact}/archive")
    assert titles(client, "vanhanimi") == []
    client.post(f"/contacts/{contact}/restore")
    assert titles(client, "vanhanimi") == ["Vanhanimi Li"]
    keep = make_organisation("Beijing Foreign Affairs Office")
    dup = make_organisation("Foreign Affairs Office of Beijing")
    coordinator, _ = client_as("coordinator", None)
    coordinator.post(f"/organisations/{dup}/merge", data={"survivor": str(keep)})
    found = titles(coordinator, "foreign affairs beijing")
    assert found == ["Beijing Foreign Affairs Office"]


def test_search_rebuild_command(app, client_as, registry, secrets_everywhere):
    client, _ = client_as("officer", "espoo")
    before = [titles(client, q) for q in ("体育", "zhong guan cun", "julkinen", "salaisuus")]
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "4 organisation" in result.output
    after = [titles(client, q) for q in ("体育", "zhong guan cun", "julkinen", "salaisuus")]
    assert after == before and len(after[2]) == 6 and after[3] == []


def test_search_issues_a_fixed_number_of_statements(client_as, count_statements, make_record):
    client, _ = client_as()

    def statements():
        client.get("/search?q=festival")
        with count_statements() as counter:
            client.get("/search?q=festival")
        return counter.count

    for i in range(3):
        make_record("event", "helsinki", "network", title=f"Festival {i}")
    few = statements()
    for i in range(60):
        make_record("event", ["helsinki", "espoo"][i % 2], "network", title=f"Festival x{i}")
    assert statements() == few


def test_a_change_is_found_at_once_though_results_are_reused(client_as, make_record, app):
    """Results are kept between requests (paging and facets reuse them); every save, archive
    or change of visibility makes them void in the same transaction."""
    from portal.extensions import db
    from portal.models import Event

    client, _ = client_as("officer", "helsinki")
    make_record("event", "espoo", "network", title="Lantern festival in Espoo")
    assert titles(client, "lantern") == ["Lantern festival in Espoo"]
    assert titles(client, "lantern") == ["Lantern festival in Espoo"]  # from the kept results

    second = make_record("event", "turku", "network", title="Lantern parade in Turku")
    assert titles(client, "lantern") == ["Lantern festival in Espoo", "Lantern parade in Turku"]

    with app.app_context():  # Turku makes its event private again
        db.session.get(Event, second).visibility = "city"
        db.session.commit()
    assert titles(client, "lantern") == ["Lantern festival in Espoo"]


def test_a_rolled_back_change_leaves_no_stale_results(client_as, make_record, app):
    from portal.extensions import db
    from portal.models import Event

    client, _ = client_as("officer", "helsinki")
    first = make_record("event", "espoo", "network", title="Dragon boat race")
    with app.test_request_context():
        db.session.get(Event, first).title = "Dragon boat regatta"
        db.session.flush()  # the index now holds the new title, uncommitted
        from portal.models import User
        from portal.search.query import Filters, search

        viewer = db.session.scalar(select(User).where(User.role == "officer"))
        assert [d.title for d in search(viewer, "dragon", Filters()).items] == [
            "Dragon boat regatta"
        ]
        db.session.rollback()
    assert titles(client, "dragon") == ["Dragon boat race"]
    make_record("event", "espoo", "network", title="Dragon dance")
    assert titles(client, "dragon") == ["Dragon boat race", "Dragon dance"]


def test_meetings_are_found_and_a_draft_agenda_is_not(app, client_as):
    """A meeting's details are for everyone; its agenda becomes searchable when published."""
    from datetime import time, timedelta

    from portal.extensions import db
    from portal.models import City, Meeting, MeetingSeries, User
    from portal.services import agenda, meetings
    from portal.timeutil import local_today

    coordinator, who = client_as("coordinator", None)
    viewer, _ = client_as("viewer", "oulu")
    with app.test_request_context():
        actor = db.session.get(User, who.id)
        meeting = meetings.create_meeting(
            actor,
            db.session.scalar(select(MeetingSeries)),
            {
                "title": "Autumn meeting in Lahti",
                "held_on": local_today() + timedelta(days=30),
                "starts_at": time(13),
                "ends_at": time(15),
                "host_city": db.session.scalar(select(City).where(City.slug == "lahti")),
                "proposal_deadline": local_today() + timedelta(days=10),
            },
        )
        agenda.add_item(
            actor,
            meeting,
            {"title": "Snow sculpture exchange", "kind": "discussion", "duration_minutes": 10},
        )
        db.session.commit()
        meeting_id = meeting.id
    assert titles(viewer, "lahti") == ["Autumn meeting in Lahti"]
    assert titles(viewer, "sculpture") == []
    assert titles(coordinator, "sculpture") == []  # draft agendas are not in the index at all
    with app.test_request_context():
        actor = db.session.get(User, who.id)
        meetings.publish(actor, db.session.get(Meeting, meeting_id), annex={})
        db.session.commit()
    assert titles(viewer, "sculpture") == ["Autumn meeting in Lahti"]


def test_one_and_two_letter_words_match_whole_words(client_as, make_organisation):
    make_organisation("Li Ning Sports Company", place=None, kind="company")
    make_organisation("Lianyungang Port Authority", place=None, kind="company")
    client, _ = client_as("viewer", "oulu")
    assert titles(client, "li") == ["Li Ning Sports Company"]
    assert titles(client, "lia") == ["Lianyungang Port Authority"]
