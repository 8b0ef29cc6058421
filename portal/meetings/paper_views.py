"""An agenda item's papers: attaching (checked by content), downloading (readers of the
item only, as a download with a sandboxing CSP) and removing."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, request, send_file, session
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.meetings import bp
from portal.meetings.common import load_item, meeting_url, run_action
from portal.models.meetings import AgendaAttachment
from portal.security.permissions import require
from portal.services import papers
from portal.services.errors import ValidationError


def _paper(attachment_id: int) -> AgendaAttachment:
    paper = papers.paper_by_id(attachment_id)
    load_item(paper.item_id)  # readers of the item only; others get a 404
    return paper


@bp.route("/items/<int:item_id>/attachments", methods=["POST"])
def attach(item_id: int):
    item = load_item(item_id)
    require(current_user, "papers.edit", item)
    upload = request.files.get("file")
    back = meeting_url(item.meeting_id, f"item-{item.id}")
    try:
        papers.attach(
            current_user,
            item,
            upload.stream if upload else io.BytesIO(),
            (upload.filename or "") if upload else "",
        )
    except ValidationError as error:
        db.session.rollback()
        # Said by the item's file field (and in the page's error summary), not as a
        # message at the top of a long page with the focus nowhere.
        session["attach_error"] = {
            "item": item.id,
            "message": next(iter(error.errors.values()), ""),
        }
        return redirect(back)
    db.session.commit()
    flash(_("The paper was attached."), "success")
    return redirect(back)


@bp.route("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    paper = _paper(attachment_id)
    path = papers.path_of(paper)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype=paper.content_type,
        download_name=paper.filename,
        as_attachment=True,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/attachments/<int:attachment_id>/remove", methods=["POST"])
def remove_attachment(attachment_id: int):
    paper = _paper(attachment_id)
    meeting_id, item_id = paper.item.meeting_id, paper.item_id
    require(current_user, "papers.edit", paper.item)
    return run_action(
        lambda: papers.remove(current_user, paper),
        back=meeting_url(meeting_id, f"item-{item_id}"),
        success=_("The paper was removed."),
    )
