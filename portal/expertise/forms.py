from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField

from portal.forms import VISIBILITY_CHOICES, MultiCheckboxField, PortalForm, VersionedForm, choices


class OfferForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only
    theme = SelectField(_l("Theme"), choices=[])
    title = StringField(_l("What your city can share"))
    description = TextAreaField(_l("Description"))
    contact_user = SelectField(_l("Whom to ask"), choices=[])
    projects = MultiCheckboxField(_l("Projects that show it"), choices=[])
    events = MultiCheckboxField(_l("Events that show it"), choices=[])
    agreements = MultiCheckboxField(_l("Agreements that show it"), choices=[])
    visibility = RadioField(
        _l("Who sees this offer"), choices=choices(VISIBILITY_CHOICES), default="network"
    )


class EditOfferForm(OfferForm, VersionedForm):
    pass
