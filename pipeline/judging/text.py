"""Text handling for the judge and the claim proposer: sentences, tokens, stop words, stems.

The one module that cuts text up. Every tokeniser, stop-word list and stemmer lives here; the
modules that use them pick a named variant. The variants differ on purpose, and each says why:

- the stance model's tokens (:func:`tokenize`, :data:`MODEL_STOP_WORDS`, :func:`stem`): the
  shipped model was trained on them, so they must not change without retraining
  (``claimwatch train fnc1`` then ``cmp`` with ``pipeline/models/``);
- plain words (:func:`plain_words`) with the relevance and claim-key stop lists;
- development terms (:func:`development_terms`): a stronger suffix stripper so that two reports
  of one event meet.

Sentences. A rule-based splitter, good enough to pick evidence sentences out of an article:
paragraphs (line breaks) always end a sentence; inside a paragraph a sentence ends at ``.``,
``!`` or ``?`` (plus any closing quotes or brackets) followed by white space and something that
can start a sentence. It does not split after titles and common abbreviations ("Mr.", "Gen.",
"Jan."), single initials ("J. K. Rowling"), dotted acronyms ("U.S.", "a.m.") followed by a
lower-case word, or inside numbers ("$1.5 billion", "3.14"). No model, no dependency: it is on
the hot path of the judge and must cost microseconds.
"""

from __future__ import annotations

import re

__all__ = [
    "CLAIM_KEY_STOP_WORDS",
    "DEVELOPMENT_STOP_WORDS",
    "MODEL_STOP_WORDS",
    "MODEL_TEXT_VARIANT",
    "MODEL_TEXT_VERSION",
    "RELEVANCE_STOP_WORDS",
    "development_stem",
    "development_terms",
    "fold",
    "plain_words",
    "split_sentences",
    "stem",
    "strip_dateline",
    "token_spans",
    "tokenize",
]

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
WORD_BEFORE_CHARS = 64  # an abbreviation or a dotted acronym is far shorter
_NEXT_WORD = re.compile(r"""['"‘“«(\[]*([\w$]+)""")
_PARAGRAPH = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def _is_abbreviation(prefix: str, punct: str, following: str) -> bool:
    """Whether the period ending ``prefix`` belongs to a word rather than ending the sentence."""
    if punct != ".":
        return False
    # Only the prefix's end: searched whole, a hostile 80,000-letter word before a period
    # was retried from each of its letters (a minute per sentence end).
    m = _WORD_BEFORE.search(prefix[-WORD_BEFORE_CHARS:])
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


# --- The stance model's tokens ----------------------------------------------------------------
# Used by the stance features and the claim reader. Frozen with the shipped model: the model's
# feature values depend on every character below (the token pattern, the apostrophes folded,
# the stop list, the stemmer), so a change here means retraining and shipping a new model.

# The name and version of this variant (these tokens, ``fold`` and ``split_sentences``): a
# trained model records them and loading refuses a model recorded with others, because the
# features of other tokens are computed without any error, just wrong. Bump the version with any
# change to what those functions return for the same text, then retrain and ship the model.
MODEL_TEXT_VARIANT = "model"
MODEL_TEXT_VERSION = 1

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})

# sklearn's English stop-word list minus the negations and hedges the cue features need, plus
# verbs of saying and contractions. The features also take every cue word back out of it
# (features.STOP_STEMS); the reader keeps a few more words (reading._KEEP).
MODEL_STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond both bottom but by call can co
    con de describe detail do done down due during each eg eight either eleven else elsewhere
    empty enough etc even ever every everyone everything everywhere except few fifteen fifty
    fill find first five for former formerly forty four from front full further get give go had
    has hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself
    his how however hundred i ie if in inc indeed interest into is it its itself just keep last
    latter latterly least less ltd made many me meanwhile mine more moreover most mostly move
    much must my myself name namely neither next nine now of off often on once one only onto or
    other others otherwise our ours ourselves out over own part per please put rather re same
    see seem seemed seeming seems serious several she should show side since sincere six sixty
    so some somehow someone something sometime sometimes somewhere still such take ten than that
    the their them themselves then thence there thereafter thereby therefore therein thereupon
    these they thick thin third this those though three through throughout thru thus to
    together too top toward towards twelve twenty two un under until up upon us very via was we
    well were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whole whom whose why will with
    within yet you your yours yourself yourselves s t said says say it's he's she's that's
    """.split()
)


def stem(word: str) -> str:
    """A light suffix stripper: enough to match "denies"/"denied"/"deny", fast and stable."""
    if len(word) <= 3 or "'" in word or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4:
        return word[:-2]
    if word.endswith("es") and len(word) > 4 and word[-3] in "sxz":
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def fold(text: str) -> str:
    """Lower case with curly and back-tick apostrophes folded into ``'``: what the model reads."""
    return text.lower().translate(_APOSTROPHES)


def tokenize(text: str) -> list[str]:
    """Lower-case, stemmed word tokens; stop words kept (the cue features need "not", "no")."""
    return [stem(w) for w in _TOKEN.findall(fold(text))]


