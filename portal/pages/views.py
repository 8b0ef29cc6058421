"""The two pages anyone may read without logging in (besides the login page)."""

from flask import render_template

from portal.pages import bp


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html")
