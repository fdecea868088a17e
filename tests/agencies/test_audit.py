"""The access log: one row per response that shows personal data (ids, no values), insert-only in
the database, hash-chained so that an edited or removed row is found by ``verify_audit``."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import reverse

from agencies.access import access_changed
from agencies.audit import AuditMiddleware, audit_read, audit_record, audit_verify
from agencies.models import AuditEvent, Officer
from tests.factories import (
    ForeignerFactory,
    OfficerFactory,
    TravelDocumentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _reads():
    return list(AuditEvent.objects.filter(action=AuditEvent.READ).order_by("id"))


def _tamper(sql: str, params=()) -> None:
    """Edit the log the way only the table owner can: with its triggers switched off."""
    with connection.cursor() as cursor:
        # The test's deferred foreign-key checks must run before the table can be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE agencies_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE agencies_auditevent ENABLE TRIGGER USER")


@pytest.fixture
def chain(db):
    user = UserFactory()
    return [
        audit_record(user=user, action=AuditEvent.READ, shown={"foreigner": {i}})
        for i in (1, 2, 3, 4)
    ]


def test_rows_are_chained_in_id_order(chain):
    rows = list(AuditEvent.objects.order_by("id"))
    assert rows[0].prev_hash == ""
    for prev, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == prev.row_hash and len(row.row_hash) == 64
    assert audit_verify().broken_at is None


def test_update_and_delete_of_the_log_are_refused(chain):
    row = chain[1]
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=row.pk).update(route="edited"),
        lambda: AuditEvent.objects.filter(pk=row.pk).delete(),
        lambda: AuditEvent.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
            attempt()
    with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE agencies_auditevent SET shown = '{}' WHERE id = %s", [row.pk])
    assert AuditEvent.objects.count() == 4
    assert AuditEvent.objects.get(pk=row.pk).shown == {"foreigner": [2]}


def test_truncate_is_refused_outside_test_databases():
    """The trigger function decides on the database name; shown here on its source, as this
    test database is one where the flush must work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'agencies_audit_refuse'")
        source = cursor.fetchone()[0]
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'agencies_auditevent'::regclass"
            " AND NOT tgisinternal ORDER BY tgname"
        )
        triggers = [name for (name,) in cursor.fetchall()]
    assert "TRUNCATE" in source and "test\\_%" in source
    assert triggers == [
        "agencies_audit_chain",
        "agencies_audit_insert_only",
        "agencies_audit_no_truncate",
    ]


def test_verify_audit_finds_an_edited_row(chain):
    _tamper(
        "UPDATE agencies_auditevent SET shown = '{\"foreigner\": [99]}' WHERE id = %s",
        [chain[2].pk],
    )
    report = audit_verify()
    assert (report.broken_at, report.reason) == (chain[2].pk, "content")
    out = StringIO()
    with pytest.raises(CommandError, match=f"row {chain[2].pk}"):
        call_command("verify_audit", stdout=out)


def test_verify_audit_finds_a_removed_row(chain):
    _tamper("DELETE FROM agencies_auditevent WHERE id = %s", [chain[1].pk])
    report = audit_verify()
    assert (report.broken_at, report.reason) == (chain[2].pk, "link")


def test_verify_audit_finds_a_row_rehashed_by_hand(chain):
    """Recomputing one row's hash after editing it breaks the next row's link."""
    _tamper(
        "UPDATE agencies_auditevent SET route = 'x' WHERE id = %s;"
        " UPDATE agencies_auditevent e SET row_hash = agencies_audit_hash(e) WHERE id = %s",
        [chain[0].pk, chain[0].pk],
    )
    assert audit_verify().broken_at == chain[1].pk


