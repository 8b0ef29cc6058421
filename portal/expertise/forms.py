from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField

from portal.forms import VISIBILITY_CHOICES, MultiCheckboxField, PortalForm, VersionedForm, choices
from portal.kinds import EXPERTISE


class OfferForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only
    theme = SelectField(EXPERTISE.label("theme"), choices=[])
    title = StringField(EXPERTISE.label("title"))
    description = TextAreaField(EXPERTISE.label("description"))
    contact_user = SelectField(EXPERTISE.label("contact_user"), choices=[])
    projects = MultiCheckboxField(EXPERTISE.label("projects"), choices=[])
    events = MultiCheckboxField(EXPERTISE.label("events"), choices=[])
    agreements = MultiCheckboxField(EXPERTISE.label("agreements"), choices=[])
    visibility = RadioField(
        _l("Who sees this offer"), choices=choices(VISIBILITY_CHOICES), default="network"
    )


class EditOfferForm(OfferForm, VersionedForm):
    pass
