"""Grant changes are services, logged and audited; ended grants stay (SECURITY.md B4, E1, E4)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tochuc.accounts import scoping
from tochuc.accounts.models import AuthEvent, Grant, User
from tochuc.accounts.services import grant_add, grant_revoke, user_create
from tochuc.conftest import PASSWORD
from tochuc.core.bulk import BulkChangeRefused
from tochuc.core.findings import RecordRefused
from tochuc.core.models import AuditEntry


def run(*args: str) -> str:
    out = StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


def run_audit() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def current(user) -> list[tuple[str, str]]:
    return sorted(Grant.objects.filter(user=user).values_list("unit__code", "role"))


def test_the_command_grants_a_role_and_the_audit_names_who_whom_unit_and_roles(personas, tree):
    viewer = personas.viewer
    assert run("grant", "nguoixem", "--unit", "CT.CR", "--role", "viewer", "--reason", "kiểm tra chéo") == (
        "Đã cấp vai trò Xem cho nguoixem trong phạm vi CT.CR\n"
    )
    assert current(viewer) == [("CT.CR", "viewer"), ("CT.NK", "viewer")]
    grant = Grant.objects.get(user=viewer, unit=tree["CT.CR"])
    entry = AuditEntry.objects.get(action="grant.add", object_id=str(grant.pk))
    assert (entry.user_id, entry.object_type, entry.changes) == (
        None,
        "accounts.grant",
        {"user": "nguoixem", "unit": "CT.CR", "before": None, "after": {"grant": grant.pk, "role": "viewer"}, "reason": "kiểm tra chéo"},
    )
    event = AuthEvent.objects.get(action="account.grant", user=viewer, detail__unit="CT.CR")
    assert event.detail == {"unit": "CT.CR", "role": "viewer", "before": None}
    assert tree["CT.CR"].pk in scoping.scope_for(viewer).root_unit_ids
    assert run_audit() == f"Nhật ký thay đổi toàn vẹn: {AuditEntry.objects.count()} dòng\n"


def test_a_role_change_ends_the_old_grant_and_starts_a_new_one(personas, tree):
    viewer = personas.viewer
    old = Grant.objects.get(user=viewer)
    run("grant", "nguoixem", "--unit", "CT.NK", "--role", "clerk")
    assert current(viewer) == [("CT.NK", "clerk")]
    old.refresh_from_db()
    assert old.valid_to is not None and old.end_reason == "đổi vai trò thành clerk" and old.ended_by is None
    assert sorted((g.role, g.valid_to is None) for g in Grant.all_grants.filter(user=viewer)) == [
        ("clerk", True), ("viewer", False),
    ]
    new = Grant.objects.get(user=viewer)
    entry = AuditEntry.objects.get(action="grant.add", object_id=str(new.pk))
    assert (entry.changes["before"], entry.changes["after"]) == ({"grant": old.pk, "role": "viewer"}, {"grant": new.pk, "role": "clerk"})
    assert AuthEvent.objects.filter(action="account.grant", user=viewer).order_by("id").last().detail == {
        "unit": "CT.NK", "role": "clerk", "before": "viewer",
    }
    assert run_audit().startswith("Nhật ký thay đổi toàn vẹn")


def test_revoking_ends_the_grant_keeps_it_and_the_next_request_is_refused(personas, tree, member):
    viewer = personas.viewer
    client = Client()
    client.force_login(viewer)
    url = f"/nguoi/{member.pk}/"
    assert client.get(url).status_code == 200
    total = Grant.all_grants.count()
    assert run("revoke", "nguoixem", "--unit", "CT.NK", "--reason", "chuyển công tác") == (
        "Đã chấm dứt vai trò Xem của nguoixem trong phạm vi CT.NK\n"
    )
    assert Grant.all_grants.count() == total
    ended = Grant.all_grants.get(user=viewer)
    assert ended.valid_to is not None and ended.end_reason == "chuyển công tác"
    assert current(viewer) == []
    assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(action="grant.revoke")
    assert (entry.object_id, entry.changes) == (
        str(ended.pk),
        {"user": "nguoixem", "unit": "CT.NK", "before": {"grant": ended.pk, "role": "viewer"}, "after": None, "reason": "chuyển công tác"},
    )
    assert AuthEvent.objects.get(action="account.revoke").detail == {"unit": "CT.NK", "role": "viewer"}
    assert run_audit().startswith("Nhật ký thay đổi toàn vẹn")


def test_the_same_role_twice_and_a_grant_that_is_not_there_are_refused(personas, tree):
    entries = AuditEntry.objects.count()
    with pytest.raises(CommandError) as same:
        run("grant", "nguoixem", "--unit", "CT.NK", "--role", "viewer")
    assert str(same.value) == "nguoixem đã có vai trò Xem trong phạm vi CT.NK"
    with pytest.raises(CommandError) as missing:
        run("revoke", "nguoixem", "--unit", "CT.CR")
    assert str(missing.value) == "nguoixem không có quyền nào đang hiệu lực trong phạm vi CT.CR"
    with pytest.raises(CommandError) as unit:
        run("revoke", "nguoixem", "--unit", "XX")
    assert str(unit.value) == "Không có đơn vị mã 'XX'"
    assert AuditEntry.objects.count() == entries
    assert current(personas.viewer) == [("CT.NK", "viewer")]


def test_only_an_administrator_over_the_unit_may_change_its_grants(personas, tree):
    with pytest.raises(RecordRefused) as refused:
        grant_add(by=personas.district_specialist, user=personas.viewer, unit=tree["CT.NK.01"], role="clerk")
    assert [f.message for f in refused.value.findings] == ["Bạn không có quyền quản trị người dùng trong phạm vi CT.NK.01"]
    run("grant", "chuyenvien", "--unit", "CT.NK", "--role", "admin")
    district_admin = personas.district_specialist
    with pytest.raises(RecordRefused):
        grant_add(by=district_admin, user=personas.viewer, unit=tree["CT"], role="viewer")
    with pytest.raises(RecordRefused):
        grant_revoke(by=district_admin, user=personas.outsider, unit=tree["CT.CR"])
    grant = grant_add(by=district_admin, user=personas.viewer, unit=tree["CT.NK.01"], role="clerk")
    assert grant.granted_by == district_admin
    ended = grant_revoke(by=personas.city_admin, user=personas.viewer, unit=tree["CT.NK.01"])
    assert ended.ended_by == personas.city_admin
    assert list(AuditEntry.objects.filter(action__startswith="grant.").values_list("action", "user_id"))[-2:] == [
        ("grant.add", district_admin.pk), ("grant.revoke", personas.city_admin.pk),
    ]


def test_grants_cannot_be_deleted_or_bulk_changed(personas):
    with pytest.raises(BulkChangeRefused):
        Grant.objects.filter(user=personas.viewer).update(role="admin")
    with pytest.raises(BulkChangeRefused):
        Grant.all_grants.all().delete()
    with pytest.raises(BulkChangeRefused):
        Grant.objects.get(user=personas.viewer).delete()
    assert current(personas.viewer) == [("CT.NK", "viewer")]


def test_an_administrator_cannot_create_a_user_outside_their_subtree(personas, tree):
    run("grant", "chuyenvien", "--unit", "CT.NK", "--role", "admin")
    district_admin = personas.district_specialist
    users = User.objects.count()
    with pytest.raises(RecordRefused) as refused:
        user_create(by=district_admin, username="moi", password=PASSWORD, unit=tree["CT.CR"], role="viewer")
    assert [f.message for f in refused.value.findings] == ["Bạn không có quyền quản trị người dùng trong phạm vi CT.CR"]
    assert User.objects.count() == users
    created = user_create(by=district_admin, username="moi", password=PASSWORD, unit=tree["CT.NK.02"], role="viewer")
    assert current(created) == [("CT.NK.02", "viewer")]
    assert Grant.objects.get(user=created).granted_by == district_admin
