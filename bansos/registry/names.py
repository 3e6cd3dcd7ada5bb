"""Name normalisation for search and matching.

``name_key`` folds the spelling variants common in Indonesian names so that a name typed as on the KTP
finds its record: case, spaces, punctuation and accents; Muhammad/Muhamad/Mohammad/Mochammad/Moh./Muh./M.;
Siti/Sitti; Nur/Noor; doubled letters (Ahmad/Achmad, Abdullah/Abdulah); old spellings dj->j, tj->c, oe->u.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_DOUBLED = re.compile(r"([a-z])\1+")

# Whole-word variants, matched after lower-casing and stripping punctuation (so "Moh." is "moh").
_WORD_VARIANTS: dict[str, str] = {
    **dict.fromkeys(
        [
            "muhammad",
            "muhamad",
            "muhammed",
            "muhamed",
            "mohammad",
            "mohamad",
            "mohammed",
            "mohamed",
            "mochammad",
            "mochamad",
            "mokhammad",
            "mukhammad",
            "muchammad",
            "muchamad",
            "mohd",
            "moh",
            "muh",
            "mhd",
            "md",
            "m",
        ],
        "muhamad",
    ),
    "sitti": "siti",
    "noor": "nur",
    "nurul": "nurul",
    "achmad": "ahmad",
    "akhmad": "ahmad",
    "ahmat": "ahmad",
}
# Old (pre-1972) spellings still found on documents.
_OLD_SPELLINGS = (("dj", "j"), ("tj", "c"), ("oe", "u"), ("sj", "sy"), ("ch", "kh"))


@functools.lru_cache(maxsize=100_000)  # words repeat far more than whole names
def _fold_word(word: str) -> str:
    word = _WORD_VARIANTS.get(word, word)
    for old, new in _OLD_SPELLINGS:
        word = word.replace(old, new)
    word = _DOUBLED.sub(r"\1", word)
    return _WORD_VARIANTS.get(word, word)


def name_key(name: str) -> str:
    """The normalised search key of a person's name (lower-case ASCII words separated by one space)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _NON_LETTERS.sub(" ", text.replace("'", "").replace("`", ""))
    words = [_fold_word(word) for word in _SPACES.split(text.strip()) if word]
    return " ".join(words)


def clean_full_name(name: str) -> str:
    """A name as stored: upper case as on the KTP, single spaces, no surrounding blanks."""
    return " ".join(name.split()).upper()
