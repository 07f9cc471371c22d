"""Saved lists of providers for the calendar ("cardiology team", "Tuesday walk-ins"),
kept in the store so every scheduler of the clinic sees the same lists. Supervisors save
and delete them; the change is audited."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.store import Store

#: The most providers one list holds.
LONGEST = 40


def provider_lists(session: Session) -> dict[str, list[int]]:
    """Every saved list by name: its providers' ids, in the list's order."""
    names = {lst.id: lst.name for lst in session.exec(select(m.ProviderList))}
    found: dict[str, list[int]] = {name: [] for name in sorted(names.values())}
    members = session.exec(
        select(m.ProviderListMember).order_by(
            col(m.ProviderListMember.list_id), col(m.ProviderListMember.position)
        )
    )
    for member in members:
        found[names[member.list_id]].append(member.provider_id)
    return found


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if problem := ("is required" if not name else text_problem(name, 40)):
        raise BadInput(f"The list's name {problem}.")
    return name


def save_provider_list(
    store: Store, actor: Actor, name: str, provider_ids: list[int], *, now: datetime
) -> list[int]:
    """Save the list under `name` (replacing a list of that name); return its providers."""

    def work(session: Session) -> list[int]:
        listed = _checked_name(name)
        ids = list(dict.fromkeys(provider_ids))
        if not ids or len(ids) > LONGEST:
            raise BadInput(f"A list holds 1 to {LONGEST} providers.")
        active = {p.id for p in session.exec(select(m.Provider).where(col(m.Provider.active)))}
        if unknown := [str(i) for i in ids if i not in active]:
            raise BadInput(f"There is no active provider {', '.join(unknown)}.")
        kept = session.exec(
            select(m.ProviderList).where(col(m.ProviderList.name) == listed)
        ).first()
        before = provider_lists(session).get(listed)
        if kept is None:
            kept = m.ProviderList(name=listed, created_at=now, created_by_id=actor.user_id)
            session.add(kept)
            session.flush()
        _empty(session, kept)
        session.add_all(
            m.ProviderListMember(list_id=kept.id or 0, provider_id=pid, position=n)
            for n, pid in enumerate(ids)
        )
        audit.record(
            session, actor=actor, action="update" if before else "create", now=now,
            entity="provider-list", entity_id=kept.id,
            detail={"name": listed, "before": before, "after": ids},
        )  # fmt: skip
        return ids

    return guarded_write(
        store, actor, Permission.EDIT_TEMPLATES, work, now=now, what="provider-list"
    )


def delete_provider_list(store: Store, actor: Actor, name: str, *, now: datetime) -> None:
    """Delete the list (the providers stay as they are)."""

    def work(session: Session) -> None:
        kept = session.exec(select(m.ProviderList).where(col(m.ProviderList.name) == name)).first()
        if kept is None:
            raise BadInput(f"There is no saved list of providers '{name}'.")
        before = provider_lists(session)[name]
        _empty(session, kept)
        session.delete(kept)
        audit.record(
            session, actor=actor, action="delete", now=now, entity="provider-list",
            entity_id=kept.id, detail={"name": name, "before": before},
        )  # fmt: skip

    guarded_write(store, actor, Permission.EDIT_TEMPLATES, work, now=now, what="provider-list")


def _empty(session: Session, kept: m.ProviderList) -> None:
    members = select(m.ProviderListMember).where(col(m.ProviderListMember.list_id) == kept.id)
    for member in session.exec(members):
        session.delete(member)
    session.flush()
