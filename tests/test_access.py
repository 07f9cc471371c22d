"""Roles against guarded actions: the permission matrix, enforced in core and audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import col, select

from schedtui.core.security import users
from schedtui.core.security.access import ROLE_PERMISSIONS, Actor, Permission, PermissionDenied
from schedtui.core.security.guard import require
from schedtui.data.models import AuditEvent
from schedtui.data.store import Store
from tests.builders import NOW

#: The matrix as the issue states it: who may do what.
EXPECTED = {
    Permission.VIEW_PATIENTS: {"trainee", "scheduler", "supervisor", "admin"},
    Permission.REGISTER_PATIENTS: {"trainee", "scheduler", "supervisor", "admin"},
    Permission.EDIT_PATIENTS: {"trainee", "scheduler", "supervisor", "admin"},
    Permission.MERGE_PATIENTS: {"supervisor", "admin"},
    Permission.MANAGE_RECALLS: {"supervisor", "admin"},
    Permission.RESOLVE_COMPLAINTS: {"supervisor", "admin"},
    Permission.BOOK_AFTER_NO_SHOWS: {"supervisor", "admin"},
    Permission.BOOK: {"trainee", "scheduler", "supervisor", "admin"},
    Permission.CANCEL: {"trainee", "scheduler", "supervisor", "admin"},
    Permission.EDIT_TEMPLATES: {"supervisor", "admin"},
    Permission.OVERBOOK_BEYOND_ALLOWANCE: {"supervisor", "admin"},
    Permission.VIEW_KPIS: {"supervisor", "admin"},
    Permission.VIEW_AUDIT: {"supervisor", "admin"},
    Permission.EXPORT: {"supervisor", "admin"},
    Permission.MANAGE_PAYERS: {"supervisor", "admin"},
    Permission.MANAGE_CLINIC: {"supervisor", "admin"},
    Permission.MANAGE_USERS: {"admin"},
    Permission.BACKUP_STORE: {"admin"},
    Permission.SEED_STORE: {"admin"},
    Permission.OPEN_CLINIC_STORE: {"scheduler", "supervisor", "admin"},
    Permission.SEND_MESSAGES: {"supervisor", "admin"},
    Permission.TAKE_PAYMENTS: {"trainee", "scheduler", "supervisor", "admin"},
    Permission.MANAGE_PAYMENTS: {"supervisor", "admin"},
}
ROLES = ("trainee", "scheduler", "supervisor", "admin")


def test_every_permission_is_in_the_matrix() -> None:
    assert set(EXPECTED) == set(Permission)
    assert set(ROLE_PERMISSIONS) == set(ROLES)


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", ROLES)
def test_require_follows_the_matrix_and_audits_refusals(
    sqlite_store: Store, role: str, permission: Permission
) -> None:
    actor = Actor(None, f"{role}.user", role)
    allowed = role in EXPECTED[permission]
    if allowed:
        require(sqlite_store, actor, permission, now=NOW)
    else:
        with pytest.raises(PermissionDenied, match=f"needs the '{permission.value}' permission"):
            require(sqlite_store, actor, permission, now=NOW)
    with sqlite_store.read() as session:
        refusals = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "permission-denied")
        ).all()
    assert len(refusals) == (0 if allowed else 1)
    if refusals:
        assert refusals[0].username == f"{role}.user"
        assert permission.value in refusals[0].detail_json


USER_ACTIONS: dict[str, Callable[[Store, Actor], object]] = {
    "add": lambda store, a: users.add_user(
        store, a, username="newbie", role="scheduler", password="correct horse battery", now=NOW
    ),
    "list": lambda store, a: users.list_users(store, a, now=NOW),
    "role": lambda store, a: users.set_role(store, a, "sam", "supervisor", now=NOW),
    "disable": lambda store, a: users.set_active(store, a, "sam", active=False, now=NOW),
    "passwd": lambda store, a: users.set_password(store, a, "sam", "another long pass", now=NOW),
    "unlock": lambda store, a: users.unlock(store, a, "sam", now=NOW),
}


@pytest.mark.parametrize("role", ["trainee", "scheduler", "supervisor"])
@pytest.mark.parametrize("action", sorted(USER_ACTIONS))
def test_only_admins_manage_users_in_core(sqlite_store: Store, role: str, action: str) -> None:
    admin = users.create_first_admin(
        sqlite_store,
        username="root.admin",
        display_name="",
        password="a very long secret",
        os_account=None,
        now=NOW,
    )
    users.add_user(
        sqlite_store, admin, username="sam", role="scheduler", password="sams long secret", now=NOW
    )
    outsider = Actor(None, "someone", role)
    with pytest.raises(PermissionDenied, match="manage users"):
        USER_ACTIONS[action](sqlite_store, outsider)
    USER_ACTIONS[action](sqlite_store, admin)
