"""What the calendar shows: a day or the week around it, which providers, how fine.

One description serves the screen (its state, and the key of the days read ahead) and the
`day` command, and one function reads it from the store, checked and audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from schedtui.core.security import audit
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.core.views.day_grid import DayGrid, view_grid, view_week
from schedtui.data import models as m
from schedtui.data.store import Store


@dataclass(frozen=True)
class GridView:
    """A calendar view: everyone working (narrowed by site or specialty) or the providers
    chosen; a day, or with `week` the seven days from that day's Monday."""

    day: date
    zoom: int = 15
    site: str | None = None
    specialty: str | None = None
    providers: tuple[int, ...] = ()
    week: bool = False

    @property
    def first_day(self) -> date:
        """The day shown, or the Monday of the week shown."""
        return self.day - timedelta(days=self.day.weekday()) if self.week else self.day

    def moved(self, steps: int) -> GridView:
        """The day (in a week view, the week) `steps` on."""
        return replace(self, day=self.day + timedelta(days=steps * (7 if self.week else 1)))


@dataclass(frozen=True)
class Spot:
    """A provider's time to show on the calendar (e.g. an open time offered in booking),
    in the wall time of the provider's site."""

    day: date
    provider_id: int
    at: time

    def cell(self, grid: DayGrid) -> tuple[int, int] | None:
        """The (row, column) of the spot in `grid`, if the provider has a column."""
        columns = [i for i, c in enumerate(grid.columns) if c.provider_id == self.provider_id]
        if not columns or not grid.rows:
            return None
        rows = [
            i
            for i, at in enumerate(grid.rows)
            if (at.hour, at.minute) <= (self.at.hour, self.at.minute)
        ]
        return (rows[-1] if rows else 0), columns[0]


def read_view(
    store: Store, actor: Actor, view: GridView, *, now: datetime, record: bool
) -> DayGrid:
    """The grid of `view` (permission-checked; with `record` the look is audited)."""
    if view.week:
        grid = view_week(
            store, actor, list(view.providers), view.first_day, now=now, zoom=view.zoom
        )
    else:
        grid = view_grid(
            store, actor, view.day,
            now=now, zoom=view.zoom, site_code=view.site,
            specialty_code=view.specialty, provider_ids=list(view.providers),
        )  # fmt: skip
    if record:
        record_look(store, actor, view, grid, now=now)
    return grid


def record_look(
    store: Store, actor: Actor, view: GridView, grid: DayGrid, *, now: datetime
) -> None:
    """A look at the schedule, in the audit trail (once per day and filter; not for the
    automatic redraws after others' changes, nor the days read ahead)."""
    if view.week:
        detail: dict[str, Any] = {"view": "week", "provider_ids": list(view.providers)}
    else:
        detail = {"site": view.site or "all", "view": "grid", "providers": len(grid.columns)}
        detail |= {"specialty": view.specialty} if view.specialty else {}
        detail |= {"provider_ids": list(view.providers)} if view.providers else {}
    audit.append(
        store, actor=actor, action="view", now=now, entity="schedule",
        entity_id=view.first_day.isoformat(), detail=detail,
    )  # fmt: skip


def saved_list(lists: dict[str, list[int]], name: str) -> tuple[int, ...]:
    """The providers of a saved list, by name."""
    if name not in lists:
        known = ", ".join(sorted(lists)) or "none yet (schedtui provider-lists save)"
        raise BadInput(f"There is no saved list of providers '{name}'; saved lists: {known}.")
    return tuple(lists[name])


def provider_choices(specialties: dict[str, str], lists: dict[str, list[int]]) -> dict[str, str]:
    """Whose columns the calendar can show, keyed "all", "specialty:CODE" or "list:NAME"."""
    choices = {"all": "Everyone working (by site)"}
    choices |= {f"specialty:{code}": f"Specialty: {name}" for code, name in specialties.items()}
    for name, ids in sorted(lists.items()):
        choices[f"list:{name}"] = (
            f"List: {name} ({len(ids)} provider{'s' if len(ids) != 1 else ''})"
        )
    return choices


def latest_change(store: Store) -> int:
    """How far the change feed has gone (the newest event's id; 0 when empty): a grid
    read at this position is current until it moves."""
    with store.read() as session:
        return session.exec(select(func.max(m.DomainEvent.id))).one() or 0
