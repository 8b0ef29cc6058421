from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Optional

from portal.forms import MultiCheckboxField, PortalForm, VersionedForm, choices, visibility_field
from portal.kinds import EVENT
from portal.labels import EVENT_KIND_LABELS, TIMEZONE_LABELS


class EventForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only
    kind = SelectField(EVENT.label("kind"), choices=choices(EVENT_KIND_LABELS.items()))
    title = StringField(EVENT.label("title"))
    description = TextAreaField(EVENT.label("description"))
    starts_on = DateField(EVENT.label("starts_on"), validators=[Optional()])
    ends_on = DateField(EVENT.label("ends_on"), validators=[Optional()])
    start_time = TimeField(EVENT.label("start_time"), validators=[Optional()])
    end_time = TimeField(EVENT.label("end_time"), validators=[Optional()])
    timezone = SelectField(EVENT.label("timezone"), choices=choices(TIMEZONE_LABELS.items()))
    place_city = SelectField(EVENT.label("place_city"), choices=[])
    place_china = SelectField(EVENT.label("place_china"), choices=[])
    place_text = StringField(EVENT.label("place_text"))
    expected_attendance = IntegerField(EVENT.label("expected_attendance"), validators=[Optional()])
    actual_attendance = IntegerField(EVENT.label("actual_attendance"), validators=[Optional()])
    project = SelectField(EVENT.label("project"), choices=[])
    contacts = MultiCheckboxField(EVENT.label("contacts"), choices=[])
    # The people picker: names typed here are looked up among the city's contacts.
    contact_query = StringField(_l("Find people to add"))
    organisations = MultiCheckboxField(EVENT.label("organisations"), choices=[])
    organisation_name = StringField(EVENT.label("organisation_name"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    themes = MultiCheckboxField(EVENT.label("themes"), choices=[])
    visibility = visibility_field(_l("Who sees this event"))


class EditEventForm(EventForm, VersionedForm):
    pass


class FeedForm(PortalForm):
    """The CSRF token behind the feed buttons."""
