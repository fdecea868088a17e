"""Foreign nationals and what the state knows of them: travel documents, stay permits, sponsors,
residences and border movements.

Glossary: *ITK* — Izin Tinggal Kunjungan (visit stay permit); *ITAS* — Izin Tinggal Terbatas
(limited stay); *ITAP* — Izin Tinggal Tetap (permanent stay); *visa index* — the code of the
visa's purpose (B1 visa on arrival, C1 tourism, E23 work …); *NIB* — business registration
number; *NIK* — Indonesian national identity number; *SKTT* — the civil registry's temporary
residence certificate.
"""

import re
import unicodedata

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from agencies.models import ShareRowFields, pattern_index, region_code_field

from .countries import COUNTRY_CHOICES, validate_country

COUNTRY_LABELS = dict(COUNTRY_CHOICES)


def normalize_name(value: str) -> str:
    """Lower-case, accent-free, single-spaced: the form name search compares against.

    Kept in a column because the embedded PostgreSQL has no ``unaccent`` extension.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def normalize_document_number(value: str | None) -> str:
    """A travel document number as stored and searched: upper case, no whitespace."""
    return re.sub(r"\s", "", value or "").upper()


def country_field(verbose_name, **kwargs) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=3, choices=COUNTRY_CHOICES, validators=[validate_country], **kwargs
    )


def latitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


def coordinates_both_or_neither(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(latitude__isnull=True, longitude__isnull=True)
        | Q(latitude__isnull=False, longitude__isnull=False),
        name=f"{prefix}_coordinates_pair",
    )


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ForeignerQuerySet(models.QuerySet):
    def visible_to(self, user, *, shares: bool = True) -> "ForeignerQuerySet":
        """These rows narrowed to what ``user`` may see: :func:`visible_foreigners` composed
        with the query built so far (``Foreigner.objects.filter(…).visible_to(user)``)."""
        # The selectors module imports this one; resolved when first called.
        from .selectors import visible_foreigners

        return visible_foreigners(user, shares=shares, base=self)


class Foreigner(TimestampedModel):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")
        UNSPECIFIED = "X", _("Unspecified")

    family_name = models.CharField(_("family name"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    search_name = models.CharField(max_length=260, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    nationality = country_field(_("nationality"), db_index=True)
    photo = models.ImageField(_("photo"), upload_to="foreigners/photos/%Y/%m/", blank=True)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    # Denormalised from the current Residence (kept by the residence services) so that
    # geographic scoping is one indexed prefix match on this table.
    residence_region = region_code_field(
        verbose_name=_("current residence region"),
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Optimistic concurrency: a form carries the version it was loaded at.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ForeignerQuerySet.as_manager()

    class Meta:
        verbose_name = _("foreign national")
        verbose_name_plural = _("foreign nationals")
        ordering = ["search_name", "id"]
        indexes = [
            pattern_index("residence_region", "foreigner_region_prefix_idx"),
            pattern_index("search_name", "foreigner_name_prefix_idx"),
            # Word-prefix name search ("partial" match on any word start) without pg_trgm,
            # which the embedded PostgreSQL lacks: a GIN index over the words of the name.
            GinIndex(SearchVector("search_name", config="simple"), name="foreigner_name_words_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_date__gte="1900-01-01"), name="foreigner_birth_date_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = normalize_name(f"{self.given_names} {self.family_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"given_names", "family_name"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def get_nationality_display(self) -> str:
        # Django's generated method rebuilds a dict of every country on each call; list pages
        # call it once per row (bench/bench_access.py).
        return COUNTRY_LABELS.get(self.nationality, self.nationality)


class TravelDocument(TimestampedModel):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        TRAVEL_DOCUMENT = "travel_document", _("Travel document (stateless / refugee)")
        LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")
        SEAMAN_BOOK = "seaman_book", _("Seaman's book")

    foreigner = models.ForeignKey(
        Foreigner,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PASSPORT)
    number = models.CharField(
        _("document number"),
        max_length=20,
        validators=[RegexValidator(r"^[A-Z0-9<]{5,20}$", _("Use 5–20 capital letters or digits."))],
    )
    issuing_country = country_field(_("issuing country"))
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))

    class Meta:
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        ordering = ["-expires_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_country", "number"], name="document_unique_per_country"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")), name="document_expires_after_issue"
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="document_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issuing_country} {self.number}"

    def save(self, *args, **kwargs):
        self.number = normalize_document_number(self.number)
        super().save(*args, **kwargs)


class Sponsor(TimestampedModel):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")
        INSTITUTION = "institution", _("Institution")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        blank=True,
        validators=[RegexValidator(r"^\d{13}$", _("An NIB has 13 digits."))],
    )
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        validators=[RegexValidator(r"^\d{16}$", _("An NIK has 16 digits."))],
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    region = region_code_field(verbose_name=_("region"), null=True, blank=True, related_name="+")
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nib"], condition=~Q(nib=""), name="sponsor_nib_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="company") | ~Q(nib=""), name="sponsor_company_has_nib"
            ),
            models.CheckConstraint(
                condition=~Q(kind="person") | ~Q(nik=""), name="sponsor_person_has_nik"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StayPermit(TimestampedModel):
    class Kind(models.TextChoices):
        ITK = "ITK", _("Visit stay permit (ITK)")
        ITAS = "ITAS", _("Limited stay permit (ITAS)")
        ITAP = "ITAP", _("Permanent stay permit (ITAP)")
        DIPLOMATIC = "DIPLOMATIC", _("Diplomatic stay permit")
        SERVICE = "SERVICE", _("Service stay permit")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXTENDED = "extended", _("Extended (superseded)")
        CANCELLED = "cancelled", _("Cancelled")
        CONVERTED = "converted", _("Converted to another permit")

    foreigner = models.ForeignKey(
        Foreigner,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        related_name="permits",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    visa_index = models.CharField(
        _("visa index"),
        max_length=6,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z]\d{1,2}[A-Z]?$", _("A visa index looks like B1, C1, E23 or E28F.")
            )
        ],
    )
    number = models.CharField(_("permit number"), max_length=30, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    sponsor = models.ForeignKey(
        Sponsor,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permits",
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    extends = models.OneToOneField(
        "self",
        verbose_name=_("extends permit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extension",
    )

    class Meta:
        verbose_name = _("stay permit")
        verbose_name_plural = _("stay permits")
        ordering = ["-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="permit_valid_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(issued_on__lte=F("valid_until")), name="permit_issued_before_end"
            ),
            models.CheckConstraint(
                condition=~Q(extends=F("id")), name="permit_does_not_extend_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["valid_until"], name="permit_valid_until_idx"),
            # Covering: the rules ask, for each of a million sightings, which permit covered
            # that day; answered from the index alone (no heap visit) it is twice as fast.
            models.Index(
                fields=["foreigner", "-valid_until"],
                include=["valid_from", "status", "kind", "visa_index", "id"],
                name="permit_foreigner_latest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class Residence(TimestampedModel):
    foreigner = models.ForeignKey(
        Foreigner,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        related_name="residences",
    )
    address = models.CharField(_("address"), max_length=300)
    region = region_code_field(
        verbose_name=_("kelurahan / kecamatan"),
        related_name="+",
        help_text=_("The kelurahan if known, else the kecamatan."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        ordering = ["-from_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=F("from_date")),
                name="residence_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["foreigner"],
                condition=Q(to_date__isnull=True),
                name="residence_one_current_per_foreigner",
            ),
            coordinates_both_or_neither("residence"),
        ]
        indexes = [pattern_index("region", "residence_region_prefix_idx")]

    def __str__(self) -> str:
        return f"{self.address} ({self.region_id})"


class Movement(TimestampedModel):
    class Kind(models.TextChoices):
        ENTRY = "entry", _("Entry")
        EXIT = "exit", _("Exit")

    foreigner = models.ForeignKey(
        Foreigner,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        related_name="movements",
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    port = models.CharField(_("port (TPI)"), max_length=120)
    travel_document = models.ForeignKey(
        TravelDocument,
        verbose_name=_("travel document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("entry/exit movement")
        verbose_name_plural = _("entry/exit movements")
        ordering = ["-occurred_on"]
        indexes = [models.Index(fields=["foreigner", "-occurred_on"], name="movement_latest_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on} {self.port}"


# --- Record shares: guardian's direct foreign-key object permissions (DESIGN.md §4.3). Shares
# join by index on (object, user|group) instead of guardian's string object ids.


class ForeignerUserObjectPermission(UserObjectPermissionBase, ShareRowFields):
    content_object = models.ForeignKey(Foreigner, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("foreigner shared with an officer")
        indexes = [
            models.Index(fields=["content_object", "user"], name="foreigner_uop_obj_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.permission.codename} {self.content_object_id} → {self.user_id}"


class ForeignerGroupObjectPermission(GroupObjectPermissionBase, ShareRowFields):
    content_object = models.ForeignKey(Foreigner, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("foreigner shared with an agency")
        indexes = [
            models.Index(fields=["content_object", "group"], name="foreigner_gop_obj_group_idx")
        ]

    def __str__(self) -> str:
        return f"{self.permission.codename} {self.content_object_id} → {self.group_id}"
