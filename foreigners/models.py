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

from agencies.categories import Category
from agencies.history import track
from agencies.models import ChoiceLabels, ShareRowFields, pattern_index, region_code_field
from agencies.validators import validate_date_in_range, validate_not_in_future

from .countries import COUNTRY_CHOICES, validate_country
from .phonetic import name_keys

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


class TimestampedModel(ChoiceLabels):
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


# The searched text of a name: its words and their phonetic keys. Queries must use this very
# expression for PostgreSQL to use foreigner_name_search_idx.
NAME_SEARCH_VECTOR = SearchVector("search_name", "name_keys", config="simple")


class Foreigner(TimestampedModel):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")
        UNSPECIFIED = "X", _("Unspecified")

    family_name = models.CharField(_("family name"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    # Indexed by foreigner_name_order_idx and foreigner_name_prefix_idx (Meta.indexes).
    search_name = models.CharField(max_length=260, editable=False)
    # Phonetic keys of the name's words (foreigners.phonetic), kept with search_name.
    name_keys = models.CharField(max_length=260, editable=False, blank=True, default="")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(
        _("date of birth"), validators=[validate_date_in_range, validate_not_in_future]
    )
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
        # foreigner_region_name_idx (Meta.indexes) serves equality, prefix and the key's
        # checks: byte-wise, the operator class of region codes (agencies.models).
        db_index=False,
    )
    # Optimistic concurrency: a form carries the version it was loaded at.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ForeignerQuerySet.as_manager()

    class Meta:
        verbose_name = _("foreign national")
        verbose_name_plural = _("foreign nationals")
        ordering = ["search_name", "id"]
        indexes = [
            # Residence by region prefix; the list filtered by a region (kecamatan) takes its
            # ids in name order from this index alone (an index-only scan of the region's
            # range, no heap page per resident), then the page's rows by id
            # (agencies.pagination.keyset_page).
            pattern_index(
                "residence_region", "foreigner_region_name_idx", include=["search_name", "id"]
            ),
            pattern_index("search_name", "foreigner_name_prefix_idx"),
            # Tolerant name search without pg_trgm, which the embedded PostgreSQL lacks: one GIN
            # index over the words of the name and their phonetic keys (foreigners.phonetic).
            GinIndex(NAME_SEARCH_VECTOR, name="foreigner_name_search_idx"),
            # "Does this person live in the user's area", asked by primary key of each flag,
            # sighting or share a scoped read checks (a camat's flag inbox asks it of about
            # 6,000 flags per page at national scale): answered from the index alone.
            models.Index(fields=["id"], include=["residence_region"], name="foreigner_scope_idx"),
            # The list's order (Meta.ordering) with the residence: a scoped list walks it in
            # name order and tests "lives in the area" from the index alone, visiting no heap
            # page for the rows it passes over (a camat's first page passes over ~3,700 people
            # at national scale: 14.7 → 3–5 ms).
            models.Index(
                fields=["search_name", "id"],
                include=["residence_region"],
                name="foreigner_name_order_idx",
            ),
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
        self.name_keys = name_keys(self.search_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"given_names", "family_name"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "search_name", "name_keys"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def get_sex_display(self) -> str:
        # As get_nationality_display: Django's generated method builds a dict of the choices on
        # each call (2.9 ms for the 50 rows of a list page on the loaded benchmark machine).
        label = _SEX_LABELS.get(self.sex)
        return self.sex if label is None else str(label)

    def get_nationality_display(self) -> str:
        # Django's generated method rebuilds a dict of every country on each call; list pages
        # call it once per row (bench/bench_access.py).
        return COUNTRY_LABELS.get(self.nationality, self.nationality)


_SEX_LABELS = dict(Foreigner.Sex.choices)


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
    issued_on = models.DateField(
        _("issued on"), validators=[validate_date_in_range, validate_not_in_future]
    )
    expires_on = models.DateField(_("expires on"), validators=[validate_date_in_range])

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
        indexes = [
            models.Index(fields=["expires_on"], name="document_expiry_idx"),
            # The passport lookup asks by number alone (any issuing country): without it, a
            # sequential scan of every travel document (1 M at national scale).
            models.Index(fields=["number"], include=["foreigner"], name="document_number_idx"),
        ]

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
    # Sponsor duties (UU 6/2011 Pasal 63): flags about the sponsored person name the sponsor and
    # are routed to the agency that registered it (e.g. the DPMPTSP for a company).
    registered_by = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("registered by (agency)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

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
    issued_on = models.DateField(
        _("issued on"), validators=[validate_date_in_range, validate_not_in_future]
    )
    valid_from = models.DateField(_("valid from"), validators=[validate_date_in_range])
    valid_until = models.DateField(_("valid until"), validators=[validate_date_in_range])
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
    cancelled_on = models.DateField(
        _("cancelled on"),
        null=True,
        blank=True,
        help_text=_("The day the permit was cancelled (UU 6/2011 Pasal 75 ayat (2))."),
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
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | Q(status="cancelled"),
                name="permit_cancelled_on_only_if_cancelled",
                violation_error_message=_("Only a cancelled permit has a cancellation date."),
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
            # The permits that can cover a day, each person's latest-ending first, with what
            # the rules read of them: "the permit covering a sighting's day", "the end of the
            # coverage begun by a day" (reports.rules.coverage) are each the first match of an
            # index-only scan, with no sort (1.2 M sightings are asked about every night).
            models.Index(
                "foreigner",
                models.F("valid_until").desc(),
                models.F("id").desc(),
                include=["valid_from", "kind", "number", "visa_index", "sponsor"],
                # Spelled as ORs: an IN list deparses differently once re-created from its own
                # definition (the bulk loader drops and restores indexes by definition).
                condition=(Q(kind="ITK") | Q(kind="ITAS") | Q(kind="ITAP"))
                & ~Q(status="cancelled"),
                name="permit_coverage_idx",
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
    from_date = models.DateField(_("from"), validators=[validate_date_in_range])
    to_date = models.DateField(
        _("until"), null=True, blank=True, validators=[validate_date_in_range]
    )

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
        db_index=False,  # movement_person_idx leads with it
    )

    class VisaKind(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        EXEMPT = "exempt", _("Visa-exempt entry")
        ON_ARRIVAL = "voa", _("Visa on arrival")
        VISIT = "visit", _("Visit visa")
        LIMITED_STAY = "limited_stay", _("Limited-stay visa (VITAS)")
        REENTRY = "reentry", _("Re-entry permit (ITAS / ITAP holder)")
        DIPLOMATIC = "diplomatic", _("Diplomatic or service visa")

    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    occurred_on = models.DateField(
        _("date"), validators=[validate_date_in_range, validate_not_in_future]
    )
    # What the person entered on: an entry on a limited-stay visa must be followed by an ITAS.
    # db_default: bulk loads (COPY) that name no visa kind get "not recorded" too.
    visa_kind = models.CharField(
        _("entered on"),
        max_length=12,
        choices=VisaKind.choices,
        blank=True,
        default="",
        db_default="",
    )
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
        indexes = [
            # A person's movements, latest first (same-day ones in the order recorded), with
            # the kind: "the last movement on or before a day", which every permit rule asks
            # of each person it judges, is the first entry of an index-only scan.
            models.Index(
                F("foreigner"),
                F("occurred_on").desc(),
                F("id").desc(),
                include=("kind",),
                name="movement_person_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on} {self.port}"


class VisaIndex(models.Model):
    """The reference table of visa indexes (the purpose code of a visa and of the stay permit
    that follows it) and what each entitles its holder to do. Seeded from the regulation in
    force (Kepmenkumham M.HH-02.GR.01.04/2023 as changed by Kepmenimipas M.IP-08.GR.01.01/2025)
    and edited by the system admin; the activity rules read it.

    A permit's index matches the longest code it starts with (``E23`` covers the legacy
    ``E23B``…``E23W``); a permit with no index, or one the table does not know, is judged by its
    kind alone (an ITK never allows work; an ITAS or ITAP of unknown purpose is not flagged).
    """

    code = models.CharField(
        _("visa index"),
        max_length=6,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z]\d{0,2}[A-Z]?$", _("A visa index looks like B1, C1, E23 or E28F.")
            )
        ],
    )
    permit_kind = models.CharField(
        _("stay permit kind"), max_length=10, choices=StayPermit.Kind.choices
    )
    name = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    may_work = models.BooleanField(
        _("may work"),
        default=False,
        help_text=_(
            "Work or business to support oneself or the family (UU 6/2011 Pasal 61 for family "
            "of Indonesian citizens and former citizens)."
        ),
    )
    may_religious_work = models.BooleanField(
        _("may do religious work"),
        default=False,
        help_text=_(
            "Preaching or leading worship (rohaniwan). Attending worship is always allowed."
        ),
    )
    family = models.BooleanField(_("family"), default=False)
    investment = models.BooleanField(_("investment"), default=False)
    retirement = models.BooleanField(_("retirement"), default=False)
    tourism = models.BooleanField(_("tourism"), default=False)
    study = models.BooleanField(_("study"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("visa index")
        verbose_name_plural = _("visa indexes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Sktt(TimestampedModel):
    """A temporary residence certificate (Surat Keterangan Tempat Tinggal) issued by the
    Disdukcapil to an ITAS holder (UU 23/2006 Pasal 20; requested within 14 days)."""

    foreigner = models.ForeignKey(
        Foreigner,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        related_name="sktts",
    )
    number = models.CharField(_("SKTT number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("SKTT (temporary residence certificate)")
        verbose_name_plural = _("SKTT (temporary residence certificates)")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("issued_on")),
                name="sktt_valid_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["foreigner", "-issued_on"], name="sktt_latest_idx")]

    def __str__(self) -> str:
        return f"SKTT {self.number or self.pk} ({self.issued_on})"


class EntryBan(TimestampedModel):
    """An entry on the entry-ban list (penangkalan, UU 6/2011 Pasal 102 as amended by
    UU 63/2024: up to 10 years, extendable, or for life), kept by the Kanim.

    It names a person (name and date of birth, optionally nationality) and/or a travel document
    (number and issuing country); a registered person matching either raises a critical flag.
    """

    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    search_name = models.CharField(max_length=260, editable=False, db_index=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = country_field(_("nationality"), blank=True)
    document_number = models.CharField(
        _("document number"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9<]{5,20}$", _("Use 5–20 capital letters or digits."))],
    )
    document_country = country_field(_("issuing country"), blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    listed_on = models.DateField(_("listed on"))
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty: for life (UU 63/2024).")
    )
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("listed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("entry ban")
        verbose_name_plural = _("entry-ban list")
        ordering = ["-listed_on", "-id"]
        constraints = [
            # A ban must say whom it bars: a person (name and birth date) or a document.
            models.CheckConstraint(
                condition=(~Q(family_name="") & Q(birth_date__isnull=False))
                | (~Q(document_number="") & ~Q(document_country="")),
                name="entry_ban_names_person_or_document",
                violation_error_message=_(
                    "Name the person (family name and date of birth) or the travel document "
                    "(number and issuing country)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("listed_on")),
                name="entry_ban_until_after_listed",
                violation_error_message=_("The ban cannot end before it was listed."),
            ),
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=F("listed_on")),
                name="entry_ban_lifted_after_listed",
                violation_error_message=_("A ban cannot be lifted before it was listed."),
            ),
        ]
        indexes = [
            models.Index(fields=["document_country", "document_number"], name="entry_ban_doc_idx")
        ]

    def __str__(self) -> str:
        who = f"{self.given_names} {self.family_name}".strip() or self.document_number
        return f"{who} ({self.listed_on})"

    def save(self, *args, **kwargs):
        self.normalize()
        super().save(*args, **kwargs)

    def normalize(self) -> None:
        """The forms names and numbers are compared in (before validation, and on save)."""
        self.search_name = normalize_name(f"{self.given_names} {self.family_name}")
        self.document_number = normalize_document_number(self.document_number)


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


# Every write to a person's records is history (agencies.history): old → new per field, shown on
# the person's page to readers of each field's category.
_IDENTITY = [
    "family_name",
    "given_names",
    "sex",
    "birth_date",
    "birth_place",
    "nationality",
    "photo",
]
track(
    Foreigner,
    category=Category.IDENTITY,
    # Derived from the name, which the history already holds.
    exclude=("name_keys",),
    fields={
        **dict.fromkeys(_IDENTITY, Category.IDENTITY),
        "occupation": Category.EMPLOYMENT,
        "residence_region": Category.RESIDENCE,
    },
    # The person's residence region is readable where the residence is (the camat's "own
    # kecamatan"): a move between two other kecamatan is not the camat's to read.
    region_fields=("residence_region",),
)
track(
    TravelDocument,
    category=Category.DOCUMENT,
    fields=dict.fromkeys(
        ["kind", "number", "issuing_country", "issued_on", "expires_on"], Category.DOCUMENT
    ),
)
# Field-level, as on the page and in the API: type and validity are ``permit.status`` (the
# camat's part), numbers and the rest ``permit.detail`` (docs/ACCESS.md).
track(
    StayPermit,
    category=Category.PERMIT_STATUS,
    fields={
        **dict.fromkeys(["kind", "valid_from", "valid_until", "status"], Category.PERMIT_STATUS),
        **dict.fromkeys(["visa_index", "number", "issued_on", "purpose"], Category.PERMIT),
        "sponsor": Category.EMPLOYMENT,
    },
)
track(
    Residence,
    category=Category.RESIDENCE,
    fields=dict.fromkeys(["address", "region", "from_date", "to_date"], Category.RESIDENCE),
    scope_field="region",
)
track(
    Movement,
    category=Category.PERMIT,
    fields=dict.fromkeys(["kind", "occurred_on", "port"], Category.PERMIT),
)
track(
    Sponsor,
    category=Category.EMPLOYMENT,
    fields=dict.fromkeys(["kind", "name", "nib", "address", "region"], Category.EMPLOYMENT),
)