def test_verify_audit_passes_an_intact_chain(chain):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "4 rows" in out.getvalue() and chain[-1].pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    """Writers in parallel transactions queue on the chain's lock: ids follow the links."""
    user = UserFactory()
    errors = []

    def write(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    audit_record(
                        user=user, action=AuditEvent.READ, shown={"foreigner": {n * 100 + i}}
                    )
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == 40
    assert audit_verify().broken_at is None


# --- one row per response ------------------------------------------------------------------


def test_detail_page_writes_one_row_with_ids_route_ip_and_no_values(client, kanim_officer):
    f = ForeignerFactory(family_name="Zhangsecret")
    doc = TravelDocumentFactory(foreigner=f, number="X1234567")
    client.force_login(kanim_officer)
    response = client.get(reverse("foreigner-detail", args=[f.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    [row] = _reads()
    assert row.user_id == kanim_officer.pk
    assert row.agency_id == kanim_officer.officer.agency_id
    assert row.route == "foreigner-detail"
    assert row.ip == "10.1.2.3"
    assert row.shown["foreigner"] == [f.pk] and row.shown["traveldocument"] == [doc.pk]
    stored = str(AuditEvent.objects.filter(pk=row.pk).values().get())
    assert "Zhangsecret" not in stored and "X1234567" not in stored


def test_denied_and_missing_records_write_no_row(client, camat_ujung):
    hidden = ForeignerFactory()  # lives in Soreang: not the Ujung camat's
    client.force_login(camat_ujung)
    assert client.get(reverse("foreigner-detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("foreigner-detail", args=[10**9])).status_code == 404
    assert client.get(reverse("api-foreigner-detail", args=[hidden.pk])).status_code == 404
    assert _reads() == []


def test_api_list_writes_the_page_ids_and_the_purpose_header(client, kanim_officer):
    people = [ForeignerFactory() for _ in range(3)]
    client.force_login(kanim_officer)
    response = client.get(reverse("api-foreigner-list"), HTTP_X_PURPOSE="Operasi gabungan Nov 2026")
    assert response.status_code == 200
    [row] = _reads()
    assert row.route == "api-foreigner-list"
    assert row.shown == {"foreigner": sorted(p.pk for p in people)}
    assert row.purpose == "Operasi gabungan Nov 2026"


def test_a_search_that_finds_nothing_is_still_one_read(client, kanim_officer):
    client.force_login(kanim_officer)
    response = client.get(reverse("foreigner-list"), {"q": "nobodyhere"})
    assert response.status_code == 200
    [row] = _reads()
    assert row.shown == {}


def test_several_declarations_in_one_request_make_one_row(rf, kanim_officer):
    def view(request):
        audit_read(request, shown={"foreigner": [1, 2]})
        audit_read(request, shown={"foreigner": [2, 3], "flag": [7]}, purpose="cek")
        return HttpResponse("ok")

    request = rf.get("/x/")
    request.user = kanim_officer
    AuditMiddleware(view)(request)
    [row] = _reads()
    assert row.shown == {"flag": [7], "foreigner": [1, 2, 3]} and row.purpose == "cek"


def test_without_a_request_the_row_is_written_at_once(kanim_officer):
    row = audit_read(None, user=kanim_officer, shown={"foreigner": [5]}, route="export.csv")
    assert row is not None and _reads()[0].route == "export.csv"


# --- who accessed this record --------------------------------------------------------------


def test_supervisor_sees_who_accessed_and_that_view_is_logged(client, kanim_officer):
    kanim_supervisor = OfficerFactory(
        agency=kanim_officer.officer.agency, role=Officer.Role.SUPERVISOR
    ).user
    f = ForeignerFactory()
    client.force_login(kanim_officer)
    client.get(reverse("foreigner-detail", args=[f.pk]))
    first = _reads()[0]
    page = client.get(reverse("foreigner-detail", args=[f.pk]))
    assert "h-accesses" not in page.content.decode()  # an officer: no panel

    client.force_login(kanim_supervisor)
    page = client.get(reverse("foreigner-detail", args=[f.pk]))
    body = page.content.decode()
    assert f'data-audit-id="{first.pk}"' in body
    last = _reads()[-1]
    assert last.user_id == kanim_supervisor.pk
    assert first.pk in last.shown["auditevent"]


def test_officer_of_an_agency_without_audit_category_sees_no_panel(client, polres_officer, regions):
    Officer.objects.filter(user=polres_officer).update(role=Officer.Role.SUPERVISOR)
    access_changed()
    f = ForeignerFactory(residence_region_id="73.72.03.1001")
    client.force_login(polres_officer)
    page = client.get(reverse("foreigner-detail", args=[f.pk]))
    assert page.status_code == 200
    assert "h-accesses" not in page.content.decode()
    assert "auditevent" not in _reads()[-1].shown


def test_supervisor_sees_only_the_reads_of_their_own_agency(
    client, kanim_officer, kanim_supervisor, polres_officer, admin_user
):
    """Another agency's read tells where that agency sees the person (a residence or a sighting
    in its area, a share): not the reader's to know. The system admin sees every read."""
    f = ForeignerFactory(residence_region_id="73.72.03.1001")
    url = reverse("foreigner-detail", args=[f.pk])
    for reader in (kanim_officer, polres_officer):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    own, other = _reads()
    colleague = OfficerFactory(agency=kanim_officer.officer.agency, role=Officer.Role.SUPERVISOR)
    client.force_login(colleague.user)
    body = client.get(url).content.decode()
    assert f'data-audit-id="{own.pk}"' in body
    assert f'data-audit-id="{other.pk}"' not in body

    client.force_login(kanim_supervisor)  # a supervisor of another Kanim
    body = client.get(url).content.decode()
    assert "h-accesses" in body and f'data-audit-id="{own.pk}"' not in body
    assert _reads()[-1].shown.get("auditevent", []) == []  # nothing of the log was shown

    client.force_login(admin_user)
    body = client.get(url).content.decode()
    assert f'data-audit-id="{own.pk}"' in body and f'data-audit-id="{other.pk}"' in body
