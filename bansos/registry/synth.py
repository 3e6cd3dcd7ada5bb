"""Synthetic population: realistic, deterministic households and people for demos, tests and benchmarks.

``generate(people=N, seed=S)`` is pure (no database): it returns exactly N people in households, as typed
rows in the exchange format of :mod:`bansos.registry.formats`. The same seed (and the same ``today``)
always gives the same rows; everything is drawn from one ``random.Random(seed)``, never the global random
generator or Faker's, and ``today`` defaults to the fixed :data:`REFERENCE_DATE` so output does not drift
with the calendar.

What it models:

* Villages: real Kemendagri villages from ``bansos/regions/data/villages.csv``, drawn by seed over all 38
  provinces in proportion to their population (at least one each when there are 38 or more villages),
  about ``per_village`` people each; or the villages given.
* Households (one KK each, ~3.1 people): nuclear families, couples, widows and single elderly, single
  parents, extended families with a (parent-)in-law, three generations with a married child and
  grandchildren. Mothers are 17-45 at each birth; grown-up children have mostly left.
* Names as on the KTP (upper case): Javanese, Sundanese and Malay/Islamic patterns (one-word names among
  the older generation, MUHAMMAD/SITI/NUR prefixes), Batak marga in North Sumatra (women ``BR <marga>``),
  Balinese birth-order names, Christian given names with family names in the east (Minahasa, Maluku,
  NTT, Papua). Base lists come from Faker's ``id_ID`` provider, read once.
* NIK from the village's district, birth date and sex, KK from the district and an issue date after the
  head's 18th birthday and the youngest member's birth; serials count per district and date, so both are
  unique. Each run's serials sit in a block chosen from its arguments (:func:`serial_block`), so runs
  with different arguments almost never reuse each other's numbers in the same database.
* A latent household wealth drives housing, utilities, assets, education and occupations; a proxy-means
  welfare score (higher is better off) ranks households into ten equal-sized deciles.
* ~1% deceased, ~2-3% of adults ASN/TNI/Polri (with pensioners), village officials, certified teachers,
  health workers, company owners, disability, chronic illness, pregnancies.

``population_synthesize`` writes a generated population through :mod:`bansos.registry.bulk` (set-based,
idempotent upsert by NIK/KK) and records one audit event; ``bansos synth`` and ``bansos demo`` call it.
"""

from __future__ import annotations

import bisect
import csv
import functools
import hashlib
import itertools
import math
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import NormalDist
from typing import Any, TypeVar

from django.db import transaction
from faker.providers.person.id_ID import Provider as _FakerIdProvider

from bansos.core.audit import Actor, record
from bansos.registry import bulk, formats
from bansos.registry.identifiers import MAX_SERIAL, kk_for, nik_for
from bansos.registry.models import Provenance

T = TypeVar("T")

REFERENCE_DATE = date(2026, 1, 1)
"""The default "today" of a generated population (ages, deaths, KK issue dates are relative to it)."""

DATA_DIR = Path(__file__).resolve().parent.parent / "regions" / "data"
DEFAULT_PER_VILLAGE = 250
SERIAL_BLOCK_SIZE = 50
SERIAL_BLOCKS = MAX_SERIAL // SERIAL_BLOCK_SIZE  # 199 blocks: serials 1-50, 51-100, ..., 9901-9950
CHUNK_SIZE = 50_000

HOUSEHOLD_ROW_ORDER: tuple[str, ...] = (
    "kk", "village_code", "address", "rt", "rw", "floor_area_m2", "floor_type", "wall_type", "roof_type",
    "water_source", "sanitation", "lighting", "cooking_fuel", "tenure", "has_motorcycle", "has_car",
    "has_refrigerator", "has_land", "has_livestock", "welfare_score", "decile", "status",
)  # fmt: skip
PERSON_ROW_ORDER: tuple[str, ...] = (
    "nik", "kk", "full_name", "sex", "birth_date", "birth_place", "relationship", "marital_status",
    "education", "schooling", "occupation", "is_civil_servant", "is_military", "is_police", "disability",
    "chronic_illness", "is_pregnant", "deceased_date",
)  # fmt: skip
if formats.HOUSEHOLD_COLUMNS != HOUSEHOLD_ROW_ORDER or formats.PERSON_COLUMNS != PERSON_ROW_ORDER:
    raise ImportError("bansos.registry.synth builds rows in an outdated column order; update it")

DAYS_PER_YEAR = 365.2425
_KK_EPOCH = date(1990, 1, 1).toordinal()  # no synthetic family card is older than this

# Approximate 2024 population (millions) by province: how villages are spread over the country.
PROVINCE_POPULATION: dict[str, float] = {
    "11": 5.55, "12": 15.59, "13": 5.84, "14": 6.73, "15": 3.73, "16": 8.84, "17": 2.11, "18": 9.31,
    "19": 1.53, "21": 2.18, "31": 10.68, "32": 50.35, "33": 37.89, "34": 3.76, "35": 41.65, "36": 12.43,
    "51": 4.43, "52": 5.65, "53": 5.66, "61": 5.62, "62": 2.81, "63": 4.22, "64": 3.98, "65": 0.73,
    "71": 2.70, "72": 3.12, "73": 9.46, "74": 2.79, "75": 1.20, "76": 1.46, "81": 1.90, "82": 1.36,
    "91": 1.06, "92": 0.57, "93": 0.53, "94": 1.47, "95": 1.46, "96": 0.63,
}  # fmt: skip

# Province effect on the latent household wealth (poverty is highest in Papua, NTT, Maluku).
PROVINCE_WEALTH: dict[str, float] = {
    "11": -0.25, "12": -0.05, "13": 0.0, "14": 0.05, "15": -0.05, "16": -0.15, "17": -0.25, "18": -0.2,
    "19": 0.2, "21": 0.35, "31": 0.7, "32": 0.0, "33": -0.15, "34": 0.0, "35": -0.1, "36": 0.1,
    "51": 0.3, "52": -0.3, "53": -0.7, "61": -0.1, "62": 0.05, "63": 0.15, "64": 0.35, "65": 0.1,
    "71": 0.05, "72": -0.25, "73": -0.1, "74": -0.2, "75": -0.35, "76": -0.2, "81": -0.45, "82": -0.15,
    "91": -0.5, "92": -0.6, "93": -0.7, "94": -0.9, "95": -1.2, "96": -0.5,
}  # fmt: skip
JAVA_BALI = frozenset({"31", "32", "33", "34", "35", "36", "51"})


# ---------------------------------------------------------------------------------------------------------
# Small sampling helpers (closures over precomputed cumulative weights: one bisect per draw)
# ---------------------------------------------------------------------------------------------------------


def _picker(weighted: Sequence[tuple[T, float]]) -> Callable[[float], T]:
    """A function mapping a uniform number in [0, 1) to an item, with the given relative weights."""
    items = [item for item, _ in weighted]
    cum = list(itertools.accumulate(weight for _, weight in weighted))
    total = cum[-1]
    cum = [c / total for c in cum]
    cum[-1] = 2.0  # guard against rounding: every u < 1 lands on an item
    bisect_right = bisect.bisect_right

    def pick(u: float) -> T:
        return items[bisect_right(cum, u)]

    return pick


def _ordinal(levels: Sequence[T], cuts: Sequence[float]) -> Callable[[float], T]:
    """A function mapping a latent score to one of ``levels`` (ordered worst to best) by cut points."""
    assert len(levels) == len(cuts) + 1
    items, bounds, bisect_right = list(levels), list(cuts), bisect.bisect_right

    def level(z: float) -> T:
        return items[bisect_right(bounds, z)]

    return level


# Standard normal quantiles at 4,096 equally likely points: a table look-up is several times faster than
# random.gauss and plenty for synthetic attributes (tails stop at about +-3.5 sd).
_NORMAL_POINTS = 4096
_NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / _NORMAL_POINTS) for i in range(_NORMAL_POINTS))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# ---------------------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _upper(names: Sequence[str], exclude: frozenset[str] = frozenset()) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for name in names:
        if name not in exclude:
            seen.setdefault(name.upper().replace("'", ""), None)
    return tuple(seen)


# Faker's id_ID lists carry a few names that are not Indonesian given names or are regional; left out here.
_FAKER_EXCLUDE = frozenset(
    _words(
        """Xanana Ciaobella Queen Sakura Paris Aurora Azalea Olga Kairav Kenzie Embuh Cemplunk Empluk Elon
        Luis Oskar Ozy Violet Victoria Chelsea Michelle Janet Jane Karen Rachel Zelaya Zalindra Ophelia
        Uchita Usyi Namaga Usamah Usada Darsirah Dariati Daryani Nyoman Putu Opung Upik Simon Viktor
        Vinsen Edward Edison Erik Emil Leo Ian Ivan Yosef Agnes Anastasia Betania Belinda Cornelia Gabriella
        Natalia Patricia Paulin Maria Vanesa Vicky Carla Clara Jessica Julia Calista Bella Cici Zizi Gilda
        Elisa Syahrini Raden Pangeran Xanana Vega Vero Viman Virman Vino Cagak Cager Caket Cawuk Cemani
        Cemeti Cengkal Cengkir Dacin Dadap Dagel Galak Gamblang Ganjaran Jail Luluh Lulut Luwar Nrima Kenes
        Kawaca Kawaya Manah Maras Mujur Enteng Eluh Emong Emas Amalia"""
    )
)
_BATAK_MARGA_CHRISTIAN = _upper(
    _words(
        """Hutagalung Hutapea Hutasoit Manullang Marpaung Marbun Nainggolan Nababan Napitupulu Sihombing
        Samosir Saragih Sihotang Simanjuntak Sinaga Simbolon Sitompul Sitorus Sirait Situmorang Tampubolon
        Tamba Tarihoran Damanik Dongoran Dabukke Mangunsong Simatupang Panjaitan Pardede Manurung Silalahi
        Tambunan Pasaribu Purba Ginting Sembiring Tarigan Sitepu Simamora Silaban Sianturi Lumbantobing
        Hutabarat Situmeang Gultom Aritonang Siahaan Pakpahan Sibarani Butarbutar Simangunsong Lumbanraja"""
    )
)
_BATAK_MARGA_MUSLIM = _upper(
    _words("Siregar Nasution Harahap Lubis Hasibuan Daulay Rangkuti Batubara Pulungan Ritonga Matondang Pane")
)
_BATAK_AND_EAST = frozenset(
    {*_BATAK_MARGA_CHRISTIAN, *_BATAK_MARGA_MUSLIM, "LATUPONO", "SIAHAAN", "UWAIS", "JAILANI"}
)

