from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from portal.forms import MultiCheckboxField, PortalForm, VersionedForm, choices, visibility_field
from portal.kinds import PROJECT
from portal.labels import FUNDING_SOURCE_LABELS, PROJECT_STATUS_LABELS


class ProjectForm(PortalForm):
    city = SelectField(_l("Lead city"), choices=[])  # for admins only
    title = StringField(PROJECT.label("title"))
    description = TextAreaField(PROJECT.label("description"))
    status = SelectField(PROJECT.label("status"), choices=choices(PROJECT_STATUS_LABELS.items()))
    starts_on = DateField(PROJECT.label("starts_on"), validators=[Optional()])
    ends_on = DateField(PROJECT.label("ends_on"), validators=[Optional()])
    partner_cities = MultiCheckboxField(PROJECT.label("partner_cities"), choices=[])
    organisations = MultiCheckboxField(PROJECT.label("organisations"), choices=[])
    organisation_name = StringField(PROJECT.label("organisation_name"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    themes = MultiCheckboxField(PROJECT.label("themes"), choices=[])
    budget_eur = IntegerField(
        PROJECT.label("budget_eur"),
        validators=[Optional(), NumberRange(min=0, message=_l("The budget cannot be negative."))],
    )
    funding_sources = MultiCheckboxField(
        PROJECT.label("funding_sources"), choices=choices(FUNDING_SOURCE_LABELS.items())
    )
    outcomes = TextAreaField(PROJECT.label("outcomes"))
    visibility = visibility_field(_l("Who sees this project"))


class EditProjectForm(ProjectForm, VersionedForm):
    pass


class ProjectUpdateForm(PortalForm):
    happened_on = DateField(_l("Date"), validators=[Optional()])
    text = TextAreaField(_l("What happened"))
