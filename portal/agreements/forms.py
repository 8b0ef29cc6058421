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
from portal.kinds import AGREEMENT
from portal.labels import (
    AGREEMENT_KIND_LABELS,
    AGREEMENT_STATUS_LABELS,
    FOLLOW_UP_OUTCOME_LABELS,
    PROGRESS_LABELS,
)


class AgreementForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only
    kind = SelectField(AGREEMENT.label("kind"), choices=choices(AGREEMENT_KIND_LABELS.items()))
    title = StringField(AGREEMENT.label("title"))
    summary = TextAreaField(AGREEMENT.label("summary"))
    counterpart_place = SelectField(AGREEMENT.label("counterpart_place"), choices=[])
    organisations = MultiCheckboxField(AGREEMENT.label("organisations"), choices=[])
    organisation_name = StringField(AGREEMENT.label("organisation_name"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    signed_on = DateField(AGREEMENT.label("signed_on"), validators=[Optional()])
    signed_at = StringField(AGREEMENT.label("signed_at"))
    valid_from = DateField(AGREEMENT.label("valid_from"), validators=[Optional()])
    valid_until = DateField(AGREEMENT.label("valid_until"), validators=[Optional()])
    review_on = DateField(AGREEMENT.label("review_on"), validators=[Optional()])
    evaluation_on = DateField(AGREEMENT.label("evaluation_on"), validators=[Optional()])
    status = SelectField(
        AGREEMENT.label("status"), choices=choices(AGREEMENT_STATUS_LABELS.items())
    )
    project = SelectField(AGREEMENT.label("project"), choices=[])
    themes = MultiCheckboxField(AGREEMENT.label("themes"), choices=[])
    document = FileField(_l("The signed document (PDF, at most 10 MB)"))
    visibility = visibility_field(_l("Who sees this agreement"))


class EditAgreementForm(AgreementForm, VersionedForm):
    pass


class PlanThemeForm(Form):
    number = IntegerField(_l("Number"), validators=[Optional()])
    title = StringField(_l("Theme"))
    description = TextAreaField(_l("Measures the parties agreed"))
    finnish_bodies = StringField(_l("Responsible in Finland"))
    chinese_bodies = StringField(_l("Responsible in China"))
    progress = SelectField(_l("Progress"), choices=choices(PROGRESS_LABELS.items()))
    progress_note = TextAreaField(_l("Progress note"))


class PlanForm(VersionedForm):
    """The numbered themes of an action plan, one row each."""

    themes = FieldList(FormField(PlanThemeForm), min_entries=0)


class FollowUpForm(PortalForm):
    """A review, an evaluation or the end-of-term decision, recorded as done."""

    done_on = DateField(_l("Done on"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), choices=[])
    notes = TextAreaField(_l("Notes"))
    next_on = DateField(_l("Next date"), validators=[Optional()])

    def for_kind(self, kind: str) -> None:
        """The outcomes that fit ``kind``, and what its next date means."""
        from portal.models.agreements import FOLLOW_UP_OUTCOMES

        self.outcome.choices = choices(
            (o, FOLLOW_UP_OUTCOME_LABELS[o]) for o in FOLLOW_UP_OUTCOMES[kind]
        )
        self.next_on.label.text = {
            "review": _l("Next review (leave empty if none is planned)"),
            "evaluation": _l("Next evaluation (leave empty if none is planned)"),
            "expiry": _l("Renewed until (when renewed)"),
        }[kind]
