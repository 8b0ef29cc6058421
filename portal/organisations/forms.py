from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField, URLField

from portal.forms import PortalForm, VersionedForm, choices
from portal.kinds import ORGANISATION
from portal.labels import ORGANISATION_KIND_LABELS


class OrganisationForm(PortalForm):
    name_en = StringField(ORGANISATION.label("name_en"))
    name_zh = StringField(ORGANISATION.label("name_zh"))
    pinyin = StringField(ORGANISATION.label("pinyin"))
    kind = SelectField(
        ORGANISATION.label("kind"), choices=choices(ORGANISATION_KIND_LABELS.items())
    )
    place = SelectField(ORGANISATION.label("place"), choices=[])
    parent_name = StringField(ORGANISATION.label("parent_name"))
    website = URLField(ORGANISATION.label("website"))
    notes = TextAreaField(ORGANISATION.label("notes"))
    not_a_duplicate = BooleanField(_l("None of these: it is a different organisation"))


class EditOrganisationForm(OrganisationForm, VersionedForm):
    pass


class MergeForm(PortalForm):
    survivor = RadioField(_l("Keep this organisation"), choices=[])
    survivor_name = StringField(_l("Or another organisation, by name"))
