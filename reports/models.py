"""What is reported and raised about foreign nationals: sightings from the field and the flags
that the rules open on permits, documents and sightings."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from agencies.categories import Category
from agencies.history import track
from agencies.models import Agency, ChoiceLabels, ShareRowFields, pattern_index, region_code_field
from agencies.validators import validate_date_in_range, validate_event_time
from foreigners.countries import COUNTRY_CHOICES, validate_country
from foreigners.models import (
    Foreigner,
    StayPermit,
    TravelDocument,
    coordinates_both_or_neither,
    latitude_field,
    longitude_field,
)


class SightingQuerySet(models.QuerySet):
    def visible_to(self, user, *, shares: bool = True) -> "SightingQuerySet":
        """These rows narrowed to what ``user`` may see (:func:`visible_sightings`)."""
        # The selectors module imports this one; resolved when first called.
        from .selectors import visible_sightings

        return visible_sightings(user, shares=shares, base=self)


class FlagQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FlagQuerySet":
        """These rows narrowed to what ``user`` may see (:func:`visible_flags`)."""
        # The selectors module imports this one; resolved when first called.
        from .selectors import visible_flags

        return visible_flags(user, base=self)


class Sighting(ChoiceLabels):
    """A report that a foreign national was seen somewhere doing something."""

    class Activity(models.TextChoices):
        WORK = "work", _("Work")
        TOURISM = "tourism", _("Tourism")
        BUSINESS = "business", _("Business")
        # Preaching, teaching or leading worship: allowed only by a religious index (rohaniwan).
        RELIGIOUS = "religious", _("Religious work")
        # Taking part in worship as a member of the congregation: every permit allows it.
        WORSHIP = "worship", _("Attending worship")
        POLITICAL = "political", _("Political")
        EDUCATION = "education", _("Education")
        SOCIAL = "social", _("Social")
        OTHER = "other", _("Other")

    class ReviewStatus(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        VERIFIED = "verified", _("Verified")
        DISMISSED = "dismissed", _("Dismissed")

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        related_name="sightings_reported",
    )
    reporting_agency = models.ForeignKey(
        Agency,
        verbose_name=_("reporting agency"),
        on_delete=models.PROTECT,
        related_name="sightings",
    )
    observed_at = models.DateTimeField(_("observed at"), validators=[validate_event_time])
    submission_key = models.CharField(
        _("submission key"), max_length=64, blank=True, default="", db_default="", editable=False
    )
    region = region_code_field(
        verbose_name=_("kelurahan / kecamatan"),
        related_name="+",
    )
    place = models.CharField(_("place / address"), max_length=300)
    latitude = latitude_field()
    longitude = longitude_field()
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices)
    description = models.TextField(_("description"), max_length=4000)
    foreigner = models.ForeignKey(
        Foreigner,
        verbose_name=_("identified foreign national"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sightings",
        db_index=False,  # sighting_by_person_idx leads with it
    )
    apparent_nationality = models.CharField(
        _("apparent nationality"),
        max_length=3,
        blank=True,
        choices=COUNTRY_CHOICES,
        validators=[validate_country],
    )
    apparent_sex = models.CharField(
        _("apparent sex"), max_length=1, blank=True, choices=Foreigner.Sex.choices
    )
    person_count = models.PositiveSmallIntegerField(
        _("number of persons"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    unidentified_description = models.TextField(
        _("description of the unidentified person(s)"), blank=True, max_length=2000
    )
    review_status = models.CharField(
        _("review status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SightingQuerySet.as_manager()

    class Meta:
        verbose_name = _("sighting report")
        verbose_name_plural = _("sighting reports")
        ordering = ["-observed_at", "-id"]
        constraints = [
            coordinates_both_or_neither("sighting"),
            # A retried submission (the form's one-time token, the API's Idempotency-Key) finds
            # the sighting the first attempt made instead of making a second one.
            models.UniqueConstraint(
                fields=["reporter", "submission_key"],
                condition=~Q(submission_key=""),
                name="sighting_submission_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(person_count__gte=1), name="sighting_person_count_positive"
            ),
            # An unidentified sighting must describe whom was seen.
            models.CheckConstraint(
                condition=Q(foreigner__isnull=False)
                | ~Q(unidentified_description="")
                | ~Q(apparent_nationality=""),
                name="sighting_identified_or_described",
            ),
            models.CheckConstraint(
                condition=Q(review_status="pending") | Q(reviewed_at__isnull=False),
                name="sighting_reviewed_has_time",
            ),
        ]
        indexes = [
            # Sightings by region prefix (the sighting lists of a scope).
            pattern_index("region", "sighting_region_person_idx", include=["foreigner"]),
            # "Seen in scope" (foreigners_seen_in_scope_q) reads the people sighted in a
            # region's subtree from this index alone (no heap page per sighting), and only the
            # sightings that name a person: at national scale 37,600 of a kota's 53,600, which
            # is what the unfiltered list hashes per region (docs/PERFORMANCE.md).
            pattern_index(
                "region",
                "sighting_region_seen_idx",
                include=["foreigner"],
                condition=models.Q(foreigner__isnull=False),
            ),
            # A person's sightings, newest first; with what the sighting rules read of each
            # (they look at every sighting that names a person each night) and the region,
            # which "seen in the user's area" asks of a person on every scoped read (a flag
            # inbox checks thousands): both from the index alone.
            models.Index(
                fields=["foreigner", "-observed_at"],
                include=["id", "activity", "review_status", "region"],
                name="sighting_by_person_idx",
            ),
            # sighting.outside_area looks at the past 30 days only.
            models.Index(fields=["observed_at"], name="sighting_observed_idx"),
            # "Is this sighting in the user's scope" (region, reporting agency, the activity a
            # policy subset opens), asked by primary key of each flag a scoped read checks:
            # answered from the index alone.
            models.Index(
                fields=["id"],
                include=["region", "reporting_agency", "activity"],
                name="sighting_scope_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        """A new sighting without a reference gets a random one. On a clash with an existing
        reference (6 hex digits a day: with 1,000 reports a day, about one day in 34 has one)
        another is drawn, inside a savepoint so the caller's transaction goes on."""
        if self.reference:
            return super().save(*args, **kwargs)
        for attempt in range(REFERENCE_ATTEMPTS):
            self.reference = new_sighting_reference()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError as exc:
                diag = getattr(exc.__cause__, "diag", None)
                clash = getattr(diag, "constraint_name", None) == REFERENCE_CONSTRAINT
                if not clash or attempt == REFERENCE_ATTEMPTS - 1:
                    self.reference = ""
                    raise


