"""Who may do what. Every guarded service calls `require` before it acts.

Roles (admin, supervisor, scheduler, trainee) map to permissions here, once; the
TUI and the CLI only ever ask this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from schedtui.core.support.errors import NotAllowed


class Permission(StrEnum):
    """Something a user may be allowed to do."""

    VIEW_PATIENTS = "patients.view"
    REGISTER_PATIENTS = "patients.register"
    EDIT_PATIENTS = "patients.edit"
    MERGE_PATIENTS = "patients.merge"
    MANAGE_RECALLS = "recalls.manage"
    RESOLVE_COMPLAINTS = "complaints.resolve"
    BOOK = "appointments.book"
    CANCEL = "appointments.cancel"
    OVERBOOK_BEYOND_ALLOWANCE = "appointments.overbook"
    BOOK_AFTER_NO_SHOWS = "appointments.after-no-shows"
    EDIT_TEMPLATES = "templates.edit"
    VIEW_KPIS = "kpis.view"
    VIEW_AUDIT = "audit.view"
    EXPORT = "data.export"
    MANAGE_PAYERS = "payers.manage"
    MANAGE_CLINIC = "clinic.setup"
    MANAGE_USERS = "users.manage"
    BACKUP_STORE = "store.backup"
    SEED_STORE = "store.seed"
    OPEN_CLINIC_STORE = "store.open-clinic"
    SEND_MESSAGES = "messages.send"
    TAKE_PAYMENTS = "payments.take"
    MANAGE_PAYMENTS = "payments.manage"


#: What each permission lets a user do, in the words a refusal uses.
PERMISSION_WORDS: dict[Permission, str] = {
    Permission.VIEW_PATIENTS: "view patient records",
    Permission.REGISTER_PATIENTS: "register patients",
    Permission.EDIT_PATIENTS: "edit patient records",
    Permission.MERGE_PATIENTS: "merge duplicate charts",
    Permission.MANAGE_RECALLS: "define and generate recall campaigns",
    Permission.RESOLVE_COMPLAINTS: "resolve complaints",
    Permission.BOOK: "book appointments",
    Permission.CANCEL: "cancel or change appointments",
    Permission.OVERBOOK_BEYOND_ALLOWANCE: "overbook beyond a template's allowance",
    Permission.BOOK_AFTER_NO_SHOWS: "book a patient past the clinic's no-show limit",
    Permission.EDIT_TEMPLATES: "edit schedule templates",
    Permission.VIEW_KPIS: "see KPIs",
    Permission.VIEW_AUDIT: "see the audit trail",
    Permission.EXPORT: "export patient data",
    Permission.MANAGE_PAYERS: "edit payers, networks and payer rules",
    Permission.MANAGE_CLINIC: "set up sites, providers and visit types",
    Permission.MANAGE_USERS: "manage users",
    Permission.BACKUP_STORE: "back up or restore the store",
    Permission.SEED_STORE: "fill the store with a synthetic clinic",
    Permission.OPEN_CLINIC_STORE: "open the clinic's store (trainees use the sandbox)",
    Permission.SEND_MESSAGES: "send patients' messages and word them (run the outbox)",
    Permission.TAKE_PAYMENTS: "take payments, and void one's own the same day",
    Permission.MANAGE_PAYMENTS: "void or refund any payment, and see every day's close",
}

_FRONT_DESK = frozenset(
    {
        Permission.VIEW_PATIENTS,
        Permission.REGISTER_PATIENTS,
        Permission.EDIT_PATIENTS,
        Permission.BOOK,
        Permission.CANCEL,
        Permission.TAKE_PAYMENTS,
    }
)
_SCHEDULER = _FRONT_DESK | {Permission.OPEN_CLINIC_STORE}
_SUPERVISOR = _SCHEDULER | {
    Permission.OVERBOOK_BEYOND_ALLOWANCE,
    Permission.BOOK_AFTER_NO_SHOWS,
    Permission.MERGE_PATIENTS,
    Permission.MANAGE_RECALLS,
    Permission.RESOLVE_COMPLAINTS,
    Permission.EDIT_TEMPLATES,
    Permission.VIEW_KPIS,
    Permission.VIEW_AUDIT,
    Permission.EXPORT,
    Permission.MANAGE_PAYERS,
    Permission.MANAGE_CLINIC,
    Permission.SEND_MESSAGES,
    Permission.MANAGE_PAYMENTS,
}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "trainee": _FRONT_DESK,
    "scheduler": _SCHEDULER,
    "supervisor": _SUPERVISOR,
    "admin": frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """The signed-in user on whose behalf a service acts."""

    user_id: int | None
    username: str
    role: str
    display_name: str = ""

    def can(self, permission: Permission) -> bool:
        """True when the actor's role grants `permission`."""
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    @property
    def label(self) -> str:
        """'Ava Jensen (scheduler)', for headers and messages."""
        return f"{self.display_name or self.username} ({self.role})"


class PermissionDenied(NotAllowed):
    """The actor's role lacks a permission; the message names it."""

    def __init__(self, actor: Actor, permission: Permission) -> None:
        self.actor = actor
        self.permission = permission
        super().__init__(
            f"{actor.username} ({actor.role}) may not {PERMISSION_WORDS[permission]}: "
            f"that needs the '{permission.value}' permission."
        )
