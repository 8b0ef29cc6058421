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
from portal.labels import FUNDING_SOURCE_LABELS, PROJECT_STATUS_LABELS


class ProjectForm(PortalForm):
    city = SelectField(_l("Lead city"), choices=[])  # for admins only
    title = StringField(_l("Name of the project"))
    description = TextAreaField(_l("Description"))
    status = SelectField(_l("Status"), choices=choices(PROJECT_STATUS_LABELS.items()))
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional()])
    partner_cities = MultiCheckboxField(_l("Partner cities in the C21 network"), choices=[])
    organisations = MultiCheckboxField(_l("Chinese partner organisations"), choices=[])
    organisation_name = StringField(_l("Add a Chinese partner organisation"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    themes = MultiCheckboxField(_l("Themes"), choices=[])
    budget_eur = IntegerField(
        _l("Budget in euros"),
        validators=[Optional(), NumberRange(min=0, message=_l("The budget cannot be negative."))],
    )
    funding_sources = MultiCheckboxField(
        _l("Funding sources"), choices=choices(FUNDING_SOURCE_LABELS.items())
    )
    outcomes = TextAreaField(_l("Outcomes"))
    visibility = visibility_field(_l("project"))


class EditProjectForm(ProjectForm, VersionedForm):
    pass


class ProjectUpdateForm(PortalForm):
    happened_on = DateField(_l("Date"), validators=[Optional()])
    text = TextAreaField(_l("What happened"))
