"""Alerts about flags: in-portal notifications and emails for new or escalated flags, and the
daily digest per agency.

Who is alerted: supervisors (and officers, if the rule settings say so) of active agencies whose
kind is in the flag's ``routed_to`` AND who may see the flag through the access policy —
:func:`reports.selectors.visible_flags` decides, so an alert never tells anyone about a person
they could not open. Notifications are written through the agencies notification service.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import Category, access_for
from agencies.models import Agency, Officer
from agencies.services.notifications import NewNotification, notifications_send

from ..evidence import reasons_readable
from ..models import Flag, RuleSettings
from ..rules import RULES
from ..selectors import visible_flags

logger = logging.getLogger(__name__)

ALERT_BATCH = 1000
EMAIL_LIST_LIMIT = 20


def flag_url_parts() -> tuple[str, str]:
    """The flag page's URL around the id, reversed once for many flags: ('/peringatan/', '/')."""
    url = reverse("flag-detail", args=[987654321])
    prefix, _sep, suffix = url.partition("987654321")
    return prefix, suffix


def flag_url(flag_id: int) -> str:
    prefix, suffix = flag_url_parts()
    return f"{prefix}{flag_id}{suffix}"


def _rule_titles() -> dict[str, str]:
    return {code: str(rule.title) for code, rule in RULES.items()}


def _alert_recipients(kinds: list[str]):
    roles = [Officer.Role.SUPERVISOR]
    if RuleSettings.load().notify_officers:
        roles.append(Officer.Role.OFFICER)
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            officer__agency__is_active=True,
            officer__agency__kind__in=kinds,
            officer__role__in=roles,
        )
        .order_by("pk")
    )


def flags_alert(*, batch_size: int = ALERT_BATCH) -> int:
    """Alert people about every open flag whose severity is above what they were last alerted
    at (new flags start at 0). Returns the number of flags announced.

    Exactly once per (flag, severity): each batch claims its flags with a compare-and-swap
    UPDATE … FOR UPDATE SKIP LOCKED and writes the notifications in the same transaction, so two
    workers split the work and a crash before commit leaves the flags to be claimed again.
    """
    total = 0
    while True:
        claimed = _alert_batch(batch_size)
        total += claimed
        if claimed < batch_size:
            return total


