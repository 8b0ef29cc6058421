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
from portal.kinds import CONTACT
from portal.labels import LEGAL_BASIS_LABELS


class ContactForm(PortalForm):
    city = SelectField(_l("City"), choices=[])  # for admins only, who belong to no city
    family_name = StringField(CONTACT.label("family_name"))
    given_name = StringField(CONTACT.label("given_name"))
    family_name_first = RadioField(
        CONTACT.label("family_name_first"),
        choices=choices(
            [("1", _l("Family name first (Chinese order)")), ("0", _l("Given name first"))]
        ),
        default="1",
    )
    name_zh = StringField(CONTACT.label("name_zh"))
    pinyin = StringField(CONTACT.label("pinyin"))
    title = StringField(CONTACT.label("title"))
    organisation_name = StringField(CONTACT.label("organisation_name"))
    create_organisation = BooleanField(_l("Add it to the registry if it is not there yet"))
    email = EmailField(CONTACT.label("email"))
    phone = TelField(CONTACT.label("phone"))
    wechat = StringField(CONTACT.label("wechat"))
    languages = StringField(CONTACT.label("languages"))
    themes = MultiCheckboxField(CONTACT.label("themes"), choices=[])
    notes = TextAreaField(CONTACT.label("notes"))
    source = StringField(CONTACT.label("source"))
    legal_basis = SelectField(
        CONTACT.label("legal_basis"), choices=choices(LEGAL_BASIS_LABELS.items())
    )
    last_verified_on = DateField(CONTACT.label("last_verified_on"), validators=[Optional()])
    visibility = visibility_field(_l("Who sees this contact"))


class EditContactForm(ContactForm, VersionedForm):
    pass
