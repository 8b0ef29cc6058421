"""The shared organisation registry: duplicates, editing, merging, archiving."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Contact, Interaction, Organisation


def org_form(**fields) -> dict:
    data = {
        "name_en": "",
        "name_zh": "",
        "pinyin": "",
        "kind": "government",
        "place": "beijing",
        "parent_name": "",
        "website": "",
        "notes": "",
    }
    data.update(fields)
    return data


def test_an_officer_adds_an_organisation(app, client_as):
    client, _ = client_as()
    response = client.post(
        "/organisations/new",
        data=org_form(
            name_en="Beijing Municipal Commission of Education",
            name_zh="北京市教育委员会",
            pinyin="Běijīng Shì Jiàoyù Wěiyuánhuì",
            website="http://jw.beijing.gov.cn/",
        ),
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Beijing Municipal Commission of Education" in page
    assert '<span lang="zh">北京市教育委员会</span>' in page


def test_an_exact_duplicate_is_refused_with_a_link(app, client_as, make_organisation):
    org = make_organisation("Beijing Municipal Bureau of Sports", "北京市体育局")
    client, _ = client_as()
    for fields in (
        {"name_en": "beijing municipal bureau of sports."},
        {"name_en": "Sports Bureau of Beijing", "name_zh": "北京市 体育局", "not_a_duplicate": "y"},
    ):
        page = client.post("/organisations/new", data=org_form(**fields)).get_data(as_text=True)
        assert "This organisation is already in the registry." in page
        assert f'href="/organisations/{org}"' in page
    with app.app_context():
        assert db.session.query(Organisation).count() == 1


def test_likely_duplicates_are_offered_and_can_be_overruled(app, client_as, make_organisation):
    make_organisation("Beijing Municipal Bureau of Sports", "北京市体育局", "Běijīng Shì Tǐyù Jú")
    client, _ = client_as()
    page = client.post(
        "/organisations/new", data=org_form(name_en="Beijing Sports Bureau")
    ).get_data(as_text=True)
    assert "Is it one of these?" in page and "Beijing Municipal Bureau of Sports" in page
    # A question in a neutral notice, not an error (issue 15).
    assert "There is a problem" not in page and "notice-card" in page
    assert '<label class="checkbox"><input id="not_a_duplicate"' in page
    with app.app_context():
        assert db.session.query(Organisation).count() == 1
    response = client.post(
        "/organisations/new", data=org_form(name_en="Beijing Sports Bureau", not_a_duplicate="y")
    )
    assert response.status_code == 302  # the officer knows better: saved


def test_suggestions_while_typing(client_as, make_organisation):
    make_organisation(
        "Administrative Committee of Zhongguancun Science Park",
        "中关村科技园区管理委员会",
        "Zhōngguāncūn Kējì Yuánqū Guǎnlǐ Wěiyuánhuì",
    )
    client, _ = client_as("viewer")
    for query in (
        "name_en=Zhongguancun",
        "name_en=zhong+guan+cun+science+park",
        "name_zh=中关村科技园区",
        "pinyin=Zhongguancun+Keji+Yuanqu",
    ):
        names = [o["name_en"] for o in client.get(f"/organisations/suggest?{query}").json]
        assert names == ["Administrative Committee of Zhongguancun Science Park"], query
    assert client.get("/organisations/suggest?name_en=Tsinghua").json == []
    found = client.get("/organisations/lookup?q=中关村").json
    assert found[0]["name_zh"] == "中关村科技园区管理委员会"


def test_bad_organisation_input(app, client_as, make_organisation):
    client, _ = client_as()
    page = client.post("/organisations/new", data=org_form(name_en="", website="ftp://x")).get_data(
        as_text=True
    )
    assert "Enter the organisation&#39;s name in English." in page
    assert "starting with https://" in page
    parent = make_organisation("Beijing Municipal People's Government", "北京市人民政府")
    page = client.get(f"/organisations/{parent}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    page = client.post(
        f"/organisations/{parent}/edit",
        data=org_form(
            name_en="Beijing Municipal People's Government",
            parent_name="Beijing Municipal People's Government",
            version=version,
        ),
    ).get_data(as_text=True)
    assert "cannot be under itself" in page


def test_a_coordinator_merges_duplicates(
    app, client_as, make_organisation, make_contact, make_interaction
):
    keep = make_organisation(
        "Foreign Affairs Office of Beijing Municipality", "北京市人民政府外事办公室"
    )
    dup = make_organisation("Beijing Foreign Affairs Office", "", "Beijing Waishi Bangongshi")
    helsinki_contact = make_contact("helsinki", organisation=dup)
    espoo_contact = make_contact("espoo", organisation=dup)
    both = make_interaction("helsinki", organisations=[dup, keep])
    only_dup = make_interaction("turku", organisations=[dup])
    officer, _ = client_as("officer")
    assert officer.get(f"/organisations/{dup}/merge").status_code == 403
    client, coordinator = client_as("coordinator", None)
    page = client.get(f"/organisations/{dup}/merge").get_data(as_text=True)
    assert "Foreign Affairs Office of Beijing Municipality" in page  # offered as a likely match
    response = client.post(f"/organisations/{dup}/merge", data={"survivor": str(keep)})
    assert response.headers["Location"] == f"/organisations/{keep}"
    with app.app_context():
        for contact_id in (helsinki_contact, espoo_contact):
            assert db.session.get(Contact, contact_id).organisation_id == keep
        assert [o.id for o in db.session.get(Interaction, both).organisations] == [keep]
        assert [o.id for o in db.session.get(Interaction, only_dup).organisations] == [keep]
        merged = db.session.get(Organisation, dup)
        assert merged.merged_into_id == keep
        survivor = db.session.get(Organisation, keep)
        assert survivor.pinyin == "Beijing Waishi Bangongshi"  # filled in from the duplicate
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "organisation.merge")
        ).one()
        assert event.actor_id == coordinator.id and event.changes["contacts"] == [0, 2]
    # The old address leads to the survivor; the duplicate is gone from the registry.
    assert client.get(f"/organisations/{dup}").headers["Location"] == f"/organisations/{keep}"
    listing = client.get("/organisations/").get_data(as_text=True)
    assert "Beijing Foreign Affairs Office<" not in listing


def test_archive_and_restore_an_organisation(app, client_as, make_organisation):
    org = make_organisation("Defunct Trade Office")
    client, _ = client_as("coordinator", None)
    client.post(f"/organisations/{org}/archive")
    assert "Defunct Trade Office" not in client.get("/organisations/").get_data(as_text=True)
    assert "Defunct Trade Office" in client.get("/organisations/?archived=1").get_data(as_text=True)
    assert client.get("/organisations/lookup?q=defunct").json == []
    client.post(f"/organisations/{org}/restore")
    assert "Defunct Trade Office" in client.get("/organisations/").get_data(as_text=True)


def test_organisation_page_groups_what_the_user_may_see_by_city(
    client_as, make_organisation, make_contact, make_interaction
):
    org = make_organisation("Zhangjiakou Sports Bureau", "张家口市体育局", place="zhangjiakou")
    make_contact("lahti", "network", family_name="Zhao", organisation=org)
    make_contact("helsinki", "city", family_name="Sun", organisation=org)
    make_interaction("lahti", "network", title="Coaching seminar", organisations=[org])
    client, _ = client_as("officer", "helsinki")
    page = client.get(f"/organisations/{org}").get_data(as_text=True)
    helsinki_at, lahti_at = page.index('id="city-helsinki"'), page.index('id="city-lahti"')
    assert helsinki_at < lahti_at  # the user's own city first
    assert "Sun" in page and "Zhao" in page and "Coaching seminar" in page