_P = _FakerIdProvider
_FAKER_MALE = _upper(_P.first_names_male, _FAKER_EXCLUDE)
_FAKER_FEMALE = _upper(_P.first_names_female, _FAKER_EXCLUDE)
_FAKER_LAST_MALE = tuple(n for n in _upper(_P.last_names_male) if n not in _BATAK_AND_EAST)
_FAKER_LAST_FEMALE = tuple(
    n for n in _upper(_P.last_names_female, _FAKER_EXCLUDE) if n not in _BATAK_AND_EAST
)

_JAVA_OLD_MALE = _words(
    """SUTRISNO SUGIYANTO SUPARMAN SLAMET PAIJO SUKIRMAN WAGIMAN SUMARNO MULYONO SUYANTO SUNARTO TUKIMAN
    SUWARNO HARJONO SUMADI RUSDI DARMO KARYO MARJUKI SUGENG SUPRIYADI SUGIMAN SUKARDI SUPARNO SUKARNO
    PARIMAN JUMADI KASMAN SARIMIN SAMIRAN TUGIMAN WALUYO PONIMAN SUTARNO SUBAGYO SUPRAPTO SUMANTRI
    SUDARSONO WIDODO SUWITO SUNARDI TRIYONO SISWANTO SUHARTO HARYANTO SUKAMTO PAIMIN TARMUJI RASIMAN
    MUJIONO SAMIDI NGADIMAN KATIMAN SURIPTO SUMIDI MISNO KARSO TUKIJO SURATNO JUMINO BEJO PARJO"""
)
_JAVA_OLD_FEMALE = _words(
    """SUMIATI SUMINAH SUKINAH PAINEM TUKIYEM SARINAH PARMI SULASTRI SUPARMI WAGIYEM TUMINI SUTINAH NGATINI
    SUYATMI PONIYEM KATINEM SUMARNI WARTINI RUBIYAH KASIYEM JUMINAH SUPARTI SUKARTI TUMIRAH SUWARNI
    MARSINAH SUMIYATI WARSIAH SUPINAH RUKMINI SUTARMI KASMINI PARTINAH SARMI SUMIRAH MUJINAH JUMIATI
    SURATMI NGATMI SAINEM PARIYEM SUNARSIH TUMINAH SUPIYAH WALIYEM KATIYEM SUMINI RUSMINI"""
)
_ISLAMIC_MALE = _words(
    """AHMAD ALI HASAN HUSEIN RAHMAT ILHAM FAJAR ARIF FAUZI HIDAYAT SYAIFUL ZAINAL YUSUF IBRAHIM ISMAIL
    SULAIMAN USMAN ABDULLAH FIRMAN HAFIZ NAUFAL FARHAN ZAKI AZKA IQBAL AKBAR RAIHAN FIKRI HAIKAL ARKAN
    ATHAR RIDHO SYAHRUL ZULFIKAR FAHMI HABIB ANWAR ARIFIN MAHMUD"""
)
_ISLAMIC_FEMALE = _words(
    """AMINAH FATIMAH KHADIJAH AISYAH NURHAYATI ZAINAB MARYAM HALIMAH ROHMAH FITRI RAHMA NURUL AULIA ANISA
    NAYLA ZAHRA AZZAHRA KHANZA ALYA NAJWA SALSABILA NABILA HUSNA LAILA SYIFA HANIFAH MUTHMAINNAH ASMA
    UMMU SALMA"""
)
_MODERN_MALE = _words(
    """FAJAR ADITYA BAGUS ANDIKA BIMA REZA ILHAM YOGA GILANG GALIH IQBAL AKBAR RENDI FIKRI DENI DEDI ANDI
    BUDI EKO HENDRA AGUS HERU ARIS JOKO DWI TRI ADI YUDI RUDI ANTON WAHYU DANANG BAYU ARI FERI DONI ROBI
    HARIS YANTO BAMBANG TEGUH IRFAN ANGGA RIDWAN SETIYO"""
)
_NEW_MALE = _words(  # given names that became common from the 1990s on
    """RIZKY DIMAS RAFI FARHAN ALFIAN DAFFA ARYA RAIHAN ZIDAN KEVIN ALDI HAIKAL RAFA ARKAN ALVARO NAUFAL
    AZKA ATHAR FATHAN GIBRAN KENZO DZAKY ABIDZAR AFKAR RAYYAN ADAM"""
)
_MODERN_FEMALE = _words(
    """PUTRI AYU ANISA AISYAH DWI DEWI INDAH FITRI RAHMA CITRA DINDA AMELIA ANGGUN WULAN INTAN SEKAR LARAS
    RINI YULI ENDANG SRI ERNA DIAH EKA LINA NOVI YANTI WATI SANTI TUTIK NANIK RATNA ANI LILIK WIWIK MEGA
    RESTI VIVI FEBRI SELVI"""
)
_NEW_FEMALE = _words(
    """NABILA SALSABILA AULIA NAYLA ZAHRA KEISHA TIARA NAURA ALYA ADINDA AZZAHRA KHANZA NAJWA SYAKIRA
    ALESHA QUEENSHA ARSYILA HUMAIRA KIRANA ANINDYA CALLISTA AQILA"""
)
_MODERN_LAST_MALE = _words(
    """PRATAMA SAPUTRA RAMADHAN NUGROHO PRASETYO HIDAYAT KURNIAWAN SETIAWAN WIBOWO SANTOSO FIRMANSYAH
    MAULANA AKBAR FAUZI PURNOMO SUSANTO HARTONO WAHYUDI SETIADI SUGIARTO RAHMAN HIDAYATULLAH ALFARIZI
    ARDIANSYAH HERMAWAN SULISTYO SUPRIYANTO"""
)
_MODERN_LAST_FEMALE = _words(
    """LESTARI RAHAYU WAHYUNI SARI PERTIWI PUSPITASARI HANDAYANI ANGGRAINI SAFITRI NURHAYATI RAHMAWATI
    UTAMI WULANDARI RAMADHANI AGUSTIN NOVITASARI KURNIASIH SETYOWATI MARLINA PURWANINGSIH SUSILOWATI
    FEBRIANTI OKTAVIANI"""
)
_SUNDA_OLD_MALE = _words(
    """ASEP UJANG DEDE CECEP DEDEN JAJANG DADANG ENJANG ENGKUS IWAN YAYAN AEP DADAN ENDANG WAWAN YUSUP
    ENCEP ENCENG OMAN UUS OTONG MAMAN UDIN JUJU AYI EMAN OJAT ACENG DUDUNG KOKOM ENTUS"""
)
_SUNDA_OLD_FEMALE = _words(
    """EUIS ENOK IIS IMAS YENI LILIS TATI ETI AI CUCU NINING NUNUNG POPON ENTIN ENUNG YAYAH CICIH TITIN
    ENENG DEDEH NENDEN OOM EMAH ICIH ENTIS EPON EUTIK ENOH ONAH"""
)
_SUNDA_LAST_MALE = _words(
    """SAEPUDIN HIDAYAT SUPRIATNA SUNARYA KURNIAWAN SURYANA PERMANA SETIAWAN RUHIYAT ROHMAN SOPANDI
    SUHERMAN MULYANA GUNAWAN RUSTANDI NURJAMAN SAPUTRA HERMAWAN KUSNADI SOLIHIN SUPARMAN MAULANA
    FIRMANSYAH RAMDANI NUGRAHA"""
)
_SUNDA_LAST_FEMALE = _words(
    """KOMARIAH NURHAYATI ROHAYATI KARTIKA ROSITA MARYAM AISAH HASANAH JAMILAH MULYATI SUMIATI RAHAYU
    NURJANAH ROSMIATI FATIMAH HERAWATI KURNIASIH SUKMAWATI RAHMAWATI NURAENI SOPIAH"""
)
_MALAY_OLD_MALE = _words(
    """ABDULLAH SYAMSUDDIN BAHARUDDIN NURDIN SYAHRIL ZULKIFLI JAMALUDDIN ARIFIN HAMZAH RUSLAN ASRUL
    HASANUDDIN MUSTAFA ANWAR SYAMSUL ZAINUDDIN NASRUL ALIMUDDIN ISKANDAR HAMID SAHARUDDIN KAMARUDDIN
    MUHTAR AMIRUDDIN JUNAIDI BASRI SAFRUDDIN IDRIS YUNUS SUDIRMAN HERMAN DARWIS MANSUR RAHMAN"""
)
_MALAY_OLD_FEMALE = _words(
    """FATIMAH AMINAH HALIMAH ROSNAH NURHAYATI ZAINAB SALMAH SAMSIAH ROHANI MARIANI KHADIJAH RAHMAH HASNAH
    NURLELA JUBAIDAH MASNAH HAWA RUKIAH ASIAH NURMALA ROSMAWATI SURIANI NURBAYA SAIDAH HASNAWATI
    MURNIATI JUSNIAR ERNAWATI YUSNIAR NURJANNAH"""
)
_CHRISTIAN_MALE = _words(
    """YOHANES PETRUS PAULUS MARKUS YOSEF FRANSISKUS AGUSTINUS STEFANUS DANIEL DAVID SAMUEL YAKOB ROBERT
    HENDRIK JOHAN FRANS SIMON ANDREAS BENNY ALFRED ANTONIUS MARTHEN YUNUS LUKAS MATIUS OBET YULIUS HERMAN
    JHON RUDOLF YOHANIS SEMUEL YEREMIAS ELIAS MIKAEL DOMINIKUS KORNELIUS ALEKSANDER YOSUA NIKOLAUS
    ARNOLDUS EDUARDUS SEPTINUS NOVRY DENNY FERDINAND"""
)
_CHRISTIAN_FEMALE = _words(
    """MARIA MARGARETHA YOHANA ELISABETH MARTHA RUTH DEBORA SUSANA KRISTINA AGUSTINA VERONIKA THERESIA
    YULIANA MAGDALENA LUSIA SARAH ESTER NAOMI RIBKA ROSALINA FRANSISKA ANASTASIA YOSEFINA PRISKA MARLINA
    SELFINA NELCI MERLIN OKTOVINA YOSINA KORNELIA DOROTEA REGINA FENNY JULIANA META NOVITA SERLY JEANE
    WELMINCE"""
)
_BATAK_MALE = _words(
    """JOSUA DANIEL ROBERT JHON HENDRA RUDI BENNY JONNER MARULI PARLINDUNGAN TUMPAL SAHAT BONAR MANGIHUT
    HOTMAN RAJA TIGOR TORANG POLTAK MARIHOT SAUT JANSEN RICARDO FERNANDO ROY ANDREAS SAMUEL DAVID
    YOHANES PAULUS MARTIN HENRY TOGAR GOKMA RAMLI OLOAN"""
)
_BATAK_FEMALE = _words(
    """MARIA ROSMA LAMRIA ROSLINA TIURMA SRIMAWATI RIA DUMARIA ROSDIANA HOTMA SARMA TETTY LINDA YANTI
    MELATI GRACE SANTI ROTUA RUMINTANG MARTA ERNI LENNY MERY DEBORA RUTH ESTER NATALIA KRISTINA NURMAIDA
    DORLAN RISMA"""
)
_PAPUA_FAM = _words(
    """WENDA KOGOYA TABUNI WONDA WAKERKWA MURIB YIKWA RUMBIAK MANSOBEN KAISIEPO RUMAROPEN WANGGAI YOKU
    OHEE KAMBU MAYOR MOTE GOBAI PIGAI TEBAI DOUW MAGAI WEYA ENUMBI KOSAY LOGO HUBI ASSO ELOPERE DIMARA
    KARUBABA SROYER RUMBEWAS WOMSIWOR AWOM MAKABORY ANSAKA WAROMI SAWEN"""
)
_NTT_FAM = (
    *_words(
        """NDUN MANAFE NOPE BRIA SERAN RATU LAY TEFA NENOBAIS MBURA DJAMI KANA BERE NAHAK KASE LAKE
        RIHI DETHAN TANONE KOLO PARERA FERNANDEZ GOMES SOGEN TUKAN KELEN BOLI GELU NGGEBU TALLO LEDE
        SAU PELLO"""
    ),
    "DA SILVA",
    "DA COSTA",
)
_MINAHASA_FAM = _words(
    """RUMONDOR PANGEMANAN LUMENTUT WOWOR SONDAKH TUMBELAKA KAUNANG MANDAGI ROMPAS TUMIWA WAROUW LUMANAUW
    TAMBUWUN SUMAMPOUW LENGKONG KALALO RUMENGAN MAMAHIT TANGKUDUNG RUNTUKAHU SUMUAL KAWENGIAN POLII
    MANOPO SUPIT WALANDOUW KALANGI RATULANGI PONTOH MAKALEW"""
)
_MALUKU_FAM = _words(
    """LATUPONO PATTIASINA TUHUMURY SAHETAPY PATTIMURA LEIMENA TUANAKOTTA WATTIMENA MATULESSY MANUPUTTY
    PELUPESSY SOPACUA SIAHAYA SOPLANIT NANLOHY TAHAPARY LEWERISSA TITALEY RUMAHLATU LATUMAHINA HEHANUSSA
    RIRY PAPILAYA PARINUSSA LAKOLLO"""
)
_BALI_MALE = _words(
    """SUDARTA SUARTA ARTAWAN WIRAWAN SUKADANA MERTA ADNYANA SUARDANA BUDIARTA SUJANA SUDIRA ARIAWAN
    WIDIANA SUPARTA SUWENA ARSANA ASTAWA DARMAWAN SUKERTA PARWATA WIRATA SUDIANA AGUS EKA DWI ANDIKA
    PRADNYANA WISNAWA ARYA KRISNA DARMA SUDARSANA SURYAWAN PUTRA ANTARA WIJAYA SANJAYA KUSUMA ADI"""
)
_BALI_FEMALE = _words(
    """SRI ARTINI SUARTINI SUKASIH WAHYUNI SUDIARTI ARIANI YULIANI PUSPITASARI KARTINI SUARNI SUCIATI
    WIDIASTUTI ARSINI SUWENDRI SUDIASIH SUARSIH SEPTIANI DEWI LESTARI MAHARANI ASTITI SUKERTI MURNI
    PARWATI YULIASTINI SETIAWATI CANDRA PUSPA DIAH RATNA ANGGRENI SUKARNI"""
)
_BALI_ORDER: tuple[tuple[str, ...], ...] = (
    ("WAYAN", "PUTU", "GEDE"),
    ("MADE", "KADEK", "NENGAH"),
    ("NYOMAN", "KOMANG"),
    ("KETUT",),
)
_MALE_PREFIXES = _picker(
    [("MUHAMMAD", 10), ("MUHAMAD", 3), ("MOCHAMMAD", 1), ("MOH.", 1.5), ("M.", 2), ("AHMAD", 4), ("ABDUL", 2)]
)
_FEMALE_PREFIXES = _picker([("SITI", 10), ("NUR", 5), ("NURUL", 2), ("SRI", 5)])
_CHRISTIAN_BATAK_LAST = frozenset(_BATAK_MARGA_CHRISTIAN)
_MUSLIM_YOUNG_MALE = _ISLAMIC_MALE + _MODERN_MALE + _NEW_MALE
_MUSLIM_YOUNG_FEMALE = _ISLAMIC_FEMALE + _MODERN_FEMALE + _NEW_FEMALE


