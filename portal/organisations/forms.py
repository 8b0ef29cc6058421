from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField, URLField

from portal.forms import PortalForm, VersionedForm, choices
from portal.labels import ORGANISATION_KIND_LABELS


class OrganisationForm(PortalForm):
    name_en = StringField(_l("Name in English"))
    name_zh = StringField(_l("Name in Chinese characters"))
    pinyin = StringField(_l("Name in pinyin"))
    kind = SelectField(_l("Kind"), choices=choices(ORGANISATION_KIND_LABELS.items()))
    place = SelectField(_l("Place in China"), choices=[])
    parent_name = StringField(_l("Part of (parent organisation)"))
    website = URLField(_l("Website"))
    notes = TextAreaField(_l("Notes"))
    not_a_duplicate = BooleanField(_l("None of these: it is a different organisation"))


class EditOrganisationForm(OrganisationForm, VersionedForm):
    pass


class MergeForm(PortalForm):
    survivor = RadioField(_l("Keep this organisation"), choices=[])
    survivor_name = StringField(_l("Or another organisation, by name"))
