"""The 270 writer and the 271 reader, on the shared real-world samples and our variants."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schedtui.core.x12.envelope import read_interchange
from schedtui.core.x12.tokens import Delimiters, X12Error, delimiters_of, split_segments
from schedtui.core.x12.x270 import Envelope, Inquiry, Person, build_270
from schedtui.core.x12.x271 import read_271
from tests.x12_samples import answer_body, interchange, restyle, sample

ODD = Delimiters(element="|", component=">", repetition="!", segment="'")


class TestSharedSamples:
    def test_subscriber_answer(self) -> None:
        [answer] = read_271(sample("subscriber-health-benefit-check.271"))
        assert answer.status == "active" and answer.plan_name == "GOLD 123 PLAN"
        assert answer.trace_numbers == ["93175-012547"]
        assert (answer.member_last, answer.member_id) == ("SMITH", "123456789")
        assert answer.birth_date == date(1963, 5, 19)
        assert answer.primary_care == ["MARCUS JONES (0202034)"]
        copays = [
            (b.amount_cents, b.in_network, b.period) for b in answer.benefits if b.info_code == "B"
        ]
        assert copays == [(1000, "yes", "per visit"), (3000, "no", "per visit")]
        assert "98" in answer.benefits[-1].service_types  # repetition separator from ISA11

    def test_dependent_answer_carries_the_subscribers_member_id(self) -> None:
        [answer] = read_271(sample("dependent-health-benefit-check.271"))
        assert answer.level == "dependent"
        assert (answer.member_first, answer.member_id) == ("MARY", "123456789")
        assert answer.status == "active"

    def test_rejection_at_provider_level_reads_as_advice(self) -> None:
        [answer] = read_271(sample("subscriber-health-benefit-check-error.271"))
        assert answer.status == "rejected"
        [rejection] = answer.rejections
        assert (rejection.level, rejection.code) == ("provider", "50")
        assert (
            "enrollment" in rejection.advice and rejection.follow_up == "resubmission not allowed"
        )
        assert answer.submitter_reference == "10001234"
        assert answer.warnings == ["SE02 4323 does not match ST02 4321"]

    def test_our_270_has_the_samples_shape(self) -> None:
        ours = build_270(
            Inquiry(
                "93175-012547",
                "ABC Company",
                "842610001",
                "Bone and Joint Clinic",
                "2000035",
                Person("Smith", "Robert", date(1943, 5, 19)),
                "11122333301",
                date(2006, 5, 1),
            ),
            Envelope("000000005", "12345", 907, datetime(2013, 10, 31, 11, 47, tzinfo=UTC)),
        )
        theirs = sample("subscriber-health-benefit-check.270")
        assert [s.id for s in split_segments(ours)[1]] == [s.id for s in split_segments(theirs)[1]]
        mine = {s.id: s.elements for s in split_segments(ours)[1]}
        sample_segments = {s.id: s.elements for s in split_segments(theirs)[1]}
        for seg in ("TRN", "NM1", "DMG", "DTP", "EQ"):
            assert mine[seg][:3] == sample_segments[seg][:3]
        read_interchange(ours)  # counts and envelopes check out


class TestDelimiters:
    @pytest.mark.parametrize("line_break", ["", "\n", "\r\n"])
    def test_any_delimiters_read_the_same(self, line_break: str) -> None:
        text = restyle(sample("subscriber-health-benefit-check.271"), ODD, line_break=line_break)
        assert delimiters_of(text) == ODD
        [answer] = read_271(text)
        assert answer.plan_name == "GOLD 123 PLAN" and "98" in answer.benefits[-1].service_types

    def test_270_with_other_delimiters_cleans_values(self) -> None:
        text = build_270(
            Inquiry(
                "T1",
                "Plan|With|Bars",
                "P1",
                "Clinic",
                "1234567893",
                Person("O'Neil*", "Ann", None),
                "M1",
                date(2026, 3, 9),
            ),
            Envelope("SENDER", "P1", 5, datetime(2026, 3, 6, tzinfo=UTC)),
            ODD,
        )
        _, segments = split_segments(text)
        payer = next(s for s in segments if s.id == "NM1" and s.get(1) == "PR")
        assert payer.get(3) == "PLAN WITH BARS"
        assert read_interchange(text).sets[0].kind == "270"


def _eb(
    info: str,
    level: str,
    service: str,
    *,
    period: str = "",
    amount: str = "",
    percent: str = "",
    auth: str = "",
    network: str = "",
) -> str:
    """An EB segment with its elements in their places (EB01..EB12)."""
    elements = ["EB", info, level, service, "", "", period, amount, percent, "", "", auth, network]
    return "*".join(elements).rstrip("*")


class TestVariants:
    def test_several_subscribers_in_one_file(self) -> None:
        body = answer_body("T1")[: -0 or None]
        second = ["HL*4*2*22*0", "TRN*2*T2*9SCHEDTUI0", "NM1*IL*1*DOE*JO****MI*X9", "EB*6**30"]
        answers = read_271(interchange([*body, *second]))
        assert [(a.trace_numbers, a.status) for a in answers] == [
            (["T1"], "active"),
            (["T2"], "inactive"),
        ]

    def test_deductible_coinsurance_and_out_of_pocket(self) -> None:
        benefits = (
            "EB*1**30**SILVER PLAN",
            _eb("C", "IND", "30", period="23", amount="1500.00", network="Y"),
            _eb("C", "IND", "30", period="29", amount="400.50", network="Y"),
            _eb("A", "IND", "98", percent=".2", network="Y"),
            _eb("G", "FAM", "30", period="23", amount="6000", network="N"),
            _eb("CB", "IND", "62", auth="Y", network="Y"),
            "MSG*PRIOR AUTHORIZATION REQUIRED FOR MRI",
        )
        [answer] = read_271(interchange(answer_body("T1", benefits=benefits)))
        deductible = [(b.amount_cents, b.period) for b in answer.benefits if b.info_code == "C"]
        assert deductible == [(150000, "per calendar year"), (40050, "remaining")]
        coinsurance = next(b for b in answer.benefits if b.info_code == "A")
        assert coinsurance.percent == 20 and coinsurance.in_network == "yes"
        out_of_pocket = next(b for b in answer.benefits if b.info_code == "G")
        assert (out_of_pocket.amount_cents, out_of_pocket.coverage_level) == (600000, "family")
        mri = next(b for b in answer.benefits if b.info_code == "CB")
        assert mri.authorization_required == "yes"
        assert mri.messages == ("PRIOR AUTHORIZATION REQUIRED FOR MRI",)

    @pytest.mark.parametrize(
        ("where", "code", "level"),
        [
            (3, "42", "payer"),
            (5, "43", "provider"),
            (9, "72", "subscriber"),
            (10, "75", "subscriber"),
        ],
    )
    def test_rejections_at_every_level(self, where: int, code: str, level: str) -> None:
        body = answer_body("T1", benefits=())
        body.insert(where, f"AAA*N**{code}*C")
        [answer] = read_271(interchange(body))
        assert [(r.level, r.code) for r in answer.rejections] == [(level, code)]
        assert answer.status == "rejected" and answer.rejections[0].follow_up.startswith("please")

    def test_rejection_at_benefit_level(self) -> None:
        body = answer_body("T1", benefits=("EB*1**30**SILVER", "AAA*N**62*R"))
        [answer] = read_271(interchange(body))
        assert answer.status == "active" and answer.rejections[0].level == "benefit"


class TestBadFiles:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("hello", "does not start with an ISA segment"),
            ("ISA*00*", "the ISA segment is cut short"),
            (
                interchange(["BHT*0022*11*T1*20260306*1700"]).replace("SE*3", "SE*9"),
                "says 9 segments, the set has 3",
            ),
            (
                interchange(["BHT*0022*11*T1*20260306*1700"]).replace("GE*1", "GE*2"),
                "says 2 transaction sets",
            ),
            (interchange(["BHT*0022*11*T1*20260306*1700"]).split("SE*")[0], "is cut short"),
            (interchange(["AK1*HS*1"], kind="999"), "(999), not a 271"),
            (interchange([*answer_body("T1"), "EB*ZZ**30"]), "unknown benefit information code"),
            (interchange(answer_body("T1", benefits=("EB*B**98***27*ten",))), "is not a number"),
        ],
    )
    def test_bad_files_name_what_is_wrong(self, text: str, message: str) -> None:
        with pytest.raises(X12Error, match=message.replace("(", r"\(").replace(")", r"\)")):
            read_271(text)

    def test_a_270_is_not_an_answer(self) -> None:
        with pytest.raises(X12Error, match="holds a 270 transaction set"):
            read_271(sample("subscriber-health-benefit-check.270"))

    def test_ta1_acknowledgement_is_refused(self) -> None:
        text = interchange(["BHT*0022*11*T1"]).replace(
            "GS*", "TA1*000000077*260306*1700*A*000~GS*", 1
        )
        with pytest.raises(X12Error, match="TA1"):
            read_271(text)