def _generation(year: int) -> int:
    return 0 if year < 1965 else 1 if year < 1990 else 2


# Name patterns: O = one old-style word, F = one first name, OL = old word + last name, FL = first + last,
# FFL = two first names + last, P = prefix (MUHAMMAD, SITI...) + first name, sometimes + last.
_PATTERNS = ("O", "F", "OL", "FL", "FFL", "P")


@dataclass(frozen=True)
class _Culture:
    """Naming customs of one part of the country. ``family`` names (marga, fam) pass from father to child."""

    key: str
    old_male: tuple[str, ...] = ()
    old_female: tuple[str, ...] = ()
    first_male: tuple[str, ...] = ()
    first_female: tuple[str, ...] = ()
    young_male: tuple[str, ...] = ()  # first names of people born from 1990 on (default: first_male)
    young_female: tuple[str, ...] = ()
    last_male: tuple[str, ...] = ()
    last_female: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    male_patterns: tuple[Callable[[float], str], ...] = ()
    female_patterns: tuple[Callable[[float], str], ...] = ()


def _patterns(*by_generation: Sequence[float]) -> tuple[Callable[[float], str], ...]:
    return tuple(_picker(list(zip(_PATTERNS, weights, strict=True))) for weights in by_generation)


def _cultures() -> dict[str, _Culture]:
    # Weights of the patterns O, F, OL, FL, FFL, P for people born before 1965, 1965-1989, from 1990.
    java_m = _patterns((55, 8, 20, 5, 2, 10), (22, 15, 20, 20, 8, 15), (1, 12, 2, 40, 27, 18))
    java_f = _patterns((55, 5, 15, 5, 2, 18), (20, 12, 18, 22, 10, 18), (1, 12, 2, 42, 29, 14))
    sunda_m = _patterns((40, 5, 40, 5, 2, 8), (15, 8, 35, 22, 8, 12), (2, 10, 5, 40, 25, 18))
    sunda_f = _patterns((40, 5, 35, 3, 2, 15), (15, 8, 32, 20, 8, 17), (2, 10, 5, 40, 28, 15))
    malay_m = _patterns((45, 10, 25, 5, 2, 13), (20, 15, 20, 22, 8, 15), (2, 12, 3, 38, 25, 20))
    malay_f = _patterns((45, 8, 20, 5, 2, 20), (20, 15, 18, 22, 8, 17), (2, 12, 3, 40, 28, 15))
    java = _Culture(
        "java",
        old_male=_JAVA_OLD_MALE,
        old_female=_JAVA_OLD_FEMALE,
        first_male=_FAKER_MALE + _MODERN_MALE * 10 + _ISLAMIC_MALE * 6,
        first_female=_FAKER_FEMALE + _MODERN_FEMALE * 6 + _ISLAMIC_FEMALE * 4,
        young_male=_FAKER_MALE + _MODERN_MALE * 6 + _NEW_MALE * 12 + _ISLAMIC_MALE * 6,
        young_female=_FAKER_FEMALE + _MODERN_FEMALE * 4 + _NEW_FEMALE * 10 + _ISLAMIC_FEMALE * 4,
        last_male=_FAKER_LAST_MALE + _MODERN_LAST_MALE,
        last_female=_FAKER_LAST_FEMALE + _MODERN_LAST_FEMALE,
        male_patterns=java_m,
        female_patterns=java_f,
    )
    sunda = _Culture(
        "sunda",
        old_male=_SUNDA_OLD_MALE,
        old_female=_SUNDA_OLD_FEMALE,
        first_male=_SUNDA_OLD_MALE * 3 + _MODERN_MALE * 2 + _ISLAMIC_MALE * 2,
        first_female=_SUNDA_OLD_FEMALE * 3 + _MODERN_FEMALE * 2 + _ISLAMIC_FEMALE * 2,
        young_male=_SUNDA_OLD_MALE + _MODERN_MALE + _NEW_MALE * 2 + _ISLAMIC_MALE * 2,
        young_female=_SUNDA_OLD_FEMALE + _MODERN_FEMALE + _NEW_FEMALE * 2 + _ISLAMIC_FEMALE * 2,
        last_male=_SUNDA_LAST_MALE + _MODERN_LAST_MALE,
        last_female=_SUNDA_LAST_FEMALE + _MODERN_LAST_FEMALE,
        male_patterns=sunda_m,
        female_patterns=sunda_f,
    )
    malay = _Culture(
        "malay",
        old_male=_MALAY_OLD_MALE,
        old_female=_MALAY_OLD_FEMALE,
        first_male=_MALAY_OLD_MALE * 2 + _MODERN_MALE * 4 + _ISLAMIC_MALE * 4 + _FAKER_MALE[::3],
        first_female=_MALAY_OLD_FEMALE * 2 + _MODERN_FEMALE * 4 + _ISLAMIC_FEMALE * 4 + _FAKER_FEMALE[::3],
        young_male=_MODERN_MALE * 2 + _NEW_MALE * 4 + _ISLAMIC_MALE * 4 + _FAKER_MALE[::3],
        young_female=_MODERN_FEMALE * 2 + _NEW_FEMALE * 4 + _ISLAMIC_FEMALE * 4 + _FAKER_FEMALE[::3],
        last_male=_MODERN_LAST_MALE + _MALAY_OLD_MALE + _FAKER_LAST_MALE[::2],
        last_female=_MODERN_LAST_FEMALE + _MALAY_OLD_FEMALE + _FAKER_LAST_FEMALE[::2],
        male_patterns=malay_m,
        female_patterns=malay_f,
    )
    batak = _Culture(
        "batak",
        first_male=_BATAK_MALE + _CHRISTIAN_MALE,
        first_female=_BATAK_FEMALE + _CHRISTIAN_FEMALE,
        old_male=_MALAY_OLD_MALE + _ISLAMIC_MALE,
        old_female=_MALAY_OLD_FEMALE + _ISLAMIC_FEMALE,
        families=_BATAK_MARGA_CHRISTIAN * 2 + _BATAK_MARGA_MUSLIM,
    )
    bali = _Culture("bali", first_male=_BALI_MALE, first_female=_BALI_FEMALE)
    east = {
        key: _Culture(key, first_male=_CHRISTIAN_MALE, first_female=_CHRISTIAN_FEMALE, families=families)
        for key, families in (
            ("papua", _PAPUA_FAM),
            ("ntt", _NTT_FAM),
            ("minahasa", _MINAHASA_FAM),
            ("maluku", _MALUKU_FAM),
        )
    }
    return {"java": java, "sunda": sunda, "malay": malay, "batak": batak, "bali": bali, **east}


