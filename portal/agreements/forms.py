from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from portal.forms import MultiCheckboxField, PortalForm, VersionedForm, choices, visibility_field
from portal.labels import AGREEMENT_KIND_LABELS, AGREEMENT_STATUS_LABELS, PROGRESS_LABELS


class AgreementForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only
    kind = SelectField(_l("Kind"), choices=choices(AGREEMENT_KIND_LABELS.items()))
    title = StringField(_l("Title"))
    summary = TextAreaField(_l("Summary"))
    counterpart_place = SelectField(_l("Counterpart place in China"), choices=[])
    organisations = MultiCheckboxField(_l("Counterpart organisations"), choices=[])
    organisation_name = StringField(_l("Add a counterpart organisation"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    signed_at = StringField(_l("Signed at (place)"))
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    review_on = DateField(_l("Review due on"), validators=[Optional()])
    evaluation_on = DateField(_l("Evaluation due on"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(AGREEMENT_STATUS_LABELS.items()))
    project = SelectField(_l("Project"), choices=[])
    themes = MultiCheckboxField(_l("Themes"), choices=[])
    document = FileField(_l("The signed document (PDF, at most 10 MB)"))
    visibility = visibility_field(_l("agreement"))


class EditAgreementForm(AgreementForm, VersionedForm):
    pass


class PlanThemeForm(Form):
    number = IntegerField(_l("Number"), validators=[Optional()])
    title = StringField(_l("Theme"))
    description = TextAreaField(_l("What the parties agreed"))
    finnish_bodies = StringField(_l("Responsible in Finland"))
    chinese_bodies = StringField(_l("Responsible in China"))
    progress = SelectField(_l("Progress"), choices=choices(PROGRESS_LABELS.items()))
    progress_note = TextAreaField(_l("Progress note"))


class PlanForm(VersionedForm):
    """The numbered themes of an action plan, one row each."""

    themes = FieldList(FormField(PlanThemeForm), min_entries=0)