def _alert_batch(limit: int) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            WITH claim AS (
                SELECT id, alerted_severity AS was FROM reports_flag
                WHERE state IN ('open', 'acknowledged') AND alerted_severity < severity
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
            )
            UPDATE reports_flag f SET alerted_severity = f.severity FROM claim
            WHERE f.id = claim.id
            RETURNING f.id, claim.was = 0
            """,
            [limit],
        )
        rows = cursor.fetchall()
        if not rows:
            return 0
        ids = [r[0] for r in rows]
        new_ids = [r[0] for r in rows if r[1]]
        cursor.execute(
            "SELECT DISTINCT jsonb_array_elements_text(routed_to) FROM reports_flag "
            "WHERE id = ANY(%s::bigint[])",
            [ids],
        )
        kinds = [r[0] for r in cursor.fetchall()]
        titles = _rule_titles()
        severity = dict(Flag.Severity.choices)
        new = set(new_ids)
        prefix, suffix = flag_url_parts()
        emails: list[EmailMessage] = []
        for user in _alert_recipients(kinds):
            visible = visible_flags(user).filter(id__in=ids).values("id")
            with_reason = reasons_readable(access_for(user))
            flags = (
                Flag.objects.filter(id__in=visible)
                .order_by("id")
                .values_list("id", "rule", "severity", "reason")
            )
            count = notifications_send(
                notifications=[
                    NewNotification(
                        recipient_id=user.pk,
                        kind="flag.new" if flag_id in new else "flag.escalated",
                        title=(_("New flag: ") if flag_id in new else _("Flag escalated: "))
                        + f"{titles.get(rule, rule)} ({severity.get(level, '')})",
                        body=reason if with_reason else "",
                        url=f"{prefix}{flag_id}{suffix}",
                    )
                    for flag_id, rule, level, reason in flags
                ]
            )
            if count and user.email:
                emails.append(_alert_email(user, visible, count, titles))
        if emails:
            transaction.on_commit(lambda: _send(emails))
    return len(ids)


def _alert_email(user, visible_ids, count: int, titles: dict[str, str]) -> EmailMessage:
    flags = (
        Flag.objects.filter(id__in=visible_ids)
        .order_by("-severity", "id")
        .values("id", "rule", "severity", "reason")[:EMAIL_LIST_LIMIT]
    )
    severity = dict(Flag.Severity.choices)
    with_reason = reasons_readable(access_for(user))
    lines = [
        f"- [{severity.get(f['severity'], f['severity'])}] {titles.get(f['rule'], f['rule'])}\n"
        + (f"  {f['reason']}\n" if with_reason else "")
        + f"  {flag_url(f['id'])}"
        for f in flags
    ]
    if count > len(lines):
        lines.append(_("… and %(n)d more in the portal.") % {"n": count - len(lines)})
    return EmailMessage(
        subject=_("Timpora: %(n)d new or escalated flag(s)") % {"n": count},
        body="\n".join(lines),
        to=[user.email],
    )


def _send(messages: list[EmailMessage]) -> None:
    # The notifications are already committed; a mail outage must not undo them.
    for message in messages:
        try:
            message.send()
        except Exception:
            logger.exception("flag alert email to %s failed", message.to)


def flags_digest_send(*, day: dt.date | None = None) -> int:
    """Send each agency one digest email for ``day`` (default today, WITA): its open flags by
    rule and those opened or re-graded in the past 24 hours, as seen by its first supervisor
    through the access policy. Returns the number of digests sent.

    Once per agency and day (an ``AgencyDigest`` row claimed with ON CONFLICT DO NOTHING in the
    same transaction as the send), so a retried task never sends twice.
    """
    day = day or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=1)
    titles = _rule_titles()
    severity = dict(Flag.Severity.choices)
    sent = 0
    agencies = Agency.objects.filter(
        is_active=True, officers__role=Officer.Role.SUPERVISOR
    ).distinct()
    for agency in agencies.order_by("pk"):
        supervisors = list(
            get_user_model()
            .objects.filter(
                is_active=True, officer__agency=agency, officer__role=Officer.Role.SUPERVISOR
            )
            .order_by("pk")
        )
        viewer = supervisors[0]
        if not access_for(viewer).can_read(Category.FLAG):
            continue
        to = sorted({u.email for u in supervisors if u.email} | ({agency.email} - {""}))
        if not to:
            continue
        open_flags = visible_flags(viewer).filter(state__in=Flag.OPEN_STATES)
        by_rule = list(open_flags.values("rule").annotate(n=Count("id")).order_by("rule"))
        if not by_rule:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reports_agencydigest (agency_id, day, sent_at, flag_count) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (agency_id, day) DO NOTHING RETURNING id",
                [agency.pk, day, timezone.now(), sum(r["n"] for r in by_rule)],
            )
            if cursor.fetchone() is None:
                continue
            recent = open_flags.filter(updated_at__gte=since).order_by("-severity", "id")
            lines = [_("Open flags for %(agency)s on %(day)s:") % {"agency": agency, "day": day}]
            lines += [f"- {titles.get(r['rule'], r['rule'])}: {r['n']}" for r in by_rule]
            lines += ["", _("New or changed in the past 24 hours:")]
            with_reason = reasons_readable(access_for(viewer))
            lines += [
                f"- [{severity.get(f.severity, f.severity)}] "
                f"{f.reason if with_reason else titles.get(f.rule, f.rule)} {flag_url(f.pk)}"
                for f in recent[:50]
            ]
            EmailMessage(
                subject=_("Timpora daily digest %(day)s — %(agency)s")
                % {"day": day, "agency": agency},
                body="\n".join(lines),
                to=to,
            ).send()
            sent += 1
    return sent


__all__ = ["flag_url", "flags_alert", "flags_digest_send"]