CULTURES = _cultures()

# Which naming customs a household of each province follows (shares).
_PROVINCE_CULTURES: dict[str, list[tuple[str, float]]] = {
    "12": [("batak", 0.45), ("java", 0.3), ("malay", 0.25)],
    "18": [("java", 0.6), ("malay", 0.4)],
    "31": [("java", 0.45), ("malay", 0.25), ("sunda", 0.2), ("batak", 0.05), ("minahasa", 0.05)],
    "32": [("sunda", 0.8), ("java", 0.2)],
    "33": [("java", 1.0)],
    "34": [("java", 1.0)],
    "35": [("java", 1.0)],
    "36": [("sunda", 0.6), ("java", 0.4)],
    "51": [("bali", 0.87), ("java", 0.13)],
    "52": [("malay", 1.0)],
    "53": [("ntt", 0.9), ("malay", 0.1)],
    "61": [("malay", 0.7), ("java", 0.2), ("ntt", 0.1)],
    "62": [("malay", 0.7), ("java", 0.3)],
    "71": [("minahasa", 0.65), ("malay", 0.35)],
    "81": [("maluku", 0.5), ("malay", 0.5)],
    "82": [("malay", 0.8), ("maluku", 0.2)],
    "95": [("papua", 0.97), ("java", 0.03)],
}
for _code in ("91", "92", "93", "94", "96"):
    _PROVINCE_CULTURES[_code] = [("papua", 0.75), ("java", 0.15), ("malay", 0.1)]
for _code in PROVINCE_POPULATION:
    _PROVINCE_CULTURES.setdefault(_code, [("malay", 0.7), ("java", 0.3)])


class _Namer:
    """Makes full names; one instance per generation run, bound to its random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.random = rng.random
        self.culture_pickers = {
            code: _picker([(CULTURES[key], share) for key, share in shares])
            for code, shares in _PROVINCE_CULTURES.items()
        }

    def culture(self, province: str) -> _Culture:
        return self.culture_pickers[province](self.random())

    def family(self, culture: _Culture) -> str:
        families = culture.families
        return families[int(self.random() * len(families))] if families else ""

    def name(self, culture: _Culture, sex: str, year: int, family: str, order: int) -> str:
        """A full name as on the KTP. ``family``: the marga/fam to carry (or a shared last name); ``order``:
        birth order among siblings (Balinese names)."""
        return self.name_maker(culture)(culture, sex, year, family, order)

    def name_maker(self, culture: _Culture) -> Callable[[_Culture, str, int, str, int], str]:
        key = culture.key
        if key in ("java", "sunda", "malay"):
            return self._common
        if key == "batak":
            return self._batak
        if key == "bali":
            return self._bali
        return self._east

    def families(self, culture: _Culture) -> dict[str, str]:
        """Family names of a household: F the children's father's, W the wife's, G a son-in-law's."""
        if not culture.families:
            return {}
        father = self.family(culture)
        if culture.key == "batak":  # marry outside the marga, within the same faith
            pool = _BATAK_MARGA_CHRISTIAN if father in _CHRISTIAN_BATAK_LAST else _BATAK_MARGA_MUSLIM
            wife = father
            while wife == father:
                wife = self._one(pool)
            return {"F": father, "W": wife, "G": self._one(pool)}
        return {"F": father, "W": self.family(culture), "G": self.family(culture)}

    def _one(self, names: tuple[str, ...]) -> str:
        return names[int(self.random() * len(names))]

    def _common(self, c: _Culture, sex: str, year: int, family: str, order: int) -> str:
        r, one = self.random, self._one
        male = sex == "M"
        gen = _generation(year)
        pattern = (c.male_patterns if male else c.female_patterns)[gen](r())
        if gen == 2 and c.young_male:
            first = c.young_male if male else c.young_female
        else:
            first = c.first_male if male else c.first_female
        last_pool = c.last_male if male else c.last_female
        last = family or one(last_pool)
        if pattern == "O":
            name = one(c.old_male if male else c.old_female)
            return f"{name} {family}" if family else name
        if pattern == "F":
            return f"{one(first)} {family}" if family else one(first)
        if pattern == "OL":
            name = one(c.old_male if male else c.old_female)
        elif pattern == "FL":
            name = one(first)
        elif pattern == "FFL":
            name, second = one(first), one(first)
            name = name if second == name else f"{name} {second}"
        else:
            prefix = (_MALE_PREFIXES if male else _FEMALE_PREFIXES)(r())
            if r() < 0.5 and not family:
                return f"{prefix} {one(first)}"
            name = f"{prefix} {one(first)}"
        if name.endswith(last) and not family:  # no "SYAMSUL SYAMSUL"
            last = one(last_pool)
        return name if name.endswith(last) else f"{name} {last}"

    def _batak(self, c: _Culture, sex: str, year: int, family: str, order: int) -> str:
        r, one = self.random, self._one
        christian = family in _CHRISTIAN_BATAK_LAST
        male = sex == "M"
        if christian:
            given = one(c.first_male if male else c.first_female)
        elif year < 1975:  # Muslim (Mandailing, Angkola) Batak
            given = one(c.old_male if male else c.old_female)
        else:
            given = one(_MUSLIM_YOUNG_MALE if male else _MUSLIM_YOUNG_FEMALE)
        if r() < (0.35 if year >= 1980 else 0.12):
            given = f"{given} {one(c.first_male if sex == 'M' else c.first_female)}" if christian else given
        return f"{given} {family}" if sex == "M" else f"{given} BR {family}"

    def _bali(self, c: _Culture, sex: str, year: int, family: str, order: int) -> str:
        r, one = self.random, self._one
        order_word = one(_BALI_ORDER[order % 4])
        if sex == "M":
            start = f"I {order_word}" if order_word == "GEDE" or r() < 0.75 else order_word
            given = one(c.first_male)
            if year >= 1980 and r() < 0.45:
                given = f"{one(c.first_male)} {given}"
            return f"{start} {given}"
        if order_word == "GEDE":
            order_word = "PUTU"
        start = f"NI LUH {order_word}" if order % 4 == 0 and r() < 0.5 else f"NI {order_word}"
        given = one(c.first_female)
        if year >= 1980 and r() < 0.45:
            given = f"{one(c.first_female)} {given}"
        return f"{start} {given}"

    def _east(self, c: _Culture, sex: str, year: int, family: str, order: int) -> str:
        r, one = self.random, self._one
        first = c.first_male if sex == "M" else c.first_female
        u = r()
        if u < 0.35:
            return f"{one(first)} {one(first)} {family}"
        if u < 0.95:
            return f"{one(first)} {family}"
        return one(first)


# ---------------------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageInfo:
    code: str
    name: str
    regency_place: str  # regency/city name as written for a birth place ("SLEMAN", "JAKARTA SELATAN")
    province_places: tuple[str, ...]


def _read_csv(name: str) -> list[tuple[str, str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return [(row["code"], row["name"], row["parent_code"]) for row in csv.DictReader(handle)]


def _place_name(regency_name: str) -> str:
    for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "):
        if regency_name.startswith(prefix):
            regency_name = regency_name[len(prefix) :]
            break
    return regency_name.upper()


@functools.lru_cache(maxsize=1)
def _regency_places() -> dict[str, str]:
    return {code: _place_name(name) for code, name, _ in _read_csv("regencies.csv")}


@functools.lru_cache(maxsize=1)
def village_catalogue() -> dict[str, str]:
    """Every village code in the bundled region data, with its name (read once per process)."""
    return {code: name for code, name, _ in _read_csv("villages.csv")}


def _village_info(code: str) -> VillageInfo:
    places = _regency_places()
    province = code[:2]
    return VillageInfo(
        code=code,
        name=village_catalogue()[code],
        regency_place=places[code[:4]],
        province_places=tuple(place for rc, place in places.items() if rc[:2] == province),
    )


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` over the keys: one each first (when total allows), the rest by largest remainder."""
    keys = sorted(weights)
    base = dict.fromkeys(keys, 1 if total >= len(keys) else 0)
    rest = total - sum(base.values())
    weight_sum = sum(weights.values())
    exact = {k: rest * weights[k] / weight_sum for k in keys}
    for k in keys:
        base[k] += int(exact[k])
    left = total - sum(base.values())
    for k in sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k))[:left]:
        base[k] += 1
    return base


