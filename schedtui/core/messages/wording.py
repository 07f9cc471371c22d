"""What each message says, in the patient's language (English and Spanish), with the
minimum necessary: when, with whom, where, and the number to call. Never the reason
for the visit, a diagnosis or the specialty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

_DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
        "septiembre", "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip

#: Subject and body of each kind: {when}, {was}, {provider}, {place}, {call}, {clinic}...
_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "confirmation": (
            "Your visit on {day}",
            "Hello {first},\n\nYour visit with {provider} is booked for {when}.\n{where}\n"
            "To change or cancel it, call {call}.",
        ),
        "reminder": (
            "Reminder: your visit on {day}",
            "Hello {first},\n\nA reminder of your visit with {provider} on {when}.\n{where}\n"
            "If you cannot come, please call {call}.",
        ),
        "change": (
            "Your visit has moved to {day}",
            "Hello {first},\n\nYour visit with {provider} has moved.\nIt was: {was}.\n"
            "It is now: {when}.\n{where}\nTo change it again, call {call}.",
        ),
        "cancellation": (
            "Your visit on {day} is cancelled",
            "Hello {first},\n\nYour visit with {provider} on {when} is cancelled.\n"
            "To book another time, call {call}.",
        ),
        "must-move": (
            "We must move your visit on {day}",
            "Hello {first},\n\nWe are sorry: the clinic cannot keep your visit with "
            "{provider} on {when}.\nPlease call {call} to choose another time.",
        ),
        "in-person": ("Where: {place}.", ""),
        "telehealth": ("This is a video visit: the link to join comes before it.", ""),
        "telehealth-link": (
            "This is a video visit. Join a few minutes early at: {link}\n{device_test}",
            "",
        ),
        "device-test": ("Before the visit, test your camera and microphone at: {test}", ""),
        "at": ("{weekday}, {month} {day} at {clock}", ""),
        "sign": ("{clinic}", ""),
    },
    "es": {
        "confirmation": (
            "Su cita del {day}",
            "Hola {first}:\n\nSu cita con {provider} quedó reservada para el {when}.\n{where}\n"
            "Para cambiarla o cancelarla, llame al {call}.",
        ),
        "reminder": (
            "Recordatorio: su cita del {day}",
            "Hola {first}:\n\nLe recordamos su cita con {provider} el {when}.\n{where}\n"
            "Si no puede venir, llame al {call}.",
        ),
        "change": (
            "Su cita cambió al {day}",
            "Hola {first}:\n\nSu cita con {provider} cambió.\nEra: {was}.\nAhora es: {when}.\n"
            "{where}\nPara cambiarla de nuevo, llame al {call}.",
        ),
        "cancellation": (
            "Su cita del {day} está cancelada",
            "Hola {first}:\n\nSu cita con {provider} del {when} está cancelada.\n"
            "Para reservar otra hora, llame al {call}.",
        ),
        "must-move": (
            "Debemos cambiar su cita del {day}",
            "Hola {first}:\n\nLo sentimos: la clínica no puede mantener su cita con "
            "{provider} del {when}.\nLlame al {call} para elegir otra hora.",
        ),
        "in-person": ("Lugar: {place}.", ""),
        "telehealth": ("Es una cita por video: el enlace para entrar llegará antes.", ""),
        "telehealth-link": (
            "Es una cita por video. Entre unos minutos antes en: {link}\n{device_test}",
            "",
        ),
        "device-test": ("Antes de la cita, pruebe su cámara y micrófono en: {test}", ""),
        "at": ("{weekday} {day} de {month} a las {clock}", ""),
        "sign": ("{clinic}", ""),
    },
}


@dataclass(frozen=True)
class Told:
    """What a message says: its subject and its body (plain text)."""

    subject: str
    text: str


@dataclass(frozen=True)
class VisitWords:
    """What a message may say of a visit and the patient it is for."""

    first_name: str
    language: str
    provider: str
    place: str
    call_back: str
    clinic: str
    mode: str
    start: datetime  # in the site's zone
    #: A video visit's link (sent only to the patient), and where to test a device first.
    video_link: str = ""
    device_test: str = ""
    #: Whether patients' texts back are read (`messages serve`): a reminder says what
    #: they may reply.
    replies: bool = False


def language_of(preferred: str) -> str:
    """The language messages are written in: the patient's, when we write it."""
    code = (preferred or "en").lower()[:2]
    return code if code in _WORDS else "en"


def spoken_time(local: datetime, language: str) -> str:
    """'Friday, December 4 at 9:00 AM EST' (or in Spanish), in the site's own time."""
    words = _WORDS[language]
    clock = f"{local:%I:%M %p}".lstrip("0") + f" {local:%Z}"
    return words["at"][0].format(
        weekday=_DAYS[language][local.weekday()],
        month=_MONTHS[language][local.month - 1],
        day=local.day,
        clock=clock,
    )


def _day(local: datetime, language: str) -> str:
    if language == "es":
        return f"{local.day} de {_MONTHS['es'][local.month - 1]}"
    return f"{_MONTHS['en'][local.month - 1]} {local.day}"


#: A supervisor's own subject and body for a kind of message (None: the program's own).
Own = tuple[str, str] | None


def _fill(visit: VisitWords, was: datetime | None) -> dict[str, str]:
    """Every placeholder a message may hold (each channel allows only some of them)."""
    return {
        "first": visit.first_name,
        "provider": visit.provider,
        "clinic": visit.clinic,
        "when": spoken_time(visit.start, visit.language),
        "was": spoken_time(was, visit.language) if was is not None else "",
        "day": _day(visit.start, visit.language),
        "where": _where(_WORDS[visit.language], visit),
        "call": visit.call_back or visit.clinic,
    }


