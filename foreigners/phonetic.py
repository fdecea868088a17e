"""Phonetic keys of name words, for tolerant name search.

Method: every word of a normalised name (see :func:`foreigners.models.normalize_name`) gets one
key, a consonant skeleton in the spirit of Soundex, tuned to the transliterations officers meet
in Indonesia:

* spellings of one sound become one letter first (``ph``→f, ``kh``/``ch``→h, ``dj``→j,
  ``sch``/``sh``→s, ``th``→t, ``dh``→d, ``gh``→g, ``ck``→k, ``chr``→kr);
* doubled letters count once (Mohammed → mohamed);
* the first letter is kept, a vowel as ``a`` and ``y`` as ``j`` (Amelia/Emelia/Omar/Umar,
  Yusuf/Jusuf/Joseph); after it, vowels, ``h`` and ``y`` are dropped;
* consonants that sound or are typed alike share a letter (b/p, f/v, c/g/k/q, s/x/z, d/t).

So Mohamad, Muhammad, Mohammed, Mohammadi and Mehmet all key ``mmd``, Evens and Evans ``afns``,
Achmad and Ahmad ``amd``, Soekarno and Sukarno ``skrn``: a vowel typo or a transliteration
changes the word but not its key. Words in a script without Latin letters, and words with digits,
have no key (they are matched by their normalised form only).

Why this and not trigrams: ``pg_trgm`` (and ``fuzzystrmatch``) are not in the embedded
PostgreSQL (pgserver), and a trigram table of our own costs about ten rows per name word (tens
of millions at national scale) where a key costs one word in a column. Keys are stored in
``Foreigner.name_keys`` with a :data:`KEY_MARK` prefix and searched, together with the name's
words, through one GIN index over ``to_tsvector('simple', search_name || name_keys)``, which core
PostgreSQL has: an indexed lookup on both servers. Results are then ranked (a literal word-prefix
match above a phonetic one), see :func:`foreigners.selectors.name_filter`.
"""

from __future__ import annotations

import re

# Keys are stored beside the name's words in one text search vector; the mark keeps a key from
# ever equalling (or being the prefix target of) a real word, which has no digits.
KEY_MARK = "0"

_SPELLINGS = (
    ("sch", "s"),
    ("chr", "kr"),
    ("ch", "h"),
    ("kh", "h"),
    ("ph", "f"),
    ("sh", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("dj", "j"),
    ("ck", "k"),
)
_ALIKE = str.maketrans(
    {"p": "b", "v": "f", "c": "k", "g": "k", "q": "k", "x": "s", "z": "s", "t": "d"}
)
_VOWELS = frozenset("aeiou")
_DROPPED = frozenset("aeiouhy")
_DOUBLES = re.compile(r"(.)\1+")


def word_key(word: str) -> str:
    """The phonetic key of one normalised word ('' when it has no Latin letter, or a digit:
    a word with digits is a code, matched as typed)."""
    if any(c.isdigit() for c in word):
        return ""
    word = "".join(c for c in word if "a" <= c <= "z")
    if not word:
        return ""
    for spelling, sound in _SPELLINGS:
        word = word.replace(spelling, sound)
    word = _DOUBLES.sub(r"\1", word)
    first, rest = word[0], word[1:]
    if first in _VOWELS:
        head = "a"
    elif first == "y":
        head = "j"
    else:
        head = first.translate(_ALIKE)
    # Alike consonants meeting once vowels are gone count once (Schmidt: s-m-d-d); the head
    # is kept apart so Mohammed (m-md) stays distinct from Madi (m-d).
    tail = _DOUBLES.sub(r"\1", "".join(c for c in rest if c not in _DROPPED).translate(_ALIKE))
    return head + tail


def name_keys(normalised_name: str) -> str:
    """The stored keys of a normalised name: one marked key per word, in word order, deduplicated
    (``"0aml 0afns"`` for "amelia evans")."""
    keys: list[str] = []
    for word in normalised_name.split():
        key = word_key(word)
        if key and key not in keys:
            keys.append(key)
    return " ".join(KEY_MARK + key for key in keys)
