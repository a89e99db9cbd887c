"""Split news text into sentences.

A rule-based splitter, good enough to pick evidence sentences out of an article: paragraphs
(line breaks) always end a sentence; inside a paragraph a sentence ends at ``.``, ``!`` or ``?``
(plus any closing quotes or brackets) followed by white space and something that can start a
sentence. It does not split after titles and common abbreviations ("Mr.", "Gen.", "Jan."), single
initials ("J. K. Rowling"), dotted acronyms ("U.S.", "a.m.") followed by a lower-case word, or
inside numbers ("$1.5 billion", "3.14"). No model, no dependency: it is on the hot path of the
judge and must cost microseconds.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "strip_dateline"]

# Words that, followed by a period, rarely end a sentence. Lower-case, without the period.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft rev hon gen sen rep gov lt col capt cpt sgt maj adm cmdr
    pres supt det insp cpl pvt brig messrs mme mlle
    inc ltd corp bros llc plc dept univ assn approx vs etc al cf eds
    jan feb apr sept oct nov dec tue tues thu thur thurs
    ave blvd rd hwy
    """.split()
)
# Abbreviations that are also ordinary words ("said no.", "the sun."): only before a number.
_NUMERIC_ABBREVIATIONS = frozenset(
    "no nos vol vols pp fig figs art sec ch op mar jun jul aug sep mon wed fri sat sun est".split()
)
# Capitalised words that usually start a new sentence, used after an initial or an acronym
# ("He lives in the U.S. He left.").
_SENTENCE_STARTERS = frozenset(
    """
    the a an he she it they we i you his her its their our this that these those there here
    but and so yet however meanwhile still then now in on at after before when while if as
    """.split()
)

# Candidate sentence end: terminal punctuation, optional closing quotes/brackets, white space,
# and a lookahead at the next sentence's first visible character.
_BOUNDARY = re.compile(r"""([.!?…]+)(['"’”»)\]]*)(\s+)(?=['"‘“«(\[]*[A-Z0-9¿¡])""")
_WORD_BEFORE = re.compile(r"""([\w.'’-]+)$""")
_NEXT_WORD = re.compile(r"""['"‘“«(\[]*([\w$]+)""")
_PARAGRAPH = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def _is_abbreviation(prefix: str, punct: str, following: str) -> bool:
    """Whether the period ending ``prefix`` belongs to a word rather than ending the sentence."""
    if punct != ".":
        return False
    m = _WORD_BEFORE.search(prefix)
    if not m:
        return False
    word = m.group(1).lstrip("'’\"").rstrip(".")
    low = word.lower()
    if low in _ABBREVIATIONS:
        return True
    next_word = _NEXT_WORD.match(following)
    nxt = next_word.group(1) if next_word else ""
    if low in _NUMERIC_ABBREVIATIONS:
        return nxt[:1].isdigit()
    if nxt.lower() in _SENTENCE_STARTERS:
        return False
    # A single initial such as "J." in "J. K. Rowling" (but not the pronoun "I.").
    if len(word) == 1 and word.isalpha() and word != "I":
        return True
    # Dotted acronyms: "U.S", "U.K", "a.m", "Ph.D" ("the U.S. Army"). Wrongly joining two
    # sentences costs the judge less than splitting a name in two.
    return "." in word and all(len(part) <= 2 for part in word.split(".") if part)


def _split_paragraph(paragraph: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        prefix = paragraph[start : m.start(1)]
        if _is_abbreviation(prefix, m.group(1), paragraph[m.end(3) : m.end(3) + 40]):
            continue
        end = m.end(2)
        sentence = paragraph[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = m.end(3)
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, in order, each stripped; ``[]`` for empty or blank text.

    >>> split_sentences('Mr. Smith paid $1.5 billion. "It is done," he said! Was it?')
    ['Mr. Smith paid $1.5 billion.', '"It is done," he said!', 'Was it?']
    """
    if not text or text.isspace():
        return []
    out: list[str] = []
    for paragraph in _PARAGRAPH.split(text.strip()):
        paragraph = _SPACES.sub(" ", paragraph).strip()
        if paragraph:
            out.extend(_split_paragraph(paragraph))
    return out


# "WASHINGTON — ", "NEW YORK, Feb 20 (Continental Newswire) — ", "ARLINGTON, Va. - ": a
# dateline says where the story was filed, not what happened.
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{2,40}(?:, [A-Z][a-z]{1,4}\.)?(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?: \([^)]{2,60}\))? [—–-]{1,2} "
)


def strip_dateline(sentence: str) -> str:
    """The sentence without a leading news dateline (kept whole if nothing would remain)."""
    rest = _DATELINE.sub("", sentence, count=1)
    return rest[:1].upper() + rest[1:] if len(rest) > 20 else sentence
