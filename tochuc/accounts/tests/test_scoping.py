from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from tochuc.accounts import scoping
from tochuc.accounts.models import Role


def test_each_persona_sees_exactly_its_subtree_of_units(personas, tree):
    def seen(user):
        return sorted(v.unit.code for v in scoping.unit_versions(scoping.scope_for(user)).select_related("unit"))

    assert seen(personas.city_admin) == sorted(tree)
    assert seen(personas.district_specialist) == ["CT.NK", "CT.NK.01", "CT.NK.01.01", "CT.NK.01.02", "CT.NK.02"]
    assert seen(personas.branch_clerk) == ["CT.NK.01", "CT.NK.01.01", "CT.NK.01.02"]
    assert seen(personas.outsider) == ["CT.CR", "CT.CR.01", "CT.CR.01.01"]


def test_people_and_events_are_scoped_and_a_transfer_moves_visibility(personas, tree, member, record):
    clerk = scoping.scope_for(personas.branch_clerk)
    outsider = scoping.scope_for(personas.outsider)
    assert list(scoping.people(clerk)) == [member]
    assert list(scoping.people(outsider)) == []
    assert scoping.events(outsider).filter(person__isnull=False).count() == 0
    assert scoping.events(outsider).count() == 3  # the founding of its own three units
    record(member, "transfer", dt.date(2020, 1, 1), subtype="official", unit=tree["CT.NK.01.01"], to_unit=tree["CT.CR.01.01"])
    assert list(scoping.people(clerk)) == []
    assert list(scoping.people(outsider)) == [member]
    # the whole history travels with the person
    assert scoping.events(outsider).filter(person=member).count() == 3
    with pytest.raises(Http404):
        scoping.get_person(clerk, member.pk)


def test_roles_are_the_strongest_grant_over_the_unit(personas, tree):
    specialist = scoping.scope_for(personas.district_specialist)
    assert scoping.role_for_unit(specialist, tree["CT.NK.01.01"]) == Role.SPECIALIST
    assert scoping.role_for_unit(specialist, tree["CT.CR.01"]) is None
    assert scoping.role_for_unit(specialist, tree["CT"]) is None


def test_the_role_matrix():
    assert scoping.allows(Role.VIEWER, "view")
    assert not scoping.allows(Role.VIEWER, "record")
    assert scoping.allows(Role.CLERK, "record")
    assert not scoping.allows(Role.CLERK, "void")
    assert scoping.allows(Role.SPECIALIST, "manage_units")
    assert not scoping.allows(Role.SPECIALIST, "manage_users")
    assert scoping.allows(Role.ADMIN, "manage_users")
    assert not scoping.allows(None, "view")


def test_out_of_scope_units_look_missing(personas, tree):
    outsider = scoping.scope_for(personas.outsider)
    with pytest.raises(Http404):
        scoping.get_unit(outsider, "CT.NK")
    assert scoping.get_unit(outsider, "CT.CR.01").code == "CT.CR.01"


def test_an_anonymous_or_inactive_user_has_an_empty_scope(personas):
    from django.contrib.auth.models import AnonymousUser

    assert scoping.scope_for(AnonymousUser()).is_empty
    personas.viewer.is_active = False
    assert scoping.scope_for(personas.viewer).is_empty
    assert scoping.people(scoping.scope_for(personas.viewer)).count() == 0


def test_a_member_who_died_in_a_branch_dissolved_since_stays_visible_to_its_former_keepers(personas, tree, member, record):
    from tochuc.units.services import unit_dissolve

    record(member, "death", dt.date(2020, 1, 1), unit=tree["CT.NK.01.01"])
    unit_dissolve(by=None, unit=tree["CT.NK.01.01"], on=dt.date(2025, 7, 1))
    clerk = scoping.scope_for(personas.branch_clerk)
    assert list(scoping.people(clerk)) == [member]
    assert scoping.events(clerk).filter(person=member).count() == 3
    assert scoping.role_for_person(clerk, member) == Role.CLERK
    assert list(scoping.people(scoping.scope_for(personas.outsider))) == []


