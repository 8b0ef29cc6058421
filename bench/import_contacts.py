"""Time an import of 5,000 contacts (issue 12: under 60 s on SQLite), the way an officer's
file goes through the portal: read and check every row (the preview), then the import in
one transaction through the contacts service (validation, audit, search index).

    cp /tmp/c21-bench.db /tmp/c21-import.db          # a copy: the import writes
    python bench/import_contacts.py sqlite:////tmp/c21-import.db [--rows 5000] [--city helsinki]

The file is an XLSX as a city would keep it: names in Latin letters and characters, e-mail,
phone, title, an organisation (most in the registry, some new), themes, legal basis.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import City, Organisation, Theme, User

FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"]
GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Yang", "Jun", "Yan", "Tao", "Ming"]
ZH = {"Wang": "王", "Li": "李", "Zhang": "张", "Liu": "刘", "Chen": "陈", "Yang": "杨"}


def workbook(rows: int, organisations: list[str], themes: list[str]) -> bytes:
    from openpyxl import Workbook

    rnd = random.Random(12)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Contacts")
    sheet.append(
        [
            "Family name",
            "Given name",
            "Name in Chinese characters",
            "Title",
            "Organisation",
            "E-mail address",
            "Phone",
            "Themes",
            "Legal basis for keeping the data",
            "Visibility",
        ]
    )
    for i in range(rows):
        family, given = rnd.choice(FAMILY), rnd.choice(GIVEN)
        organisation = (
            rnd.choice(organisations) if rnd.random() < 0.9 else f"New Partner Body {i % 40}"
        )
        sheet.append(
            [
                family,
                f"{given}{i}",
                ZH.get(family, ""),
                "Director of International Exchanges",
                organisation,
                f"import.{i}@example.cn",
                f"+86 10 {6500_0000 + i}",
                "; ".join(rnd.sample(themes, 2)),
                "public_task",
                "Shared with the network" if i % 3 == 0 else "Private to the city",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--city", default="helsinki")
    args = parser.parse_args()
    url = args.url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app = create_app(
        {"PORTAL_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
    )
    from portal.services import imports

    # When the import takes the write lock: from then until the commit, other writers wait.
    locked_at: list[float] = []
    take_lock = imports.begin_write

    def begin_write(session):
        locked_at.append(time.perf_counter())
        take_lock(session)

    imports.begin_write = begin_write

    with app.test_request_context():
        city = db.session.scalar(select(City).where(City.slug == args.city))
        officer = db.session.scalar(
            select(User).where(User.city_id == city.id, User.role == "officer", User.active)
        )
        names = list(
            db.session.scalars(
                select(Organisation.name_en)
                .where(Organisation.merged_into_id.is_(None), Organisation.archived_at.is_(None))
                .order_by(Organisation.id)
                .limit(300)
            )
        )
        # Only names the registry holds once: the bench's generated names repeat.
        names = [n for n in names if names.count(n) == 1][:200]
        themes = list(db.session.scalars(select(Theme.name_en).where(Theme.active.is_(True))))
        content = workbook(args.rows, names, themes)
        city_name = city.name_fi
        t0 = time.perf_counter()
        batch = imports.start(officer, city, "contacts", "bench.xlsx", content)
        db.session.commit()
        t1 = time.perf_counter()
        shown = imports.preview(officer, batch)
        t2 = time.perf_counter()
        assert not shown.invalid, imports.row_error_lines(shown.kind, shown.invalid)[:5]
        outcome = imports.confirm(officer, batch)
        t3 = time.perf_counter()
        db.session.commit()
        t4 = time.perf_counter()
    print(f"{args.rows} contacts into {city_name}, {args.url.split('://')[0]}")
    print(f"  upload and read the file  {t1 - t0:6.1f} s")
    print(f"  preview (every row)       {t2 - t1:6.1f} s")
    print(f"  import (checked again, written) {t3 - t2:6.1f} s, commit {t4 - t3:.1f} s")
    print(f"  of which the write lock is held  {t4 - locked_at[0]:6.1f} s")
    print(
        f"  total                     {t4 - t0:6.1f} s: {outcome.created} created, "
        f"{outcome.linked} already recorded, {outcome.skipped} skipped"
    )


if __name__ == "__main__":
    main()
