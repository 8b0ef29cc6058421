"""A city's full data package (issue 12): one XLSX with a sheet per kind of record, all the
city owns (private and shared, archived too) with its links, for the city's own archive
(the Finnish Archives Act) or to take its data along when it leaves the portal."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from sqlalchemy import select

from portal import kinds as registry
from portal.extensions import db
from portal.models.accounts import User
from portal.models.reference import City
from portal.security.permissions import ensure
from portal.services import access_log, audit, exports


def city_package(actor: User, city: City) -> bytes:
    """Everything ``city`` owns as one workbook. The city's own officers and viewers, and
    admins; audited. Raises Forbidden."""
    from openpyxl import Workbook

    ensure(actor, "city.package", city)
    book = Workbook(write_only=True)
    counts = []
    for kind in registry.city_owned():
        model = kind.model
        records = list(
            db.session.scalars(select(model).where(model.city_id == city.id).order_by(model.id))
        )
        exports._load_links(kind, records)
        columns = exports._columns(kind)
        exports.add_sheet(
            book,
            str(kind.plural),
            [label for label, _v in columns] + [_("Archived")],
            (
                [value(actor, record) for _label, value in columns]
                + [exports._text(record.archived_at) if record.archived_at else ""]
                for record in records
            ),
        )
        counts.append(f"{kind.key} {len(records)}")
        if kind.key == "contact":
            access_log.record_read(actor, records, "export")
    audit.record(actor, "city.package", city_id=city.id, detail=", ".join(counts))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