def token_spans(text: str) -> list[tuple[str, int]]:
    """:func:`tokenize`'s tokens with the offset where each starts in ``text``."""
    return [(stem(m.group(0)), m.start()) for m in _TOKEN.finditer(fold(text))]


# --- Plain words ------------------------------------------------------------------------------
# Unstemmed lower-case runs of letters and digits: the relevance profile and claim keys compare
# words as written, so no stemming, and "pentagon's" is "pentagon" + "s".

_PLAIN_WORD = re.compile(r"[a-z0-9]+")


def plain_words(text: str) -> list[str]:
    return _PLAIN_WORD.findall(text.lower())


# Relevance (judging/__init__.py): function words and verbs of reporting, which every article
# shares whatever its subject; numbers up to three too, so salient terms are about the story.
RELEVANCE_STOP_WORDS = frozenset(
    """
    a an the and or but of to in on at for with by from as is are was were be been being it
    its this that these those he she they we you i his her their our your not no said says
    say would could should will may might can has have had do does did than then there here
    which who whom what when where why how also about into over after before more most other
    some such only own same so too very just up out new one two three over under again
    further once all any both each few many much own per via according report reported
    reports told
    """.split()
)

# Claim keys (claims.py): only the commonest function words, so a key such as
# "pentagon-threatened-cut-ties" keeps the words a reader recognises the claim by.
CLAIM_KEY_STOP_WORDS = frozenset(
    """
    the a an of to in on for and or with by from that this its it is are was were be has
    have had as at their his her our about over into than said says would could will not
    """.split()
)


# --- Development terms ------------------------------------------------------------------------
# Novel terms of a sentence (developments.py). Hyphenated words are one token (and also their
# parts), the stop list drops time words and names of weekdays (every report has them) and the
# framing that follow-ups repeat around any news ("the worst fire in nearly 80 years", "the
# deadliest in decades", "the deadly blaze", "a massive fire"), and the words that name the
# story's event in general ("the tragedy", "the disaster", "the incident": they say which
# story, not which development; shared, they joined a report of the preliminary report to the
# black box's), and the
# stemmer strips more than the model's so that "designated"/"designation"/"designates" meet.

# Years and calendar dates say when, not what: two reports of one event give them or not, and
# two events of one year share them.
_CALENDAR = re.compile(r"(?:19|20)\d\d(?:-\d\d?-\d\d?)?")
_DEVELOPMENT_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
DEVELOPMENT_STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your said says say told according reported report reports reportedly
    week weeks day days year years month months monday tuesday wednesday thursday friday
    saturday sunday today yesterday new one two three first last people company companies
    official officials statement may might must shall since still yet however though
    although unless us mr ms mrs
    worst deadliest biggest largest nearly almost decades decade century
    tragedy tragedies tragic disaster disasters catastrophe catastrophic incident devastating
    deadly fatal horrific massive huge major
    """.split()
)
# Suffixes stripped so "designated"/"designation"/"designates" meet. Crude, but it only has to
# make two reports of one event agree, not be a linguist.
_SUFFIXES = ("ations", "ation", "ated", "ates", "ating", "ings", "ing", "ions", "ion", "edly", "ed",
             "es", "s", "ly")


# A possessive ("the police's", "the workers'") is its noun: "police's unit" meets "police".
_POSSESSIVE = re.compile(r"'s?$")


def development_stem(word: str) -> str:
    stem = word
    for suffix in _SUFFIXES:
        # "lived" / "living" meet on a stem of three letters, a consonant last ("liv").
        if not word.endswith(suffix):
            continue
        short = suffix in ("ed", "ing") and word[-len(suffix) - 1:-len(suffix)] not in "aeiou"
        if len(word) - len(suffix) >= (3 if short else 4):
            stem = word[: -len(suffix)]
            break
    # A people's name is its country's ("Indonesian" workers, workers from "Indonesia").
    if stem.endswith("ian") and len(stem) >= 7:
        stem = stem[:-1]
    # A verb in "-ify" is one stem in all its forms: "identify", "identifying" meet
    # "identified", "identifies" (victims identified through DNA / identifying victims).
    if stem.endswith("ify"):
        stem = stem[:-1] + "i"
    return stem


def development_terms(text: str) -> set[str]:
    """Content-word stems of ``text`` (hyphenated words also count as their parts)."""
    out: set[str] = set()
    for word in _DEVELOPMENT_WORD.findall(text.lower().replace("’", "'")):
        word = _POSSESSIVE.sub("", word)
        parts = [word, *word.split("-")] if "-" in word else [word]
        for part in parts:
            if (part in DEVELOPMENT_STOP_WORDS or len(part) < 3
                    or part.isdigit() and len(part) < 3 or _CALENDAR.fullmatch(part)):
                continue
            out.add(development_stem(part))
    return out


# A run of two or more capitalised words: a name as the title or a claim writes it ("Wang Fuk
# Court", "Nicolás Maduro").
NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)+")