def built_in(kind: str, channel: str, language: str) -> tuple[str, str]:
    """The program's own subject and body of `kind` on `channel` in `language`."""
    if channel == "email":
        return _WORDS[language][kind]
    return "", (_TEXTS if channel == "sms" else _CALLS)[language][kind]


def tell(kind: str, visit: VisitWords, *, was: datetime | None = None, own: Own = None) -> Told:
    """The message of `kind` about `visit` (`was`: the old time of a moved visit), in
    the supervisor's own words when there are some."""
    words = _WORDS[visit.language]
    fill = _fill(visit, was)
    subject, body = own or words[kind]
    text = body.format(**fill) + "\n\n" + words["sign"][0].format(clinic=visit.clinic) + "\n"
    return Told(subject.format(**fill), text)


def _where(words: dict[str, tuple[str, str]], visit: VisitWords) -> str:
    """Where the visit happens: the address, or how to join a video visit."""
    if visit.mode != "telehealth":
        return words["in-person"][0].format(place=visit.place)
    if not visit.video_link:
        return words["telehealth"][0]
    test = words["device-test"][0].format(test=visit.device_test) if visit.device_test else ""
    return words["telehealth-link"][0].format(link=visit.video_link, device_test=test).strip()


#: Text messages: short, and saying less (no provider: a name can tell the specialty).
_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "confirmation": "{clinic}: your visit is booked for {when}. To change it, call {call}.",
        "reminder": "{clinic}: a reminder of your visit {when}. Cannot come? Call {call}.",
        "change": "{clinic}: your visit has moved to {when} (it was {was}). Call {call} to "
        "change it.",
        "cancellation": "{clinic}: your visit {when} is cancelled. To book again, call {call}.",
        "must-move": "{clinic}: we must move your visit {when}. Please call {call}.",
        "replies": " Reply C to confirm, R for a call back.",
        "join": " Join by video: {link}",
        "stop": " Reply STOP to opt out.",
    },
    "es": {
        "confirmation": "{clinic}: su cita quedó reservada para el {when}. Para cambiarla, "
        "llame al {call}.",
        "reminder": "{clinic}: le recordamos su cita del {when}. ¿No puede venir? Llame al {call}.",
        "change": "{clinic}: su cita cambió al {when} (era el {was}). Para cambiarla, llame "
        "al {call}.",
        "cancellation": "{clinic}: su cita del {when} está cancelada. Para reservar otra, "
        "llame al {call}.",
        "must-move": "{clinic}: debemos cambiar su cita del {when}. Llame al {call}.",
        "replies": " Responda C para confirmar, R para que le llamemos.",
        "join": " Entre por video: {link}",
        "stop": " Responda STOP para no recibir más mensajes.",
    },
}


def text_of(kind: str, visit: VisitWords, *, was: datetime | None = None, own: Own = None) -> Told:
    """The text message of `kind` about `visit` (no subject); the video link, what to
    reply and how to opt out are always added."""
    texts = _TEXTS[visit.language]
    body = (own[1] if own else texts[kind]).format(**_fill(visit, was))
    asks = texts["replies"] if visit.replies and kind == "reminder" else ""
    joins = (
        visit.mode == "telehealth"
        and visit.video_link
        and kind in ("confirmation", "reminder", "change")
    )
    join = texts["join"].format(link=visit.video_link) if joins else ""
    return Told("", body + join + asks + texts["stop"])


#: Calls (the call list): what the caller says to the patient, in the patient's language,
#: and the only words left on a voicemail (the clinic and a number: nothing of the visit).
_CALLS: dict[str, dict[str, str]] = {
    "en": {
        "reminder": "this is {clinic} with a reminder of your visit with {provider} on "
        "{when}. {where} Will you be able to come?",
        "change": "this is {clinic}: your visit with {provider} has moved from {was} to "
        "{when}. {where} Does the new time suit you?",
        "cancellation": "this is {clinic}: your visit with {provider} on {when} is "
        "cancelled. Would you like to book another time?",
        "must-move": "this is {clinic}: we are sorry, we cannot keep your visit with "
        "{provider} on {when}. Let us choose another time now.",
        "ask": "Ask for {first}, then say: ",
        "voicemail": "On a voicemail, say only: this is {clinic} calling for {first}; please "
        "call us back at {call}.",
    },
    "es": {
        "reminder": "le llamamos de {clinic} para recordarle su cita con {provider} el "
        "{when}. {where} ¿Podrá venir?",
        "change": "le llamamos de {clinic}: su cita con {provider} cambió del {was} al "
        "{when}. {where} ¿Le conviene la nueva hora?",
        "cancellation": "le llamamos de {clinic}: su cita con {provider} del {when} está "
        "cancelada. ¿Quiere reservar otra hora?",
        "must-move": "le llamamos de {clinic}: lo sentimos, no podemos mantener su cita con "
        "{provider} del {when}. Elijamos otra hora ahora.",
        "ask": "Pregunte por {first} y diga: ",
        "voicemail": "En un buzón de voz, diga solo: le llamamos de {clinic} para {first}; "
        "por favor llámenos al {call}.",
    },
}
#: The kinds of message that are calls when the patient takes neither e-mail nor texts
#: (a confirmation is not: a patient who agrees only to calls booked on one).
CALL_KINDS = ("reminder", "change", "cancellation", "must-move")


def script_of(
    kind: str, visit: VisitWords, *, was: datetime | None = None, own: Own = None
) -> Told:
    """What the caller says on a call of `kind` about `visit`, and leaves on a voicemail
    (always only the clinic and the number)."""
    calls = _CALLS[visit.language]
    fill = _fill(visit, was)
    said = calls["ask"].format(**fill) + (own[1] if own else calls[kind]).format(**fill)
    return Told("", said + "\n" + calls["voicemail"].format(**fill))
