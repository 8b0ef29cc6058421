"""Search: what people type finds what they mean, and never anything they may not see."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from portal.extensions import db


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


def test_a_search_reads_its_hits_once_for_the_counts_and_the_page(
    app, client_as, count_statements, make_record
):
    """Issue 18: within the bound, a search read its hits twice, once for the facet counts
    and once for the page (on PostgreSQL 9 ms of a pinyin search's 87). Counted afresh,
    one statement now gives both; with the counts kept, the page alone is read."""
    from portal.search.index import touch

    for i in range(25):
        make_record("event", "helsinki", "network", title=f"Festival {i:02d}")
    client, _ = client_as("officer", "helsinki")

    def get(address: str, *, cold: bool) -> tuple[str, int]:
        if cold:  # someone else's write: every kept count is void
            with app.app_context():
                touch(db.session.connection())
                db.session.commit()
        with count_statements() as sent:
            page = client.get(address).get_data(as_text=True)
        return page, len([s for s in sent.statements if "WITH hits" in s])

    first, reads = get("/search?q=festival", cold=True)
    assert reads == 1
    assert "25 results, page 1 of 2" in first
    assert "</mark> 00<" in first and "</mark> 20<" not in first
    second, reads = get("/search?q=festival&page=2", cold=True)
    assert reads == 1
    assert "</mark> 20<" in second and "</mark> 24<" in second and "</mark> 00<" not in second
    again, reads = get("/search?q=festival&page=2", cold=False)
    assert reads == 1 and "</mark> 24<" in again
    past, _ = get("/search?q=festival&page=9", cold=True)  # the last page instead
    assert "page 2 of 2" in past and "</mark> 24<" in past and "</mark> 00<" not in past


def test_the_engine_matches_once_per_search(client_as, count_statements, make_record, monkeypatch):
    """Issue 18: a search asked the full-text engine to match three times (to count, for
    the facets, for the page), on PostgreSQL each time a walk of thousands of documents."""
    from portal.search import query

    monkeypatch.setattr(query, "BOUND", 21)  # a page (20) and more
    for i in range(3):
        make_record("event", "helsinki", "network", title=f"Festival {i}")
    for i in range(23):
        make_record("event", "espoo", "network", title=f"Seminar {i}")
    client, _ = client_as("officer", "helsinki")
    for address, shows in [
        ("/search?q=festival", "3 results"),  # counted, with facets
        ("/search?q=seminar", "More than 21 results"),  # beyond the bound
        ("/search?q=festival&city=helsinki", "3 results"),
    ]:
        with count_statements() as sent:
            page = client.get(address).get_data(as_text=True)
        assert shows in page
        matching = [s for s in sent.statements if "MATCH" in s or "@@" in s]
        # PostgreSQL's engine asks the planner how many to expect first: a plan reads nothing.
        matching = [s for s in matching if not s.startswith("EXPLAIN")]
        assert len(matching) == 1, address


def test_a_mark_typed_into_a_record_claims_no_readers(client_as, make_record, monkeypatch):
    """A record's text is indexed with its words; had it a mark's spelling ("zqxnetwork"),
    the engine would count Espoo's private event for Helsinki (shown nowhere, but in the
    total of a search beyond the bound narrowed by a facet)."""
    from portal.search import query

    monkeypatch.setattr(query, "BOUND", 2)
    for i in range(3):
        make_record("event", "helsinki", "network", title=f"Seminar {i}")
    make_record("event", "espoo", "network", title="Seminar shared")
    make_record("event", "espoo", "city", title="Seminar zqxnetwork zqxcity1 zqxall")
    client, _ = client_as("officer", "helsinki")
    page = client.get("/search?q=seminar&city=espoo").get_data(as_text=True)
    assert re.search(r"\b1 result(?!s)", page) and "</mark> shared" in page
    assert "zqx" not in page


def test_a_change_is_found_at_once_though_results_are_reused(client_as, make_record, app):
    """Results are kept between requests (paging and facets reuse them); every save, archive
    or change of visibility makes them void in the same transaction."""
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


@pytest.mark.parametrize(
    "role,city,active",
    [
        ("officer", "helsinki", True),
        ("viewer", "espoo", True),
        ("viewer", "lahti", True),
        ("coordinator", None, True),
        ("admin", None, True),
        ("officer", "helsinki", False),
    ],
)
def test_the_engines_marks_agree_with_the_visibility_rule(
    app, make_user, secrets_everywhere, make_record, make_organisation, role, city, active
):
    """Document by document: a reader's marks meet a document's exactly when visible_filter
    selects it (and it is not archived)."""
    from portal.models import SearchDocument, User
    from portal.search import marks
    from portal.security.permissions import visible_filter

    make_record("project", "lahti", "city", title="Partnered", partners=["espoo"])
    make_record("project", "espoo", "network", title="Gone", archived_at=None)
    make_organisation("Shared registry office")
    ref = make_user(role, city, active=active)
    with app.app_context():
        from portal.timeutil import utcnow

        make_gone = db.session.scalar(select(SearchDocument).where(SearchDocument.title == "Gone"))
        from portal.models import Project

        db.session.get(Project, make_gone.record_id).archived_at = utcnow()
        db.session.commit()
        user = db.session.get(User, ref.id)
        reader = set(marks.of_reader(user) or [])
        visible = set(
            db.session.scalars(
                select(SearchDocument.id).where(
                    visible_filter(user, SearchDocument), SearchDocument.archived.is_(False)
                )
            )
        )
        documents = db.session.execute(select(SearchDocument.id, SearchDocument.body)).all()
        assert len(documents) >= 15
        for document_id, body in documents:
            carried = {w for w in body.split() if w.startswith(marks.MARK)}
            assert bool(reader & carried) == (document_id in visible), (document_id, body)
        if not active:
            assert not visible and not reader


def test_marks_cannot_be_typed(client_as, secrets_everywhere):
    client, _ = client_as("officer", "espoo")
    for query in ("zqxall", "zqx", "zqxcity1", "zqxkcontact julkinen"):
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "Salaisuus" not in page.replace(f"Search: {query}", ""), query
    assert titles(client, "zqxall") == []
    assert len(titles(client, "julkinen zqxall")) == 6  # the mark is dropped, not matched


def test_a_common_word_pages_from_the_newest_and_counts_only_so_far(
    client_as, make_record, monkeypatch
):
    from portal.search import query

    monkeypatch.setattr(query, "BOUND", 4)
    for i in range(7):
        make_record("event", ["helsinki", "espoo"][i % 2], "network", title=f"Seminar {i}")
    make_record("project", "lahti", "network", title="Seminar series")
    make_record("event", "espoo", "city", title="Seminar in private")
    client, _ = client_as("officer", "helsinki")
    page = client.get("/search?q=seminar").get_data(as_text=True)
    assert "More than 4 results, newest first, page 1" in page
    assert re.search(r'<a href="[^"]*kind=event[^"]*">Events</a>\s*</li>', page)  # no count
    seen: list[str] = []
    number = 1
    while True:
        page = client.get(f"/search?q=seminar&page={number}").get_data(as_text=True)
        assert "Seminar in private" not in page
        links = re.findall(r'<li>\s+<a href="[^"]+">(.*?)</a>', page)
        seen += [re.sub(r"</?mark>", "", t) for t in links]
        if 'rel="next"' not in page:
            break
        number += 1
    assert sorted(seen) == sorted([f"Seminar {i}" for i in range(7)] + ["Seminar series"])
    assert seen[0] == "Seminar series"  # the newest first
    # A facet narrows in the engine: the one project, counted exactly.
    page = client.get("/search?q=seminar&kind=project").get_data(as_text=True)
    assert "1 result<" in page and "selected; select to remove" in page
    assert titles(client, "seminar&kind=project") == ["Seminar series"]
    page = client.get("/search?q=seminar&city=espoo&kind=event").get_data(as_text=True)
    assert "3 results" in page  # Espoo's three shared seminars, not its private one
    assert "0 results" in client.get("/search?q=seminar&theme=nonsense").get_data(as_text=True)


def test_a_rebuild_commits_chunk_by_chunk_and_forgets_what_is_gone(
    app, make_record, client_as, database_url, count_statements
):
    """While a rebuild runs the portal keeps saving: between its chunks another connection
    gets the write lock at once. And documents of records deleted behind the index's back
    go."""
    import sqlite3

    from sqlalchemy import delete, event
    from sqlalchemy.engine import make_url

    from portal.models import Event
    from portal.search import index

    ids = [make_record("event", "helsinki", "network", title=f"Lecture {i}") for i in range(5)]
    with app.app_context():
        db.session.execute(delete(Event).where(Event.id == ids[0]))  # no hook sees this
        db.session.commit()
    client, _ = client_as("officer", "helsinki")
    assert len(titles(client, "lecture")) == 5  # the index still holds the deleted one

    free_between_chunks: list[bool] = []

    def _after_commit(_session):
        if database_url.startswith("sqlite"):
            other = sqlite3.connect(make_url(database_url).database, timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                free_between_chunks.append(True)
            except sqlite3.OperationalError:
                free_between_chunks.append(False)
            finally:
                other.close()
        else:
            free_between_chunks.append(True)

    with app.app_context():
        event.listen(db.session, "after_commit", _after_commit)
        try:
            with count_statements() as sent:
                counts = index.rebuild(db.session, chunk=2)
        finally:
            event.remove(db.session, "after_commit", _after_commit)
    assert counts["event"] == 4
    # What is gone is found by an anti-join: PostgreSQL runs "NOT IN (SELECT ...)" over a
    # list too long for its working memory as one scan per document (hours at full scale).
    assert not [s for s, _ in sent.executed if "NOT IN (SELECT" in " ".join(s.split())]
    assert len(free_between_chunks) >= 3 and all(free_between_chunks)
    assert sorted(titles(client, "lecture")) == [f"Lecture {i}" for i in range(1, 5)]


def test_the_results_are_one_link_away_from_the_search_box(client_as, make_record):
    """Issue 15: some forty facet links came before the results in the tab order."""
    make_record("project", "helsinki", "network", title="Winter sports seminar")
    client, _ = client_as("officer", "helsinki")
    page = client.get("/search?q=seminar").get_data(as_text=True)
    skip = page.index('href="#results"')
    assert skip < page.index('class="facets"') < page.index('id="results"')
    assert "Skip the filters to the results" in page


@pytest.mark.parametrize("way", ["index", "walk", "walk that runs short", "walk that runs out"])
def test_the_newest_matches_are_the_same_whichever_way_the_engine_finds_them(
    app, make_record, make_user, monkeypatch, way
):
    """Issue 18: on PostgreSQL a word's newest matches come from its GIN index or from a walk
    of the documents newest first, as many are expected (backends.newest_ids); a walk that
    runs out of its budget hands over to the index. Every way gives the same documents, newest
    first, page by page, and none the reader may not see. (SQLite's engine has one way.)"""
    from portal.models import SearchDocument, User
    from portal.search import backends, marks

    # The planner's guess is made 1 match, so that the walk's budget is WALK_PER_MATCH.
    monkeypatch.setattr(backends, "_expected_matches", lambda session, expression: 1)
    gin_up_to, walk_per_match = {
        "index": (10**9, 10),
        "walk": (0, 10**6),
        "walk that runs short": (0, 8),  # the six newest and two of the visits
        "walk that runs out": (0, 0),
    }[way]
    monkeypatch.setattr(backends, "GIN_UP_TO", gin_up_to)
    monkeypatch.setattr(backends, "WALK_PER_MATCH", walk_per_match)
    for i in range(5):
        make_record("event", "helsinki", "network", title=f"Alpha seminar {i}")
    make_record("event", "espoo", "city", title="Alpha seminar in private")
    for i in range(3):
        make_record("event", ["espoo", "lahti"][i % 2], "network", title=f"Alpha visit {i}")
    for i in range(6):
        make_record("event", "oulu", "network", title=f"Beta fair {i}")
    reader = make_user("officer", "helsinki")
    with app.app_context():
        user = db.session.get(User, reader.id)
        expression = backends.expression(
            db.engine.dialect.name, "alpha", [marks.of_reader(user) or []]
        )
        assert expression is not None
        newest = list(
            db.session.scalars(
                select(SearchDocument.id)
                .where(SearchDocument.title.like("Alpha%"))
                .where(SearchDocument.title != "Alpha seminar in private")
                .order_by(SearchDocument.id.desc())
            )
        )
        assert len(newest) == 8
        for limit, offset in [(2, 0), (3, 0), (3, 2), (3, 6), (8, 0), (20, 0), (5, 10)]:
            found = backends.newest_ids(db.session, expression, limit=limit, offset=offset)
            assert found == newest[offset : offset + limit], (limit, offset)


def test_a_saved_documents_words_go_straight_into_the_index(app, client_as, make_record):
    """Issue 18: PostgreSQL's GIN index of the words kept what was saved in a pending list by
    default, which every search read whole until a vacuum emptied it, so search grew slower
    all day with the network's writes (a rare word 0.45 -> 6.5 ms after 5,900 saves). The
    index takes each save into its trees at once (``fastupdate`` off, migration 0028), and
    what is saved is found at once."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "postgresql":
        pytest.skip("SQLite's FTS5 has no pending list")
    make_record("event", "helsinki", "network", title="Quokka seminar")
    client, _ = client_as("officer", "helsinki")
    assert "Quokka seminar" in titles(client, "quokka")
    with app.app_context():
        options = db.session.scalar(
            text("SELECT reloptions FROM pg_class WHERE relname = 'ix_search_words_words'")
        )
    assert options is not None and "fastupdate=off" in options
