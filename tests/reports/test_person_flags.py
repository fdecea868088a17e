"""The person page's flags panel (``reports.selectors.person_flags``) checks only the category and
the routing, relying on the panel's contract that the person is visible to the user. Every
principal of the authorization world, every person it sees: the panel's flags are exactly what
the full policy (``visible_flags``) gives for that person, in the same order."""

import pytest

from agencies.access import Category, access_for
from foreigners.selectors import visible_foreigners
from reports.models import Flag
from reports.selectors import person_flags, visible_flags
from tests.authz.world import build_world, make_principal, principal_specs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

# One principal per agency kind and the special accounts: the role changes what a user may do,
# not what they may read (tests/authz), and each principal builds its own world.
SPECS = [
    (label, opts)
    for label, opts in principal_specs()
    if not opts.get("anonymous") and opts.get("role") in (None, "officer")
]


@pytest.mark.parametrize(("label", "opts"), SPECS, ids=[label for label, _ in SPECS])
def test_person_flags_are_the_policys_flags_of_a_visible_person(label, opts):
    principal = make_principal(label, opts)
    build_world(principal)
    user = principal.user
    people = list(visible_foreigners(user))
    compared = hidden_by_routing = 0
    for person in people:
        expected = [f.pk for f in visible_flags(user).filter(foreigner=person)[:50]]
        assert [f.pk for f in person_flags(user, person)] == expected, person
        compared += len(expected)
        hidden_by_routing += Flag.objects.filter(foreigner=person).count() - len(expected)
    access = access_for(user)
    if access.can_read(Category.FLAG) and not access.is_system_admin:
        # Not an empty comparison; and where the policy does not open every flag (the Kanim's
        # and the camat's do), the routing hides some flags of a person the user sees.
        assert compared, label
        assert bool(hidden_by_routing) != access.sees_whole(Category.FLAG), hidden_by_routing


def test_person_flags_is_empty_for_a_reader_without_the_flag_category():
    principal = make_principal("no-profile", {"no_profile": True})
    build_world(principal)
    person = Flag.objects.exclude(foreigner=None).first().foreigner
    assert person_flags(principal.user, person) == []
