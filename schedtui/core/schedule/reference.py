"""The clinic's slow-changing facts the engine reasons over, read in one go.

Sites, providers and what they offer, appointment types and the resources that serve
them, templates, blocks, closures, booking limits and payer networks: small tables,
read with a handful of queries. Each process keeps the copy it read last, by store, and
uses it while the store's reference version (moved by the store's own triggers on every
change to those tables, whoever makes it) stands still: a booking then reads one number
inside its transaction instead of every table.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from schedtui.data import models as m


@dataclass
class Reference:
    """Everything but the appointments and holds."""

    sites: dict[int, m.Site] = field(default_factory=dict)
    zones: dict[int, ZoneInfo] = field(default_factory=dict)
    providers: dict[int, m.Provider] = field(default_factory=dict)
    languages: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    specialties: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    provider_sites: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    network: dict[tuple[int, int], bool] = field(default_factory=dict)
    types: dict[int, m.AppointmentType] = field(default_factory=dict)
    type_resources: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    resources: dict[int, m.Resource] = field(default_factory=dict)
    templates: list[m.ScheduleTemplate] = field(default_factory=list)
    accepts: dict[int, frozenset[int]] = field(default_factory=dict)
    blocks: list[m.ScheduleBlock] = field(default_factory=list)
    closures: list[m.Closure] = field(default_factory=list)
    limits: list[m.BookingLimit] = field(default_factory=list)
    specialty_codes: dict[str, int] = field(default_factory=dict)
    #: Each site's opening hours by weekday (sites with none kept are not limited).
    site_hours: dict[int, dict[int, tuple[time, time]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    _indexes: dict[str, dict[int, list[Any]]] = field(default_factory=dict)
    _limits: dict[tuple[int, int, str], int | None] = field(default_factory=dict)

    def templates_of(self, provider_id: int) -> list[m.ScheduleTemplate]:
        """The provider's templates."""
        return self._by_provider("templates").get(provider_id, [])

    def blocks_of(self, provider_id: int) -> list[m.ScheduleBlock]:
        """The provider's blocks."""
        return self._by_provider("blocks").get(provider_id, [])

    def _by_provider(self, name: str) -> dict[int, list[Any]]:
        cache = self._indexes.get(name)
        if cache is None:
            cache = defaultdict(list)
            for row in getattr(self, name):
                cache[row.provider_id].append(row)
            self._indexes[name] = cache
        return cache

    def limit(self, provider_id: int, type_id: int, attribute: str) -> int | None:
        """The most specific booking limit's `attribute` for this provider and type (one
        naming both, then the provider, then the type, then the clinic's), worked out
        once: a search asks for every time it offers."""
        key = (provider_id, type_id, attribute)
        if key not in self._limits:
            self._limits[key] = self._most_specific(provider_id, type_id, attribute)
        return self._limits[key]

    def _most_specific(self, provider_id: int, type_id: int, attribute: str) -> int | None:
        best: tuple[int, int] | None = None
        for limit in self.limits:
            value = getattr(limit, attribute)
            if value is None:
                continue
            if limit.provider_id not in (None, provider_id):
                continue
            if limit.appointment_type_id not in (None, type_id):
                continue
            rank = (limit.provider_id is not None) * 2 + (limit.appointment_type_id is not None)
            if best is None or rank > best[0]:
                best = (rank, value)
        return best[1] if best else None

    def type_by_code(self, code: str) -> m.AppointmentType | None:
        """The active appointment type with this code."""
        return next((t for t in self.types.values() if t.code == code.upper() and t.active), None)

    def interpreters(self, language: str) -> int:
        """How many interpreters of `language` the clinic has (their capacity at one time)."""
        return sum(
            1
            for r in self.resources.values()
            if r.kind == "interpreter" and r.active and r.language == language
        )


def load_reference(session: Session) -> Reference:
    """Read the reference tables."""
    ref = Reference()
    for site in session.exec(select(m.Site).where(col(m.Site.active))):
        assert site.id is not None
        ref.sites[site.id] = site
        ref.zones[site.id] = ZoneInfo(site.timezone)
    ref.providers = {
        p.id: p
        for p in session.exec(select(m.Provider).where(col(m.Provider.active)))
        if p.id is not None
    }
    for language in session.exec(select(m.ProviderLanguage)):
        ref.languages[language.provider_id].add(language.language)
    for link in session.exec(select(m.ProviderSpecialty)):
        ref.specialties[link.provider_id].add(link.specialty_id)
    for place in session.exec(select(m.ProviderSite)):
        ref.provider_sites[place.provider_id].add(place.site_id)
    for entry in session.exec(select(m.ProviderPayer)):
        ref.network[(entry.provider_id, entry.payer_id)] = entry.in_network
    ref.types = {t.id: t for t in session.exec(select(m.AppointmentType)) if t.id is not None}
    ref.resources = {r.id: r for r in session.exec(select(m.Resource)) if r.id is not None}
    for served in session.exec(select(m.AppointmentTypeResource)):
        ref.type_resources[served.appointment_type_id].append(served.resource_id)
    ref.templates = [
        t
        for t in session.exec(select(m.ScheduleTemplate))
        if t.provider_id in ref.providers and t.site_id in ref.sites
    ]
    accepted: dict[int, set[int]] = defaultdict(set)
    for accepts in session.exec(select(m.TemplateAppointmentType)):
        accepted[accepts.template_id].add(accepts.appointment_type_id)
    ref.accepts = {template_id: frozenset(ids) for template_id, ids in accepted.items()}
    ref.blocks = list(session.exec(select(m.ScheduleBlock)))
    ref.closures = list(session.exec(select(m.Closure)))
    ref.limits = list(session.exec(select(m.BookingLimit)))
    for opening in session.exec(select(m.SiteHours)):
        ref.site_hours[opening.site_id][opening.weekday] = (opening.opens, opening.closes)
    ref.specialty_codes = {
        s.code: s.id for s in session.exec(select(m.Specialty)) if s.id is not None
    }
    return ref


#: The reference facts each store had when last read in this process: by store, the
#: version they reflect and the facts (detached copies, read only).
_KEPT: dict[str, tuple[int, Reference]] = {}
_KEEPING = threading.Lock()


def reference_version(session: Session) -> int:
    """Where the store's reference facts stand (moves on every change to them)."""
    return session.exec(select(m.ReferenceVersion.version)).one()


def current_reference(session: Session) -> Reference:
    """The reference facts as this session's transaction sees them: the copy this process
    keeps when the store's reference version has not moved since, else read afresh (in
    the same transaction) and kept. Treat it as read only: it is shared."""
    version = reference_version(session)
    key = session.connection().engine.url.render_as_string(hide_password=True)
    kept = _KEPT.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    # Read in a session of its own on the same transaction: the copies kept are nobody
    # else's objects, and a rollback of the caller's work leaves them whole.
    with Session(bind=session.connection(), expire_on_commit=False) as reading:
        fresh = load_reference(reading)
    with _KEEPING:
        _KEPT[key] = (version, fresh)
    return fresh
