"""Synthetic foreign nationals with their travel documents, sponsors, stay permits, residences and
border movements, written as PostgreSQL ``COPY`` text for speed.

One generator serves both the national-scale benchmark data (``manage.py generate_dataset``) and
the Parepare demo records (``manage.py seed_demo``); a :class:`Profile` says where people live,
which nationalities and life stories to draw, and which sponsors exist.

Guarantees (tested in ``tests/foreigners/test_synthetic.py``):

* **Reproducible**: a chunk's rows depend only on (seed, chunk index, the first ids reserved for
  the chunk, the profile, ``today``) — never on process scheduling.
* **Exact counts**: life stories and permit states are *apportioned* per chunk (largest
  remainder), not sampled, so a chunk of a given size always has the same number of rows per
  table. That lets the caller reserve every id range from the sequences before generating, and
  makes small runs (the 300-person demo) contain every scenario.
* **Unique numbers that never collide with later runs**: a document, permit or NIB number is a
  bijective scramble of the row's own (reserved, hence new) id; numbers already in the database
  that a scramble would produce are passed in ``taken`` and skipped.
* Every check and unique constraint of ``foreigners.models`` holds; ``search_name`` is
  :func:`foreigners.models.normalize_name` of the name and ``name_keys`` its phonetic keys
  (:func:`foreigners.phonetic.name_keys`), as ``Foreigner.save`` stores them.

Dates are relative to ``profile.today`` so that "expires within 30 days" or "overstayed 45 days"
hold on the day the data is generated.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from agencies.models import Region
from foreigners.models import normalize_name
from foreigners.phonetic import name_keys

from .synthetic_agencies import PAREPARE, PAREPARE_WEIGHT, PROVINCE_WEIGHT

# --- Number scrambles: x -> (x * MUL + ADD) mod MOD is a bijection because gcd(MUL, MOD) = 1.
DOC_MOD, DOC_MUL, DOC_ADD = 10**9, 738_545_117, 104_729
PERMIT_MOD, PERMIT_MUL, PERMIT_ADD = 10**9, 615_247_823, 7_919
NIB_MOD, NIB_MUL, NIB_ADD = 10**12, 456_887_213_579, 31_337


def scramble(x: int, mod: int, mul: int, add: int) -> int:
    return (x * mul + add) % mod


def unscramble(y: int, mod: int, mul: int, add: int) -> int:
    return ((y - add) * pow(mul, -1, mod)) % mod


def unscramble_sql(expr: str, mod: int, mul: int, add: int) -> str:
    """SQL for :func:`unscramble` of the integer ``expr`` (numeric: products exceed bigint)."""
    inv = pow(mul, -1, mod)
    return f"((((({expr})::numeric - {add}) % {mod} + {mod}) % {mod} * {inv}) % {mod})"


# COPY column lists, one per table, in the order the row formatters below write them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "foreigners_sponsor": (
        "id created_at updated_at kind name nib nik address region_id phone".split()
    ),
    "foreigners_foreigner": (
        "id created_at updated_at family_name given_names search_name name_keys sex birth_date "
        "birth_place nationality photo occupation version residence_region_id"
    ).split(),
    "foreigners_traveldocument": (
        "id created_at updated_at foreigner_id kind number issuing_country issued_on expires_on"
    ).split(),
    "foreigners_staypermit": (
        "id created_at updated_at foreigner_id kind visa_index number issued_on valid_from "
        "valid_until sponsor_id purpose status extends_id"
    ).split(),
    "foreigners_residence": (
        "id created_at updated_at foreigner_id address region_id latitude longitude from_date "
        "to_date"
    ).split(),
    "foreigners_movement": (
        "id created_at updated_at foreigner_id kind occurred_on port travel_document_id "
        "recorded_by_id"
    ).split(),
}
FOREIGNER_TABLES = tuple(t for t in COLUMNS if t != "foreigners_sponsor")
NULL = r"\N"

# --- Names. Pools hold no tab, newline or backslash (COPY text format), checked by a test.
_NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    # nationality: (family names, male given names, female given names)
    "CHN": (
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao".split(),
        "Wei Jun Hao Lei Qiang Ming Jie Tao Bin Yong Chao Peng Jian Bo Gang Xin".split(),
        "Fang Jing Li Na Min Yan Xiu Ying Hui Ling Mei Juan Xia Lan Hong Qian".split(),
    ),
    "TWN": (
        "Chen Lin Huang Chang Li Wang Wu Liu Tsai Yang".split(),
        "Chih-Ming Chun-Hung Wei-Lun Chia-Hao Yu-Cheng".split(),
        "Shu-Fen Mei-Ling Ya-Ting Hsiao-Wen Pei-Shan".split(),
    ),
    "MYS": (
        "Abdullah Rahman Ismail Hassan Tan Lim Lee Wong Ng Kumar Yusof Ibrahim".split(),
        "Ahmad Muhammad Faizal Hafiz Azman Wei Jian Rajesh Hakim Amir".split(),
        "Nurul Siti Aisyah Farah Mei Ling Priya Zulaikha Hana Aminah".split(),
    ),
    "KOR": (
        "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin".split(),
        "Min-jun Seo-jun Do-yun Ji-ho Hyun-woo Jae-won Sung-min Dong-hyun".split(),
        "Seo-yeon Ji-woo Ha-eun Min-seo Soo-ah Ji-yeon Eun-ji Hye-jin".split(),
    ),
    "JPN": (
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato".split(),
        "Hiroshi Takeshi Kenji Daiki Haruto Yuto Sota Ren Kaito Shota".split(),
        "Yui Aoi Hana Sakura Yuna Mio Rin Akari Emi Keiko".split(),
    ),
    "USA": (
        "Smith Johnson Williams Brown Jones Miller Davis Garcia Wilson Anderson Taylor".split(),
        "James John Robert Michael David William Richard Joseph Thomas Daniel".split(),
        "Mary Patricia Jennifer Linda Elizabeth Susan Jessica Sarah Karen Emily".split(),
    ),
    "AUS": (
        "Smith Jones Williams Brown Wilson Taylor Nguyen Johnson Martin White".split(),
        "Jack Oliver William Noah Thomas Liam Lachlan Cooper Mitchell Riley".split(),
        "Charlotte Olivia Ava Chloe Mia Isla Ruby Matilda Sienna Zoe".split(),
    ),
    "IND": (
        "Sharma Patel Singh Kumar Gupta Reddy Iyer Nair Das Mehta".split(),
        "Rahul Amit Arjun Vikram Suresh Rajesh Anil Sanjay Ravi Karthik".split(),
        "Priya Anjali Deepa Kavya Lakshmi Pooja Sunita Meera Divya Neha".split(),
    ),
    "PHL": (
        "Santos|Reyes|Cruz|Bautista|Ocampo|Garcia|Mendoza|Torres|Dela Cruz|Ramos".split("|"),
        "Jose Juan Mark Angelo Paolo Carlo Miguel Rafael Joshua Noel".split(),
        "Maria Ana Kristine Angelica Jasmine Rowena Liza Grace Joy Camille".split(),
    ),
    "SGP": (
        "Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh".split(),
        "Wei Ming Jun Jie Kelvin Marcus Darren Ryan Bryan Ethan".split(),
        "Hui Min Xin Yi Rachel Michelle Shermaine Jolene Grace Vanessa".split(),
    ),
    "THA": (
        "Saetang Srisuk Wongsakul Chaiyaporn Rattanakorn Boonmee Suksawat".split(),
        "Somchai Anan Prasert Kittisak Nattapong Chaiwat Sompong".split(),
        "Siriporn Kanya Ploy Nattaya Malee Pimchanok Suda".split(),
    ),
    "VNM": (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Đặng Bùi".split(),
        "Minh Tuấn Hùng Dũng Quang Đức Khánh Long".split(),
        "Lan Hương Mai Thảo Ngọc Hà Linh Trang".split(),
    ),
    "DEU": (
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schäfer Koch".split(),
        "Lukas Jürgen Stefan Matthias Andreas Tobias Jörg Florian".split(),
        "Anna Jülia Katharina Sabine Lena Käthe Monika Sophie".split(),
    ),
    "NLD": (
        "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Visser|Smit|Meijer".split("|"),
        "Daan Sem Thijs Jeroen Bram Ruud Pieter Joost".split(),
        "Emma Sanne Fleur Lotte Anouk Marieke Femke Ineke".split(),
    ),
    "GBR": (
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Evans Thomas".split(),
        "Oliver George Harry Jack Charlie Alfie Henry Edward".split(),
        "Olivia Amelia Isla Ava Emily Sophie Grace Charlotte".split(),
    ),
    "FRA": (
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Lefèvre Mercier".split(),
        "Jean Pierre François Étienne Jérôme Loïc Mathéo Benoît".split(),
        "Marie Hélène Chloé Léa Zoé Élodie Anaïs Céline".split(),
    ),
    "DNK": (
        "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen".split(),
        "Søren Mads Rasmus Frederik Jens Anders Bjørn Mikkel".split(),
        "Ida Freja Mette Karen Signe Astrid Maja Sofie".split(),
    ),
    "RUS": (
        "Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov".split(),
        "Alexander Dmitry Sergei Andrei Alexei Ivan Maxim Nikolai".split(),
        "Anastasia Elena Olga Natalia Tatiana Irina Svetlana Maria".split(),
    ),
    "SAU": (
        "Al-Harbi Al-Qahtani Al-Ghamdi Al-Zahrani Al-Otaibi Al-Shehri".split(),
        "Mohammed Abdullah Fahad Khalid Saud Faisal".split(),
        "Noura Fatimah Sara Reem Aisha Lama".split(),
    ),
    "AFG": (
        "Ahmadi Hussaini Rahimi Karimi Mohammadi Haidari Sultani Jafari".split(),
        "Ali Reza Hassan Mustafa Mahdi Ahmad Javad Sajjad".split(),
        "Fatima Zahra Maryam Masooma Sakina Shabnam Nargis".split(),
    ),
    "MMR": (
        "Mohammed Hussain Rahman Alam Ullah Islam".split(),
        "Nur Abdul Mohammad Rafiq Anwar Salim".split(),
        "Rokeya Hasina Nur Begum Sajeda Amina".split(),
    ),
    "SOM": (
        "Mohamed Ali Hassan Abdi Farah Warsame Osman Yusuf".split(),
        "Ahmed Abdirahman Mahad Liban Bashir Hamza".split(),
        "Hodan Fadumo Sahra Ayaan Hawa Ilhan".split(),
    ),
}
_NAMES["XXX"] = _NAMES["GBR"]  # fallback for nationalities without their own pool

# Nationalities of residents (weights) and of refugees. A rough national shape.
NATIONAL_NATIONALITIES: dict[str, float] = {
    "CHN": 24, "KOR": 7, "JPN": 7, "MYS": 6, "AUS": 8, "USA": 5, "IND": 5, "PHL": 4, "SGP": 3,
    "RUS": 4, "GBR": 3, "DEU": 3, "FRA": 3, "NLD": 2, "THA": 2, "TWN": 3, "VNM": 2, "SAU": 1,
    "DNK": 1,
}  # fmt: skip
REFUGEE_NATIONALITIES: dict[str, float] = {"AFG": 6, "MMR": 3, "SOM": 2}

_PASSPORT_LETTER = {"CHN": "E", "KOR": "M", "JPN": "T", "MYS": "A", "USA": "C", "IND": "Z"}
_BIRTH_PLACES = {
    "CHN": ["Beijing", "Shanghai", "Guangzhou", "Fujian", "Chongqing", "Hunan"],
    "MYS": ["Kuala Lumpur", "Johor Bahru", "Penang", "Kota Kinabalu", "Kuching"],
    "KOR": ["Seoul", "Busan", "Incheon", "Daegu"],
    "JPN": ["Tokyo", "Osaka", "Nagoya", "Fukuoka"],
    "FRA": ["Paris", "Lyon", "Marseille", "Besançon"],
    "DEU": ["München", "Berlin", "Hamburg", "Köln"],
    "DNK": ["København", "Aarhus", "Odense", "Esbjerg"],
}

STREETS = (
    "Bau Massepe|Andi Makkasau|Jenderal Sudirman|Ahmad Yani|Diponegoro|Gatot Subroto|Hasanuddin|"
    "Sultan Alauddin|Pattimura|Veteran|Merdeka|Pahlawan|Kartini|Imam Bonjol|Lasinrang|"
    "Mattirotasi|Pelita|Delima|Kenanga|Cempaka|Pinang|Samudra|Pelabuhan|Bukit Indah"
).split("|")

PORTS: dict[str, list[str]] = {
    "73": ["TPI Bandara Sultan Hasanuddin", "TPI Pelabuhan Nusantara Parepare"],
    "51": ["TPI Bandara I Gusti Ngurah Rai", "TPI Pelabuhan Benoa"],
    "21": ["TPI Pelabuhan Batam Center", "TPI Bandara Hang Nadim"],
    "31": ["TPI Bandara Soekarno-Hatta"],
    "32": ["TPI Bandara Soekarno-Hatta"],
    "36": ["TPI Bandara Soekarno-Hatta"],
    "35": ["TPI Bandara Juanda"],
    "12": ["TPI Bandara Kualanamu"],
    "71": ["TPI Bandara Sam Ratulangi"],
    "72": ["TPI Bandara Sultan Hasanuddin", "TPI Pelabuhan Morowali"],
    "82": ["TPI Bandara Sultan Babullah", "TPI Pelabuhan Weda Bay"],
}
DEFAULT_PORTS = ["TPI Bandara Soekarno-Hatta", "TPI Bandara I Gusti Ngurah Rai"]

# --- Permits. (kind, visa indexes, duration in days)
ITK_C1 = ("ITK", ("C1",), 60)
ITK_B1 = ("ITK", ("B1",), 30)
ITK_D1 = ("ITK", ("D1",), 60)
ITAS_WORK = ("ITAS", ("E23",), 365)
ITAS_ANY = ("ITAS", ("E23", "E23", "E23", "E28F", "E31A", "E33G"), 365)
ITAS_FAMILY = ("ITAS", ("E31A", "E28F"), 730)
ITAP = ("ITAP", ("",), 1825)
OFFICIAL = ("DIPLOMATIC", ("",), 365)


@dataclass(frozen=True)
class Story:
    """A life story: the permits from first to current, and how each follows the previous
    (``ext`` = an extension pointing at it through ``extends``; ``conv`` = a conversion)."""

    name: str
    permits: tuple[tuple, ...]
    links: tuple[str, ...] = ()

    @property
    def permit_count(self) -> int:
        return len(self.permits)


STORIES: dict[str, Story] = {
    s.name: s
    for s in (
        Story("itk", ((ITK_C1, ITK_B1, ITK_D1),)),
        Story("itk_extended", ((ITK_C1, ITK_B1),) * 2, ("ext",)),
        Story("itk_extended_twice", ((ITK_C1,),) * 3, ("ext", "ext")),
        Story("itas", ((ITAS_ANY,),)),
        Story("itas_extended", ((ITAS_ANY,),) * 2, ("ext",)),
        Story("itas_extended_twice", ((ITAS_WORK,),) * 3, ("ext", "ext")),
        Story("itk_to_itas", ((ITK_C1,), (ITAS_ANY,)), ("conv",)),
        Story("itas_to_itap", ((ITAS_FAMILY,), (ITAP,)), ("conv",)),
        Story("itap", ((ITAP,),)),
        Story("official", ((OFFICIAL, ("SERVICE", ("",), 365)),)),
        Story("refugee", ()),
    )
}
# About 1.5 permits per person.
NATIONAL_STORIES: dict[str, float] = {
    "itk": 25, "itk_extended": 12, "itk_extended_twice": 5, "itas": 18, "itas_extended": 12,
    "itas_extended_twice": 6, "itk_to_itas": 6, "itas_to_itap": 4, "itap": 6, "official": 1,
    "refugee": 5,
}  # fmt: skip
# State of the current permit (people with a permit only).
NATIONAL_STATES: dict[str, float] = {
    "valid": 80, "expiring": 6, "overstay_short": 2.5, "overstay_long": 1.5, "departed": 10,
}  # fmt: skip

PURPOSE = {
    "C1": "Wisata",
    "B1": "Kunjungan wisata (visa on arrival)",
    "D1": "Kunjungan bisnis / rapat",
    "E23": "Bekerja",
    "E28F": "Penanaman modal",
    "E31A": "Penyatuan keluarga",
    "E33G": "Pekerja jarak jauh",
    "": "",
}
OCCUPATIONS = {
    "E23": "Tenaga ahli teknik|Teknisi turbin angin|Manajer proyek|Guru bahasa Inggris|"
    "Koki|Ahli budidaya rumput laut|Supervisor pabrik pakan|Manajer hotel|Dosen".split("|"),
    "E28F": ["Direktur", "Komisaris", "Investor"],
    "E31A": ["Ibu rumah tangga", "Pensiunan", "Wiraswasta"],
    "E33G": ["Pengembang perangkat lunak", "Desainer", "Penulis"],
    "D1": ["Pengusaha", "Konsultan"],
    "": ["Diplomat", "Pensiunan", "Wiraswasta"],
}
# Which kind of sponsor a visa index has, if any (None: no sponsor).
SPONSOR_KIND = {"E23": "company", "E28F": "company", "D1": "company", "E31A": "person"}

SPONSOR_HEADS = "Sinar|Bumi|Samudra|Angin|Mega|Karya|Bintang|Nusa|Cahaya|Mitra|Prima".split("|")
SPONSOR_TAILS = "Energi|Bahari|Pangan|Teknik|Abadi|Sejahtera|Mandiri|Perkasa|Sentosa".split("|")
SPONSOR_TRADES = "Nusantara|Indonesia|Sulawesi|Jaya|Utama|Persada|Lestari".split("|")
PERSON_SPONSORS = "Andi Baso|Siti Rahmawati|Muhammad Arif|Nurhayati|Hasan Basri|Dewi Lestari"
PERSON_SPONSORS = PERSON_SPONSORS.split("|")


@dataclass(frozen=True)
class SponsorSpec:
    kind: str
    name: str
    nib: str = ""  # fixed NIB (demo); empty means generated from the row id
    address: str = ""
    region: str | None = None


@dataclass
class Profile:
    """What to generate. ``places`` are (kelurahan code, lat, lon) with ``place_weights``."""

    today: dt.date
    now: dt.datetime
    places: list[tuple[str, float, float]]
    place_weights: list[float]
    nationalities: dict[str, float] = field(default_factory=lambda: NATIONAL_NATIONALITIES)
    refugee_nationalities: dict[str, float] = field(default_factory=lambda: REFUGEE_NATIONALITIES)
    stories: dict[str, float] = field(default_factory=lambda: NATIONAL_STORIES)
    states: dict[str, float] = field(default_factory=lambda: NATIONAL_STATES)
    moved_share: float = 0.05  # people with an earlier (closed) residence
    entry_share: float = 0.6  # people whose arrival is recorded as a movement
    sponsors: list[SponsorSpec] | None = None  # None: generate ``sponsor_count`` sponsors
    sponsor_count: int = 0
    # Filled in once sponsor ids are known: kind -> ids.
    sponsor_ids: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self):
        self._cum_places = _cumulative(self.place_weights)


def _cumulative(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def apportion(weights: dict[str, float], n: int) -> list[tuple[str, int]]:
    """Split ``n`` over ``weights`` exactly (largest remainder; ties in ``weights`` order)."""
    total = sum(weights.values())
    quotas = [(key, n * w / total) for key, w in weights.items()]
    counts = {key: int(q) for key, q in quotas}
    rest = n - sum(counts.values())
    by_remainder = sorted(
        range(len(quotas)), key=lambda i: (-(quotas[i][1] - int(quotas[i][1])), i)
    )
    for i in by_remainder[:rest]:
        counts[quotas[i][0]] += 1
    return [(key, counts[key]) for key, _ in quotas]


@dataclass(frozen=True)
class Layout:
    """How many of each story, state and row a chunk of ``size`` people holds."""

    size: int
    stories: list[tuple[str, int]]
    states: list[tuple[str, int]]
    moved: int
    entries: int
    rows: dict[str, int]


def chunk_layout(size: int, profile: Profile) -> Layout:
    stories = apportion(profile.stories, size)
    holders = sum(c for s, c in stories if STORIES[s].permit_count)
    states = apportion(profile.states, holders)
    moved = round(size * profile.moved_share)
    entries = round(holders * profile.entry_share)
    departed = dict(states).get("departed", 0)
    rows = {
        "foreigners_foreigner": size,
        "foreigners_traveldocument": size,
        "foreigners_staypermit": sum(STORIES[s].permit_count * c for s, c in stories),
        "foreigners_residence": size + moved,
        "foreigners_movement": entries + departed,
    }
    return Layout(size, stories, states, moved, entries, rows)


@dataclass(frozen=True)
class Person:
    """What the sighting generator needs to know of a generated foreigner."""

    id: int
    region: str | None  # current residence (None once departed)
    home: str  # the residence region, even after departure
    lat: float  # the residence region's centroid
    lon: float
    nationality: str
    sex: str
    arrived: int  # date ordinal
    departed: bool


class DateText:
    """ISO text of date ordinals, cached (formatting dates is a large share of the work)."""

    def __init__(self):
        self._cache: dict[int, str] = {}

    def __call__(self, ordinal: int) -> str:
        text = self._cache.get(ordinal)
        if text is None:
            text = self._cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text


def timestamp_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00")


def _chooser(weights: dict[str, float]) -> Callable[[random.Random], str]:
    keys, cum = list(weights), _cumulative(weights.values())

    def choose(rng: random.Random) -> str:
        return rng.choices(keys, cum_weights=cum)[0]

    return choose


def _free(candidate: str, taken: frozenset[str], variants: Callable[[int], str]) -> str:
    """``candidate`` unless an existing row holds it; then the first free variant."""
    k = 0
    while candidate in taken:
        k += 1
        candidate = variants(k)
    return candidate


def sponsor_rows(
    profile: Profile, seed, first_id: int, count: int, taken: frozenset[str]
) -> tuple[str, dict[str, list[int]]]:
    """COPY text for ``count`` sponsors from ``first_id``; returns it with ids by kind."""
    rng = random.Random(f"{seed}:sponsors")
    now = timestamp_text(profile.now)
    specs = profile.sponsors
    lines, ids = [], {"company": [], "person": [], "institution": []}
    for i in range(count):
        sid = first_id + i
        if specs:
            spec = specs[i]
        else:
            kind = "company" if i % 4 else "person"
            if kind == "company":
                name = f"PT {rng.choice(SPONSOR_HEADS)} {rng.choice(SPONSOR_TAILS)}"
                name += f" {rng.choice(SPONSOR_TRADES)}"
            else:
                name = rng.choice(PERSON_SPONSORS)
            code = rng.choices(profile.places, cum_weights=profile._cum_places)[0][0]
            spec = SponsorSpec(kind, name, region=code.rsplit(".", 2)[0])
        nib = nik = ""
        if spec.kind == "company":
            digits = f"{scramble(sid, NIB_MOD, NIB_MUL, NIB_ADD):012d}"
            nib = spec.nib or _free("9" + digits, taken, lambda k, d=digits: f"{9 - k}{d}")
        elif spec.kind == "person":
            nik = f"7372{rng.randrange(10**12):012d}"
        address = spec.address or f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 250)}"
        region = spec.region or NULL
        phone = f"08{rng.randrange(10**10):010d}"
        lines.append(
            f"{sid}\t{now}\t{now}\t{spec.kind}\t{spec.name}\t{nib}\t{nik}\t{address}\t{region}"
            f"\t{phone}\n"
        )
        ids[spec.kind].append(sid)
    return "".join(lines), ids


def foreigner_chunk(
    profile: Profile,
    seed,
    index: int,
    layout: Layout,
    first_ids: dict[str, int],
    taken: frozenset[str],
) -> tuple[dict[str, str], list[Person]]:
    """COPY text per table for chunk ``index`` (``layout.size`` people), whose rows take the
    ids from ``first_ids[table]`` upward, plus the people for the sighting generator."""
    rng = random.Random(f"{seed}:foreigners:{index}")
    rand, randint, choice = rng.random, rng.randint, rng.choice
    day = DateText()
    T = profile.today.toordinal()
    now = timestamp_text(profile.now)
    places, cum_places = profile.places, profile._cum_places
    nationality_of, refugee_of = (
        _chooser(profile.nationalities),
        _chooser(profile.refugee_nationalities),
    )
    search_names: dict[tuple[str, str], tuple[str, str]] = {}
    # Employers are companies or institutions (schools, universities); families are persons.
    ids = profile.sponsor_ids
    sponsor_pools = {
        "company": ids.get("company", []) + ids.get("institution", []),
        "person": ids.get("person", []),
    }

    stories = [s for s, c in layout.stories for _ in range(c)]
    rng.shuffle(stories)
    states = [s for s, c in layout.states for _ in range(c)]
    rng.shuffle(states)
    moved = [True] * layout.moved + [False] * (layout.size - layout.moved)
    rng.shuffle(moved)
    holders = len(states)
    entries = [True] * layout.entries + [False] * (holders - layout.entries)
    rng.shuffle(entries)

    fid, did, pid = (first_ids[t] for t in FOREIGNER_TABLES[:3])
    rid, mid = first_ids["foreigners_residence"], first_ids["foreigners_movement"]
    out = {t: [] for t in FOREIGNER_TABLES}
    f_out, d_out, p_out = out["foreigners_foreigner"], out["foreigners_traveldocument"], []
    r_out, m_out = out["foreigners_residence"], out["foreigners_movement"]
    p_out = out["foreigners_staypermit"]
    people: list[Person] = []
    holder = 0
    for n in range(layout.size):
        story = STORIES[stories[n]]
        refugee = not story.permits
        nationality = refugee_of(rng) if refugee else nationality_of(rng)
        families, males, females = _NAMES.get(nationality, _NAMES["XXX"])
        sex = "M" if rand() < 0.62 else "F"
        family = choice(families)
        given = choice(males if sex == "M" else females)
        if rand() < 0.3:
            given = f"{given} {choice(males if sex == 'M' else females)}"
        key = (given, family)
        names = search_names.get(key)
        if names is None:
            search = normalize_name(f"{given} {family}")
            names = search_names[key] = (search, name_keys(search))
        search, keys = names
        birth = T - randint(18 * 365, 72 * 365)
        birth_place = choice(_BIRTH_PLACES.get(nationality, [""]))
        code, lat, lon = rng.choices(places, cum_weights=cum_places)[0]

        # Permits, built backwards from the current one's end date.
        state = states[holder] if not refugee else "refugee"
        permits: list[tuple] = []
        if not refugee:
            # The current permit first, then backwards; an extension repeats the permit it
            # extends (same kind, index and length).
            steps = [choice(story.permits[-1])]
            for i in range(len(story.permits) - 2, -1, -1):
                steps.append(steps[-1] if story.links[i] == "ext" else choice(story.permits[i]))
            steps.reverse()
            kind, indexes, duration = steps[-1]
            if state == "valid":
                end = T + randint(min(31, duration - 1), duration - 1)
            elif state == "expiring":
                end = T + randint(0, min(30, duration - 1))
            elif state == "overstay_short":
                end = T - randint(1, 59)
            elif state == "overstay_long":
                end = T - randint(61, 400)
            else:  # departed
                end = T - randint(1, 700)
            visa = choice(indexes)
            for step in range(len(steps) - 1, -1, -1):
                kind, indexes, duration = steps[step]
                if step < len(steps) - 1 and story.links[step] != "ext":
                    visa = choice(indexes)
                start = end - duration + 1
                permits.append((kind, visa, start, end))
                end = start - 1
            permits.reverse()
            arrived = permits[0][2]
        else:
            arrived = T - randint(100, 3000)
        departed = state == "departed"
        exit_day = permits[-1][3] - randint(0, 5) if departed else None

        # Residences: an earlier one for movers, then the current (closed on departure).
        last_day = exit_day if departed else T
        move_day = arrived + int((last_day - arrived) * rand()) if moved[n] else arrived
        if moved[n]:
            old_code = rng.choices(places, cum_weights=cum_places)[0][0]
            r_out.append(
                f"{rid}\t{now}\t{now}\t{fid}\tJl. {choice(STREETS)} No. {randint(1, 250)}"
                f"\t{old_code}\t{NULL}\t{NULL}\t{day(arrived)}\t{day(move_day)}\n"
            )
            rid += 1
        if rand() < 0.7:
            coords = f"{lat + rng.uniform(-0.01, 0.01):.5f}\t{lon + rng.uniform(-0.01, 0.01):.5f}"
        else:
            coords = f"{NULL}\t{NULL}"
        r_out.append(
            f"{rid}\t{now}\t{now}\t{fid}\tJl. {choice(STREETS)} No. {randint(1, 250)}\t{code}"
            f"\t{coords}\t{day(move_day)}\t{day(exit_day) if departed else NULL}\n"
        )
        rid += 1

        # Travel document, valid at arrival; most who stay renew it before it runs out.
        years = 5 if rand() < 0.4 else 10
        issued = arrived - randint(30, 1500)
        if not departed and issued + years * 365 < T + 60 and rand() < 0.9:
            issued = T - randint(30, 700)
        number = f"{_PASSPORT_LETTER.get(nationality, 'P')}"
        number += f"{scramble(did, DOC_MOD, DOC_MUL, DOC_ADD):09d}"
        number = _free(number, taken, lambda k, base=number: base + chr(64 + k))
        doc_kind = "travel_document" if refugee and rand() < 0.5 else "passport"
        d_out.append(
            f"{did}\t{now}\t{now}\t{fid}\t{doc_kind}\t{number}\t{nationality}\t{day(issued)}"
            f"\t{day(issued + years * 365 + years // 4)}\n"
        )

        # Permit rows: earlier ones superseded (extended / converted), the last one active
        # (cancelled when an ITAS/ITAP holder left for good).
        sponsor_kind = SPONSOR_KIND.get(permits[-1][1]) if permits else None
        sponsors = sponsor_pools.get(sponsor_kind)
        sponsor = str(choice(sponsors)) if sponsors else NULL
        occupation = choice(OCCUPATIONS.get(permits[-1][1] if permits else "", [""]))
        previous = None
        for i, (kind, visa, start, end) in enumerate(permits):
            last = i == len(permits) - 1
            if not last:
                status = "extended" if story.links[i] == "ext" else "converted"
            elif departed and kind in ("ITAS", "ITAP") and rand() < 0.5:
                status = "cancelled"
            else:
                status = "active"
            extends = str(previous) if i and story.links[i - 1] == "ext" else NULL
            prefix = {"ITK": "1C", "ITAS": "2C", "ITAP": "2D"}.get(kind, "DP")
            pnumber = f"{prefix}{scramble(pid, PERMIT_MOD, PERMIT_MUL, PERMIT_ADD):09d}"
            pnumber = _free(pnumber, taken, lambda k, base=pnumber: base + chr(64 + k))
            issued_on = start - randint(0, 14)
            p_out.append(
                f"{pid}\t{now}\t{now}\t{fid}\t{kind}\t{visa}\t{pnumber}\t{day(issued_on)}"
                f"\t{day(start)}\t{day(end)}\t{sponsor if kind != 'ITK' or visa == 'D1' else NULL}"
                f"\t{PURPOSE.get(visa, '')}\t{status}\t{extends}\n"
            )
            previous = pid
            pid += 1

        # Movements: the arrival (for some), the departure (for all who left).
        if not refugee:
            if entries[holder]:
                port = choice(PORTS.get(code[:2], DEFAULT_PORTS))
                m_out.append(
                    f"{mid}\t{now}\t{now}\t{fid}\tentry\t{day(arrived)}\t{port}\t{did}\t{NULL}\n"
                )
                mid += 1
            if departed:
                port = choice(PORTS.get(code[:2], DEFAULT_PORTS))
                m_out.append(
                    f"{mid}\t{now}\t{now}\t{fid}\texit\t{day(exit_day)}\t{port}\t{did}\t{NULL}\n"
                )
                mid += 1
            holder += 1

        current = NULL if departed else code
        f_out.append(
            f"{fid}\t{now}\t{now}\t{family}\t{given}\t{search}\t{keys}\t{sex}\t{day(birth)}"
            f"\t{birth_place}\t{nationality}\t\t{occupation}\t1\t{current}\n"
        )
        people.append(
            Person(fid, current if not departed else None, code, lat, lon, nationality, sex,
                   arrived, departed)
        )  # fmt: skip
        fid += 1
        did += 1
    return {t: "".join(lines) for t, lines in out.items()}, people


def national_places() -> tuple[list[tuple[str, float, float]], list[float]]:
    """Every kelurahan in the database with a weight: its province's share of foreign residents
    spread evenly over the province's kelurahan, Kota Parepare's share over Parepare's."""
    rows = list(
        Region.objects.filter(level=Region.Level.KELURAHAN, latitude__isnull=False)
        .order_by("code")
        .values_list("code", "latitude", "longitude")
    )

    def group(code):
        return PAREPARE if code.startswith(PAREPARE + ".") else code[:2]

    sizes: dict[str, int] = {}
    for code, _lat, _lon in rows:
        sizes[group(code)] = sizes.get(group(code), 0) + 1
    share = {**PROVINCE_WEIGHT, PAREPARE: PAREPARE_WEIGHT}
    places = [(code, float(lat), float(lon)) for code, lat, lon in rows]
    weights = [share.get(group(code), 0.1) / sizes[group(code)] for code, _la, _lo in rows]
    return places, weights
