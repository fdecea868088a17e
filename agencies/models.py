"""Regions (the Kemendagri tree), member agencies of Timpora and their officers.

Glossary: *Kanim* — Kantor Imigrasi, the immigration office that leads the team; *Kanwil* — the
regional office of the ministry; *camat* — head of a *kecamatan* (district); *kelurahan* — urban
village below a kecamatan; *NIP* — civil-servant number.
"""

import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from .categories import Category, Level
from .history import track
from .registry import subject_label

# Kemendagri codes: 73 / 73.72 / 73.72.01 / 73.72.01.1004
REGION_CODE_RE = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
_REGION_CODE = re.compile(REGION_CODE_RE)


def is_region_code(value: str | None) -> bool:
    """Whether ``value`` is written like a Kemendagri region code (the one pattern for forms,
    API parameters and the database constraint)."""
    return bool(value) and _REGION_CODE.fullmatch(value) is not None


region_code_validator = RegexValidator(
    REGION_CODE_RE, _("Use a Kemendagri code such as 73, 73.72, 73.72.01 or 73.72.01.1004.")
)


# The label tables of fields with fixed choices, built once per field (ChoiceLabels).
_choice_labels: dict[models.Field, dict] = {}


class ChoiceLabels(models.Model):
    """``get_FOO_display()`` from a label table built once per field, not once per call.

    Django builds ``dict(make_hashable(field.flatchoices))`` on every call, and hashing each
    lazy label translates it: the alert inbox's fifty rows cost about a thousand translations
    for their severity and state labels (issue 14). The table keeps the lazy labels, so the
    label is still in the reader's language; fields whose choices are computed (a callable)
    keep Django's way."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        labels = _choice_labels.get(field)
        if labels is None:
            if isinstance(field.choices, CallableChoiceIterator):
                return super()._get_FIELD_display(field)
            labels = _choice_labels[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


def region_code_field(**kwargs) -> models.ForeignKey:
    """A foreign key to Region whose column holds the region code (the materialised path)."""
    kwargs.setdefault("on_delete", models.PROTECT)
    return models.ForeignKey("agencies.Region", db_column=kwargs.pop("db_column", None), **kwargs)


def region_prefix_q(field: str, code: str) -> Q:
    """Records whose region ``field`` lies in the subtree rooted at ``code``: an indexed prefix
    match on the materialised path (the Kemendagri code is the primary key).

    ``field`` is a code column (``code``, ``region_id``) or a foreign key to Region (``region``,
    ``residence_region``); for the latter ``__pk`` reaches the key column without a join."""
    return Q(**{f"{field}": code}) | Q(**{f"{_code_column(field)}__startswith": f"{code}."})


def _code_column(field: str) -> str:
    """The lookup of a region field's code column: a code column itself, or a foreign key to
    Region through ``__pk`` (the key column, no join)."""
    return field if field == "code" or field.endswith("_id") else f"{field}__pk"


class _PatternCompare(models.Lookup):
    """Byte-wise string comparison, the operators of ``varchar_pattern_ops`` indexes."""

    operator = ""

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {self.operator} {rhs}", (*lhs_params, *rhs_params)


@models.CharField.register_lookup
class PatternFrom(_PatternCompare):
    lookup_name = "pattern_from"
    operator = "~>=~"


@models.CharField.register_lookup
class PatternBefore(_PatternCompare):
    lookup_name = "pattern_before"
    operator = "~<~"


def region_range_q(field: str, code: str) -> Q:
    """:func:`region_prefix_q` for a filter that stands alone (not OR-ed with other criteria):
    the same rows as one index range, ``code`` ≤ value < the next code of its width (byte-wise,
    the order of ``varchar_pattern_ops``: "73.72" → "73.73").

    The range holds the code, its subtree, and codes that merely start with it ("73.720"),
    which a Kemendagri code cannot be: codes are fixed-width per level, checked by the region
    table's constraint and every form (``REGION_CODE_RE``). Nothing is left to re-check per
    row, so the planner reads the range from an index alone (an index-only scan); the OR of
    ``= code`` and ``LIKE 'code.%'`` only allows a bitmap scan that visits the heap page of
    every row, and ``LIKE`` re-checks each index entry (at national scale a third of the time
    of "seen in scope")."""
    if not is_region_code(code):
        return region_prefix_q(field, code)
    column = _code_column(field)
    start, end = region_code_range(code)
    return Q(**{f"{column}__pattern_from": start, f"{column}__pattern_before": end})


def region_code_range(code: str) -> tuple[str, str]:
    """The byte-wise range [start, end) holding a well-formed ``code`` and its subtree: the
    code, and the code with its last character's successor ("73.72" → "73.73")."""
    return code, code[:-1] + chr(ord(code[-1]) + 1)


