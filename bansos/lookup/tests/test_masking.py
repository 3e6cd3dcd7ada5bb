import pytest
from hypothesis import given
from hypothesis import strategies as st

from bansos.lookup.masking import mask_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("WAWAN LUBIS", "W***N L***S"),
        ("wawan lubis", "W***N L***S"),
        ("  SITI   AMINAH ", "S**I A****H"),
        ("I GUSTI NGURAH RAI", "I* G***I N****H R*I"),
        ("MOH. RIZKI", "M**. R***I"),
        ("AL", "A*"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


_words = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=20)


@given(st.lists(_words, min_size=1, max_size=6))
def test_masked_name_never_contains_a_word_of_three_or_more_letters(words: list[str]) -> None:
    full_name = " ".join(words)
    masked = mask_name(full_name)
    for word in full_name.upper().split():
        if len(word) >= 3:
            assert word not in masked
    assert full_name.upper() not in masked or len(full_name.strip()) <= 2
    assert len(masked.split()) == len(full_name.split())
