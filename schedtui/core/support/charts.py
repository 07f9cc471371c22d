"""A patient's chart found by MRN for a change: a clear refusal for an MRN nobody has,
and for a chart merged into another (the change belongs on the survivor)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from schedtui.core.support.errors import BadInput
from schedtui.data import models as m


def chart_for(session: Session, mrn: str) -> m.Patient:
    """The patient with this MRN, to change; a merged chart is refused with its
    survivor's MRN."""
    patient = session.exec(select(m.Patient).where(col(m.Patient.mrn) == mrn.strip())).first()
    if patient is None:
        raise BadInput(f"There is no patient with MRN '{mrn.strip()}'.")
    if patient.merged_into_id is not None:
        survivor = session.get(m.Patient, patient.merged_into_id)
        raise BadInput(
            f"MRN {patient.mrn} was merged into {survivor.mrn if survivor else '?'}: "
            "change that chart."
        )
    return patient
