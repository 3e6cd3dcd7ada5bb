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
from dataclasses import dataclass, field
from typing import TypeVar

from bansos.core.conf import setting
from bansos.programs.models import Period, Program
from bansos.regions import selectors as region_selectors
from bansos.regions.models import Village

DEFAULT_SECONDS = 60.0
DEFAULT_REGION_SECONDS = 3600.0  # regions change once a year (Kepmendagri)
T = TypeVar("T")

_lock = threading.Lock()
_entries: dict[tuple[str, str], tuple[float, object]] = {}


def _seconds(kind: str) -> float:
    seconds = float(setting("LOOKUP_METADATA_CACHE_SECONDS", DEFAULT_SECONDS))
    if kind in ("village", "children") and seconds > 0:
        seconds = float(setting("LOOKUP_REGION_CACHE_SECONDS", DEFAULT_REGION_SECONDS))
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
    # Values computed from this catalogue alone (bansos.lookup.programs), dropped with it when it expires.
    derived: dict[object, object] = field(default_factory=dict, compare=False, repr=False)


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


REGION_LEVELS = ("village", "district", "regency", "province")


def _village_names(code: str) -> tuple[str, ...] | None:
    path = region_selectors.village_path(code)
    return None if path is None else tuple(path[level] for level in REGION_LEVELS)


def village_path(code: str) -> dict[str, str] | None:
    names = cached("village", code, lambda: _village_names(code))
    return None if names is None else dict(zip(REGION_LEVELS, names, strict=True))


def preload() -> int:
    """Every village path in one query, kept like the entries read one by one. ``bansos serve`` runs it
    before forking (SERVE_PRELOAD in the production settings), so the workers start with all of them,
    shared copy-on-write; district, regency and province names are stored once (about 25 MB in all)."""
    seconds = _seconds("village")
    if seconds <= 0:
        return 0
    expires = time.monotonic() + seconds
    shared: dict[str, str] = {}
    rows = Village.objects.values_list(
        "code", "name", "district__name", "district__regency__name", "district__regency__province__name"
    )
    count = 0
    with _lock:
        for code, *names in rows.iterator(chunk_size=10_000):
            _entries[("village", code)] = (expires, tuple(shared.setdefault(name, name) for name in names))
            count += 1
    return count


def children(code: str = "") -> list[tuple[str, str]]:
    """The region list under ``code`` for the cascading selects (pages and API)."""
    return cached("children", code, lambda: region_selectors.children(code))
