"""Per-process caches of the small, slowly changing data every public check needs: active programs,
non-planned periods, village paths (names of a village and its ancestors) and the region lists of the
cascading selects. A check then costs one query (by NIK) instead of one per table.

Programs and periods live for LOOKUP_METADATA_CACHE_SECONDS (default 60 s; 0 disables every entry, as the
tests do): a program or period changed by Kemensos reaches the public page within that time on every app
server, with no shared cache round trip per request. Region entries live LOOKUP_REGION_CACHE_SECONDS
(default an hour). ``clear()`` empties them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings

from bansos.programs.models import Period, Program
from bansos.regions import selectors as region_selectors

DEFAULT_SECONDS = 60.0
DEFAULT_REGION_SECONDS = 3600.0  # regions change once a year (Kepmendagri)
T = TypeVar("T")

_lock = threading.Lock()
_entries: dict[tuple[str, str], tuple[float, object]] = {}


def _seconds(kind: str) -> float:
    seconds = float(getattr(settings, "LOOKUP_METADATA_CACHE_SECONDS", DEFAULT_SECONDS))
    if kind in ("village", "children") and seconds > 0:
        seconds = float(getattr(settings, "LOOKUP_REGION_CACHE_SECONDS", DEFAULT_REGION_SECONDS))
    return seconds


def cached(kind: str, key: str, load: Callable[[], T]) -> T:
    """``load()``'s value, kept in this process for LOOKUP_METADATA_CACHE_SECONDS (programs, periods) or
    LOOKUP_REGION_CACHE_SECONDS (village paths, region lists; only when the former is not 0)."""
    seconds = _seconds(kind)
    if seconds <= 0:
        return load()
    now = time.monotonic()
    entry = _entries.get((kind, key))
    if entry is not None and entry[0] > now:
        return entry[1]  # type: ignore[return-value]
    value = load()
    with _lock:
        _entries[(kind, key)] = (now + seconds, value)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()


@dataclass(frozen=True)
class Catalogue:
    programs: dict[int, tuple[str, str]]  # active programs: id -> (code, name)
    periods: dict[int, tuple[int, int, str]]  # periods past "planned": id -> (year, stage, label)


def _load_catalogue() -> Catalogue:
    programs = {
        pk: (code, name)
        for pk, code, name in Program.objects.filter(active=True).values_list("id", "code", "name")
    }
    periods = {
        pk: (year, stage, label)
        for pk, year, stage, label in Period.objects.exclude(state=Period.State.PLANNED).values_list(
            "id", "year", "stage", "label"
        )
    }
    return Catalogue(programs=programs, periods=periods)


def catalogue() -> Catalogue:
    return cached("catalogue", "", _load_catalogue)


def village_path(code: str) -> dict[str, str] | None:
    return cached("village", code, lambda: region_selectors.village_path(code))


def children(code: str = "") -> list[tuple[str, str]]:
    """The region list under ``code`` for the cascading selects (pages and API)."""
    return cached("children", code, lambda: region_selectors.children(code))
