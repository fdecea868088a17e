"""Builds one principal and a small world of records around it for the authorization tests.

The world is the same for every principal except the shares, which target the principal under
test (its user and its agency), so "shared to me", "share expired" and "share revoked" exist for
everyone. Users get no password (``force_login``): hashing would dominate the run time.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from agencies.models import AccessRequest, Agency, Officer, RecordShare
from foreigners.models import (
    Foreigner,
    ForeignerGroupObjectPermission,
    ForeignerUserObjectPermission,
    Residence,
    StayPermit,
    TravelDocument,
)
from reports.models import (
    Flag,
    Sighting,
    SightingGroupObjectPermission,
    SightingPhoto,
    SightingUserObjectPermission,
)

from .oracle import FactFlag, FactForeigner, FactSighting, Principal
from .world_coordination import build_coordination

SOREANG, UJUNG, SIDRAP, BARRU = "73.72.03.1001", "73.72.02.1001", "73.15", "73.11"
JURISDICTION = {"imigrasi": ["73.72", "73.15"], "kanwil": ["73"]}
SEAT = {"kanwil": "73"}
ROLES = ["officer", "supervisor", "agency_admin"]

# Values that appear only where their category is readable (field masking checks).
SECRET = {
    "document": "MASKDOC1234",
    "permit.detail": "PRMTSECRET99",
    "residence": "Jalan Rahasia Tujuh",
    "employment": "Secret welder",
}


def principal_specs() -> list[tuple[str, dict]]:
    """(label, options): each agency kind × role, camat of kecamatan A and B, a disabled user,
    an officer of an inactive agency, a user without officer profile, anonymous, system admin."""
    specs = [
        (f"{kind}-{role}", {"kind": kind, "role": role})
        for kind in Agency.Kind.values
        if kind != "kecamatan"
        for role in ROLES
    ]
    specs += [
        (f"camat-A-{role}", {"kind": "kecamatan", "role": role, "kecamatan": "73.72.03"})
        for role in ROLES
    ]
    specs += [
        ("camat-B-officer", {"kind": "kecamatan", "role": "officer", "kecamatan": "73.72.02"}),
        ("disabled-polres", {"kind": "polres", "role": "supervisor", "disabled": True}),
        ("inactive-agency-polres", {"kind": "polres", "role": "supervisor", "inactive": True}),
        ("no-profile", {"no_profile": True}),
        ("anonymous", {"anonymous": True}),
        ("system-admin", {"superuser": True}),
    ]
    return specs


_seq = iter(range(1, 10**9))


def _user(username: str, **kwargs):
    user = get_user_model()(username=f"{username}-{next(_seq)}", **kwargs)
    user.set_unusable_password()
    user.save()
    return user


def _agency(kind: str, *, region: str = "73.72", jurisdiction=(), active: bool = True) -> Agency:
    agency = Agency.objects.create(
        name=f"{kind} {next(_seq)}",
        short_name=kind,
        kind=kind,
        region_id=region,
        is_active=active,
    )
    agency.jurisdiction.set(list(jurisdiction))
    return agency


def make_principal(label: str, opts: dict) -> Principal:
    if opts.get("anonymous"):
        return Principal(label, anonymous=True, active=False)
    if opts.get("superuser"):
        user = _user("root", is_superuser=True, is_staff=True)
        return Principal(label, user=user, superuser=True, staff=True, scope=())
    if opts.get("no_profile"):
        return Principal(label, user=_user("nobody"), active=False)
    kind, role = opts["kind"], opts["role"]
    kecamatan = opts.get("kecamatan")
    region = kecamatan or SEAT.get(kind, "73.72")
    agency = _agency(
        kind,
        region=region,
        jurisdiction=JURISDICTION.get(kind, []),
        active=not opts.get("inactive"),
    )
    user = _user(label, is_active=not opts.get("disabled"), is_staff=role == "agency_admin")
    Officer.objects.create(user=user, agency=agency, role=role, kecamatan_id=kecamatan)
    scope = (kecamatan,) if kecamatan else tuple(JURISDICTION.get(kind, [region]))
    return Principal(
        label,
        kind=kind,
        role=role,
        scope=scope,
        agency_id=agency.pk,
        active=not (opts.get("disabled") or opts.get("inactive")),
        staff=role == "agency_admin" and not opts.get("disabled"),
        user=user,
    )


@dataclass
class World:
    foreigners: dict[int, FactForeigner] = field(default_factory=dict)
    sightings: dict[int, FactSighting] = field(default_factory=dict)
    flags: dict[int, FactFlag] = field(default_factory=dict)
    named: dict[str, int] = field(default_factory=dict)  # label -> pk (any resource)
    children: dict[str, int] = field(default_factory=dict)  # f_soreang's document/permit/residence
    foreigner_photos: set[int] = field(default_factory=set)  # foreigners with a photo
    sighting_photos: dict[int, int] = field(default_factory=dict)  # photo pk -> sighting pk
    other_agency: Agency | None = None
    granter: object = None
    access_request: AccessRequest | None = None
    revocable_share: RecordShare | None = None
    kanim: Agency | None = None


def _foreigner(world: World, name: str, residence: str | None) -> Foreigner:
    token = f"nm{next(_seq)}q"
    f = Foreigner.objects.create(
        family_name=name,
        given_names=f"Test {token.capitalize()}",
        sex="M",
        birth_date=dt.date(1980, 1, 1),
        nationality="CHN",
        residence_region_id=residence,
    )
    world.foreigners[f.pk] = FactForeigner(f.pk, residence, token=token)
    world.named[name] = f.pk
    return f


def _sighting(world: World, name: str, region: str, activity: str, agency, foreigner=None):
    s = Sighting.objects.create(
        reporter=world.granter,
        reporting_agency=agency,
        observed_at=timezone.now(),
        region_id=region,
        place="Somewhere",
        activity=activity,
        description=f"{name} seen",
        foreigner=foreigner,
        apparent_nationality="CHN",
    )
    world.sightings[s.pk] = FactSighting(
        s.pk, region, activity, agency.pk, foreigner=foreigner.pk if foreigner else None
    )
    world.named[name] = s.pk
    if foreigner is not None:
        world.foreigners[foreigner.pk].sighting_regions.append(region)
    return s


def _jpeg() -> ContentFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buf, "JPEG")
    return ContentFile(buf.getvalue(), name="p.jpg")


def _give_photo(world: World, obj) -> None:
    if isinstance(obj, Foreigner):
        obj.photo.save("p.jpg", _jpeg())
        world.foreigner_photos.add(obj.pk)
    else:
        photo = SightingPhoto.objects.create(sighting=obj, image=_jpeg())
        world.sighting_photos[photo.pk] = obj.pk


def grant_rows(
    *, subject_type: str, pk: int, granter, user=None, group=None, expires_at, revoked: bool = False
) -> RecordShare:
    """A share written directly (not through ``share_grant``): the world must contain shares the
    service would refuse, e.g. to a disabled account."""
    share = RecordShare.objects.create(
        subject_type=subject_type,
        subject_id=pk,
        user=user,
        agency=group.agency if group is not None else None,
        reason="test",
        granted_by=granter,
        expires_at=expires_at,
        revoked_at=timezone.now() if revoked else None,
        revoked_by=granter if revoked else None,
    )
    if not revoked:
        if subject_type == "foreigner":
            models = (ForeignerUserObjectPermission, ForeignerGroupObjectPermission)
            codename = "view_foreigner"
        else:
            models = (SightingUserObjectPermission, SightingGroupObjectPermission)
            codename = "view_sighting"
        perm = Permission.objects.get(codename=codename)
        if user is not None:
            models[0].objects.create(
                user=user, permission=perm, content_object_id=pk, share=share, expires_at=expires_at
            )
        else:
            models[1].objects.create(
                group=group,
                permission=perm,
                content_object_id=pk,
                share=share,
                expires_at=expires_at,
            )
    return share


def agency_group_of(agency_id: int) -> Group:
    agency = Agency.objects.get(pk=agency_id)
    if agency.group_id is None:
        agency.group = Group.objects.create(name=f"agency:{agency.pk}")
        agency.save(update_fields=["group"])
        agency.group.user_set.add(*agency.officers.values_list("user_id", flat=True))
    return agency.group


def build_world(p: Principal) -> World:
    world = World()
    world.granter = _user("granter", is_superuser=True)
    world.other_agency = _agency("polres")
    world.kanim = _agency("imigrasi", jurisdiction=["73.72", "73.15"])
    other = world.other_agency

    f_soreang = _foreigner(world, "f_soreang", SOREANG)
    f_soreang.occupation = SECRET["employment"]
    f_soreang.save()
    world.children["document"] = TravelDocument.objects.create(
        foreigner=f_soreang,
        number=SECRET["document"],
        issuing_country="CHN",
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2031, 1, 1),
    ).pk
    world.children["permit"] = StayPermit.objects.create(
        foreigner=f_soreang,
        kind="ITAS",
        number=SECRET["permit.detail"],
        issued_on=dt.date(2025, 1, 1),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 1, 1),
    ).pk
    world.children["residence"] = Residence.objects.create(
        foreigner=f_soreang,
        address=SECRET["residence"],
        region_id=SOREANG,
        from_date=dt.date(2025, 1, 1),
    ).pk
    world.foreigners[f_soreang.pk].secrets = dict(SECRET)
    _foreigner(world, "f_ujung", UJUNG)
    f_sidrap = _foreigner(world, "f_sidrap", SIDRAP)
    f_barru = _foreigner(world, "f_barru", BARRU)
    f_seen = _foreigner(world, "f_seen", BARRU)
    f_nowhere = _foreigner(world, "f_nowhere", None)

    s_work = _sighting(world, "s_soreang_work", SOREANG, "work", other)
    _give_photo(world, s_work)
    _give_photo(world, f_soreang)
    # Seen only in shared sightings: whoever sees those must not learn who it is.
    f_hidden = _foreigner(world, "f_hidden", BARRU)
    s_seen = _sighting(world, "s_seen_tourism", SOREANG, "tourism", other, foreigner=f_seen)
    s_ujung = _sighting(world, "s_ujung_religious", UJUNG, "religious", other)
    _sighting(world, "s_sidrap_business", SIDRAP, "business", other, foreigner=f_sidrap)
    _sighting(world, "s_barru_political", BARRU, "political", other)
    if p.agency_id:
        _sighting(world, "s_own_report", BARRU, "work", Agency.objects.get(pk=p.agency_id))

    now = timezone.now()
    week = now + dt.timedelta(days=7)
    user = p.user if p.user is not None else None
    group = agency_group_of(p.agency_id) if p.agency_id else agency_group_of(other.pk)
    shared_sightings = []
    for resource, make in (
        ("foreigner", lambda n: _foreigner(world, n, BARRU)),
        ("sighting", lambda n: _sighting(world, n, BARRU, "social", other, foreigner=f_hidden)),
    ):
        live_user = make(f"{resource}_shared_user")
        live_group = make(f"{resource}_shared_agency")
        expired = make(f"{resource}_share_expired")
        revoked = make(f"{resource}_share_revoked")
        if resource == "sighting":
            shared_sightings.append(live_user)
        _give_photo(world, live_user)
        _give_photo(world, revoked)
        if user is not None:
            grant_rows(
                subject_type=resource,
                pk=live_user.pk,
                granter=world.granter,
                user=user,
                expires_at=week,
            )
            grant_rows(
                subject_type=resource,
                pk=expired.pk,
                granter=world.granter,
                user=user,
                expires_at=now - dt.timedelta(minutes=1),
            )
            grant_rows(
                subject_type=resource,
                pk=revoked.pk,
                granter=world.granter,
                user=user,
                expires_at=week,
                revoked=True,
            )
            p.shares.add((resource, live_user.pk))
        share = grant_rows(
            subject_type=resource,
            pk=live_group.pk,
            granter=world.granter,
            group=group,
            expires_at=week,
        )
        if p.agency_id:
            p.shares.add((resource, live_group.pk))
        if resource == "foreigner":
            world.revocable_share = share

    for name, routed, fk in (
        ("fl_soreang_polres", ["polres"], {"foreigner": f_soreang}),
        ("fl_soreang_disnaker", ["disnaker", "kemenag"], {"foreigner": f_soreang}),
        ("fl_barru_all", list(Agency.Kind.values), {"foreigner": f_barru}),
        ("fl_nowhere_all", list(Agency.Kind.values), {"foreigner": f_nowhere}),
        ("fl_seen_tourism", ["pariwisata"], {"foreigner": f_seen, "sighting": s_seen}),
        ("fl_ujung_sighting", ["kemenag", "polres"], {"sighting": s_ujung}),
        # Visible through the shared sighting; the person it names is not.
        (
            "fl_hidden_person",
            list(Agency.Kind.values),
            {"foreigner": f_hidden, "sighting": shared_sightings[0]},
        ),
        (
            "fl_shared",
            list(Agency.Kind.values),
            {"foreigner": Foreigner.objects.get(pk=world.named["foreigner_shared_user"])},
        ),
    ):
        target = fk.get("foreigner") or fk.get("sighting")
        flag = Flag.objects.create(
            rule=f"test.{name}",
            subject_type="foreigner" if "foreigner" in fk else "sighting",
            subject_id=target.pk,
            routed_to=routed,
            reason=name,
            opened_at=now,
            # Evidence of masked categories (the rules write such keys).
            evidence={
                "visa_index": SECRET["permit.detail"],
                "registered_kecamatan": SECRET["residence"],
                "expires_on": SECRET["document"],
            },
            **fk,
        )
        world.flags[flag.pk] = FactFlag(
            flag.pk,
            routed,
            foreigner=fk["foreigner"].pk if "foreigner" in fk else None,
            sighting=fk["sighting"].pk if "sighting" in fk else None,
        )
        world.named[name] = flag.pk

    requester = Officer.objects.create(user=_user("asker"), agency=other).user
    owner = Agency.objects.get(pk=p.agency_id) if p.agency_id else world.kanim
    world.access_request = AccessRequest.objects.create(
        requester=requester,
        subject_type="foreigner",
        subject_id=f_barru.pk,
        owning_agency=owner,
        purpose="Check the address for the joint operation",
    )
    world.coord = build_coordination(world, p)
    return world
