"""Every table of the store. Importing this package registers them all on `SQLModel.metadata`."""

from schedtui.data.models.appointments import Appointment, SlotHold
from schedtui.data.models.base import SQLModel
from schedtui.data.models.clinic import (
    AppointmentType,
    AppointmentTypeResource,
    BookingLimit,
    Closure,
    Provider,
    ProviderLanguage,
    ProviderPayer,
    ProviderSite,
    ProviderSpecialty,
    Resource,
    ScheduleBlock,
    ScheduleTemplate,
    Site,
    SiteHours,
    Specialty,
    TemplateAppointmentType,
)
from schedtui.data.models.insurance import (
    Coverage,
    EligibilityCheck,
    FeeSchedule,
    Payer,
    PayerRule,
    PriorAuthorization,
    Referral,
)
from schedtui.data.models.patients import ContactConsent, Patient, PatientPhone
from schedtui.data.models.security import AuditEvent, DomainEvent, User
from schedtui.data.models.store_info import StoreInfo
from schedtui.data.models.workflow import (
    CallNote,
    Complaint,
    Escalation,
    Message,
    Payment,
    RecallCampaign,
    RecallEntry,
    WaitlistEntry,
)

metadata = SQLModel.metadata

__all__ = [
    "Appointment",
    "AppointmentType",
    "AppointmentTypeResource",
    "AuditEvent",
    "BookingLimit",
    "CallNote",
    "Closure",
    "Complaint",
    "ContactConsent",
    "Coverage",
    "DomainEvent",
    "EligibilityCheck",
    "Escalation",
    "FeeSchedule",
    "Message",
    "Patient",
    "PatientPhone",
    "Payer",
    "PayerRule",
    "Payment",
    "PriorAuthorization",
    "Provider",
    "ProviderLanguage",
    "ProviderPayer",
    "ProviderSite",
    "ProviderSpecialty",
    "RecallCampaign",
    "RecallEntry",
    "Referral",
    "Resource",
    "SQLModel",
    "ScheduleBlock",
    "ScheduleTemplate",
    "Site",
    "SiteHours",
    "SlotHold",
    "Specialty",
    "StoreInfo",
    "TemplateAppointmentType",
    "User",
    "WaitlistEntry",
    "metadata",
]