def choose_villages(count: int, rng: random.Random) -> list[str]:
    """``count`` real village codes spread over the provinces by population, drawn deterministically."""
    by_province: dict[str, list[str]] = {}
    for code in village_catalogue():
        by_province.setdefault(code[:2], []).append(code)
    if count < len(by_province):
        # Weighted sampling without replacement (Efraimidis-Spirakis keys), one village per province.
        keyed = sorted(
            ((rng.random() ** (1.0 / PROVINCE_POPULATION[p]), p) for p in sorted(by_province)), reverse=True
        )
        quotas = {p: 1 for _, p in keyed[:count]}
    else:
        quotas = _allocate(count, {p: PROVINCE_POPULATION[p] for p in by_province})
    chosen: list[str] = []
    for province in sorted(quotas):
        codes = by_province[province]
        chosen.extend(rng.sample(codes, min(quotas[province], len(codes))))
    return sorted(chosen)


# ---------------------------------------------------------------------------------------------------------
# The population
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Population:
    """Generated rows in the exchange format: households (HOUSEHOLD_COLUMNS), people (PERSON_COLUMNS)."""

    seed: int
    today: date
    villages: list[str]
    households: list[tuple[Any, ...]]
    people: list[tuple[Any, ...]]

    def summary(self) -> dict[str, int]:
        return {
            "villages": len(self.villages),
            "households": len(self.households),
            "people": len(self.people),
        }


# Relationship, marital status and other codes (the values of the model's choices).
HEAD, SPOUSE, CHILD, CHILD_IN_LAW, GRANDCHILD, PARENT, PARENT_IN_LAW, OTHER_FAMILY = (
    "head", "spouse", "child", "child_in_law", "grandchild", "parent", "parent_in_law", "other_family",
)  # fmt: skip
SINGLE, MARRIED, DIVORCED, WIDOWED = "single", "married", "divorced", "widowed"
_EDUCATION = ("none", "sd", "smp", "sma", "diploma", "bachelor")
_EDU_RANK = {level: i for i, level in enumerate(_EDUCATION)}

# A member before names and numbers: (relationship, sex, age in years, marital status, lineage, order).
# Lineage says whose family name the member carries: F = the children's father's, W = the head's wife's
# (or the female head's own), G = the family of a daughter's husband, X = some other family.
_Member = tuple[str, str, float, str, str, int]

_HOUSEHOLD_KINDS = _picker(
    [
        ("single_elder", 8.0),
        ("single_adult", 7.0),
        ("couple", 14.0),
        ("nuclear", 46.0),
        ("single_parent", 10.0),
        ("extended", 8.0),
        ("three_generations", 7.0),
    ]
)
_CHILDREN_BORN = _picker([(1, 24), (2, 33), (3, 22), (4, 11), (5, 6), (6, 4)])

_FLOOR = _ordinal(("earth", "bamboo", "cement", "tile", "marble"), (-2.0, -1.35, 0.15, 2.6))
_WALL = _ordinal(("bamboo", "wood", "unplastered", "plastered"), (-1.7, -0.75, -0.3))
_WALL_OUTER = _ordinal(("bamboo", "wood", "unplastered", "plastered"), (-1.5, 0.15, 0.5))
_ROOF_JAVA = _ordinal(("thatch", "zinc", "tile", "concrete"), (-2.6, -1.5, 2.0))
_ROOF_OUTER = _ordinal(("thatch", "zinc", "tile", "concrete"), (-2.2, 1.5, 2.1))
_WATER = _ordinal(("surface", "well", "pump", "piped", "bottled"), (-2.1, -0.5, 0.25, 0.75))
_SANITATION = _ordinal(("none", "shared", "own"), (-2.0, -1.3))
_LIGHTING = _ordinal(("none", "non_pln", "pln_450", "pln_900", "pln_1300"), (-2.9, -2.4, -0.45, 0.85))
_COOKING = _ordinal(("wood", "kerosene", "lpg_3kg", "lpg_large"), (-1.55, -1.45, 1.5))
_TENURE_URBAN_YOUNG = _picker([("owned", 45), ("rented", 35), ("family", 17), ("other", 3)])
_TENURE_URBAN = _picker([("owned", 78), ("rented", 14), ("family", 7), ("other", 1)])
_TENURE_RURAL_YOUNG = _picker([("owned", 65), ("rented", 5), ("family", 27), ("other", 3)])
_TENURE_RURAL = _picker([("owned", 90), ("rented", 2), ("family", 7), ("other", 1)])

_SCORE_FLOOR = {"earth": 0, "bamboo": 1, "cement": 3, "tile": 5, "marble": 7}
_SCORE_WALL = {"bamboo": 0, "wood": 2, "unplastered": 2, "plastered": 4}
_SCORE_ROOF = {"thatch": 0, "zinc": 2, "tile": 3, "concrete": 4}
_SCORE_WATER = {"surface": 0, "well": 1, "pump": 2, "piped": 3, "bottled": 3}
_SCORE_SANITATION = {"none": 0, "shared": 1, "own": 3}
_SCORE_LIGHTING = {"none": 0, "non_pln": 1, "pln_450": 2, "pln_900": 4, "pln_1300": 7}
_SCORE_COOKING = {"wood": 0, "kerosene": 1, "lpg_3kg": 3, "lpg_large": 6}
_SCORE_TENURE = {"owned": 2, "rented": 1, "family": 1, "other": 0}
_SCORE_EDUCATION = {"none": 0, "sd": 1, "smp": 2, "sma": 4, "diploma": 6, "bachelor": 8, "": 0}
_SCORE_OCCUPATION = {
    "none": 0, "school": 0, "household": 0, "farmer": 1, "fisher": 1, "labourer": 1, "trader": 2,
    "private": 3, "village_official": 4, "pensioner": 4, "civil_servant": 6, "military": 6, "police": 6,
    "teacher": 6, "health_worker": 6, "entrepreneur": 7, "": 0,
}  # fmt: skip