REFERENCE_CONSTRAINT = "reports_sighting_reference_key"
REFERENCE_ATTEMPTS = 8


def new_sighting_reference() -> str:
    """``LAP-YYMMDD-XXXXXX``: short enough to read over the phone, random so it does not reveal
    how many reports an office receives."""
    return f"LAP-{timezone.localdate():%y%m%d}-{secrets.token_hex(3).upper()}"


def sighting_photo_path(instance: "SightingPhoto", filename: str) -> str:
    return f"sightings/{instance.sighting.reference}/{filename}"


class SightingPhoto(models.Model):
    sighting = models.ForeignKey(
        Sighting, verbose_name=_("sighting"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=sighting_photo_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Of the file as uploaded (the stored image is a re-encoded copy without metadata).
    sha256 = models.CharField(
        _("SHA-256 of the upload"), max_length=64, blank=True, default="", db_default=""
    )
    # The camera's GPS position from the dropped EXIF, kept as sighting data (category
    # "sighting"), shown only where the sighting is.
    gps_latitude = models.DecimalField(
        _("camera latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    gps_longitude = models.DecimalField(
        _("camera longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = _("sighting photo")
        verbose_name_plural = _("sighting photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class Flag(ChoiceLabels):
    """A finding raised by a rule about one subject (a permit, document, sighting or person).

    At most one *open* flag exists per (rule, subject): a partial unique index holds it, so rules
    can upsert without duplicates even when two workers run at once.
    """

    class Severity(models.IntegerChoices):
        INFO = 10, _("Information")
        LOW = 20, _("Low")
        MEDIUM = 30, _("Medium")
        HIGH = 40, _("High")
        CRITICAL = 50, _("Critical")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved by an officer")
        CLOSED = "closed", _("Closed automatically")

    class SubjectType(models.TextChoices):
        FOREIGNER = "foreigner", _("Foreign national")
        PERMIT = "permit", _("Stay permit")
        DOCUMENT = "document", _("Travel document")
        SIGHTING = "sighting", _("Sighting")
        MOVEMENT = "movement", _("Entry/exit movement")
        SPONSOR = "sponsor", _("Sponsor")

    OPEN_STATES = (State.OPEN, State.ACKNOWLEDGED)

    # Not indexed alone: the indexes below lead with it under a state or a subject (each index
    # of this table is written for every flag the rules open).
    rule = models.CharField(_("rule"), max_length=40)
    rule_version = models.PositiveSmallIntegerField(_("rule version"), default=1)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    subject_type = models.CharField(_("subject type"), max_length=10, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("subject id"))
    # Direct links for scoping and display; the subject itself is (subject_type, subject_id).
    foreigner = models.ForeignKey(
        Foreigner,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags",
        db_index=False,  # flag_foreigner_state_idx leads with it
    )
    permit = models.ForeignKey(
        StayPermit,
        verbose_name=_("stay permit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags",
        db_index=False,  # indexed where set (Meta.indexes)
    )
    document = models.ForeignKey(
        TravelDocument,
        verbose_name=_("travel document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags",
        db_index=False,  # indexed where set (Meta.indexes)
    )
    sighting = models.ForeignKey(
        Sighting,
        verbose_name=_("sighting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flags",
        db_index=False,  # indexed where set (Meta.indexes)
    )
    routed_to = models.JSONField(
        _("routed agency kinds"),
        default=list,
        blank=True,
        help_text=_('Agency kinds this flag is routed to, e.g. ["imigrasi", "polres"].'),
    )
    reason = models.TextField(_("reason (Indonesian)"))
    reason_en = models.TextField(_("reason (English)"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The severity people were last alerted at: a flag whose severity is above it still owes an
    # alert. Claiming alerts is a compare-and-swap UPDATE on this column, so each new or
    # escalated flag is announced exactly once even with several workers.
    alerted_severity = models.PositiveSmallIntegerField(default=0, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(_("close reason"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed where set (Meta.indexes)
    )

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id"],
                condition=Q(state__in=["open", "acknowledged"]),
                # Covering what decides whether an open flag is up to date: the daily scan
                # compares hundreds of thousands of them from this index alone, never reading
                # the wide rows (reasons, evidence) of the table.
                include=[
                    "id",
                    "severity",
                    "rule_version",
                    "foreigner",
                    "permit",
                    "document",
                    "sighting",
                    "routed_to",
                ],
                name="flag_one_open_per_rule_subject",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "acknowledged"], closed_at__isnull=True)
                | Q(state__in=["resolved", "closed"], closed_at__isnull=False),
                name="flag_closed_iff_closed_at",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("opened_at")),
                name="flag_closed_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "rule"], name="flag_state_rule_idx"),
            # The alerts inbox: open flags, most severe and newest first; the page is read
            # from the index in order instead of sorting every visible flag (issue 14).
            models.Index(
                models.F("severity").desc(),
                models.F("opened_at").desc(),
                models.F("id").desc(),
                condition=Q(state__in=["open", "acknowledged"]),
                name="flag_open_inbox_idx",
            ),
            models.Index(fields=["foreigner", "state"], name="flag_foreigner_state_idx"),
            # The other links are empty on most flags (a permit's flag names no sighting, an
            # open flag no closer): indexed only where set, for the lookups of a permit's,
            # document's, sighting's or user's flags (and the checks of deleting one), so a
            # flag costs no index entry for a link it does not have.
            *(
                models.Index(
                    fields=[link],
                    condition=Q(**{f"{link}__isnull": False}),
                    name=f"flag_{link}_idx",
                )
                for link in ("permit", "document", "sighting", "closed_by")
            ),
            models.Index(
                fields=["id"],
                condition=Q(state__in=["open", "acknowledged"])
                & Q(alerted_severity__lt=models.F("severity")),
                name="flag_alert_pending_idx",
            ),
            # A sponsor's own flags (no person): what an employment reader of a small scope
            # adds to its alerts' candidates (reports.selectors.sparse_flag_candidates).
            models.Index(
                fields=["id"],
                condition=Q(subject_type="sponsor", foreigner__isnull=True),
                name="flag_sponsor_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject_type}:{self.subject_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


# --- Record shares: guardian's direct foreign-key object permissions (DESIGN.md §4.3). Shares
# join by index on (object, user|group) instead of guardian's string object ids.


class SightingUserObjectPermission(UserObjectPermissionBase, ShareRowFields):
    content_object = models.ForeignKey(Sighting, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("sighting shared with an officer")
        indexes = [
            models.Index(fields=["content_object", "user"], name="sighting_uop_obj_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.permission.codename} {self.content_object_id} → {self.user_id}"


class SightingGroupObjectPermission(GroupObjectPermissionBase, ShareRowFields):
    content_object = models.ForeignKey(Sighting, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("sighting shared with an agency")
        indexes = [
            models.Index(fields=["content_object", "group"], name="sighting_gop_obj_group_idx")
        ]

    def __str__(self) -> str:
        return f"{self.permission.codename} {self.content_object_id} → {self.group_id}"


def default_watch_routing() -> list[str]:
    return ["imigrasi", "kesbangpol", "polres", "kodim"]


class RuleSettings(models.Model):
    """The thresholds of the flag rules, edited by the system admin. One row (pk 1)."""

    expiring_notice_days = models.PositiveSmallIntegerField(
        _("expiring: first notice (days before the end)"), default=30
    )
    expiring_warning_days = models.PositiveSmallIntegerField(
        _("expiring: warning (days before the end)"), default=14
    )
    expiring_urgent_days = models.PositiveSmallIntegerField(
        _("expiring: urgent (days before the end)"), default=7
    )
    overstay_deport_after_days = models.PositiveSmallIntegerField(
        _("overstay: deportation recommended after (days)"),
        default=60,
        help_text=_("UU 6/2011 Pasal 78 ayat (3): more than 60 days → deportation and entry ban."),
    )
    overstay_fine_per_day = models.PositiveBigIntegerField(
        _("overstay: fee per day (Rupiah)"),
        default=1_000_000,
        help_text=_(
            "UU 6/2011 Pasal 78 ayat (1): a fee for each day over the permit, up to 60 days; "
            "the tariff is set by PP 45/2024 (PNBP), Rp1,000,000 per day."
        ),
    )
    outside_area_min_sightings = models.PositiveSmallIntegerField(
        _("outside area: sightings needed"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    outside_area_window_days = models.PositiveSmallIntegerField(
        _("outside area: within the last (days)"), default=30, validators=[MinValueValidator(1)]
    )
    residence_report_days = models.PositiveSmallIntegerField(
        _("residence and SKTT: reported within (days)"),
        default=14,
        help_text=_("UU 6/2011 Pasal 71 huruf a; UU 23/2006 Pasal 20: 14 days from the ITAS."),
    )
    itas_after_visa_days = models.PositiveSmallIntegerField(
        _("limited-stay visa: ITAS within (days of entry)"),
        default=30,
        help_text=_("PP 31/2013 Pasal 143 as amended: 30 days."),
    )
    itap_abroad_days = models.PositiveSmallIntegerField(
        _("ITAP: lapses after (days abroad)"),
        default=365,
        help_text=_("UU 6/2011 Pasal 62: more than one year outside Indonesia."),
    )
    entry_permit_grace_days = models.PositiveSmallIntegerField(
        _("entry with no permit: flagged after (days)"),
        default=1,
        help_text=_("Days an entry may wait for its stay permit to be recorded."),
    )
    sponsor_min_violations = models.PositiveSmallIntegerField(
        _("sponsor: open violations before the sponsor is flagged"),
        default=3,
        validators=[MinValueValidator(2)],
        help_text=_("UU 6/2011 Pasal 63: the sponsor answers for the people it sponsors."),
    )
    notify_officers = models.BooleanField(
        _("alert officers too"),
        default=False,
        help_text=_("Supervisors are always alerted; tick to alert every officer as well."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule settings")
        verbose_name_plural = _("rule settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="rule_settings_single_row"),
            models.CheckConstraint(
                condition=Q(expiring_notice_days__gte=models.F("expiring_warning_days"))
                & Q(expiring_warning_days__gte=models.F("expiring_urgent_days")),
                name="rule_settings_expiring_windows_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Rule settings"))

    @classmethod
    def load(cls) -> "RuleSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class WatchWindow(models.Model):
    """A period (e.g. an election) during which political activity by foreigners is watched."""

    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"), validators=[validate_date_in_range])
    ends_on = models.DateField(_("ends on"), validators=[validate_date_in_range])
    region = region_code_field(
        verbose_name=_("region"),
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only sightings inside this region; empty means everywhere."),
    )
    routed_to = models.JSONField(
        _("routed agency kinds"),
        default=default_watch_routing,
        help_text=_('Agency kinds alerted, e.g. ["imigrasi", "kesbangpol", "polres", "kodim"].'),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("election watch window")
        verbose_name_plural = _("election watch windows")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="watch_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on} – {self.ends_on})"


class SightingRulesOutbox(models.Model):
    """A sighting whose rules still have to run. Written in the same transaction as the sighting,
    deleted in the same transaction as the rules' flags: a broker outage loses nothing, the beat
    sweep picks the row up."""

    sighting = models.ForeignKey(Sighting, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pending sighting check")
        verbose_name_plural = _("pending sighting checks")

    def __str__(self) -> str:
        return f"sighting {self.sighting_id}"


class AgencyDigest(models.Model):
    """The daily digest sent to an agency, recorded so a retried task never sends it twice."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    flag_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="agency_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}"


class SightingComment(models.Model):
    """A note in a sighting's discussion thread; readable by whoever may read the sighting."""

    sighting = models.ForeignKey(
        Sighting, verbose_name=_("sighting"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sighting comment")
        verbose_name_plural = _("sighting comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sighting", "created_at"], name="sighting_comment_idx")]

    def __str__(self) -> str:
        return f"{self.sighting_id}: {self.body[:40]}"


# The coordination models (meetings, tasks, operations, TAK) live in their own module; importing
# them here registers them in this app.
from .coordination.models import (  # noqa: E402, F401
    AgencyTask,
    EnforcementAction,
    JointOperation,
    Meeting,
    MeetingAttendance,
    MeetingDecision,
    OperationFinding,
    OperationTarget,
    ReportJob,
)

# Every write to sightings and flags is history (agencies.history), shown on their pages.
track(
    Sighting,
    category=Category.SIGHTING,
    fields=dict.fromkeys(
        [
            "observed_at",
            "region",
            "place",
            "activity",
            "description",
            "foreigner",
            "apparent_nationality",
            "apparent_sex",
            "person_count",
            "unidentified_description",
            "review_status",
            "reviewed_by",
            "reviewed_at",
            "review_note",
        ],
        Category.SIGHTING,
    ),
    # The person a sighting names is shown only to who sees that person (as on the page).
    references={"foreigner": "foreigner"},
)


def rule_title(code: str) -> str:
    """The translated title of a flag rule (``permit.overstay`` → "Overstay"); the code itself
    for a rule that no longer exists."""
    # Imported here: the rules import these models.
    from .rules import RULES

    rule = RULES.get(code)
    return str(rule.title) if rule is not None and rule.title else code


track(
    Flag,
    category=Category.FLAG,
    fields=dict.fromkeys(
        ["rule", "severity", "state", "closed_at", "close_reason", "closed_by"], Category.FLAG
    ),
    display={"rule": rule_title},
    bulk=True,  # the rules open and close flags by the hundred thousand (agencies.history)
)