# Each test below kills mutants of scripts/mutate_scoping.py that the tests above let survive.


def test_a_unit_moved_to_the_sibling_district_changes_hands_on_the_day_it_moves(personas, tree, make_person, record):
    from tochuc.units.services import unit_reparent

    moved_on = dt.date(2025, 7, 1)
    person = make_person("Lê Thị Hoa")
    record(person, "admission", dt.date(2015, 5, 10), unit=tree["CT.NK.02"])
    unit_reparent(by=None, unit=tree["CT.NK.02"], parent=tree["CT.CR"], on=moved_on)
    person.refresh_from_db()
    specialist = scoping.scope_for(personas.district_specialist)
    outsider = scoping.scope_for(personas.outsider)

    def seen(scope, on):
        return sorted(v.unit.code for v in scoping.unit_versions(scope, on=on).select_related("unit"))

    district = ["CT.NK", "CT.NK.01", "CT.NK.01.01", "CT.NK.01.02"]
    assert seen(specialist, moved_on - dt.timedelta(days=1)) == [*district, "CT.NK.02"]
    assert seen(specialist, moved_on) == district
    assert seen(specialist, None) == district
    assert seen(outsider, moved_on - dt.timedelta(days=1)) == ["CT.CR", "CT.CR.01", "CT.CR.01.01"]
    assert seen(outsider, moved_on) == ["CT.CR", "CT.CR.01", "CT.CR.01.01", "CT.NK.02"]
    # the record goes with its unit: the unit still exists, so it is not "gone" for its old keepers
    assert list(scoping.people(specialist)) == []
    assert list(scoping.people(outsider)) == [person]
    assert scoping.role_for_person(specialist, person) is None
    assert scoping.role_for_person(outsider, person) == Role.SPECIALIST


def test_after_a_transfer_the_old_branch_sees_none_of_the_persons_events(personas, tree, make_person, record):
    person = make_person("Phạm Văn Nam", registered_unit=tree["CT.NK.01.01"])
    record(person, "admission", dt.date(2015, 5, 10), unit=tree["CT.NK.01.01"])
    record(person, "transfer", dt.date(2020, 1, 1), subtype="official", unit=tree["CT.NK.01.01"], to_unit=tree["CT.CR.01.01"])
    person.refresh_from_db()
    clerk = scoping.scope_for(personas.branch_clerk)
    outsider = scoping.scope_for(personas.outsider)
    assert scoping.events(clerk).filter(person=person).count() == 0
    assert scoping.events(outsider).filter(person=person).count() == 2
    # the unit that first registered the person does not keep a say over the record
    assert scoping.role_for_person(clerk, person) is None
    assert scoping.role_for_person(outsider, person) == Role.SPECIALIST


def test_a_name_search_keeps_only_the_people_in_scope(personas, member):
    ids = [member.pk]
    assert list(scoping.people_among(scoping.scope_for(personas.branch_clerk), ids)) == [member]
    assert list(scoping.people_among(scoping.scope_for(personas.outsider), ids)) == []


def test_the_strongest_of_two_grants_over_a_unit_is_the_role(personas, tree):
    from tochuc.accounts.services import grant_add

    grant_add(by=personas.city_admin, user=personas.viewer, unit=tree["CT.NK.01"], role="clerk")
    viewer = scoping.scope_for(personas.viewer)
    assert scoping.role_for_unit(viewer, tree["CT.NK.01.01"]) == Role.CLERK
    assert scoping.role_for_unit(viewer, tree["CT.NK.02"]) == Role.VIEWER


def test_a_user_without_grants_sees_no_unit_at_all(personas, tree):
    from tochuc.accounts.services import grant_revoke

    grant_revoke(by=personas.city_admin, user=personas.viewer, unit=tree["CT.NK"])
    scope = scoping.scope_for(personas.viewer)
    assert scope.is_empty
    assert scoping.units(scope).count() == 0
    assert scoping.unit_versions(scope).count() == 0
    with pytest.raises(Http404):
        scoping.get_unit(scope, "CT")
