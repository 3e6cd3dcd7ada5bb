"""The Indonesian catalogue is complete, keeps every placeholder, is compiled, and is what users get.

The .po file is parsed here with a few lines of Python (no gettext tools or polib needed in CI)."""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from bansos.registry.identifiers import IdentifierError, parse_nik

# The project catalogue (LOCALE_PATHS) and each app's own (bansos/<app>/locale, found by makemessages).
PROJECT_LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = [
    PROJECT_LOCALE / "id" / "LC_MESSAGES" / "django.po",
    *sorted(PROJECT_LOCALE.parent.glob("*/locale/id/LC_MESSAGES/django.po")),
]

NAMED_PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL_PLACEHOLDER = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
FIELD_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)
    line: int = 0
    path: Path = PROJECT_LOCALE

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def plural(self) -> str | None:
        return self.fields.get("msgid_plural")

    @property
    def context(self) -> str | None:
        return self.fields.get("msgctxt")

    @property
    def msgstrs(self) -> dict[str, str]:
        return {name: value for name, value in self.fields.items() if name.startswith("msgstr")}

    def where(self) -> str:
        return f"{self.path.relative_to(PROJECT_LOCALE.parent)}:{self.line} {self.msgid!r}"


def _unquote(literal: str) -> str:
    value = ast.literal_eval(literal)
    assert isinstance(value, str)
    return value


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file in order, header first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    last_field = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number, path=path)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue
        elif match := FIELD_LINE.match(line):
            last_field = match.group(1)
            current.fields[last_field] = _unquote(match.group(2))
        elif line.startswith('"') and last_field in current.fields:
            current.fields[last_field] += _unquote(line)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
    return entries


def _catalogue_id(path: Path) -> str:
    return str(path.relative_to(PROJECT_LOCALE.parent))


@pytest.fixture(scope="module", params=CATALOGUES, ids=_catalogue_id)
def catalogue(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture(scope="module")
def entries(catalogue: Path) -> list[Entry]:
    return parse_po(catalogue)


def _specs(pattern: re.Pattern[str], text: str) -> list[str]:
    """Conversion specifiers such as %(count)s or %s, in order; the escaped percent sign %% is not one."""
    return pattern.findall(text.replace("%%", ""))


def _messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid]


def test_header_declares_indonesian_utf8_and_one_plural_form(entries: list[Entry]) -> None:
    header = entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    meta = dict(line.split(": ", 1) for line in header.fields["msgstr"].splitlines() if ": " in line)
    assert meta["Project-Id-Version"] == "Bansos"
    assert meta["Language"] == "id"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["Plural-Forms"] == "nplurals=1; plural=0;"


def test_every_message_is_translated_and_none_is_fuzzy(entries: list[Entry]) -> None:
    messages = _messages(entries)
    assert len(messages) > (100 if entries[0].path == CATALOGUES[0] else 0)
    fuzzy = [entry.where() for entry in messages if "fuzzy" in entry.flags]
    untranslated = [
        entry.where()
        for entry in messages
        if not entry.msgstrs or any(not value.strip() for value in entry.msgstrs.values())
    ]
    assert fuzzy == []
    assert untranslated == []


def test_plural_messages_have_exactly_one_form(entries: list[Entry]) -> None:
    wrong = [
        entry.where()
        for entry in _messages(entries)
        if entry.plural is not None and sorted(entry.msgstrs) != ["msgstr[0]"]
    ]
    assert wrong == []


def test_translations_keep_placeholders_and_html(entries: list[Entry]) -> None:
    problems = []
    for entry in _messages(entries):
        sources = [entry.msgid] if entry.plural is None else [entry.msgid, entry.plural]
        # Indonesian has one form, written from msgid_plural; both English forms must agree with it.
        wanted_named = {frozenset(_specs(NAMED_PLACEHOLDER, source)) for source in sources}
        wanted_tags = {tuple(sorted(Counter(HTML_TAG.findall(source)).items())) for source in sources}
        wanted_positional = {tuple(_specs(POSITIONAL_PLACEHOLDER, source)) for source in sources}
        for name, translated in entry.msgstrs.items():
            named = frozenset(_specs(NAMED_PLACEHOLDER, translated))
            if named not in wanted_named:
                problems.append(f"{entry.where()} {name}: placeholders {sorted(named)}")
            tags = tuple(sorted(Counter(HTML_TAG.findall(translated)).items()))
            if tags not in wanted_tags:
                problems.append(f"{entry.where()} {name}: HTML tags {tags}")
            if "python-format" in entry.flags:
                positional = tuple(_specs(POSITIONAL_PLACEHOLDER, translated))
                if positional not in wanted_positional:
                    problems.append(f"{entry.where()} {name}: positional placeholders {positional}")
    assert problems == []


def test_compiled_catalogue_matches_the_po_file(catalogue: Path, entries: list[Entry]) -> None:
    """The .mo is committed (demo machines may lack gettext) and must be compiled from the current .po:
    every translation in the .po is what the .mo returns. (File times are not compared: a git checkout
    does not keep them.)"""
    with catalogue.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in _messages(entries):
        if entry.plural is None:
            wanted = entry.fields["msgstr"]
            if entry.context is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.context, entry.msgid)
        else:
            wanted = entry.fields["msgstr[0]"]
            if entry.context is None:
                got = compiled.ngettext(entry.msgid, entry.plural, 2)
            else:
                got = compiled.npgettext(entry.context, entry.msgid, entry.plural, 2)
        if got != wanted:
            stale.append(entry.where())
    assert stale == []


def test_nik_error_message_follows_the_active_language() -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_nik("123")
    error = caught.value
    assert error.code == "nik.format"
    with translation.override("id"):
        assert error.message == "NIK harus terdiri dari 16 angka; yang Anda isi 3 angka."
    with translation.override("en"):
        assert error.message == "The NIK must have 16 digits; 3 digits were given."


@pytest.mark.django_db
def test_home_page_is_indonesian_by_default_and_english_after_switching(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "Cek status bantuan sosial (Cek Bansos)" in page
    assert "Check social assistance status" not in page

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/"

    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Check social assistance status (Cek Bansos)" in page
    assert "Cek status bantuan sosial" not in page
