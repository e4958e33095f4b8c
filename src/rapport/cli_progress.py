"""Progress for long commands (demo, backup, restore, export): a Rich line on a terminal,
nothing at all in scripts, cron jobs and pipes, so their output stays what it was.

The line goes to stderr and disappears when the work is done; the command's own result (a path,
the logins) is printed to stdout as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

Step = Callable[[str], None]


def _columns(total: int | None) -> list[ProgressColumn]:
    columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    return [*columns, TimeElapsedColumn()]


@contextmanager
def progress(
    description: str, *, total: int | None = None, console: Console | None = None
) -> Iterator[Step]:
    """Show ``description`` with a spinner and the time taken (and a bar when ``total`` steps
    are known) while the block runs, only when stderr is a terminal.

    Yields ``step(what)``: call it as each step begins; it names the step and advances the bar.
    """
    console = console or Console(stderr=True)
    bar = Progress(
        *_columns(total), console=console, transient=True, disable=not console.is_terminal
    )
    with bar:
        task = bar.add_task(description, total=total)
        started = False

        def step(what: str) -> None:
            nonlocal started
            bar.update(task, description=f"{description}: {what}", advance=1 if started else 0)
            started = True

        yield step
        bar.update(task, completed=total or 0)