def _occupation_pickers() -> dict[tuple[str, bool, int], Callable[[float], str]]:
    """Ordinary occupations by (sex, urban, wealth band 0 poor / 1 middle / 2 better off)."""
    tables: dict[tuple[str, bool], list[dict[str, float]]] = {
        ("M", False): [
            {"farmer": 42, "labourer": 30, "fisher": 4, "trader": 7, "private": 5, "none": 8},
            {"farmer": 38, "labourer": 20, "fisher": 3, "trader": 12, "private": 14, "none": 6},
            {"farmer": 28, "labourer": 8, "fisher": 2, "trader": 22, "private": 28, "none": 5},
        ],
        ("M", True): [
            {"labourer": 40, "trader": 18, "private": 20, "farmer": 5, "fisher": 2, "none": 12},
            {"labourer": 24, "trader": 22, "private": 38, "farmer": 3, "fisher": 1, "none": 8},
            {"labourer": 8, "trader": 24, "private": 55, "farmer": 1, "fisher": 0.5, "none": 6},
        ],
        ("F", False): [
            {"household": 40, "farmer": 25, "labourer": 14, "trader": 10, "private": 3, "none": 5},
            {"household": 42, "farmer": 20, "labourer": 8, "trader": 15, "private": 8, "none": 4},
            {"household": 40, "farmer": 12, "labourer": 3, "trader": 20, "private": 18, "none": 4},
        ],
        ("F", True): [
            {"household": 45, "labourer": 14, "trader": 18, "private": 10, "farmer": 2, "none": 6},
            {"household": 42, "labourer": 8, "trader": 20, "private": 22, "farmer": 1, "none": 5},
            {"household": 35, "labourer": 3, "trader": 20, "private": 36, "farmer": 0.5, "none": 4},
        ],
    }
    return {
        (sex, urban, band): _picker(list(weights.items()))
        for (sex, urban), bands in tables.items()
        for band, weights in enumerate(bands)
    }


_OCCUPATIONS = _occupation_pickers()
_RT_RW = tuple(f"{i:03d}" for i in range(0, 40))
_STREET_NAMES = (
    *_words(
        """Merdeka Sudirman Diponegoro Pahlawan Kartini Melati Mawar Kenanga Anggrek Cempaka Masjid Pasar Raya
        Veteran Pemuda Kemuning Flamboyan Dahlia Teratai Cendana Beringin Nangka Mangga Rambutan Durian Kelapa
        Bougenville Garuda Rajawali Cendrawasih Merpati Kutilang Nusantara Pancasila Proklamasi Kemerdekaan
        Hasanuddin Pattimura Supriadi Kenari Salak Jambu Sawo Seroja Asoka Thamrin Kebangsaan Persatuan"""
    ),
    "Imam Bonjol", "Gajah Mada", "Hayam Wuruk", "Sultan Agung", "Ahmad Yani", "Gatot Subroto",
    "Ki Hajar Dewantara", "Sam Ratulangi", "Cut Nyak Dien", "Teuku Umar", "Tuanku Tambusai",
    "Sisingamangaraja", "Raya Desa", "Lintas Timur", "Poros Desa",
)  # fmt: skip
_HAMLETS_JAVA = _words(
    """Krajan Sukamaju Sukamulya Sidomulyo Karanganyar Tegalrejo Kauman Wetan Kulon Lor Kidul Mekarsari
    Sumbersari Sidorejo Margomulyo Sukajadi Karangrejo Ngrandu Gondang Jatisari Sumberejo Kebonagung
    Pandean Ngemplak Tegalsari Cikaret Babakan Cibeureum Sukasari Pasirjati Cimanggu Kedungjaya"""
)
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
_RURAL_PREFIX = {"13": "Jorong", "51": "Banjar", "91": "Kampung", "92": "Kampung", "93": "Kampung"}
_RURAL_PREFIX.update({"94": "Kampung", "95": "Kampung", "96": "Kampung"})


@dataclass
class _VillageCtx:
    info: VillageInfo
    district: str
    province: str
    urban: bool
    wealth: float
    streets: tuple[str, ...]
    hamlets: tuple[str, ...]


