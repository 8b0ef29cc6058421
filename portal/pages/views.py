"""The two pages anyone may read without logging in (besides the login page)."""

from flask import render_template

from portal.pages import bp


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html", feedback=feedback_addresses())


def feedback_addresses() -> list[str]:
    """Where accessibility feedback goes: PORTAL_ACCESSIBILITY_FEEDBACK if the operator set
    it, otherwise the active administrators' work addresses."""
    from flask import current_app
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models.accounts import Role, User

    configured = current_app.config.get("PORTAL_ACCESSIBILITY_FEEDBACK")
    if configured:
        return [a.strip() for a in str(configured).split(",") if a.strip()]
    return list(
        db.session.scalars(
            select(User.email)
            .where(User.role == Role.ADMIN, User.active.is_(True))
            .order_by(User.id)
            .limit(3)
        )
    )


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html")
