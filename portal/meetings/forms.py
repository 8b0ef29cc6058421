from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Optional

from portal.forms import MultiCheckboxField, PortalForm, VersionedForm, choices
from portal.labels import ACTION_STATUS_LABELS, ITEM_KIND_LABELS


class MeetingForm(PortalForm):
    title = StringField(_l("Title"))
    held_on = DateField(_l("Date"), validators=[Optional()])
    starts_at = TimeField(_l("Starts at (Helsinki time)"), validators=[Optional()])
    ends_at = TimeField(_l("Ends at (Helsinki time)"), validators=[Optional()])
    host_city = SelectField(_l("Host city"), choices=[])
    venue = StringField(_l("Venue"))
    online_url = StringField(_l("Online meeting link (optional)"))
    proposal_deadline = DateField(_l("Last day for proposals"), validators=[Optional()])
    chair = StringField(_l("Chair"))
    secretary = StringField(_l("Secretary"))


class NewMeetingForm(MeetingForm):
    past_deadline_ok = BooleanField(
        _l("Create it anyway: the last day for proposals has passed, only coordinators add items")
    )
    start = RadioField(
        _l("Start the agenda"),
        choices=choices(
            [
                ("standard", _l("From the series' standard items")),
                ("previous", _l("As a copy of the previous meeting's agenda")),
                ("empty", _l("Empty")),
            ]
        ),
        default="standard",
    )


class EditMeetingForm(MeetingForm, VersionedForm):
    pass


class ItemForm(PortalForm):
    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description"))
    kind = RadioField(
        _l("Kind of item"), choices=choices(ITEM_KIND_LABELS.items()), default="discussion"
    )
    duration_minutes = IntegerField(_l("Duration in minutes"), default=10, validators=[Optional()])
    presenter = StringField(_l("Presenter"))
    links = MultiCheckboxField(_l("Your city's shared records this item is about"), choices=[])


class EditItemForm(ItemForm, VersionedForm):
    pass


class DecideForm(PortalForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices(
            [
                ("accept", _l("Accept onto the agenda")),
                ("defer", _l("Defer to a later meeting")),
                ("reject", _l("Reject")),
            ]
        ),
        validators=[InputRequired(message=_l("Choose accept, defer or reject."))],
    )
    reason = TextAreaField(_l("Reason (the city sees it)"))
    defer_to = SelectField(_l("Later meeting"), choices=[])


class MinutesForm(PortalForm):
    decision = TextAreaField(_l("Decision"))
    notes = TextAreaField(_l("Notes"))
    minutes_version = HiddenField()


class ActionForm(PortalForm):
    description = TextAreaField(_l("Action"))
    owner_city = SelectField(_l("Owner city"), choices=[])
    due_on = DateField(_l("Due date"), validators=[Optional()])


class ActionStatusForm(VersionedForm):
    status = SelectField(_l("Status"), choices=choices(ACTION_STATUS_LABELS.items()))