class _Generator:
    def __init__(self, *, seed: int, today: date, serial_block: int = 0) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.today_ord = today.toordinal()
        self.serial_base = serial_block * SERIAL_BLOCK_SIZE
        self.namer = _Namer(self.rng)
        self.nik_serials: dict[int, int] = {}
        self.kk_serials: dict[int, int] = {}
        self.households: list[tuple[Any, ...]] = []  # without welfare score, decile, status
        self.scores: list[float] = []
        self.people: list[tuple[Any, ...]] = []
        rand, table, points = self.rng.random, _NORMAL, _NORMAL_POINTS

        def normal() -> float:
            return table[int(rand() * points)]

        self.normal = normal

    # -- villages ---------------------------------------------------------------------------------------

    def village(self, code: str) -> _VillageCtx:
        r = self.rng
        info = _village_info(code)
        province = code[:2]
        urban = code[6] == "1"
        streets = tuple(r.sample(_STREET_NAMES, r.randint(4, 10)))
        if province in JAVA_BALI and province != "51":
            hamlets = tuple(r.sample(_HAMLETS_JAVA, r.randint(2, 6)))
        else:
            hamlets = _ROMAN[: r.randint(2, 6)]
        return _VillageCtx(
            info=info,
            district=code[:6],
            province=province,
            urban=urban,
            wealth=PROVINCE_WEALTH[province] + (0.45 if urban else 0.0) + 0.25 * self.normal(),
            streets=streets,
            hamlets=hamlets,
        )

    def address(self, v: _VillageCtx) -> tuple[str, str, str]:
        r = self.rng.random
        if v.urban or r() < 0.15:
            rw = int(r() * 12) + 1
            street = v.streets[int(r() * len(v.streets))]
            return f"Jl. {street} No. {int(r() * 120) + 1}", _RT_RW[int(r() * 10) + 1], _RT_RW[rw]
        index = int(r() * len(v.hamlets))
        prefix = _RURAL_PREFIX.get(v.province, "Dusun")
        return f"{prefix} {v.hamlets[index]}", _RT_RW[int(r() * 6) + 1], _RT_RW[index + 1]

    # -- household composition --------------------------------------------------------------------------

    def _children(self, mother_age: float, born: int, leaving: bool) -> list[tuple[float, int]]:
        """Ages (oldest first) and birth order of the children still in the household."""
        r, tri = self.rng.random, self.rng.triangular
        at_birth = tri(17.5, 34.0, 22.0)
        kept: list[tuple[float, int]] = []
        for order in range(born):
            if at_birth > 45.0 or at_birth >= mother_age - 0.05:
                break
            age = mother_age - at_birth
            stays = 1.0
            if leaving and age >= 17.0:
                stays = 0.75 if age < 22 else 0.4 if age < 27 else 0.15 if age < 35 else 0.05
            if stays >= 1.0 or r() < stays:
                kept.append((age, order))
            at_birth += tri(1.2, 7.0, 2.5)
        return kept

    def compose(self) -> list[_Member]:
        rng = self.rng
        r, tri = rng.random, rng.triangular
        kind = _HOUSEHOLD_KINDS(r())
        members: list[_Member] = []
        order = int(r() * 4)
        if kind == "single_elder":
            sex = "F" if r() < 0.7 else "M"
            u = r()
            marital = WIDOWED if u < 0.8 else DIVORCED if u < 0.9 else SINGLE
            return [(HEAD, sex, tri(60.0, 95.0, 68.0), marital, "F" if sex == "M" else "W", order)]
        if kind == "single_adult":
            sex = "M" if r() < 0.62 else "F"
            u = r()
            marital = SINGLE if u < 0.75 else DIVORCED if u < 0.95 else WIDOWED
            return [(HEAD, sex, tri(18.5, 59.0, 27.0), marital, "F" if sex == "M" else "W", order)]
        if kind == "single_parent":
            sex = "F" if r() < 0.85 else "M"
            head_age = tri(25.0, 75.0, 42.0)
            marital = WIDOWED if r() < 0.55 else DIVORCED
            members.append((HEAD, sex, head_age, marital, "F" if sex == "M" else "W", order))
            mother_age = head_age if sex == "F" else head_age - tri(-2.0, 10.0, 3.0)
            for age, child_order in self._children(mother_age, _CHILDREN_BORN(r()), leaving=True):
                members.append(
                    (CHILD, "M" if r() < 0.51 else "F", age, self._child_marital(age), "F", child_order)
                )
            return members
        if kind == "three_generations":
            return self._three_generations(order)
        if kind == "couple":
            head_age = tri(20.0, 40.0, 25.0) if r() < 0.45 else tri(45.0, 88.0, 60.0)
        else:
            head_age = tri(22.0, 68.0, 38.0)
        wife_age = max(17.0, head_age - tri(-3.0, 12.0, 3.0))
        members.append((HEAD, "M", head_age, MARRIED, "F", order))
        members.append((SPOUSE, "F", wife_age, MARRIED, "W", int(r() * 4)))
        if kind != "couple":
            for age, child_order in self._children(wife_age, _CHILDREN_BORN(r()), leaving=True):
                members.append(
                    (CHILD, "M" if r() < 0.51 else "F", age, self._child_marital(age), "F", child_order)
                )
        if kind == "extended":
            self._add_parents(members, head_age, wife_age)
        if head_age >= 30 and r() < 0.04:
            members.append((OTHER_FAMILY, "M" if r() < 0.5 else "F", tri(5.0, 25.0, 14.0), SINGLE, "X", 0))
        return members

    def _child_marital(self, age: float) -> str:
        if age < 19.0:
            return SINGLE
        return DIVORCED if self.rng.random() < 0.06 else SINGLE

    def _add_parents(self, members: list[_Member], head_age: float, wife_age: float) -> None:
        r, tri = self.rng.random, self.rng.triangular
        own_side = r() < 0.55
        base = head_age if own_side else wife_age
        relationship = PARENT if own_side else PARENT_IN_LAW
        father_lineage = "F" if own_side else "W"
        both = r() < 0.25
        mother_age = base + tri(17.5, 42.0, 25.0)
        if mother_age > 96.0:
            return
        if both:
            members.append((relationship, "M", mother_age + tri(-2.0, 10.0, 3.0), MARRIED, father_lineage, 0))
            members.append((relationship, "F", mother_age, MARRIED, "X", 0))
        elif r() < 0.72:
            members.append((relationship, "F", mother_age, WIDOWED, "X", 0))
        else:
            members.append((relationship, "M", mother_age + tri(-2.0, 10.0, 3.0), WIDOWED, father_lineage, 0))

    def _three_generations(self, order: int) -> list[_Member]:
        r, tri, uniform = self.rng.random, self.rng.triangular, self.rng.uniform
        head_age = tri(48.0, 85.0, 60.0)
        members: list[_Member] = []
        if r() < 0.7:
            mother_age = max(36.0, head_age - tri(-3.0, 12.0, 3.0))
            members.append((HEAD, "M", head_age, MARRIED, "F", order))
            members.append((SPOUSE, "F", mother_age, MARRIED, "W", int(r() * 4)))
        else:
            mother_age = head_age
            members.append((HEAD, "F", head_age, WIDOWED, "W", order))
        at_birth = uniform(18.0, max(18.5, min(34.0, mother_age - 19.0)))
        child_age = mother_age - at_birth
        daughter = r() < 0.55
        in_law_age = child_age + tri(-2.0, 8.0, 3.0) * (1 if daughter else -1)
        in_law_age = max(17.0, in_law_age)
        members.append((CHILD, "F" if daughter else "M", child_age, MARRIED, "F", 0))
        members.append(
            (CHILD_IN_LAW, "M" if daughter else "F", in_law_age, MARRIED, "G" if daughter else "X", 0)
        )
        young_mother = child_age if daughter else in_law_age
        grandchild_lineage = "G" if daughter else "F"
        for age, child_order in self._children(young_mother, 1 + int(r() * 3), leaving=False):
            members.append(
                (GRANDCHILD, "M" if r() < 0.51 else "F", age, SINGLE, grandchild_lineage, child_order)
            )
        if r() < 0.35:
            younger = child_age - tri(2.0, 14.0, 5.0)
            if younger > 0.5 and mother_age - younger <= 45.0:
                members.append(
                    (CHILD, "M" if r() < 0.51 else "F", younger, self._child_marital(younger), "F", 1)
                )
        return members

    # -- identifiers ------------------------------------------------------------------------------------

    def nik(self, district: str, birth_ord: int, sex: str) -> tuple[str, date]:
        """A unique NIK and the birth date it encodes: on the (rare) exhaustion of the run's serials for a
        day in the district the birth date moves a day earlier."""
        district_key = int(district) << 21
        female = sex == "F"
        serials = self.nik_serials
        while True:
            key = district_key | birth_ord << 1 | female
            serial = serials.get(key, 0) + 1
            if serial <= SERIAL_BLOCK_SIZE:
                serials[key] = serial
                birth = date.fromordinal(birth_ord)
                nik = nik_for(
                    district_code=district, birth_date=birth, sex=sex, serial=self.serial_base + serial
                )
                return nik, birth
            birth_ord -= 1

    def kk(self, district: str, issued_ord: int) -> str:
        district_int = int(district)
        while True:
            key = district_int << 20 | issued_ord
            serial = self.kk_serials.get(key, 0) + 1
            if serial <= SERIAL_BLOCK_SIZE:
                self.kk_serials[key] = serial
                issued_on = date.fromordinal(issued_ord)
                return kk_for(district_code=district, issued_on=issued_on, serial=self.serial_base + serial)
            issued_ord -= 1

    # -- people -----------------------------------------------------------------------------------------

    def _schooling(self, age: float, wealth: float, birth_year: int) -> tuple[str, str]:
        """(highest education completed, school attendance) by age and household wealth."""
        r = self.rng.random
        if age < 6.0:
            return "none", "not_yet"
        if age < 7.0:
            return "none", "sd" if r() < 0.35 else "not_yet"
        if age < 13.0:
            return "none", "sd" if r() < 0.985 else "left"
        if age < 16.0:
            if r() < 0.88 + 0.04 * wealth:
                return "sd", "smp"
            return ("sd" if r() < 0.7 else "none"), "left"
        if age < 19.0:
            if r() < 0.70 + 0.1 * wealth:
                return "smp", "sma"
            u = r()
            return ("smp" if u < 0.6 else "sd" if u < 0.92 else "none"), "left"
        if age < 24.0:
            if r() < 0.78 + 0.08 * wealth:
                if r() < 0.28 + 0.12 * wealth:
                    return "sma", "higher"
                return ("sma" if age < 22.0 or r() < 0.8 else "diploma"), "left"
            u = r()
            return ("smp" if u < 0.65 else "sd" if u < 0.95 else "none"), "left"
        z = 0.75 * wealth + 0.035 * (birth_year - 1975) + 0.85 * self.normal()
        return _adult_education(z), "left"

    def _occupation(
        self, age: float, sex: str, education: str, schooling: str, wealth: float, urban: bool
    ) -> tuple[str, bool, bool, bool]:
        """(occupation, is_civil_servant, is_military, is_police)."""
        r = self.rng.random
        if schooling in ("sd", "smp", "sma", "higher"):
            return "school", False, False, False
        if age < 15.0:
            return "none", False, False, False
        edu = _EDU_RANK[education]
        boost = 1.0 + 0.4 * max(-1.0, min(2.0, wealth))
        if age >= 58.0:
            if edu >= 3 and r() < 0.09 * boost:
                u = r()
                if u < 0.75:
                    return "pensioner", True, False, False
                return ("pensioner", False, True, False) if u < 0.9 else ("pensioner", False, False, True)
            if age >= 70.0 and r() < 0.6:
                return "none", False, False, False
        elif age >= 20.0:
            u = r()
            if edu >= 3:
                p_cs = (0.018 if edu == 3 else 0.06) * boost
                male = sex == "M"
                p_mil = (0.012 if male else 0.001) * boost if age < 53 else 0.0
                p_pol = (0.011 if male else 0.0015) * boost if age < 53 else 0.0
                if u < p_cs:
                    return "civil_servant", True, False, False
                u -= p_cs
                if u < p_mil:
                    return "military", False, True, False
                u -= p_mil
                if u < p_pol:
                    return "police", False, False, True
                u -= p_pol
                p_teacher = (0.008 if edu == 3 else 0.04) * (1.3 if sex == "F" else 0.8)
                if u < p_teacher:
                    return "teacher", False, False, False
                u -= p_teacher
                p_health = 0.0 if edu < 4 else 0.03 * (1.4 if sex == "F" else 0.7)
                if u < p_health:
                    return "health_worker", False, False, False
                u -= p_health
            if age >= 25.0 and u < (0.009 if sex == "M" else 0.003):
                return "village_official", False, False, False
            if u < 0.012 and wealth > 0.5:
                return "entrepreneur", False, False, False
        band = 0 if wealth < -0.5 else 1 if wealth < 0.5 else 2
        return _OCCUPATIONS[sex, urban, band](r()), False, False, False

    def household(self, v: _VillageCtx, max_size: int) -> int:
        """Generate one household in village ``v`` with at most ``max_size`` members; return its size."""
        rng = self.rng
        r = rng.random
        today_ord = self.today_ord
        members = self.compose()[:max_size]
        wealth = v.wealth + self.normal()
        culture = self.namer.culture(v.province)
        families = self.namer.families(culture)
        uses_families = bool(families)
        share_from_head = not uses_families and members[0][1] == "M" and r() < 0.15

        births: list[int] = []
        for _, _, age, _, _, _ in members:
            births.append(today_ord - max(1, int(age * DAYS_PER_YEAR)))
        # The KK is (re)issued after the head turned 18 and after the youngest member was born.
        earliest = max(births[0] + int(18 * DAYS_PER_YEAR), max(births) + 1, _KK_EPOCH)
        issued_ord = min(today_ord, earliest + int(r() * max(1, today_ord - earliest)))
        kk = self.kk(v.district, issued_ord)

        rows: list[tuple[Any, ...]] = []
        head_name = ""
        dependants = 0
        namer, district, urban = self.namer, v.district, v.urban
        make_name = namer.name_maker(culture)
        schooling_of, occupation_of, nik_of = self._schooling, self._occupation, self.nik
        info = v.info
        for (relationship, sex, age, marital, lineage, order), birth_ord in zip(members, births, strict=True):
            nik, birth = nik_of(district, birth_ord, sex)
            birth_year = birth.year
            if uses_families:
                family = families.get(lineage) or namer.family(culture)
            elif share_from_head and sex == "M" and relationship in (CHILD, GRANDCHILD) and lineage == "F":
                family = head_name.rsplit(" ", 1)[1] if " " in head_name else ""
            else:
                family = ""
            name = make_name(culture, sex, birth_year, family, order)
            if relationship == HEAD:
                head_name = name
            education, schooling = schooling_of(age, wealth, birth_year)
            occupation, civil, military, police = occupation_of(age, sex, education, schooling, wealth, urban)
            u = r()
            if u < (0.85 if age >= 15.0 else 0.93):
                place = info.regency_place
            elif u < 0.97:
                place = info.province_places[int(r() * len(info.province_places))]
            else:
                places = _all_places()
                place = places[int(r() * len(places))]
            if age < 15.0 or age >= 65.0:
                dependants += 1
            p_disabled = 0.01 if age < 18.0 else 0.015 if age < 60.0 else 0.06
            disability = "none"
            if r() < p_disabled:
                disability = "severe" if r() < (0.35 if age >= 75.0 else 0.25) else "mild"
            chronic = r() < (0.01 if age < 40.0 else 0.07 if age < 60.0 else 0.22)
            deceased: date | None = None
            pregnant = False
            if r() < (0.004 if age < 60.0 else 0.045 if age < 75.0 else 0.1):
                span = min(1461, today_ord - birth_ord)
                deceased = date.fromordinal(today_ord - int(r() * span))
            elif sex == "F" and marital == MARRIED and 18.0 <= age <= 45.0:
                pregnant = r() < (0.06 if age < 36.0 else 0.025)
            row = (
                nik, kk, name, sex, birth, place, relationship, marital, education, schooling, occupation,
                civil, military, police, disability, chronic, pregnant, deceased,
            )  # fmt: skip
            rows.append(row)
        self.people.extend(rows)
        self._household_row(kk, v, wealth, rows, ages=(members[0][2], dependants))
        return len(rows)

    def _household_row(
        self, kk: str, v: _VillageCtx, wealth: float, rows: list[tuple[Any, ...]], *, ages: tuple[float, int]
    ) -> None:
        """Housing, utilities and assets from the latent wealth; the welfare score from all of them.
        ``ages``: the head's age and the number of dependants (under 15 or 65 and over)."""
        rng = self.rng
        r, normal = rng.random, self.normal
        urban = v.urban
        size = len(rows)
        outer = v.province not in JAVA_BALI
        floor = _FLOOR(wealth + 0.6 * normal())
        wall = (_WALL_OUTER if outer else _WALL)(wealth + 0.6 * normal())
        roof = (_ROOF_OUTER if outer else _ROOF_JAVA)(wealth + 0.6 * normal())
        water = _WATER(wealth + (0.5 if urban else -0.2) + 0.8 * normal())
        sanitation = _SANITATION(wealth + 0.6 * normal())
        lighting = _LIGHTING(wealth + 0.6 * normal())
        cooking = _COOKING(wealth + (0.4 if urban else -0.3) + 0.6 * normal())
        head_age, dependants = ages
        young = head_age < 35
        if urban:
            tenure = (_TENURE_URBAN_YOUNG if young else _TENURE_URBAN)(r())
        else:
            tenure = (_TENURE_RURAL_YOUNG if young else _TENURE_RURAL)(r())
        area = max(12, int(math.exp(3.6 + 0.25 * wealth + 0.3 * normal()) + 6 * size))
        motorcycle = r() < _sigmoid(1.4 + 1.3 * wealth)
        car = r() < _sigmoid(-3.3 + 1.4 * wealth + (0.3 if urban else 0.0))
        refrigerator = r() < _sigmoid(0.5 + 1.5 * wealth + (0.4 if urban else 0.0))
        land = r() < (_sigmoid(-2.0 + 0.3 * wealth) if urban else _sigmoid(0.2 + 0.3 * wealth))
        livestock = r() < (0.03 if urban else _sigmoid(-1.3 + 0.2 * wealth - (0.5 if wealth > 1 else 0.0)))
        address, rt, rw = self.address(v)
        row = (
            kk, v.info.code, address, rt, rw, area, floor, wall, roof, water, sanitation, lighting, cooking,
            tenure, motorcycle, car, refrigerator, land, livestock,
        )  # fmt: skip
        self.households.append(row)
        head = rows[0]
        score = (
            _SCORE_FLOOR[floor] + _SCORE_WALL[wall] + _SCORE_ROOF[roof] + _SCORE_WATER[water]
            + _SCORE_SANITATION[sanitation] + _SCORE_LIGHTING[lighting] + _SCORE_COOKING[cooking]
            + _SCORE_TENURE[tenure] + 2 * motorcycle + 8 * car + 3 * refrigerator + 2 * land + 2 * livestock
            + 0.15 * min(area / size, 40.0) + _SCORE_EDUCATION[head[8]] + _SCORE_OCCUPATION[head[10]]
            + max((_SCORE_OCCUPATION[row[10]] for row in rows[1:]), default=0) * 0.5
            - 1.0 * (size - 1) - 1.0 * dependants + 2.0 * normal()
        )  # fmt: skip
        self.scores.append(round(score + 20.0, 2))

    def finish(self) -> list[tuple[Any, ...]]:
        """Household rows with welfare score, decile (by rank, equal-sized) and status."""
        scores = self.scores
        count = len(scores)
        order = sorted(range(count), key=scores.__getitem__)
        deciles = [0] * count
        for rank, index in enumerate(order):
            deciles[index] = rank * 10 // count + 1
        return [(*row, scores[i], deciles[i], "active") for i, row in enumerate(self.households)]


