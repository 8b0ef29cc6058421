from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm, VersionedForm
from portal.i18n import LANGUAGE_NAMES
from portal.models.accounts import Role

ROLE_LABELS = {
    Role.OFFICER.value: _l("City liaison officer"),
    Role.VIEWER.value: _l("City reader"),
    Role.COORDINATOR.value: _l("Network coordinator"),
    Role.ADMIN.value: _l("Administrator"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class UserFields:
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(_l("Enter an e-mail address."))]
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)],
    )
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS.items()))
    city = SelectField(_l("City"), choices=[])
    data_protection = BooleanField(
        _l("Data protection right: sees the city's personal data log, answers data subjects")
    )
    locale = SelectField(
        _l("Language of the interface"),
        choices=_choices([("", _l("The browser's language")), *LANGUAGE_NAMES.items()]),
        default="fi",  # new accounts start in Finnish, the language of most users
    )

    def set_city_choices(self, cities) -> None:
        self.city.choices = _choices(
            [("", _l("No city"))] + [(c.slug, c.local_name) for c in cities]
        )


class NewUserForm(UserFields, PortalForm):
    pass


class EditUserForm(UserFields, VersionedForm):
    pass


class ConfirmForm(PortalForm):
    """An empty form: the CSRF token behind a button that changes state."""


class ThemeForm(PortalForm):
    """A theme's three names (the service checks them) and whether it is offered."""

    name_fi = StringField(_l("In Finnish"))
    name_sv = StringField(_l("In Swedish"))
    name_en = StringField(_l("In English"))
    active = BooleanField(_l("Offered for new records"), default=True)


class ProcessingForm(PortalForm):
    """The free-text parts of the record of processing (GDPR Article 30)."""

    version = HiddenField()
    purposes = TextAreaField(_l("Purposes of the processing"))
    data_subjects = TextAreaField(_l("Whose data: the data subjects"))
    security_measures = TextAreaField(_l("Security measures"))
    transfers = TextAreaField(_l("Transfers outside the EU and the EEA"))
