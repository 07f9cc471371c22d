"""A table that lays itself out for the room it has: every column when wide, the columns
that matter most when narrow (80x24). Cells are cut to their column with an ellipsis, so
a long name never pushes the columns after it out of sight."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, NamedTuple, TypeVar

from rich.text import Text
from textual import events
from textual.widgets import DataTable

#: Room the vertical scroll bar and the left margin take.
EDGES = 3


class Column(NamedTuple):
    """A column: its heading, the key of its cell in a row, and its width."""

    label: str
    key: str
    width: int


def needed(columns: tuple[Column, ...]) -> int:
    """Columns a layout takes, one-character gaps and the edges included."""
    return sum(column.width + 1 for column in columns) + EDGES


def fitted(cell: Text, width: int) -> Text:
    """A cell cut to its column (an ellipsis shows what was cut); the column's extra
    character is the gap (a right-aligned cell is aligned before it)."""
    text = cell.copy()
    text.truncate(width, overflow="ellipsis")
    if text.justify == "right":  # aligned by hand: Rich would align it into the gap
        text.pad_left(width - text.cell_len)
        text.justify = "left"
    return text


class FittedTable(DataTable[Text]):
    """Rows of named cells; the layout (FULL or BRIEF) picks which show."""

    DEFAULT_CSS = """
    FittedTable { padding-left: 1; }
    """
    FULL: tuple[Column, ...] = ()
    BRIEF: tuple[Column, ...] = ()

    def __init__(self, *, id: str | None = None, zebra_stripes: bool = False) -> None:
        super().__init__(id=id, cursor_type="row", cell_padding=0, zebra_stripes=zebra_stripes)
        self.brief: bool | None = None

    @property
    def columns_shown(self) -> tuple[Column, ...]:
        """The columns of the layout in use."""
        return self.BRIEF if self.brief else self.FULL

    def on_mount(self) -> None:
        self.lay_out(brief=False)

    def on_resize(self, event: events.Resize) -> None:
        self.lay_out(brief=event.size.width < needed(self.FULL))

    def lay_out(self, *, brief: bool) -> None:
        """Use the FULL or BRIEF columns, and fill the rows again in them."""
        if brief == self.brief:
            return
        self.brief = brief
        self.clear(columns=True)
        for column in self.columns_shown:
            self.add_column(column.label, key=column.key, width=column.width + 1)
        self.refill()

    def refill(self) -> None:
        """Add the rows again (after the layout changed)."""

    def add_cells(self, cells: dict[str, Text], *, key: str) -> None:
        """One row, from cells named by column key (those the layout hides are left out)."""
        self.add_row(
            *(fitted(cells[column.key], column.width) for column in self.columns_shown),
            key=key,
        )


Row = TypeVar("Row")
Context = TypeVar("Context")


class RowsTable(FittedTable, Generic[Row, Context]):
    """A fitted table of read-model rows, each made into cells with what they are read
    against (today, the clinic's zone); the cursor stays where it was if it can."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, zebra_stripes=True)
        self.rows_shown: list[Row] = []
        self.context: Context | None = None

    def show(self, rows: Iterable[Row], context: Context) -> None:
        """Replace the rows."""
        self.rows_shown, self.context = list(rows), context
        cursor = self.cursor_row
        self.clear()
        for number, row in enumerate(self.rows_shown):
            self.add_cells(self.cells(row, context), key=str(number))
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))

    def refill(self) -> None:
        if self.context is not None:
            self.show(self.rows_shown, self.context)

    def cells(self, row: Row, context: Context) -> dict[str, Text]:
        """One row's cells, by column key."""
        raise NotImplementedError
