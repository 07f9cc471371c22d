"""`schedtui messages wording list|show|set|reset`: what each kind of message says, per
channel and language, in the supervisors' own words or the program's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schedtui.commands.common import (
    CommandDesk,
    DbOption,
    JsonOption,
    command_desk,
    print_json,
    say,
    settings,
)
from schedtui.core.messages.phrasebook import (
    Key,
    check_key,
    own_words,
    reset_wording,
    set_wording,
    wording_rows,
)
from schedtui.core.messages.preview import previews, sample_words
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable

app = typer.Typer(
    help="What each kind of message says (supervisors word them; the program's own words "
    "are used where they have not).",
    add_completion=False,
)

KindArg = Annotated[
    str, typer.Argument(help="confirmation, reminder, change, cancellation or must-move.")
]
ChannelOption = Annotated[str, typer.Option("--channel", help="email, sms or voice.")]
LanguageOption = Annotated[str, typer.Option("--language", help="en or es.")]
#: The largest file --body-file reads.
BODY_FILE_LIMIT = 10_000


@app.command("list")
def list_(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every kind of message on every channel in every language: own words or the
    program's."""
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        rows = wording_rows(session)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        whose = "own" if row.own else "program's"
        first = row.subject or row.body.splitlines()[0]
        say(printable(f"{row.kind:<13} {row.channel:<6} {row.language}  {whose:<10} {first[:50]}"))


@app.command("show")
def show(
    ctx: typer.Context,
    kind: KindArg,
    channel: ChannelOption = "email",
    language: LanguageOption = "en",
    db: DbOption = None,
) -> None:
    """The words of one kind of message, and how a sample patient would read them."""
    check_key(kind, channel, language)
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        [row] = [
            r
            for r in wording_rows(session)
            if (r.kind, r.channel, r.language) == (kind, channel, language)
        ]
    say(f"{kind}, {channel}, {language}: " + ("own words" if row.own else "the program's words"))
    if row.subject:
        say(printable(f"Subject: {row.subject}"))
    for line in row.body.splitlines():
        say(printable(line))
    _preview(desk, (kind, channel, language))


@app.command("set")
def set_(
    ctx: typer.Context,
    kind: KindArg,
    channel: ChannelOption,
    language: LanguageOption = "en",
    body: Annotated[
        str | None, typer.Option("--body", help="The words, with {when}, {call}...")
    ] = None,
    body_file: Annotated[
        Path | None, typer.Option("--body-file", help="Read the words from this text file.")
    ] = None,
    subject: Annotated[str, typer.Option("--subject", help="E-mail only.")] = "",
    db: DbOption = None,
) -> None:
    """Word one kind of message (supervisors; audited before and after), then show it
    for a sample patient."""
    words = _body(body, body_file)
    desk = command_desk(ctx, db)
    key = (kind, channel, language)
    set_wording(desk.store, desk.actor, key, subject, words, now=desk.clock.now())
    say(f"Saved: {kind}, {channel}, {language}. A sample patient would read:")
    _preview(desk, key)


@app.command("reset")
def reset(
    ctx: typer.Context,
    kind: KindArg,
    channel: ChannelOption,
    language: LanguageOption = "en",
    db: DbOption = None,
) -> None:
    """Back to the program's own words for one kind of message (audited)."""
    desk = command_desk(ctx, db)
    if reset_wording(desk.store, desk.actor, (kind, channel, language), now=desk.clock.now()):
        say(f"{kind}, {channel}, {language}: back to the program's words.")
    else:
        say(f"{kind}, {channel}, {language} already says the program's words.")


def _body(body: str | None, body_file: Path | None) -> str:
    if (body is None) == (body_file is None):
        raise BadInput("Give the words with --body TEXT or --body-file FILE (one of them).")
    if body is not None:
        return body
    assert body_file is not None
    if not body_file.is_file():
        raise BadInput(f"--body-file {body_file}: not a file.")
    if body_file.stat().st_size > BODY_FILE_LIMIT:
        raise BadInput(f"--body-file {body_file}: larger than {BODY_FILE_LIMIT} bytes.")
    try:
        return body_file.read_text(encoding="utf-8").rstrip("\n")
    except UnicodeDecodeError as fault:
        raise BadInput(f"--body-file {body_file}: not UTF-8 text ({fault.reason}).") from None


def _preview(desk: CommandDesk, key: Key) -> None:
    kind, channel, language = key
    with desk.store.read() as session:
        try:
            words = sample_words(
                session, settings(), language=language, mode="in-person", now=desk.clock.now()
            )
        except BadInput as nothing_to_show:
            say(f"(No preview: {nothing_to_show})")
            return
        [shown] = previews(words, (kind,), (channel,), own_words(session))
    say("---")
    if shown.subject:
        say(printable(f"Subject: {shown.subject}"))
    for line in shown.text.splitlines():
        say(printable(line))