def region_ancestors(code: str) -> list[str]:
    """The codes from the province down to ``code``: "73.72.03" → ["73", "73.72", "73.72.03"]."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def pattern_index(field: str, name: str, include=(), condition=None) -> models.Index:
    """B-tree index usable by ``LIKE 'prefix%'`` whatever the database collation; ``include``
    adds columns an index-only scan can return, ``condition`` makes it partial."""
    return models.Index(
        fields=[field],
        name=name,
        opclasses=["varchar_pattern_ops"],
        include=list(include),
        condition=condition,
    )


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        KABUPATEN = "kabupaten", _("Regency (kabupaten)")
        KOTA = "kota", _("City (kota)")
        KECAMATAN = "kecamatan", _("District (kecamatan)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")

    code = models.CharField(
        _("Kemendagri code"), max_length=13, primary_key=True, validators=[region_code_validator]
    )
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [pattern_index("code", "region_code_prefix_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=REGION_CODE_RE), name="region_code_format"
            ),
            # A child's code extends its parent's: the materialised path stays consistent.
            models.CheckConstraint(
                condition=Q(parent__isnull=True)
                | Q(
                    code__startswith=models.functions.Concat(
                        models.F("parent_id"), models.Value(".")
                    )
                ),
                name="region_code_extends_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Agency(models.Model):
    class Kind(models.TextChoices):
        IMIGRASI = "imigrasi", _("Immigration office (Kanim)")
        KANWIL = "kanwil", _("Regional immigration division (Kanwil)")
        POLRES = "polres", _("Police (Polres)")
        KODIM = "kodim", _("Military district (Kodim)")
        KEJARI = "kejari", _("Prosecutor's office (Kejari)")
        DISDUKCAPIL = "disdukcapil", _("Civil registry (Disdukcapil)")
        DISNAKER = "disnaker", _("Manpower office (Disnaker)")
        DPMPTSP = "dpmptsp", _("Investment office (DPMPTSP)")
        KESBANGPOL = "kesbangpol", _("National unity and politics (Kesbangpol)")
        KEMENAG = "kemenag", _("Religious affairs (Kemenag)")
        PARIWISATA = "pariwisata", _("Tourism office")
        BEA_CUKAI = "bea_cukai", _("Customs (Bea Cukai)")
        KSOP = "ksop", _("Harbour master (KSOP)")
        SEKDA = "sekda", _("Regional secretariat (Sekda)")
        KECAMATAN = "kecamatan", _("District office (Kecamatan)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    region = region_code_field(
        verbose_name=_("seat region"),
        related_name="seated_agencies",
        help_text=_("Where the agency sits; for a kecamatan office, its kecamatan."),
    )
    jurisdiction = models.ManyToManyField(
        Region,
        verbose_name=_("jurisdiction"),
        related_name="+",
        blank=True,
        help_text=_("Region subtrees the agency supervises. Empty means its seat region."),
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The auth group guardian group shares are granted to ("shared with the agency").
    group = models.OneToOneField(
        Group,
        verbose_name=_("share group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="agency",
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Officer(models.Model):
    """The profile that ties a user account to one agency and a role in it."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Officer")
        SUPERVISOR = "supervisor", _("Supervisor")
        AGENCY_ADMIN = "agency_admin", _("Agency admin")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="officer",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="officers"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    kecamatan = region_code_field(
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": Region.Level.KECAMATAN},
        help_text=_("For camat and kecamatan staff: the only kecamatan they see."),
    )
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[RegexValidator(r"^\d{18}$", _("An NIP has 18 digits."))],
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9 ()-]{6,20}$", _("Enter a valid phone number."))],
    )

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["agency", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["nip"], condition=~Q(nip=""), name="officer_nip_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} — {self.agency}"

    def clean(self) -> None:
        if self.agency_id and self.agency.kind == Agency.Kind.KECAMATAN:
            if not self.kecamatan_id:
                raise ValidationError({"kecamatan": _("Kecamatan staff need their kecamatan.")})
            if self.kecamatan_id != self.agency.region_id:
                raise ValidationError(
                    {"kecamatan": _("Must be the kecamatan of the officer's agency.")}
                )
        if self.kecamatan_id and self.kecamatan.level != Region.Level.KECAMATAN:
            raise ValidationError({"kecamatan": _("Choose a region at kecamatan level.")})


class Notification(models.Model):
    """An in-portal message to one user (flag alerts, access requests and their answers).

    Knows no foreigner or sighting model: the subject travels as a link.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PolicyRule(models.Model):
    """One cell of the access policy: what an agency kind may do with one data category.

    Deny by default: a (kind, category) pair without a row is ``none``. Change rows through
    :func:`agencies.services.policy_set` (or the admin, which calls it) so the change is logged.
    """

    agency_kind = models.CharField(_("agency kind"), max_length=20, choices=Agency.Kind.choices)
    category = models.CharField(_("data category"), max_length=20, choices=Category.CHOICES)
    level = models.CharField(_("level"), max_length=5, choices=Level.CHOICES, default=Level.NONE)
    subset = ArrayField(
        models.CharField(max_length=20),
        verbose_name=_("subset"),
        default=list,
        blank=True,
        help_text=_(
            "Sightings: the activity kinds this agency kind sees ('*' = all; empty = only its "
            "own reports). Flags: '*' = all flags in scope; empty = only flags routed to it."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("policy rule")
        verbose_name_plural = _("access policy")
        ordering = ["agency_kind", "category"]
        constraints = [
            models.UniqueConstraint(fields=["agency_kind", "category"], name="policy_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_kind} × {self.category} → {self.level}"


class PolicyChange(models.Model):
    """The change log of the policy: who changed which cell when, old → new."""

    agency_kind = models.CharField(_("agency kind"), max_length=20, choices=Agency.Kind.choices)
    category = models.CharField(_("data category"), max_length=20, choices=Category.CHOICES)
    old_level = models.CharField(_("old level"), max_length=5, choices=Level.CHOICES)
    new_level = models.CharField(_("new level"), max_length=5, choices=Level.CHOICES)
    old_subset = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    new_subset = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy change")
        verbose_name_plural = _("policy changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency_kind} × {self.category}: {self.old_level} → {self.new_level}"


class RecordShare(models.Model):
    """The why and until-when of one guardian object permission (the row beside it).

    The guardian row (``<Model>UserObjectPermission`` / ``<Model>GroupObjectPermission``) is what
    the selectors join; it is deleted when the share is revoked or expires, this row stays as the
    record of who shared what with whom, why, and when it ended.
    """

    # The kinds are those the higher apps register (agencies.registry), validated by the services.
    subject_type = models.CharField(_("subject type"), max_length=10)
    subject_id = models.BigIntegerField(_("subject id"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared with officer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="record_shares",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("shared with agency"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="record_shares",
    )
    reason = models.TextField(_("reason"), max_length=1000)
    # The data categories the share opens on that record, beyond the grantee's policy (readable
    # fields of the row = policy categories ∪ these). Empty: the record only, under the policy.
    categories = ArrayField(
        models.CharField(max_length=20),
        verbose_name=_("categories opened"),
        default=list,
        blank=True,
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a share that expired."),
    )

    class Meta:
        verbose_name = _("record share")
        verbose_name_plural = _("record shares")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, agency__isnull=True)
                | Q(user__isnull=True, agency__isnull=False),
                name="record_share_one_grantee",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(revoked_at__isnull=True), name="share_live_idx"
            ),
            models.Index(fields=["subject_type", "subject_id"], name="share_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} → {self.user or self.agency}"

    @property
    def subject_type_label(self) -> str:
        return subject_label(self.subject_type)


class ShareRowFields(models.Model):
    """What a guardian direct-FK share row carries beside (user|group, permission, object): the
    share it belongs to and its expiry, so a share past its expiry is invisible before the hourly
    revocation job deletes the row. Mixed into the shared models' object-permission classes
    (``foreigners`` and ``reports``)."""

    share = models.ForeignKey(
        "agencies.RecordShare", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Copied from the share: the categories it opens on the row, read without a join.
    categories = ArrayField(models.CharField(max_length=20), default=list, blank=True)

    class Meta:
        abstract = True


class AccessRequest(models.Model):
    """An officer's request, with a purpose, to see a record they may not (UU 27/2022: purpose
    limitation). A supervisor of the owning agency approves (creating a share) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    # The kinds are those the higher apps register (agencies.registry), validated by the services.
    subject_type = models.CharField(_("subject type"), max_length=10)
    subject_id = models.BigIntegerField(_("subject id"))
    owning_agency = models.ForeignKey(
        Agency,
        verbose_name=_("decided by agency"),
        on_delete=models.PROTECT,
        related_name="access_requests_to_decide",
    )
    purpose = models.TextField(_("purpose"), max_length=1000)
    # What is asked for (categories of that record); the approver may narrow it.
    categories = ArrayField(
        models.CharField(max_length=20),
        verbose_name=_("categories asked for"),
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, max_length=1000)
    share = models.OneToOneField(
        RecordShare,
        verbose_name=_("share"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_request",
    )

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open request per officer and record: asking twice does not spam supervisors.
            models.UniqueConstraint(
                fields=["requester", "subject_type", "subject_id"],
                condition=Q(status="pending"),
                name="access_request_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | Q(status__in=["approved", "declined"], decided_at__isnull=False),
                name="access_request_decided_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owning_agency", "created_at"],
                condition=Q(status="pending"),
                name="access_request_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.subject_type}:{self.subject_id} ({self.status})"

    @property
    def subject_type_label(self) -> str:
        return subject_label(self.subject_type)


class AuditEvent(models.Model):
    """One processing of personal data: who read, searched, exported or changed what, when.

    UU 27/2022 (PDP) Pasal 31: the controller records all processing activities. Reads write one
    row per response (``action="read"``, the ids shown per record type in ``shown``, never a
    value); changes of shares and requests write their own action. The table is insert-only in
    the database and hash-chained (migration ``0005_audit_access_log``): a trigger refuses
    UPDATE and DELETE, and each row stores the SHA-256 of its content and of the previous row's
    hash, so ``manage.py verify_audit`` finds an edited or removed row. Write rows through
    :mod:`agencies.audit`.
    """

    READ = "read"

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40)
    subject_type = models.CharField(_("subject type"), max_length=20, blank=True)
    subject_id = models.BigIntegerField(_("subject id"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    route = models.CharField(_("route"), max_length=100, blank=True)
    # {"foreigner": [3, 7], "flag": [12]}: the ids of the records the response showed.
    shown = models.JSONField(_("records shown"), default=dict, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Filled by the database trigger (never by Python): the chain link and this row's hash.
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-at"], name="audit_subject_idx"),
            models.Index(fields=["user", "-at"], name="audit_user_idx"),
            # "Who accessed this record": shown @> '{"foreigner": [pk]}' (core GIN, no contrib).
            GinIndex(fields=["shown"], name="audit_shown_idx", opclasses=["jsonb_path_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action}"


# Every write to shares, access requests and the policy is history (agencies.history). They are
# read only by who may read the audit category.
track(
    RecordShare,
    category=Category.AUDIT,
    fields=dict.fromkeys(
        [
            "subject_type",
            "subject_id",
            "user",
            "agency",
            "reason",
            "expires_at",
            "revoked_at",
            "revoked_by",
        ],
        Category.AUDIT,
    ),
)
track(
    AccessRequest,
    category=Category.AUDIT,
    fields=dict.fromkeys(["status", "purpose", "decided_by", "decision_note"], Category.AUDIT),
)
track(
    PolicyRule, category=Category.AUDIT, fields=dict.fromkeys(["level", "subset"], Category.AUDIT)
)
