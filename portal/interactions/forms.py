from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.forms import MultiCheckboxField, PortalForm, VersionedForm, choices, visibility_field
from portal.kinds import INTERACTION
from portal.labels import INTERACTION_KIND_LABELS


class InteractionForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only, who belong to no city
    occurred_on = DateField(INTERACTION.label("occurred_on"), validators=[Optional()])
    kind = SelectField(INTERACTION.label("kind"), choices=choices(INTERACTION_KIND_LABELS.items()))
    title = StringField(INTERACTION.label("title"))
    summary = TextAreaField(INTERACTION.label("summary"))
    contacts = MultiCheckboxField(INTERACTION.label("contacts"), choices=[])
    # The people picker: names typed here are looked up among the city's contacts.
    contact_query = StringField(_l("Find people to add"))
    organisations = MultiCheckboxField(INTERACTION.label("organisations"), choices=[])
    organisation_name = StringField(INTERACTION.label("organisation_name"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    themes = MultiCheckboxField(INTERACTION.label("themes"), choices=[])
    follow_up_on = DateField(INTERACTION.label("follow_up_on"), validators=[Optional()])
    follow_up_done = BooleanField(INTERACTION.label("follow_up_done"))
    visibility = visibility_field(_l("Who sees this interaction"))


class EditInteractionForm(InteractionForm, VersionedForm):
    pass
