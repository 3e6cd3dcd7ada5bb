"""Masking of names shown to the public ("WAWAN LUBIS" -> "W***N L***S").

Each word keeps its first and last character and every character between becomes a star; a word of one or
two characters keeps its first character followed by one star. No two original characters are ever
adjacent in the output, so it never contains any word of the name that is three or more letters long.
"""

from __future__ import annotations

STAR = "*"


def mask_word(word: str) -> str:
    if len(word) <= 2:
        return word[:1] + STAR
    return word[0] + STAR * (len(word) - 2) + word[-1]


def mask_name(name: str) -> str:
    """The public form of a name: words masked, separated by single spaces, upper case as on the KTP."""
    return " ".join(mask_word(word) for word in name.upper().split())
