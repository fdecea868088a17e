"""Journey (issue 8): a share opens named fields of one record, until it expires.

A Kemenag officer (the policy gives Kemenag identity only) asks for the documents and the permit
detail of one person; the Kanim supervisor approves the documents only; the officer then sees
that person's passport number and nothing else — not the permit number, not another person's
passport — and once the share has expired, the passport number is hidden again.
"""

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import AccessRequest, RecordShare
from foreigners.models import ForeignerUserObjectPermission
from tests.factories import (
    ForeignerFactory,
    ResidenceFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _person(family: str, given: str, passport: str, permit: str):
    today = timezone.localdate()
    person = ForeignerFactory(family_name=family, given_names=given, nationality="CHN")
    TravelDocumentFactory(foreigner=person, number=passport)
    ResidenceFactory(foreigner=person, region_id="73.72.03.1001")
    StayPermitFactory(
        foreigner=person,
        number=permit,
        issued_on=today - dt.timedelta(days=30),
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=300),
    )
    return person


def test_request_documents_and_permits_approved_narrowed_then_expired(
    open_as, kemenag_officer, kanim_supervisor, regions
):
    person = _person("Chen", "Wei", "EC1122334", "2C11PERMIT77")
    other = _person("Lin", "Mei", "EC9988776", "2C11PERMIT88")
    url = f"/orang-asing/{person.pk}/"

    asker = open_as(kemenag_officer)
    asker.goto(url)
    assert "EC1122334" not in asker.content() and "2C11PERMIT77" not in asker.content()
    asker.locator("#dokumen").get_by_role("link", name="Minta akses").click()
    # The link names what it opens; the officer adds the permit detail and states a purpose.
    assert asker.locator("input[name=categories][value=document]").is_checked()
    asker.locator("input[name=categories][value='permit.detail']").check()
    asker.fill("textarea[name=purpose]", "Verifikasi untuk kegiatan keagamaan bersama")
    asker.locator("form:has(textarea[name=purpose]) button[type=submit]").click()
    asker.wait_for_url("**/akses/permintaan/")
    request = AccessRequest.objects.get(requester=kemenag_officer, subject_id=person.pk)
    assert request.categories == ["document", "permit.detail"]

    approver = open_as(kanim_supervisor)
    approver.goto("/akses/permintaan/")
    row = approver.locator(f"#request-{request.pk}")
    assert "document" in row.inner_text() and "permit.detail" in row.inner_text()
    # Narrow: the permit detail is not needed for the stated purpose.
    row.locator("input[value='permit.detail']").uncheck()
    row.locator("select").select_option("approve")
    row.locator("button[type=submit]").click()
    approver.wait_for_url("**/akses/permintaan/")
    share = RecordShare.objects.get(user=kemenag_officer, subject_id=person.pk)
    assert share.categories == ["document"]

    asker.goto(url)
    assert "EC1122334" in asker.inner_text("#dokumen")
    assert "2C11PERMIT77" not in asker.content()
    asker.goto(f"/orang-asing/{other.pk}/")
    assert "EC9988776" not in asker.content()
    api = asker.request.get(f"/api/v1/foreigners/{person.pk}/").json()
    assert [d["number"] for d in api["documents"]] == ["EC1122334"]
    assert "permits" not in api

    # The share's end passes (the hourly job would also end it): hidden on the next request.
    ForeignerUserObjectPermission.objects.filter(share=share).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    asker.goto(url)
    assert "EC1122334" not in asker.content()
    screenshot(asker, "journey-access-request-expired")
