from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.forms import MultiCheckboxField, PortalForm, VersionedForm, choices, visibility_field
from portal.labels import INTERACTION_KIND_LABELS


class InteractionForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only, who belong to no city
    occurred_on = DateField(_l("Date"), validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=choices(INTERACTION_KIND_LABELS.items()))
    title = StringField(_l("Title"))
    summary = TextAreaField(_l("Summary"))
    contacts = MultiCheckboxField(_l("Contacts who took part"), choices=[])
    organisations = MultiCheckboxField(_l("Organisations"), choices=[])
    organisation_name = StringField(_l("Add an organisation"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    themes = MultiCheckboxField(_l("Themes"), choices=[])
    follow_up_on = DateField(_l("Follow up by"), validators=[Optional()])
    follow_up_done = BooleanField(_l("The follow-up is done"))
    visibility = visibility_field(_l("interaction"))


class EditInteractionForm(InteractionForm, VersionedForm):
    pass
