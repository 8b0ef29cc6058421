from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Optional

from portal.forms import MultiCheckboxField, PortalForm, VersionedForm, choices, visibility_field

LEGAL_BASIS_LABELS = {
    "public_task": _l("Public task (the city's international co-operation)"),
    "legitimate_interest": _l("Legitimate interest"),
    "consent": _l("Consent of the person"),
    "contract": _l("Contract"),
}


class ContactForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only, who belong to no city
    family_name = StringField(_l("Family name"))
    given_name = StringField(_l("Given name"))
    family_name_first = RadioField(
        _l("Name order"),
        choices=choices(
            [("1", _l("Family name first (Chinese order)")), ("0", _l("Given name first"))]
        ),
        default="1",
    )
    name_zh = StringField(_l("Name in Chinese characters"))
    pinyin = StringField(_l("Name in pinyin"))
    title = StringField(_l("Title"))
    organisation_name = StringField(_l("Organisation"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    email = EmailField(_l("E-mail address"))
    phone = TelField(_l("Phone"))
    wechat = StringField(_l("WeChat ID"))
    languages = StringField(_l("Languages"))
    themes = MultiCheckboxField(_l("Themes"), choices=[])
    notes = TextAreaField(_l("Notes"))
    source = StringField(_l("Where the data came from"))
    legal_basis = SelectField(
        _l("Legal basis for keeping the data"), choices=choices(LEGAL_BASIS_LABELS.items())
    )
    last_verified_on = DateField(_l("Last verified on"), validators=[Optional()])
    visibility = visibility_field(_l("contact"))


class EditContactForm(ContactForm, VersionedForm):
    pass
