from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField

from portal.forms import PortalForm, choices


class UploadForm(PortalForm):
    kind = SelectField(
        _l("What the file holds"),
        choices=choices(
            [
                ("contacts", _l("Contacts")),
                ("organisations", _l("Organisations (into the network's registry)")),
                ("interactions", _l("Interactions")),
                ("events", _l("Events")),
            ]
        ),
    )
    city = SelectField(_l("City"), choices=[])  # for admins only
    file = FileField(_l("The file (.xlsx, .ods or .csv)"))


class ConfirmImportForm(PortalForm):
    """The preview's choices travel as ``row-<n>`` radio groups, read by the view."""

    skip_invalid = BooleanField(_l("Import the other rows and leave out those with problems"))
