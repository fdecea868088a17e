"""The matrix's audit check catches both mistakes: a read route that forgot to declare what it
showed, and a denial (or a route that shows nothing) that wrote a row anyway."""

from types import SimpleNamespace

import pytest

from agencies.audit import audit_record
from agencies.models import AuditEvent

from .audit_expect import audit_check, audit_mark
from .routes import Case

pytestmark = pytest.mark.django_db


def _check(user, status: int, *, logged: set[int] | None) -> str | None:
    """The check of a detail case of foreigner #7 answering ``status``, after a request that
    logged the ids ``logged`` (None: no row)."""
    since = audit_mark()
    if logged is not None:
        audit_record(
            user=user, action=AuditEvent.READ, route="foreigner-detail", shown={"foreigner": logged}
        )
    case = Case("foreigner#7", "GET", "/x/", check=lambda r: None)
    ctx = SimpleNamespace(p=SimpleNamespace(user=user), world=SimpleNamespace())
    return audit_check(ctx, "foreigner-detail", case, SimpleNamespace(status_code=status), since)


def test_a_read_without_a_row_is_reported(kanim_officer):
    error = _check(kanim_officer, 200, logged=None)
    assert error == "0 access-log rows for one response showing personal data"


def test_a_row_with_other_ids_is_reported(kanim_officer):
    error = _check(kanim_officer, 200, logged={8})
    assert "names foreigner [8], the response showed [7]" in error


def test_a_row_for_a_denial_is_reported(kanim_officer):
    error = _check(kanim_officer, 404, logged={7})
    assert error.startswith("access-log rows written for a response that showed nothing")


def test_the_right_row_passes(kanim_officer):
    assert _check(kanim_officer, 200, logged={7}) is None
