"""Reading 271 eligibility responses into what a scheduler needs to know."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from schedtui.core.x12 import codes
from schedtui.core.x12.envelope import TransactionSet, read_interchange
from schedtui.core.x12.tokens import Delimiters, Segment, X12Error

LEVELS = {"20": "payer", "21": "provider", "22": "subscriber", "23": "dependent"}


@dataclass(frozen=True)
class Benefit:
    """One EB segment, in plain words and exact values (money in cents)."""

    info: str
    info_code: str
    coverage_level: str
    service_types: tuple[str, ...]
    plan: str
    period: str
    amount_cents: int | None
    percent: Decimal | None
    authorization_required: str
    in_network: str
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejection:
    """An AAA segment: what the payer refused, at which level, and what to do."""

    level: str
    code: str
    reason: str
    follow_up: str
    advice: str


@dataclass
class EligibilityAnswer:
    """The payer's answer about one person (subscriber or dependent)."""

    submitter_reference: str
    trace_numbers: list[str] = field(default_factory=list)
    payer_name: str = ""
    payer_id: str = ""
    provider_name: str = ""
    level: str = "subscriber"
    member_last: str = ""
    member_first: str = ""
    member_id: str = ""
    birth_date: date | None = None
    plan_dates: dict[str, str] = field(default_factory=dict)
    benefits: list[Benefit] = field(default_factory=list)
    primary_care: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """active, inactive, rejected or unknown."""
        infos = {b.info_code for b in self.benefits}
        if infos & codes.ACTIVE:
            return "active"
        if infos & codes.INACTIVE:
            return "inactive"
        return "rejected" if self.rejections else "unknown"

    @property
    def plan_name(self) -> str:
        """The plan named by the first active coverage benefit."""
        return next((b.plan for b in self.benefits if b.info_code in codes.ACTIVE and b.plan), "")

    def patient_share(self, service_types: tuple[str, ...]) -> tuple[int | None, int | None]:
        """What the patient pays toward `service_types` in network, as the payer said it:
        the individual deductible still to meet (cents, EB01 C with EB06 29 remaining)
        and the coinsurance (whole percent, EB01 A); None where the answer is silent."""

        def fits(benefit: Benefit) -> bool:
            wanted = not benefit.service_types or set(benefit.service_types) & set(service_types)
            level = benefit.coverage_level in ("", "individual", "employee")
            return bool(wanted) and level and benefit.in_network != "no"

        left = next(
            (
                b.amount_cents
                for b in self.benefits
                if b.info_code == "C" and b.period == "remaining" and fits(b)
                if b.amount_cents is not None and b.amount_cents >= 0
            ),
            None,
        )
        share = next(
            (
                int(b.percent.quantize(Decimal(1)))
                for b in self.benefits
                if b.info_code == "A" and fits(b) and b.percent is not None
                if 0 <= b.percent <= 100
            ),
            None,
        )
        return left, share

    def to_json(self) -> dict[str, Any]:
        """A summary safe to store and to print with --json."""
        return {
            "status": self.status,
            "trace_numbers": self.trace_numbers,
            "submitter_reference": self.submitter_reference,
            "payer": self.payer_name,
            "payer_id": self.payer_id,
            "level": self.level,
            "member_id": self.member_id,
            "member_name": f"{self.member_last}, {self.member_first}".strip(", "),
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "plan": self.plan_name,
            "plan_dates": self.plan_dates,
            "primary_care": self.primary_care,
            "benefits": [_benefit_json(b) for b in self.benefits],
            "rejections": [r.__dict__ for r in self.rejections],
            "warnings": self.warnings,
        }


def _benefit_json(benefit: Benefit) -> dict[str, Any]:
    data = dict(benefit.__dict__)
    data["percent"] = str(benefit.percent) if benefit.percent is not None else None
    data["service_types"] = list(benefit.service_types)
    data["messages"] = list(benefit.messages)
    return data


def read_271(text: str) -> list[EligibilityAnswer]:
    """Every answer in a 271 interchange. Raises `X12Error` naming the segment at fault."""
    interchange = read_interchange(text)
    answers: list[EligibilityAnswer] = []
    for transaction in interchange.sets:
        if transaction.kind == "999":
            raise X12Error("is an implementation acknowledgement (999), not a 271")
        if transaction.kind != "271":
            raise X12Error(f"holds a {transaction.kind} transaction set, not a 271")
        answers += _Reader(transaction, interchange.delimiters).read()
    for answer in answers:
        answer.warnings += interchange.warnings
    return answers


def _money(value: str, segment: Segment) -> int | None:
    if not value:
        return None
    try:
        return int((Decimal(value) * 100).quantize(Decimal(1)))
    except InvalidOperation:
        raise X12Error(f"{segment.label()}: amount '{value}' is not a number") from None


def _percent(value: str, segment: Segment) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value) * 100
    except InvalidOperation:
        raise X12Error(f"{segment.label()}: percent '{value}' is not a number") from None


