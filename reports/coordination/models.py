"""Meetings, tasks between agencies, joint operations and enforcement actions (TAK).

Registered in the ``reports`` app (``reports.models`` imports this module). Scoping: every row
names a region (Kemendagri code) so a camat sees the meetings, tasks and operations of their
kecamatan through the same indexed prefix match as sightings; enforcement actions are scoped by
the person they are taken against and the policy's ``enforcement`` category.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, pattern_index, region_code_field
from foreigners.models import Foreigner

from ..models import Flag, Sighting


class Meeting(models.Model):
    """A Timpora coordination meeting (rapat Timpora) at one level of government."""

    class Level(models.TextChoices):
        KECAMATAN = "kecamatan", _("Kecamatan")
        KOTA = "kota", _("Kabupaten / kota")
        PROVINCE = "province", _("Province")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = region_code_field(verbose_name=_("area"), related_name="+")
    held_at = models.DateTimeField(_("date and time"))
    venue = models.CharField(_("venue"), max_length=200)
    chair = models.CharField(_("chair"), max_length=200)
    agenda = models.TextField(_("agenda"), max_length=4000)
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    organiser = models.ForeignKey(
        Agency, verbose_name=_("organising agency"), on_delete=models.PROTECT, related_name="+"
    )
    invited = models.ManyToManyField(
        Agency, verbose_name=_("invited agencies"), related_name="meeting_invitations", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Timpora meeting")
        verbose_name_plural = _("Timpora meetings")
        ordering = ["-held_at", "-id"]
        indexes = [pattern_index("region", "meeting_region_prefix_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.held_at:%Y-%m-%d} — {self.venue}"


class MeetingAttendance(models.Model):
    """One person present at a meeting, for an agency."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["agency__name", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "agency", "person"], name="meeting_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.agency})"


