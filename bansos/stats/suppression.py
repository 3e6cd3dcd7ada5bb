"""Small-cell suppression of published counts (statistical disclosure control).

Primary: a cell with 1..k-1 households (k = settings.STATS_MIN_CELL, 10 by default) is shown as "<k", and
so is its amount. Zero is shown (it discloses nobody).

Secondary: each table is published together with its total (the parent region's row one level up), so
the suppressed cells of a table could be recovered as total minus the visible cells. Therefore, while the
suppressed cells of a table are fewer than two, or together hold fewer than k households, the smallest
visible non-zero cell is suppressed too. Then no suppressed cell can be derived from the total (the
difference is shared by at least two cells and is at least k). A total below k is itself suppressed.

Not covered (documented in docs/adr/0008-notices-and-fanout.md): differencing across periods or across
programs, and across the CSV and the pages (they use the same function, so they show the same cells)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Cell:
    code: str
    name: str
    households: int
    amount: int
    suppressed: bool = False


def suppress(cells: list[Cell], k: int) -> list[Cell]:
    """Mark cells to suppress (in place; also returned)."""
    for cell in cells:
        cell.suppressed = 0 < cell.households < k
    if k <= 1:
        return cells

    def hidden() -> list[Cell]:
        return [c for c in cells if c.suppressed]

    while hidden() and (len(hidden()) < 2 or sum(c.households for c in hidden()) < k):
        visible = [c for c in cells if not c.suppressed and c.households > 0]
        if not visible:
            break
        min(visible, key=lambda c: (c.households, c.code)).suppressed = True
    return cells


def suppress_total(households: int, k: int) -> bool:
    return 0 < households < k
