"""The OpenAPI schema (``/api/schema/``): served to signed-in users, built once per language."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from timpora.api_urls import SchemaView

pytestmark = pytest.mark.django_db


def test_schema_is_built_once_and_served_again_the_same(client, polres_officer, monkeypatch):
    monkeypatch.setattr(SchemaView, "_built", {})
    calls = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    client.force_login(polres_officer)
    first = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    second = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert first.status_code == second.status_code == 200
    assert "/api/v1/foreigners/" in first.json()["paths"]
    assert first.content == second.content
    assert len(calls) == 1


def test_schema_is_not_served_to_anonymous_visitors(client):
    assert client.get("/api/schema/").status_code in (401, 403)
