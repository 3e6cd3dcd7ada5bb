import pytest

from bansos.registry.names import clean_full_name, name_key


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Muhammad Rizki", "MUHAMMAD RIZKI"),
        ("Muhamad Rizki", "MUHAMMAD RIZKI"),
        ("Mohammad Rizki", "MUHAMMAD RIZKI"),
        ("Mochammad Rizki", "MUHAMMAD RIZKI"),
        ("Moh. Rizki", "MUHAMMAD RIZKI"),
        ("M. Rizki", "MUHAMMAD RIZKI"),
        ("muh rizki", "MUHAMMAD RIZKI"),
        ("Sitti Nurhaliza", "SITI NURHALIZA"),
        ("siti   nurhaliza ", "SITI NURHALIZA"),
        ("Achmad Dhani", "AHMAD DHANI"),
        ("Abdulah", "ABDULLAH"),
        ("Djoko Soesilo", "JOKO SUSILO"),
        ("Noor Hidayah", "NUR HIDAYAH"),
        ("I Gusti Ngurah Rai", "I GUSTI NGURAH RAI"),
        ("Ni'mah", "NIMAH"),
        ("Yusuf-Kalla", "YUSUF KALLA"),
        ("José", "JOSE"),
    ],
)
def test_spelling_variants_share_one_key(variant: str, canonical: str) -> None:
    assert name_key(variant) == name_key(canonical)


def test_different_names_keep_different_keys() -> None:
    assert name_key("Siti Aminah") != name_key("Siti Amirah")
    assert name_key("Budi") != name_key("Budiman")
    assert name_key("Ahmad Yani") == "ahmad yani"


def test_empty_and_punctuation_only() -> None:
    assert name_key("") == ""
    assert name_key(" .,- ") == ""


def test_clean_full_name() -> None:
    assert clean_full_name("  siti   aminah ") == "SITI AMINAH"