class MeetingDecision(models.Model):
    """A numbered decision of a meeting; follow-up tasks point back to it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("decision"), max_length=4000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="meeting_decision_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class AgencyTask(models.Model):
    """A follow-up task one agency gives another: from a meeting decision, from a flag, or by
    hand. The assignee acknowledges it (the receipt time is kept), works it and closes it with a
    result; reminders and escalations are stamped so each is sent once."""

    class Origin(models.TextChoices):
        DECISION = "decision", _("Meeting decision")
        FLAG = "flag", _("Flag")
        MANUAL = "manual", _("By hand")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged, in progress")
        CLOSED = "closed", _("Closed")

    OPEN_STATES = (State.OPEN, State.ACKNOWLEDGED)

    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    decision = models.ForeignKey(
        MeetingDecision,
        verbose_name=_("meeting decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    flag = models.ForeignKey(
        Flag,
        verbose_name=_("flag"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    region = region_code_field(verbose_name=_("area"), related_name="+")
    assignee = models.ForeignKey(
        Agency, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="tasks"
    )
    assigned_by = models.ForeignKey(
        Agency, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    due_on = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    progress_note = models.TextField(_("progress"), max_length=4000, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.TextField(_("result"), max_length=4000, blank=True)
    # Claimed by compare-and-swap UPDATEs in the reminder and escalation jobs: each is sent once
    # even when two beat runs overlap.
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task between agencies")
        verbose_name_plural = _("tasks between agencies")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(origin="decision") | Q(decision__isnull=False),
                name="agency_task_decision_origin",
            ),
            models.CheckConstraint(
                condition=~Q(origin="flag") | Q(flag__isnull=False),
                name="agency_task_flag_origin",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(acknowledged_at__isnull=False),
                name="agency_task_acknowledged_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(state="closed") & Q(closed_at__isnull=False) & ~Q(result=""))
                | (~Q(state="closed") & Q(closed_at__isnull=True)),
                name="agency_task_closed_has_time_and_result",
            ),
        ]
        indexes = [
            pattern_index("region", "agency_task_region_prefix_idx"),
            models.Index(fields=["assignee", "state"], name="agency_task_assignee_idx"),
            models.Index(
                fields=["due_on"],
                condition=Q(state__in=["open", "acknowledged"]),
                name="agency_task_due_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def on_time(self) -> bool | None:
        """Closed by the end of the due date (WITA); None while still open."""
        if self.closed_at is None:
            return None
        return timezone.localdate(self.closed_at) <= self.due_on


class JointOperation(models.Model):
    """A joint field operation (operasi gabungan) under a written supervision order."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done, results recorded")

    title = models.CharField(_("name"), max_length=200)
    operation_date = models.DateField(_("date"))
    region = region_code_field(
        verbose_name=_("area (kecamatan or kelurahan)"),
        related_name="+",
    )
    order_number = models.CharField(_("supervision order number"), max_length=60)
    organiser = models.ForeignKey(
        Agency, verbose_name=_("organising agency"), on_delete=models.PROTECT, related_name="+"
    )
    participants = models.ManyToManyField(
        Agency, verbose_name=_("participating agencies"), related_name="operations", blank=True
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    persons_checked = models.PositiveIntegerField(_("persons checked"), null=True, blank=True)
    violations_found = models.PositiveIntegerField(_("violations found"), null=True, blank=True)
    actions_taken = models.PositiveIntegerField(_("actions taken"), null=True, blank=True)
    result_summary = models.TextField(_("result summary"), max_length=8000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("results recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint operation")
        verbose_name_plural = _("joint operations")
        ordering = ["-operation_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "order_number"], name="joint_operation_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(state="planned")
                | Q(
                    completed_at__isnull=False,
                    persons_checked__isnull=False,
                    violations_found__isnull=False,
                    actions_taken__isnull=False,
                ),
                name="joint_operation_done_has_results",
            ),
        ]
        indexes = [pattern_index("region", "joint_operation_region_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.order_number})"


class OperationTarget(models.Model):
    """What the team will check: an open flag, a sighting, or an address."""

    class Kind(models.TextChoices):
        FLAG = "flag", _("Open flag")
        SIGHTING = "sighting", _("Sighting")
        ADDRESS = "address", _("Address")

    operation = models.ForeignKey(
        JointOperation,
        verbose_name=_("operation"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    flag = models.ForeignKey(
        Flag,
        verbose_name=_("flag"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sighting = models.ForeignKey(
        Sighting,
        verbose_name=_("sighting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("operation target")
        verbose_name_plural = _("operation targets")
        ordering = ["operation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="flag", flag__isnull=False, sighting__isnull=True, address="")
                | Q(kind="sighting", sighting__isnull=False, flag__isnull=True, address="")
                | (Q(kind="address", flag__isnull=True, sighting__isnull=True) & ~Q(address="")),
                name="operation_target_one_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.flag_id or self.sighting_id or self.address}"


class OperationFinding(models.Model):
    """A finding of an operation: a sighting submitted from the field (through the sighting
    service, so the sighting rules run) and linked here."""

    operation = models.ForeignKey(
        JointOperation,
        verbose_name=_("operation"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    sighting = models.OneToOneField(
        Sighting,
        verbose_name=_("sighting"),
        on_delete=models.PROTECT,
        related_name="operation_finding",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("operation finding")
        verbose_name_plural = _("operation findings")
        ordering = ["operation", "id"]

    def __str__(self) -> str:
        return f"{self.operation_id}: {self.sighting_id}"


class EnforcementAction(models.Model):
    """An administrative immigration action (TAK) against one foreign national.

    UU 6/2011 Art. 75(2): (a) listing for prevention or deterrence (cegah/tangkal), (b)
    restricting, changing or cancelling a stay permit, (c) a ban from places, (d) an order to
    reside at a place, (e) a cost charge, (f) deportation; plus the overstay fee of Art. 78(1)
    (tariff under PP 45/2024). Visible through the policy's ``enforcement`` category.
    """

    class Kind(models.TextChoices):
        LISTING = "listing", _("Listing for prevention or deterrence (cegah/tangkal)")
        PERMIT = "permit", _("Restricting, changing or cancelling a stay permit")
        PLACE_BAN = "place_ban", _("Ban from being at certain places")
        RESIDENCE_ORDER = "residence_order", _("Order to reside at a certain place")
        COST_CHARGE = "cost_charge", _("Cost charge")
        DEPORTATION = "deportation", _("Deportation")
        OVERSTAY_FINE = "overstay_fine", _("Overstay fee (Art. 78)")

    LEGAL_BASIS = {
        Kind.LISTING: "UU 6/2011 Ps. 75 ayat (2) huruf a",
        Kind.PERMIT: "UU 6/2011 Ps. 75 ayat (2) huruf b",
        Kind.PLACE_BAN: "UU 6/2011 Ps. 75 ayat (2) huruf c",
        Kind.RESIDENCE_ORDER: "UU 6/2011 Ps. 75 ayat (2) huruf d",
        Kind.COST_CHARGE: "UU 6/2011 Ps. 75 ayat (2) huruf e",
        Kind.DEPORTATION: "UU 6/2011 Ps. 75 ayat (2) huruf f",
        Kind.OVERSTAY_FINE: "UU 6/2011 Ps. 78 ayat (1); PP 45/2024",
    }

    foreigner = models.ForeignKey(
        Foreigner,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        related_name="enforcement_actions",
    )
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    case_review_on = models.DateField(_("case review (gelar kasus) date"))
    decided_on = models.DateField(_("decision date"))
    decision = models.TextField(_("decision"), max_length=4000)
    # Where a ban from places (huruf c) or an order to reside (huruf d) applies, and until when:
    # the sighting rules can flag a person seen where an action bars them.
    region = region_code_field(
        verbose_name=_("place concerned"),
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a ban from places or an order to reside: the kecamatan or kelurahan."),
    )
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    overstay_days = models.PositiveIntegerField(_("days overstayed"), null=True, blank=True)
    fine_amount = models.PositiveBigIntegerField(_("fee (Rupiah)"), null=True, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("deciding agency"), on_delete=models.PROTECT, related_name="+"
    )
    flags = models.ManyToManyField(
        Flag, verbose_name=_("linked flags"), related_name="enforcement_actions", blank=True
    )
    findings = models.ManyToManyField(
        Sighting,
        verbose_name=_("linked findings and sightings"),
        related_name="enforcement_actions",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enforcement action (TAK)")
        verbose_name_plural = _("enforcement actions (TAK)")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__gte=models.F("case_review_on")),
                name="enforcement_decided_after_review",
            ),
            models.CheckConstraint(
                condition=~Q(kind="overstay_fine")
                | Q(overstay_days__isnull=False, fine_amount__isnull=False),
                name="enforcement_fine_has_days_and_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["place_ban", "residence_order"]) | Q(region__isnull=False),
                name="enforcement_place_actions_name_a_region",
            ),
        ]
        indexes = [
            models.Index(fields=["foreigner", "-decided_on"], name="enforcement_foreigner_idx"),
            models.Index(fields=["decided_on"], name="enforcement_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.foreigner_id} ({self.decided_on})"


def report_job_path(instance: "ReportJob", filename: str) -> str:
    return f"reports/{instance.user_id}/{instance.pk or 'new'}/{filename}"


class ReportJob(models.Model):
    """A large export or a meeting pack built in the background for one user: its progress for
    the progress bar, and the files (private media, downloaded only by that user)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export")
        PACK = "pack", _("Meeting pack")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    resource = models.CharField(max_length=20, blank=True)
    fmt = models.CharField(max_length=5, blank=True)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=report_job_path, blank=True, max_length=300)
    pdf = models.FileField(upload_to=report_job_path, blank=True, max_length=300)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_job_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.resource} {self.state}"
