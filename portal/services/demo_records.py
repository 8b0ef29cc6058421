"""The demo records: organisations, contacts and interactions drawn from ../shared/seeds/
(the Helsinki-Beijing action plans, the Beijing mayor's visit, Lahti's twin-city agreement
with Zhangjiakou). The organisations are real public bodies; the people are invented.

Everything is created through the services, by each city's demo officer, so the audit log
and the search text are as for records entered in the browser. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models.accounts import User
from portal.models.contacts import Contact, Interaction
from portal.models.organisations import Organisation
from portal.models.reference import ChinesePlace, City, Theme
from portal.services import contacts, interactions, organisations
from portal.services.organisation_matching import exact_key
from portal.timeutil import local_today

BEIJING_GOV = "Beijing Municipal People's Government"
ORGANISATIONS = [
    # name_en, name_zh, pinyin, kind, place, parent, website
    (
        BEIJING_GOV,
        "北京市人民政府",
        "Běijīng Shì Rénmín Zhèngfǔ",
        "government",
        "beijing",
        None,
        "https://www.beijing.gov.cn/",
    ),
    (
        "Foreign Affairs Office of the People's Government of Beijing Municipality",
        "北京市人民政府外事办公室",
        "Běijīng Shì Rénmín Zhèngfǔ Wàishì Bàngōngshì",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Beijing Municipal Bureau of Sports",
        "北京市体育局",
        "Běijīng Shì Tǐyù Jú",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Beijing Municipal Commission of Education",
        "北京市教育委员会",
        "Běijīng Shì Jiàoyù Wěiyuánhuì",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Beijing Municipal Science & Technology Commission",
        "北京市科学技术委员会",
        "Běijīng Shì Kēxué Jìshù Wěiyuánhuì",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Beijing Municipal Bureau of Commerce",
        "北京市商务局",
        "Běijīng Shì Shāngwù Jú",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Beijing Municipal Bureau of Culture and Tourism",
        "北京市文化和旅游局",
        "Běijīng Shì Wénhuà hé Lǚyóu Jú",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Beijing Municipal Ecology and Environment Bureau",
        "北京市生态环境局",
        "Běijīng Shì Shēngtài Huánjìng Jú",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Beijing Municipal Health Commission",
        "北京市卫生健康委员会",
        "Běijīng Shì Wèishēng Jiànkāng Wěiyuánhuì",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Beijing Investment Promotion Service Center",
        "北京市投资促进服务中心",
        "Běijīng Shì Tóuzī Cùjìn Fúwù Zhōngxīn",
        "government",
        "beijing",
        BEIJING_GOV,
        "",
    ),
    (
        "Administrative Committee of Zhongguancun Science Park",
        "中关村科技园区管理委员会",
        "Zhōngguāncūn Kējì Yuánqū Guǎnlǐ Wěiyuánhuì",
        "government",
        "beijing",
        None,
        "",
    ),
    (
        "Tsinghua University",
        "清华大学",
        "Qīnghuá Dàxué",
        "university",
        "beijing",
        None,
        "https://www.tsinghua.edu.cn/",
    ),
    (
        "Foreign Affairs Office of the Shanghai Municipal People's Government",
        "上海市人民政府外事办公室",
        "Shànghǎi Shì Rénmín Zhèngfǔ Wàishì Bàngōngshì",
        "government",
        "shanghai",
        None,
        "",
    ),
    (
        "Zhangjiakou Municipal People's Government",
        "张家口市人民政府",
        "Zhāngjiākǒu Shì Rénmín Zhèngfǔ",
        "government",
        "zhangjiakou",
        None,
        "",
    ),
    (
        "Zhangjiakou Municipal Sports Bureau",
        "张家口市体育局",
        "Zhāngjiākǒu Shì Tǐyù Jú",
        "government",
        "zhangjiakou",
        "Zhangjiakou Municipal People's Government",
        "",
    ),
    (
        "Foreign Affairs Office of the Tianjin Municipal People's Government",
        "天津市人民政府外事办公室",
        "Tiānjīn Shì Rénmín Zhèngfǔ Wàishì Bàngōngshì",
        "government",
        "tianjin",
        None,
        "",
    ),
]

FAO = ORGANISATIONS[1][0]
CONTACTS = [
    # city, family, given, zh, pinyin, title, organisation, visibility, themes, languages
    (
        "helsinki",
        "Wang",
        "Li",
        "王丽",
        "Wáng Lì",
        "Deputy Director-General, European Affairs",
        FAO,
        "network",
        ["diplomatic-exchanges"],
        "Chinese, English",
    ),
    (
        "helsinki",
        "Zhang",
        "Wei",
        "张伟",
        "Zhāng Wěi",
        "Director, International Exchanges Division",
        "Beijing Municipal Bureau of Sports",
        "city",
        ["winter-sports"],
        "Chinese, English",
    ),
    (
        "helsinki",
        "Liu",
        "Yang",
        "刘洋",
        "Liú Yáng",
        "Programme Manager, Startup Exchange",
        "Administrative Committee of Zhongguancun Science Park",
        "network",
        ["science-technology-startups"],
        "Chinese, English",
    ),
    (
        "helsinki",
        "Chen",
        "Jing",
        "陈静",
        "Chén Jìng",
        "Head of International Co-operation",
        "Beijing Municipal Commission of Education",
        "city",
        ["education"],
        "Chinese",
    ),
    (
        "espoo",
        "Li",
        "Na",
        "李娜",
        "Lǐ Nà",
        "Director, Division of European Affairs",
        "Foreign Affairs Office of the Shanghai Municipal People's Government",
        "network",
        ["diplomatic-exchanges", "city-planning"],
        "Chinese, English",
    ),
    (
        "lahti",
        "Zhao",
        "Lei",
        "赵磊",
        "Zhào Lěi",
        "Deputy Director",
        "Zhangjiakou Municipal Sports Bureau",
        "network",
        ["winter-sports"],
        "Chinese, English",
    ),
    (
        "lahti",
        "Sun",
        "Min",
        "孙敏",
        "Sūn Mǐn",
        "Officer, Foreign Affairs",
        "Zhangjiakou Municipal People's Government",
        "city",
        ["winter-sports", "tourism"],
        "Chinese, Russian",
    ),
    (
        "turku",
        "Huang",
        "Tao",
        "黄涛",
        "Huáng Tāo",
        "Director, Europe Division",
        "Foreign Affairs Office of the Tianjin Municipal People's Government",
        "network",
        ["business-investment"],
        "Chinese, English",
    ),
    (
        "rovaniemi",
        "Zhou",
        "Qiang",
        "周强",
        "Zhōu Qiáng",
        "Tourism Promotion Officer",
        "Beijing Municipal Bureau of Culture and Tourism",
        "city",
        ["tourism"],
        "Chinese",
    ),
]


def _interactions(today: date):
    """city, date, kind, title, summary, contacts (family names), organisations, themes,
    visibility, follow-up."""
    return [
        (
            "helsinki",
            date(2017, 8, 29),
            "event",
            "Action Plan 2017-2019 signed in Helsinki",
            "Beijing and Helsinki signed the three-year action plan: winter sports, sister "
            "schools, culture, design and startups.",
            ["Wang"],
            [FAO],
            ["winter-sports", "education", "culture", "design", "science-technology-startups"],
            "network",
            None,
        ),
        (
            "helsinki",
            date(2019, 10, 11),
            "visit",
            "Mayor Chen Jining visits Helsinki; Action Plan 2019-2023 signed",
            "Programme: University of Helsinki (AI, air quality, 5G), a comprehensive school, "
            "Helen's underground heat pump plant, companies, dinner hosted by Mayor Vapaavuori.",
            ["Wang"],
            [FAO, BEIJING_GOV],
            ["diplomatic-exchanges", "city-planning", "environment-air-quality"],
            "network",
            None,
        ),
        (
            "helsinki",
            today - timedelta(days=40),
            "call",
            "Coaching exchange for youth ice hockey",
            "Beijing would send six coaches for four weeks; Helsinki's sports services to propose "
            "dates and costs.",
            ["Zhang"],
            [],
            ["winter-sports"],
            "city",
            today + timedelta(days=7),
        ),
        (
            "helsinki",
            today - timedelta(days=30),
            "meeting",
            "Sister-school pairs for 2027",
            "Three new pairs proposed; the Education Division to confirm the Helsinki schools.",
            ["Chen"],
            [],
            ["education"],
            "city",
            today - timedelta(days=5),
        ),
        (
            "espoo",
            date(2019, 3, 12),
            "visit",
            "Shanghai delegation on smart-city planning",
            "Visit to Otaniemi and the Espoo city planning office.",
            ["Li"],
            [],
            ["city-planning"],
            "network",
            None,
        ),
        (
            "lahti",
            date(2018, 11, 25),
            "event",
            "Twin-city agreement signed with Zhangjiakou",
            "Winter sports at the centre: Zhangjiakou co-hosts the 2022 Winter Olympics.",
            ["Zhao"],
            ["Zhangjiakou Municipal People's Government"],
            ["winter-sports"],
            "network",
            None,
        ),
        (
            "lahti",
            today - timedelta(days=12),
            "meeting",
            "Ski-jumping coaching seminar",
            "Lahti's coaches to run a week-long seminar in Chongli; follow up on the invitation.",
            ["Zhao", "Sun"],
            [],
            ["winter-sports"],
            "network",
            today + timedelta(days=12),
        ),
        (
            "turku",
            date(2019, 6, 4),
            "call",
            "Port and logistics co-operation with Tianjin",
            "Interest in a seminar on short-sea shipping.",
            ["Huang"],
            [],
            ["business-investment"],
            "city",
            None,
        ),
    ]


def _officer(slug: str) -> User | None:
    return db.session.scalar(
        select(User)
        .join(City, City.id == User.city_id)
        .where(City.slug == slug, User.role == "officer")
    )


def load_demo_records() -> dict[str, int]:
    """Add the demo organisations, contacts and interactions that are missing; returns how
    many of each were added. Expects the demo accounts; the caller commits."""
    added = {"organisations": 0, "contacts": 0, "interactions": 0}
    helsinki = _officer("helsinki")
    if helsinki is None:
        return added
    places = {p.slug: p for p in db.session.scalars(select(ChinesePlace))}
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    orgs: dict[str, Organisation] = {}
    for name_en, name_zh, pinyin, kind, place, parent, website in ORGANISATIONS:
        org = db.session.scalar(
            select(Organisation).where(Organisation.match_en == exact_key(name_en))
        )
        if org is None:
            org = organisations.create_organisation(
                helsinki,
                {
                    "name_en": name_en,
                    "name_zh": name_zh,
                    "pinyin": pinyin,
                    "kind": kind,
                    "place": places.get(place),
                    "parent": orgs.get(parent or ""),
                    "website": website,
                    "notes": "",
                },
            )
            added["organisations"] += 1
        orgs[name_en] = org
    people: dict[tuple[str, str], Contact] = {}
    for city, family, given, zh, pinyin, title, org, visibility, theme_slugs, languages in CONTACTS:
        officer = _officer(city)
        existing = db.session.scalar(
            select(Contact)
            .join(City)
            .where(City.slug == city, Contact.family_name == family, Contact.given_name == given)
        )
        if existing is None:
            existing = contacts.create_contact(
                officer,
                officer.city,
                {
                    "family_name": family,
                    "given_name": given,
                    "family_name_first": True,
                    "name_zh": zh,
                    "pinyin": pinyin,
                    "title": title,
                    "organisation_name": org,
                    "languages": languages,
                    "themes": [themes[s] for s in theme_slugs],
                    "source": "Demo data",
                    "legal_basis": "public_task",
                    "visibility": visibility,
                    "last_verified_on": date(2026, 9, 1),
                },
            )
            added["contacts"] += 1
        people[(city, family)] = existing
    for (
        city,
        day,
        kind,
        title,
        summary,
        families,
        org_names,
        theme_slugs,
        visibility,
        follow_up,
    ) in _interactions(local_today()):
        officer = _officer(city)
        if db.session.scalar(
            select(Interaction.id).join(City).where(City.slug == city, Interaction.title == title)
        ):
            continue
        interactions.create_interaction(
            officer,
            officer.city,
            {
                "occurred_on": day,
                "kind": kind,
                "title": title,
                "summary": summary,
                "contacts": [people[(city, f)] for f in families],
                "organisations": [orgs[n] for n in org_names],
                "themes": [themes[s] for s in theme_slugs],
                "visibility": visibility,
                "follow_up_on": follow_up,
                "follow_up_done": False,
            },
        )
        added["interactions"] += 1
    return added