_ADULT_EDUCATION = _ordinal(_EDUCATION, (-1.25, -0.2, 0.25, 1.35, 1.55))


def _adult_education(z: float) -> str:
    return _ADULT_EDUCATION(z)


@functools.lru_cache(maxsize=1)
def _all_places() -> tuple[str, ...]:
    return tuple(_regency_places().values())


def generate(
    *,
    people: int,
    seed: int,
    villages: Sequence[str] | None = None,
    per_village: int = DEFAULT_PER_VILLAGE,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Population:
    """Exactly ``people`` synthetic people in households over real villages, deterministic by ``seed``.

    ``villages``: explicit village codes (each must exist in the bundled region data); by default about
    ``people / per_village`` villages are drawn by seed over all provinces. ``today`` (default
    :data:`REFERENCE_DATE`) anchors ages, deaths and issue dates. ``progress`` is called with the number
    of people generated after each village.
    """
    if people < 0:
        raise ValueError("people must not be negative")
    if per_village < 1:
        raise ValueError("per_village must be at least 1")
    today = today or REFERENCE_DATE
    explicit = sorted(dict.fromkeys(villages or ()))
    block = serial_block(seed=seed, people=people, per_village=per_village, villages=explicit, today=today)
    gen = _Generator(seed=seed, today=today, serial_block=block)
    if explicit:
        catalogue = village_catalogue()
        unknown = [code for code in explicit if code not in catalogue]
        if unknown:
            raise ValueError(f"unknown village codes: {', '.join(unknown[:5])}")
        codes = explicit
    else:
        codes = choose_villages(max(1, math.ceil(people / per_village)), gen.rng) if people else []
    for code, quota in zip(codes, _split(people, len(codes)), strict=True):
        v = gen.village(code)
        left = quota
        while left > 0:
            left -= gen.household(v, left)
        if progress is not None:
            progress(quota)
    return Population(seed=seed, today=today, villages=codes, households=gen.finish(), people=gen.people)


def serial_block(*, seed: int, people: int, per_village: int, villages: Sequence[str], today: date) -> int:
    """The block of NIK/KK serials a run uses, from all its arguments (stable across processes).

    Serials count from 1 per district and date within a run; offsetting each run into one of 199 blocks
    of 50 keeps runs with different arguments (another seed, size or village list) from reusing each
    other's numbers, which the upsert by NIK/KK would otherwise merge. Runs with equal arguments share the
    block, which is what makes them idempotent."""
    text = f"{seed}|{people}|{per_village}|{','.join(villages)}|{today.isoformat()}"
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:8], "big") % SERIAL_BLOCKS


def _split(total: int, parts: int) -> list[int]:
    if parts == 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def chunks(rows: Sequence[T], size: int = CHUNK_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# ---------------------------------------------------------------------------------------------------------
# Writing to the database
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Written:
    inserted: int = 0
    updated: int = 0


def _bar(total: int, description: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, desc=description, unit=" rows", unit_scale=True, file=sys.stderr, disable=not enabled
    )


def _write_chunks(
    upsert: Callable[..., Any], rows: list[tuple[Any, ...]], description: str, progress: bool
) -> _Written:
    total = _Written()
    with _bar(len(rows), description, progress) as bar:
        for chunk in chunks(rows):
            result = upsert(chunk, provenance=Provenance.SYNTHETIC)
            if result.missing_household or result.duplicates:  # the generator's own invariants
                raise RuntimeError("synthetic rows were refused by the registry writer")
            total.inserted += result.inserted
            total.updated += result.updated
            bar.update(len(chunk))
    return total


def population_synthesize(
    *,
    people: int,
    seed: int,
    actor: Actor,
    per_village: int = DEFAULT_PER_VILLAGE,
    villages: Sequence[str] | None = None,
    progress: bool = False,
    today: date | None = None,
) -> dict[str, int]:
    """Generate a population (see :func:`generate`) and upsert it into the registry, set-based, in chunks.

    Idempotent: the same arguments write the same rows again (upsert by KK and NIK), so a second run
    changes nothing. One audit event ``registry.synthesized`` records the run (counts and seed only).
    Returns the counts: villages, households and people generated, and how many of them the writer
    inserted or updated (both 0 when the same population is already there).
    """
    with _bar(people, "generating people", progress) as bar:
        population = generate(
            people=people,
            seed=seed,
            villages=villages,
            per_village=per_village,
            today=today,
            progress=bar.update,
        )
    counts = population.summary()
    with transaction.atomic():
        households = _write_chunks(
            bulk.upsert_households, population.households, "writing households", progress
        )
        people_result = _write_chunks(bulk.upsert_people, population.people, "writing people", progress)
        counts |= {
            "households_inserted": households.inserted,
            "households_updated": households.updated,
            "people_inserted": people_result.inserted,
            "people_updated": people_result.updated,
        }
        record(
            actor=actor,
            event_type="registry.synthesized",
            subject=("registry.synth", seed),
            details={
                **counts,
                "seed": seed,
                "per_village": per_village,
                "today": population.today.isoformat(),
            },
        )
    return counts
