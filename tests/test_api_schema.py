"""The REST API against its own OpenAPI document, property-based (issue 16): Schemathesis
generates requests for every operation of ``/api/v1/openapi.json`` (valid and invalid bodies,
parameters and ids) and checks every response: never a 5xx, the status code, content type,
headers and body as the document declares them. A bounded number of examples per operation
keeps it in the ordinary ``make test`` run.

The caller holds a read-write token of a Helsinki officer in a small world: Helsinki's own
records, Espoo's shared and private ones, a registry organisation and a meeting."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.extensions import db
from portal.models import User
from portal.services import api_tokens
from tests.conftest import make_app

EXAMPLES = 25  # per operation (29 operations): about a minute


def _document() -> dict:
    """The OpenAPI document as the app serves it; drawn from the code, no database read."""
    with make_app("sqlite://").test_client() as client:
        return client.get("/api/v1/openapi.json").get_json()


class _TestApp:
    """The WSGI app Schemathesis sends every request (and every probe of its checks) to: the
    test's app, in process. The document is read at import; the test database exists only
    once the fixtures have run, so the app is handed over by the fixture."""

    current = None

    def __call__(self, environ, start_response):
        return self.current(environ, start_response)


_test_app = _TestApp()
schema = schemathesis.openapi.from_dict(_document())
schema.app = _test_app


@pytest.fixture
def api_world(app, make_user, make_organisation, make_contact, make_interaction, make_record):
    app.config["API_RATE_PER_MINUTE"] = 100_000
    officer = make_user("officer", "helsinki")
    org = make_organisation()
    own = make_contact("helsinki", "city", family_name="Wang", organisation=org)
    shared = make_contact("espoo", "network", family_name="Li")
    private = make_contact("espoo", "city", family_name="Zhang")
    make_interaction("helsinki", "city", contacts=[own], organisations=[org])
    make_interaction("espoo", "network", contacts=[shared, private])
    for kind in ("project", "event", "agreement", "offer"):
        make_record(kind, "helsinki")
        make_record(kind, "espoo", "network")
        make_record(kind, "espoo", "city")
    with app.app_context():
        issued = api_tokens.create(
            db.session.get(User, officer.id), name="Schemathesis", writes=True, days=30
        )
        db.session.commit()
    _test_app.current = app
    return issued.secret


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_its_document_says(case, api_world):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_world}"},
        # Every check but one: a body the document allows may still be refused, with 422
        # and the field named, by the rules a schema cannot state (an end before the start,
        # a family name or a title left empty, an id of a record the user may not see).
        excluded_checks=[positive_data_acceptance],
    )
