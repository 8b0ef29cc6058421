"""The registry of record kinds is complete: every city-owned model is in it, every field it
names exists on the model and on the kind's form, and every part of the portal that must
know every kind (search, agenda links, the overview, who knows whom, the city pages) reads
it rather than a list of its own."""

from __future__ import annotations

import importlib

import pytest
from sqlalchemy import inspect

from portal import kinds
from portal.kinds import FieldType
from portal.models import Base, SearchDocument
from portal.models.meetings import LINK_KINDS
from portal.search import index
from portal.services import overview, who_knows

FORMS = {
    "contact": "portal.contacts.forms:ContactForm",
    "interaction": "portal.interactions.forms:InteractionForm",
    "project": "portal.projects.forms:ProjectForm",
    "event": "portal.events.forms:EventForm",
    "agreement": "portal.agreements.forms:AgreementForm",
    "expertise": "portal.expertise.forms:OfferForm",
    "organisation": "portal.organisations.forms:OrganisationForm",
}


def _models():
    return [m.class_ for m in Base.registry.mappers]


def test_every_model_with_a_city_and_a_visibility_is_a_registered_kind():
    # The search index keeps a copy of each record's city and visibility: not a kind itself.
    city_owned = [
        m
        for m in _models()
        if hasattr(m, "city_id") and hasattr(m, "visibility") and m is not SearchDocument
    ]
    assert len(city_owned) >= 6
    missing = [m.__name__ for m in city_owned if m not in {k.model for k in kinds.KINDS.values()}]
    assert not missing, f"city-owned models missing from portal/kinds.py: {missing}"


@pytest.mark.parametrize("kind", list(kinds.KINDS.values()), ids=lambda k: k.key)
def test_every_field_of_a_kind_is_on_its_model(kind):
    mapper = inspect(kind.model)
    for field in kind.fields:
        name = field.attribute or field.name
        if field.type == FieldType.TYPED_ORGANISATION and field.attribute is None:
            continue  # a name typed to add an organisation to a list: no column of its own
        assert name in mapper.attrs, f"{kind.key}.{name} is not on {kind.model.__name__}"
        if field.type in (FieldType.ONE, FieldType.MANY):
            assert name in mapper.relationships, f"{kind.key}.{name} is not a relationship"


@pytest.mark.parametrize("key", list(FORMS), ids=str)
def test_every_field_of_a_kind_is_on_its_form_with_the_registry_label(app, key):
    module, name = FORMS[key].split(":")
    form_class = getattr(importlib.import_module(module), name)
    kind = kinds.KINDS[key]
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
        for field in kind.fields:
            assert field.name in form._fields, f"{key}: the form has no {field.name}"
            if field.name != "visibility":
                assert str(form._fields[field.name].label.text) == str(field.label)


def test_personal_data_is_marked_on_the_contact():
    personal = {f.name for f in kinds.CONTACT.personal_fields}
    assert {"family_name", "given_name", "name_zh", "email", "phone", "wechat", "notes"} <= (
        personal
    )
    assert "legal_basis" not in personal and "visibility" not in personal
    # The registry of organisations holds no personal data (issue: data protection).
    assert not kinds.ORGANISATION.personal_fields


def test_every_searchable_kind_is_indexed_and_every_kind_has_its_pages(app):
    assert set(index.KINDS.values()) == {k.key for k in kinds.searchable()}
    assert {k.key for k in kinds.city_owned()} <= set(index.KINDS.values())
    with app.test_request_context():
        for kind in kinds.KINDS.values():
            assert kind.url(1).endswith("/1"), kind.key
            assert kind.list_endpoint in app.view_functions, kind.key


def test_the_parts_that_list_kinds_read_the_registry():
    shared = {k.key for k in kinds.shared_directory()}
    assert set(LINK_KINDS) == shared  # the agenda link table's check constraint
    assert set(overview.SHARED) == {k.blueprint for k in kinds.shared_directory()}
    assert set(who_knows.KINDS) == {k.blueprint for k in kinds.who_knows()}