class _Reader:
    """Walks one 271 transaction set loop by loop."""

    def __init__(self, transaction: TransactionSet, delimiters: Delimiters) -> None:
        self.segments = transaction.segments
        self.delimiters = delimiters
        self.answers: list[EligibilityAnswer] = []
        self.context = EligibilityAnswer(submitter_reference="")
        self.current: EligibilityAnswer | None = None
        self.level = ""
        self.in_pcp_loop = False

    def read(self) -> list[EligibilityAnswer]:
        for segment in self.segments:
            handler = getattr(self, f"_{segment.id.lower()}", None)
            if handler is not None:
                handler(segment)
        if not self.answers and self.context.rejections:
            self.answers.append(self.context)  # refused before any subscriber loop
        # A subscriber level that only holds dependents says nothing of its own.
        return [a for a in self.answers if a.trace_numbers or a.benefits or a.rejections]

    def _bht(self, segment: Segment) -> None:
        self.context.submitter_reference = segment.get(3)

    def _hl(self, segment: Segment) -> None:
        code = segment.get(3)
        if code not in LEVELS:
            raise X12Error(f"{segment.label()}: unknown hierarchical level '{code}'")
        self.level = LEVELS[code]
        if self.level in ("subscriber", "dependent"):
            holder = self.current.member_id if self.current is not None else ""
            self.current = EligibilityAnswer(
                submitter_reference=self.context.submitter_reference,
                payer_name=self.context.payer_name,
                payer_id=self.context.payer_id,
                provider_name=self.context.provider_name,
                level=self.level,
                rejections=list(self.context.rejections),
                member_id=holder if self.level == "dependent" else "",
            )
            self.answers.append(self.current)

    def _target(self) -> EligibilityAnswer:
        return self.current if self.current is not None else self.context

    def _trn(self, segment: Segment) -> None:
        if segment.get(1) == "2":  # the trace we sent, echoed back
            self._target().trace_numbers.append(segment.get(2))

    def _nm1(self, segment: Segment) -> None:
        entity = segment.get(1)
        if self.in_pcp_loop:
            name = " ".join(p for p in (segment.get(4), segment.get(3)) if p)
            self._target().primary_care.append(f"{name} ({segment.get(9)})".strip())
        elif entity == "PR":
            self.context.payer_name, self.context.payer_id = segment.get(3), segment.get(9)
        elif entity == "1P":
            self.context.provider_name = segment.get(3)
        elif entity in ("IL", "03") and self.current is not None:
            self.current.member_last, self.current.member_first = segment.get(3), segment.get(4)
            if segment.get(9):
                self.current.member_id = segment.get(9)

    def _dmg(self, segment: Segment) -> None:
        if self.current is not None and segment.get(1) == "D8":
            try:
                self.current.birth_date = date(
                    int(segment.get(2)[:4]), int(segment.get(2)[4:6]), int(segment.get(2)[6:8])
                )
            except ValueError:
                raise X12Error(f"{segment.label()}: '{segment.get(2)}' is not a date") from None

    def _dtp(self, segment: Segment) -> None:
        if self.current is not None and not self.current.benefits:
            self.current.plan_dates[segment.get(1)] = segment.get(3)

    def _eb(self, segment: Segment) -> None:
        target = self._target()
        code = segment.get(1)
        if code not in codes.BENEFIT_INFO:
            raise X12Error(f"{segment.label()}: unknown benefit information code '{code}'")
        services = tuple(s for s in segment.get(3).split(self.delimiters.repetition) if s)
        target.benefits.append(
            Benefit(
                info=codes.BENEFIT_INFO[code],
                info_code=code,
                coverage_level=codes.COVERAGE_LEVEL.get(segment.get(2), segment.get(2)),
                service_types=services,
                plan=segment.get(5),
                period=codes.TIME_PERIODS.get(segment.get(6), segment.get(6)),
                amount_cents=_money(segment.get(7), segment),
                percent=_percent(segment.get(8), segment),
                authorization_required=codes.YES_NO_UNKNOWN.get(segment.get(11), ""),
                in_network=codes.YES_NO_UNKNOWN.get(segment.get(12), ""),
            )
        )

    def _msg(self, segment: Segment) -> None:
        target = self._target()
        if target.benefits:
            last = target.benefits[-1]
            target.benefits[-1] = Benefit(
                **{**last.__dict__, "messages": (*last.messages, segment.get(1))}
            )

    def _ls(self, segment: Segment) -> None:
        self.in_pcp_loop = True

    def _le(self, segment: Segment) -> None:
        self.in_pcp_loop = False

    def _aaa(self, segment: Segment) -> None:
        code = segment.get(3)
        reason, advice = codes.REJECT_REASONS.get(
            code, (f"reject reason {code}", "Call the payer to ask why.")
        )
        follow_up = codes.FOLLOW_UPS.get(segment.get(4), segment.get(4))
        level = "benefit" if self._target().benefits else (self.level or "payer")
        rejection = Rejection(level, code, reason, follow_up, advice)
        if self.current is None:
            self.context.rejections.append(rejection)
        else:
            self.current.rejections.append(rejection)
