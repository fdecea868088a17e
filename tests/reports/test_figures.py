"""Days left, days overstayed and the fee are computed when a flag is shown (page and API), not
frozen when it opened."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.figures import flag_evidence_live
from reports.models import Flag, RuleSettings
from reports.rules import rules_run
from tests.factories import ForeignerFactory, StayPermitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

D = dt.timedelta


def _overstay_flag(days_ago: int) -> Flag:
    today = timezone.localdate()
    end = today - D(days=days_ago)
    StayPermitFactory(
        foreigner=ForeignerFactory(),
        issued_on=end - D(days=100),
        valid_from=end - D(days=100),
        valid_until=end,
    )
    # Opened ten days ago: a frozen figure would show ten days fewer.
    rules_run(codes=["permit.overstay"], today=today - D(days=10))
    return Flag.objects.get(rule="permit.overstay")


def test_flag_page_shows_todays_days_overstayed_and_fee(client, kanim_supervisor):
    flag = _overstay_flag(30)
    client.force_login(kanim_supervisor)
    response = client.get(reverse("flag-detail", args=[flag.pk]))
    evidence = dict(response.context["evidence"])
    # The rule's citations, in the reader's language (Indonesian by default).
    assert "UU 6/2011 Pasal 78 ayat (1); UU 6/2011 Pasal 78 ayat (3)" in response.text
    assert evidence["days_overstayed"] == 30
    assert evidence["fine_estimate"] == 30_000_000
    assert evidence["deportation_recommended"] is False


def test_api_shows_live_figures_and_the_fee_setting_in_force(client, kanim_supervisor):
    flag = _overstay_flag(12)
    RuleSettings.objects.filter(pk=1).update(overstay_fine_per_day=2_000_000)
    client.force_login(kanim_supervisor)
    data = client.get(f"/api/v1/flags/{flag.pk}/").json()
    assert data["evidence"]["days_overstayed"] == 12
    assert data["evidence"]["fine_estimate"] == 24_000_000


def test_a_closed_flag_keeps_the_figures_of_the_day_it_closed():
    flag = _overstay_flag(15)
    flag.state = Flag.State.CLOSED
    flag.opened_at = timezone.now() - D(days=10)
    flag.closed_at = timezone.now() - D(days=3)
    flag.save()
    assert flag_evidence_live(flag)["days_overstayed"] == 12


def test_a_flag_of_an_unknown_rule_shows_its_evidence_as_stored():
    flag = Flag(rule="gone.rule", evidence={"x": 1}, opened_at=timezone.now())
    assert flag_evidence_live(flag) == {"x": 1}
