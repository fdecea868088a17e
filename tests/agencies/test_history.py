"""Writes the admin still makes are history too: a policy cell changed in the admin is recorded
old → new by the database trigger, with the admin user and URL of the request."""

import pytest
from django.urls import reverse
from pghistory.models import Events

from agencies.models import PolicyRule

pytestmark = pytest.mark.django_db


def test_policy_change_in_the_admin_is_history_with_its_user(admin_client, admin_user, regions):
    rule = PolicyRule.objects.get(agency_kind="kemenag", category="identity")
    url = reverse("admin:agencies_policyrule_change", args=[rule.pk])
    # Rows older than the history triggers (this seeded cell) have no first snapshot: the first
    # change records the new row, the next one the diff.
    assert admin_client.post(url, {"level": "write", "subset": ""}).status_code == 302
    assert admin_client.post(url, {"level": "none", "subset": ""}).status_code == 302
    event = (
        Events.objects.tracks(rule).across(PolicyRule.pgh_event_model).order_by("-pgh_id").first()
    )
    assert event.pgh_label == "update"
    assert event.pgh_diff["level"] == ["write", "none"]
    assert str(event.pgh_context["user"]) == str(admin_user.pk)
    assert event.pgh_context["url"] == url
