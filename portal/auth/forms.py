from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo

from portal.forms import MultiCheckboxField, PortalForm, choices
from portal.labels import REMINDER_FREQUENCY_LABELS
from portal.security.passwords import MIN_LENGTH

PASSWORD_HINT = _l(
    "At least %(min)d characters. A few unrelated words are easy to remember and hard to "
    "guess. No rules about digits or symbols.",
    min=MIN_LENGTH,
)


class LoginForm(PortalForm):
    email = StringField(
        _l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address."))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    next = HiddenField()


class NewPasswordMixin:
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(_l("Enter a new password."))]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(NewPasswordMixin, PortalForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )


class SetPasswordForm(NewPasswordMixin, PortalForm):
    pass


class AccountForm(PortalForm):
    """A person's own settings: reminders by e-mail and the themes they follow."""

    reminder_frequency = RadioField(
        _l("Reminders by e-mail"),
        choices=choices(REMINDER_FREQUENCY_LABELS.items()),
    )
    themes = MultiCheckboxField(_l("Themes you follow"), choices=[])
