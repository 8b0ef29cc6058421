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
from portal.labels import EVENT_KIND_LABELS

TIMEZONE_LABELS = {
    "Europe/Helsinki": _l("Finnish time"),
    "Asia/Shanghai": _l("China Standard Time"),
}


class EventForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only
    kind = SelectField(_l("Kind"), choices=choices(EVENT_KIND_LABELS.items()))
    title = StringField(_l("Name of the event"))
    description = TextAreaField(_l("Description"))
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    start_time = TimeField(_l("Starts at"), validators=[Optional()])
    end_time = TimeField(_l("Ends at"), validators=[Optional()])
    timezone = SelectField(_l("Time zone of the times"), choices=choices(TIMEZONE_LABELS.items()))
    place_city = SelectField(_l("Place in Finland (a C21 city)"), choices=[])
    place_china = SelectField(_l("Place in China"), choices=[])
    place_text = StringField(_l("Venue or other place"))
    expected_attendance = IntegerField(_l("Expected attendance"), validators=[Optional()])
    actual_attendance = IntegerField(_l("Actual attendance"), validators=[Optional()])
    project = SelectField(_l("Project"), choices=[])
    contacts = MultiCheckboxField(_l("Contacts involved"), choices=[])
    organisations = MultiCheckboxField(_l("Organisations"), choices=[])
    organisation_name = StringField(_l("Add an organisation"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    themes = MultiCheckboxField(_l("Themes"), choices=[])
    visibility = visibility_field(_l("event"))


class EditEventForm(EventForm, VersionedForm):
    pass


class FeedForm(PortalForm):
    """The CSRF token behind the feed buttons."""
