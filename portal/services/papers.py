"""Papers attached to agenda items: PDF and office documents, recognised by their content
(never by the name or the type the browser claims), within a size limit, stored in the
instance's upload folder and served only through a view that checks the reader."""

from __future__ import annotations

import secrets
import zipfile
import zlib
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models.accounts import User
from portal.models.meetings import AgendaAttachment, AgendaItem
from portal.security.permissions import ensure
from portal.services import audit
from portal.services.agreements import looks_like_pdf
from portal.services.errors import NotFound, ValidationError
from portal.services.uploads import check_zip, read_upload

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel, PowerPoint before 2007
OOXML = {
    "word/document.xml": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xl/workbook.xml": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ppt/presentation.xml": (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
OLE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}


NOT_A_DOCUMENT = _l("Attach a PDF or an office document (Word, Excel, PowerPoint or OpenDocument).")


def sniff(data: bytes, filename: str) -> tuple[str, str] | None:
    """(extension, media type) of a PDF or office document by its content, else None. The
    old binary Office formats share one signature, so for them the name's extension says
    which (any other extension is refused). A zip bomb raises ValidationError."""
    if looks_like_pdf(data[:1024], data[-2048:]):
        return "pdf", "application/pdf"
    if data.startswith(OLE_MAGIC):
        ext = Path(filename).suffix.lower().lstrip(".")
        return (ext, OLE_TYPES[ext]) if ext in OLE_TYPES else None
    if data.startswith(b"PK\x03\x04"):
        try:
            with check_zip(data, field="file") as archive:
                names = set(archive.namelist())
                if "[Content_Types].xml" in names:
                    for part, found in OOXML.items():
                        if part in names:
                            return found
                if "mimetype" in names:
                    with archive.open("mimetype") as stream:
                        kind = stream.read(100).decode("ascii", "replace").strip()
                    if kind in ODF:
                        return ODF[kind], kind
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error):
            return None
    return None


def paper_by_id(paper_id: int) -> AgendaAttachment:
    """A paper by id (whether the actor may read its item is the caller's question);
    raises NotFound."""
    paper = db.session.get(AgendaAttachment, paper_id)
    if paper is None:
        raise NotFound
    return paper


def folder() -> Path:
    base = Path(current_app.config.get("UPLOAD_FOLDER") or current_app.instance_path)
    path = base / "agenda"
    path.mkdir(parents=True, exist_ok=True)
    return path


def attach(actor: User, item: AgendaItem, stream, filename: str) -> AgendaAttachment:
    """Store a paper for an agenda item. ValidationError for an empty or too large file or
    one that is not a PDF or office document by its content; nothing is stored then."""
    ensure(actor, "papers.edit", item)
    data = read_upload(
        stream,
        current_app.config["ATTACHMENT_MAX_BYTES"],
        field="file",
        empty_message=_l("Choose a file to attach."),
    )
    name = (Path(filename or "").name or "paper")[:200]
    found = sniff(data, name)
    if found is None:
        raise ValidationError({"file": str(NOT_A_DOCUMENT)})
    ext, media_type = found
    stored = f"{secrets.token_hex(16)}.{ext}"
    (folder() / stored).write_bytes(data)
    attachment = AgendaAttachment(
        item=item,
        filename=name,
        content_type=media_type,
        size=len(data),
        stored_name=stored,
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(actor, "attachment.add", obj=attachment, city_id=item.city_id, detail=name)
    return attachment


def remove(actor: User, attachment: AgendaAttachment) -> None:
    ensure(actor, "papers.edit", attachment.item)
    path = folder() / attachment.stored_name
    audit.record(
        actor,
        "attachment.remove",
        obj=attachment,
        city_id=attachment.item.city_id,
        detail=attachment.filename,
    )
    db.session.delete(attachment)
    db.session.flush()
    path.unlink(missing_ok=True)


def path_of(attachment: AgendaAttachment) -> Path | None:
    path = folder() / attachment.stored_name
    return path if path.is_file() else None
