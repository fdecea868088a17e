"""Legal citations as data: each rule declares the articles it applies, and the reason sentences
and pages render them in the reader's language ("UU 6/2011 Pasal 78 ayat (1)" in Indonesian,
"Law 6/2011 Art. 78(1)" in English).

``docs/LEGAL_BASIS.md`` names the source text of every article a rule cites; a test checks that
each rule's citations appear there, so a citation cannot change without its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Instrument kinds, by their Indonesian abbreviation (the form officers write).
LAW_KINDS = {
    "UU": _("Law %(number)s"),
    "PP": _("Government Regulation %(number)s"),
}


@dataclass(frozen=True)
class Citation:
    """One provision: an instrument (``"UU 6/2011"``), an article, and optionally a paragraph
    (ayat) and a letter (huruf)."""

    law: str
    article: str
    paragraph: str = ""
    letter: str = ""

    def __post_init__(self) -> None:
        kind = self.law.split(" ", 1)[0]
        if kind not in LAW_KINDS:
            raise ValueError(f"unknown instrument kind in {self.law!r}")

    @property
    def key(self) -> str:
        """The language-neutral form used in ``docs/LEGAL_BASIS.md``: ``UU 6/2011 78(1)(a)``."""
        text = f"{self.law} {self.article}"
        if self.paragraph:
            text += f"({self.paragraph})"
        if self.letter:
            text += f"({self.letter})"
        return text

    def text(self, language: str | None = None) -> str:
        """The citation in ``language`` (the active language by default)."""
        if language is not None:
            with translation.override(language):
                return self.text()
        kind, number = self.law.split(" ", 1)
        text = gettext("%(law)s Art. %(article)s") % {
            "law": str(LAW_KINDS[kind]) % {"number": number},
            "article": self.article,
        }
        if self.paragraph:
            text = gettext("%(cited)s(%(paragraph)s)") % {
                "cited": text,
                "paragraph": self.paragraph,
            }
        if self.letter:
            text = gettext("%(cited)s(%(letter)s)") % {"cited": text, "letter": self.letter}
        return text

    def __str__(self) -> str:
        return self.text()


def citations_text(citations: tuple[Citation, ...], language: str | None = None) -> str:
    return "; ".join(c.text(language) for c in citations)
