"""The calendar grid as one widget: a time column and a provider header that stay put, the
cells drawn line by line. Only the lines on screen are drawn, each is kept until the grid
changes, and moving the cursor redraws just the two lines it leaves and enters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from schedtui.core.support.text import printable
from schedtui.core.views.day_grid import Cell, Column, DayGrid, row_label
from schedtui.widgets.grid_cells import cell_look

TIME_WIDTH = 7
CELL_WIDTH = 18


class CalendarGrid(ScrollView, can_focus=True):
    """Providers side by side, time running down; a cursor on one cell."""

    COMPONENT_CLASSES = {
        "calendar-grid--header",
        "calendar-grid--cursor",
        "calendar-grid--now",
        "calendar-grid--now-line",
        "calendar-grid--time",
    }
    DEFAULT_CSS = """
    CalendarGrid { background: $surface; }
    CalendarGrid > .calendar-grid--header { text-style: bold; background: $panel; }
    CalendarGrid > .calendar-grid--time { color: $text-muted; }
    CalendarGrid > .calendar-grid--now { text-style: bold reverse; }
    CalendarGrid > .calendar-grid--now-line { text-style: underline; }
    CalendarGrid > .calendar-grid--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """
    BINDINGS = [
        Binding("up", "move(-1,0)", "Up", show=False),
        Binding("down", "move(1,0)", "Down", show=False),
        Binding("left", "move(0,-1)", "Left", show=False),
        Binding("right", "move(0,1)", "Right", show=False),
        Binding("home", "first_row", "First row", show=False),
        Binding("end", "last_row", "Last row", show=False),
        Binding("enter", "choose", "Open/book", show=False),
    ]

    @dataclass
    class VisitChosen(Message):
        """Enter (or a second click) on a visit."""

        appointment_id: int

    @dataclass
    class TimeChosen(Message):
        """Enter (or a second click) on open time: the provider's column and when."""

        place: Column
        start: datetime

    @dataclass
    class ClosedTimeChosen(Message):
        """Enter (or a second click) on time nobody can be booked in (a block, or the
        provider not working then)."""

        cell: Cell

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid: DayGrid | None = None
        #: The row of the current time in the call center's timezone (its label stands out)
        #: and, per column, the row it falls in where that provider works.
        self.now_row: int | None = None
        self.now_by_column: dict[int, int] = {}
        #: (row, column) in the grid: column 0 is the first provider, not the time.
        self.cursor = (0, 0)
        self._lines: dict[int, Strip] = {}
        #: The widget's style with each component's over it, worked out once a theme.
        self._looks: dict[str, Style] = {}

    def show(self, grid: DayGrid, now_row: int | None, now_by_column: dict[int, int]) -> None:
        """Draw another grid (a day, a week, a change), keeping the cursor where it was."""
        self.grid, self.now_row, self.now_by_column = grid, now_row, now_by_column
        self._lines.clear()
        width = TIME_WIDTH + CELL_WIDTH * len(grid.columns)
        self.virtual_size = Size(width, len(grid.rows) + 1)
        self.move_cursor(*self.cursor)
        self.refresh()

    def cell_under_cursor(self) -> Cell | None:
        """The cell under the cursor (None while there is no grid or nobody works)."""
        if self.grid is None or not self.grid.columns or not self.grid.rows:
            return None
        return self.grid.cell(*self.cursor)

    def time_under_cursor(self) -> tuple[Column, datetime] | None:
        """The provider's column and the time under the cursor (in the column's site time)."""
        grid = self.grid
        if grid is None or not grid.columns or not grid.rows:
            return None
        row, column = self.cursor
        return grid.columns[column], grid.columns[column].moment(grid, row)

    def open_run_under_cursor(self) -> tuple[Column, tuple[datetime, datetime]] | None:
        """The column and the open time from the cursor down to the next thing in it
        (None unless the cursor is on open time)."""
        cell = self.cell_under_cursor()
        if self.grid is None or cell is None or cell.kind != "open":
            return None
        row, column = self.cursor
        return self.grid.columns[column], self.grid.open_run(row, column)

    def headings(self) -> list[str]:
        """The header as it reads: the zone the times are in (EDT), then each column's
        provider (or day); when the columns' sites are in different zones, "Time" and
        each column names its own."""
        grid = self.grid
        if grid is None:
            return []
        zones = [
            datetime.combine(c.day or grid.day, time(12), ZoneInfo(c.zone)).tzname() or c.zone
            for c in grid.columns
        ]
        names = [printable(c.name) for c in grid.columns]
        if len(set(zones)) <= 1:
            return [zones[0] if zones else "Time", *names]
        return ["Time", *(f"{name} {zone}" for name, zone in zip(names, zones, strict=True))]

    def row_texts(self) -> list[list[str]]:
        """Each row as it reads (time, then a cell a provider), for tests and scripts."""
        grid = self.grid
        if grid is None:
            return []
        return [
            [row_label(at), *(cell_look(grid.cell(r, c))[0] for c in range(len(grid.columns)))]
            for r, at in enumerate(grid.rows)
        ]

    def move_cursor(self, row: int, column: int) -> None:
        """Put the cursor on (row, column), kept inside the grid and on screen."""
        grid = self.grid
        before = self.cursor[0]
        if grid is None or not grid.rows or not grid.columns:
            self.cursor = (0, 0)
        else:
            self.cursor = (
                max(0, min(row, len(grid.rows) - 1)),
                max(0, min(column, len(grid.columns) - 1)),
            )
        self._keep_in_sight()
        self.refresh_line(before + 1)
        self.refresh_line(self.cursor[0] + 1)

    def _keep_in_sight(self) -> None:
        row, column = self.cursor
        rows_shown = max(1, self.scrollable_content_region.height - 1)
        width_shown = max(CELL_WIDTH, self.scrollable_content_region.width - TIME_WIDTH)
        y, x = self.scroll_offset.y, self.scroll_offset.x
        if row < y:
            y = row
        elif row >= y + rows_shown:
            y = row - rows_shown + 1
        left = column * CELL_WIDTH
        if left < x:
            x = left
        elif left + CELL_WIDTH > x + width_shown:
            x = left + CELL_WIDTH - width_shown
        if (x, y) != (self.scroll_offset.x, self.scroll_offset.y):
            self.scroll_to(x, y, animate=False, immediate=True)

    def action_move(self, rows: int, columns: int) -> None:
        """Move the cursor a cell."""
        self.move_cursor(self.cursor[0] + rows, self.cursor[1] + columns)

    def action_first_row(self) -> None:
        """The first row of the day."""
        self.move_cursor(0, self.cursor[1])

    def action_last_row(self) -> None:
        """The last row of the day."""
        self.move_cursor(len(self.grid.rows) - 1 if self.grid else 0, self.cursor[1])

    def action_choose(self) -> None:
        """Open the visit under the cursor, or book the open time there (or say why not)."""
        cell, spot = self.cell_under_cursor(), self.time_under_cursor()
        if cell is None or spot is None:
            return
        if cell.appointment_id is not None:
            self.post_message(self.VisitChosen(cell.appointment_id))
        elif cell.kind == "open":
            self.post_message(self.TimeChosen(*spot))
        else:
            self.post_message(self.ClosedTimeChosen(cell))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the cell (a second click chooses it)."""
        if event.y < 1 or event.x < TIME_WIDTH:
            return
        row = event.y - 1 + self.scroll_offset.y
        column = (event.x - TIME_WIDTH + self.scroll_offset.x) // CELL_WIDTH
        again = (row, column) == self.cursor
        self.move_cursor(row, column)
        if again:
            self.action_choose()

    def notify_style_update(self) -> None:
        """A new theme: draw every line again."""
        super().notify_style_update()
        self._lines.clear()
        self._looks.clear()

    def _look(self, component: str = "") -> Style:
        """The widget's style, with `component`'s over it (kept until the theme changes:
        working it out walks the widget's ancestors)."""
        look = self._looks.get(component)
        if look is None:
            look = self.rich_style
            if component:
                look += self.get_component_rich_style(component)
            self._looks[component] = look
        return look

    def render_line(self, y: int) -> Strip:
        """Line `y` of the widget: the header, or a row from where it is scrolled to."""
        width = self.scrollable_content_region.width
        if y == 0:
            line = self._header()
        else:
            row = y - 1 + self.scroll_offset.y
            if self.grid is None or row >= len(self.grid.rows):
                return Strip.blank(width, self._look())
            line = self._row(row)
        left = self.scroll_offset.x + TIME_WIDTH
        body = line.crop(left, left + width - TIME_WIDTH)
        return Strip.join([line.crop(0, TIME_WIDTH), body]).extend_cell_length(width, self._look())

    def _header(self) -> Strip:
        style = self._look("calendar-grid--header")
        names = self.headings() or ["Time"]
        return _strip(names, [style] * len(names))

    def _row(self, row: int) -> Strip:
        if row != self.cursor[0] and row in self._lines:
            return self._lines[row]
        assert self.grid is not None
        base = self._look()
        time_style = self._look(
            "calendar-grid--now" if row == self.now_row else "calendar-grid--time"
        )
        texts, styles = [row_label(self.grid.rows[row])], [time_style]
        line = self._look("calendar-grid--now-line")
        for column in range(len(self.grid.columns)):
            words, look = cell_look(self.grid.cell(row, column))
            texts.append(words)
            # the current time runs across the day as a line, in each column's own time
            styles.append((line if self.now_by_column.get(column) == row else base) + look)
        if row == self.cursor[0] and self.grid.columns:
            column = self.cursor[1] + 1
            styles[column] += self._look("calendar-grid--cursor")
            return _strip(texts, styles)
        self._lines[row] = _strip(texts, styles)
        return self._lines[row]


@lru_cache(maxsize=4096)
def _padded(text: str, width: int) -> str:
    """` text` cut or padded to `width` cells (a day repeats the same few words)."""
    return set_cell_size(f" {text}", width)


def _strip(texts: list[str], styles: list[Style]) -> Strip:
    """A line of cells: the time column, then each provider's cell padded to its width."""
    segments = [Segment(_padded(texts[0], TIME_WIDTH), styles[0])]
    segments += [
        Segment(_padded(text, CELL_WIDTH), style)
        for text, style in zip(texts[1:], styles[1:], strict=True)
    ]
    return Strip(segments, TIME_WIDTH + CELL_WIDTH * (len(texts) - 1))
