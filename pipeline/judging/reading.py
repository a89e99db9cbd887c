"""Claim-level reading of an article: find the sentences that speak of a claim, then decide what
they assert about it.

FNC-1 pairs a headline with a whole body, and its "discuss" means *reports without taking a
side*; news reports nearly everything with attribution, so a body-level FNC-1 model calls most
real confirmations "discuss". Reading one claim against one sentence at a time asks the question
our users ask: does this article say the claim is so, say it is not so, or only touch on it?

1. **Align.** Each sentence (the title counts as one) gets the share of the claim's content
   that it states, weighting each claim term by how informative it is (inverse document
   frequency over news bodies; the story's own keywords weigh little, since every relevant
   article names them). Words are compared as light stems after mapping common news
   paraphrases onto one term ("sever"/"cut", "curbs"/"limits", "towers"/"blocks"/"buildings"),
   a few words onto two ("hospitalised": treated in hospital; "residents": people who live
   there), and a few idioms into plain words ("for all lawful purposes"/"unrestricted", "with
   no human involvement"/"autonomous", "refused to relax its limits" also insists on them).
   Figures are compared as values, not words (see ``numbers``: bounds, parts of the day).
2. **Decide**, on each aligned sentence, by agreement between claim and sentence:
   - the same figure restated confirms; another figure of the same kind for the same fact
     contradicts;
   - a denial or refutation contradicts only when it governs the claim's content ("X denied
     that ...", "reports that ... are false"), not when such a word is merely nearby;
   - a negation governing a claim term that the claim does not negate ("has not agreed to
     drop ..."), or the opposite of one of the claim's terms ("classified" against
     "unclassified"), reverses the claim: a contradiction, sent to review;
   - a claim that holds a refusal or negation is confirmed by a sentence that repeats it:
     polarity is agreement, not the presence of negative words;
   - a claim that someone agreed to something is reversed by a sentence saying they refused
     ("refused to drop" / "agreed to drop"): a contradiction, sent to review;
   - a question, "it is unclear whether", "could not verify", or a conditional does not
     assert: the claim is only discussed. Attribution ("according to Axios", "reportedly",
     "officials said") still reports, and is recorded as the statement's source. A weaker
     hedge ("could", "plans to", "pushing ... to") bears on what follows it: most of the
     claim's matched words must come after it; an effort ("the push for ...") states a claim
     that reports the wish;
   - a claim about one of the story's named actors, read in a sentence that names none of
     them and names someone else, is about that someone: discussed, not sent to review (a
     common plural opening the sentence, "Negotiations ended ...", names no one); nor is a
     line for review one that states less than half of what the claim says of its actors.
3. The strongest decision wins: a contradiction from a figure or a governing denial over a
   confirmation from a weaker sentence; otherwise the best-aligned sentence.

No model file and no download: a few hundred microseconds per claim.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .attribution import sources_in_context
from .features import STOP_STEMS, TextStats
from .numbers import (
    BOUND_REACH,
    CORRECTION,
    WORD_NUMBERS,
    Quantity,
    loose_time,
    quantities,
    rank_spans,
    same_value,
    within_bound,
)
from .text import NAME_RUN, token_spans, tokenize

__all__ = ["ClaimReading", "ClaimReader", "word_family"]


@functools.lru_cache(maxsize=64)
def _spans(text: str) -> tuple[tuple[str, int], ...]:
    """The tokens of a sentence with their offsets, kept for the sentences read last: every
    figure of a sentence reads its neighbours from them, and a sentence listing hundreds of
    figures tokenised itself once per figure (16 s for a 50 kB one, in the writer thread)."""
    return tuple(token_spans(text))


# A sentence's figures read past this many are ignored: prose states a few, and each is read
# against the whole sentence, so a hostile page's sentence of a thousand figures took seconds
# of the writer thread.
MAX_FIGURES_PER_SENTENCE = 40

# Informative-term weights: inverse document frequency over news bodies, with the story's
# keywords (present in every relevant article) scaled down.
KEYWORD_WEIGHT = 0.25
# A sentence speaks of a claim when it states this weighted share of the claim's terms ...
ALIGN_MIN = 0.40
# ... and names at least this many of them (one, for a claim of two terms or fewer).
ALIGN_MIN_TERMS = 2
# A hedge bears on the claim when this share of the claim's matched weight follows it.
HEDGE_BEARS = 0.5
# A confirmation with at least this coverage is a flag, above REVIEW_COVER it needs review.
FLAG_COVER = 0.45
REVIEW_COVER = 0.40
# A line for review is scored at most this, below the lowest flag's FLAG_COVER as a reader
# sees it (two decimals).
REVIEW_SCORE_MAX = 0.44
# A figure of a sentence speaks of a figure of the claim when this share of the words around
# the claim's figure stand around it.
FIGURE_WINDOW = 5
FIGURE_CONTEXT_MIN = 0.6
MONEY_CONTEXT_FACTOR = 0.75
# A count of people stands for a claim's group ("242 people" for "242 passengers and crew")
# where this share of the claim's other words around its figure stand near it.
PEOPLE_CONTEXT_MIN = 0.5
# The word right after the claim's figure ("31 storeys") names what it measures when it
# carries this share of the words around the figure.
COUNTED_SHARE = 0.3
# ... and the sentence states this share of what the claim says (its non-name words).
FIGURE_CONTENT_MIN = 0.5
# IDF given to the stop words the reader keeps ("first", "only", "not"): they carry what
# the claim asserts, about as much as a specific noun.
KEPT_WORD_IDF = 5.0
# A term the seed uses this often is the story's subject, weighted like a widespread term.
SEED_SUBJECT_COUNT = 6
# ... and a word of the story's title that the seed uses this often ("crash" in a 300-word
# first report of an air crash, which says "crash" three times).
TITLE_SUBJECT_COUNT = 3
# Weight of a refusal claim's "refuses"/"allow": what it refuses matters more.
POLARITY_WEIGHT = 0.3
# A term in at least this share of the story's claims weighs this much less.
SPREAD_SHARE = 0.25
COMMON_WEIGHT = 0.3
# An opposite term ("classified" for "unclassified") in a sentence this close is a flag.
ANTONYM_FLAG = 0.65
# Share of the claim's non-name content that must follow a denial for it to be denied.
DENIAL_GOVERNS = 0.5
# Share of the weight of the claim's non-name terms an aligned sentence must state.
CONTENT_MIN = 0.3
# A term carrying this share of a claim's weight must be stated for a flag.
HEAVY_SHARE = 0.3
# The reader's variant of the model's stop list (text.MODEL_STOP_WORDS, as features.STOP_STEMS):
# words kept although the stance model's stop list drops them: they change what is claimed.
_KEEP = frozenset(
    tokenize("first last only never not no nobody none behind without against cannot nor "
             "neither")
)
# Modal and conditional words are read as hedges, not matched as content; words of degree
# ("fully autonomous weapons", "completely destroyed") say how much, not what: "autonomous
# weapons" are the claim's "fully autonomous weapons".
_STOP = (STOP_STEMS - _KEEP) | frozenset(
    tokenize("if would could may might should can will shall must also just fully completely "
             "entirely totally wholly")
)
# Scale words and bare numbers are compared as values by the numeric check, not as words.
_SCALE_WORDS = frozenset(tokenize("thousand million billion trillion percent per cent am pm gmt "
                                   "utc")) | {
    t for word in WORD_NUMBERS for t in tokenize(word)}

# Common news paraphrases mapped onto one term (after stemming). General language only: no
# story's names belong here.
_PARAPHRASES: dict[str, tuple[str, ...]] = {
    "cut": ("sever", "severing", "terminate", "scrap", "sunder", "cancel"),
    "tie": ("relationship", "relation", "link"),
    "threaten": ("threat", "warn", "warning"),
    "refuse": ("reject", "decline", "rebuff", "resist", "oppose", "refusal", "rejection",
               "reluctant", "unwilling", "hesitant", "reluctance", "unwillingness"),
    "ban": ("prohibit", "forbid", "bar", "outlaw", "prohibition", "forbidden", "disallow"),
    "allow": ("permit", "let", "enable", "authorize", "authorise", "approve"),
    "limit": ("restriction", "restrict", "safeguard", "guardrail", "constraint", "curb",
              "limitation", "restraint", "protection", "redline"),
    "weapon": ("weaponry", "arm", "armament", "munition"),
    "autonomous": ("automated", "autonomy", "unmanned", "autonomously"),
    "surveillance": ("surveil", "spy", "spying", "monitoring", "snooping", "eavesdropping"),
    "american": ("citizen", "domestic", "americans"),
    "military": ("pentagon", "dod", "armed", "defense", "defence", "war"),
    "worth": ("valued", "value", "valuation"),
    "contract": ("deal", "agreement", "pact"),
    "frustrate": ("frustrat", "frustration", "fed", "angry", "anger", "furious", "exasperat",
                  "irritat", "annoy", "upset", "impatient", "impatience", "fume", "livid",
                  "infuriat", "irate", "incensed", "enrage"),
    "negotiat": ("talk", "negotiation", "discussion", "negotiate"),
    "replace": ("replacement", "swap", "substitute", "switch", "supplant", "transition"),
    "orderly": ("smooth", "seamless"),
    "difficult": ("hard", "tough", "challenging", "complicat", "difficulty"),
    "behind": ("lag", "trail", "inferior"),
    "rival": ("competitor", "compete", "competing"),
    "partnership": ("partner",),
    "use": ("deploy", "employ", "utilize", "utilise", "usage", "deployment", "apply", "dispatch",
            "mobilize", "mobilise"),
    "classified": ("secret", "top-secret"),
    "capture": ("seize", "seizure", "raid", "abduct", "nab", "apprehend"),
    "commit": ("commitment", "dedicated", "pledge"),
    "insist": ("require", "insistence", "requirement", "maintain"),
    "model": ("tool", "system", "technology", "chatbot", "product", "ai", "software"),
    "government": ("administration", "federal"),
    "agree": ("accept", "consent", "agreement"),
    "drop": ("abandon", "waive", "forgo", "forego", "remove", "lift", "loosen", "relax",
             "shed", "strip"),
    "usual": ("standard", "typical", "normal", "customary"),
    "company": ("firm", "startup", "developer", "maker", "lab"),
    "die": ("dead", "death", "kill", "fatality", "fatalities", "toll"),
    "injur": ("injure", "injury", "wound", "hurt"),
    "people": ("individual", "person"),
    "evacuat": ("evacuate", "evacuation", "flee", "displace", "displaced"),
    "missing": ("unaccounted", "unaccounted-for", "unreachable"),
    "acquir": ("acquire", "acquisition", "buy", "purchase", "takeover"),
    "customer": ("user", "client", "account", "subscriber", "consumer"),
    "affect": ("impact", "expose", "compromise", "engulf", "damage", "ravage", "gut", "burn",
               "destroy",
               "burnt", "sweep", "swept", "hit", "stricken", "consume"),
    "unable": ("impossible",),
    "breach": ("hack", "cyberattack", "intrusion", "leak"),
    "arrest": ("detain", "detention", "custody"),
    "charge": ("indict", "indictment", "accuse"),
    "resign": ("quit", "resignation"),
    "sue": ("lawsuit", "litigation", "suit"),
    "dispute": ("standoff", "clash", "feud", "spat", "rift", "disagreement",
                "quarrel", "wrangle", "tussle", "showdown", "confrontation", "tension"),
    "launch": ("unveil", "release", "introduce", "debut"),
    "say": ("state", "tell", "claim"),
    "first": ("sole", "earliest", "pioneer"),
    "building": ("tower", "block", "structure", "highrise", "skyscraper"),
    # Units of distance, written out or abbreviated: "70 km" is "70 kilometres".
    "km": ("kms", "kilometre", "kilometer"),
    "estate": ("complex", "compound"),
    "start": ("begin", "began", "begun", "erupt", "ignite"),
    "fire": ("blaze", "inferno"),
    "earthquake": ("quake", "temblor"),
    "collaps": ("collapse", "topple", "crumble"),
    "raise": ("upgrade", "elevate"),
    "alarm": ("alert",),
    "fight": ("battle", "tackle", "combat"),
    "surviv": ("survive", "survivor"),
    "plane": ("aircraft", "airplane", "aeroplane", "jet", "airliner", "jetliner"),
    "board": ("aboard", "onboard"),
    "capsiz": ("capsize", "overturn", "keel", "sink", "sank", "sunk"),
    "accident": ("incident", "mishap"),
    "communication": ("respond", "contact", "reply"),
    "doctor": ("physician", "medic", "medical"),
    "control": ("controller",),
}
# Words whose inflections would meet unrelated words ("broke"/"broker"): mapped as written.
# ("plan" is no "plane", though "planed" stems to it: an intention, not an aircraft)
# ("aid" is no "AI" with a "d": help, not a model)
# ("station" is no "state", which is "say": a place, not a statement)
_PARAPHRASE_WORDS = {"broke": "start", "plan": "plan", "aid": "aid", "station": "station",
                     "stations": "station"}
# A word that says two of a claim's terms at once: "hospitalised" is "treated in hospital",
# "residents" are "people who live" somewhere.
_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "hospitaliz": ("treat", "hospital"), "hospitalis": ("treat", "hospital"),
    "hospitalization": ("treat", "hospital"), "hospitalisation": ("treat", "hospital"),
    "resident": ("people", "live"), "inhabitant": ("people", "live"),
    # "demanding unfettered use": insisting on it, and wanting it
    **{t: ("insist", "want") for w in ("demand", "demands", "demanded", "demanding")
       for t in tokenize(w)},
}


def _inflections(word: str) -> set[str]:
    """The stems of a word's common inflections: the light stemmer leaves "used"/"use" and
    "refused"/"refuse" apart, and paraphrase mapping must meet them all."""
    base = word[:-1] if word.endswith("e") else word
    forms = {word, word + "s", word + "es", word + "d", word + "ed", word + "ing",
             base + "ing", base + "ed", base + "er", base + "ion"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    return {t for f in forms for t in tokenize(f)}


_CANON: dict[str, str] = {}
for _canon, _variants in _PARAPHRASES.items():
    for _word in (_canon, *_variants):
        for _stem in _inflections(_word):
            _CANON.setdefault(_stem, _canon)
for _word, _canon in _PARAPHRASE_WORDS.items():
    _CANON[_word] = _canon


_DOUBLED = re.compile(r"([bdgmnprt])\1$")


def strip_possessive(word: str) -> str:
    """Drop a possessive suffix: "pentagon's" and "pentagon’s" become "pentagon", any other word
    stays whole. A suffix, not a set of characters: ``rstrip("'s")`` made "business" "busine"."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _terms(token: str) -> tuple[str, ...]:
    """The claim terms a token says: its canonical term, or two for a compound word."""
    canon = _canonical(token)
    return _COMPOUNDS.get(canon, (canon,))


def word_family(stem: str) -> str:
    """The word a light stem is read as: the head of its news paraphrases ("blaze" -> "fire",
    "hack" -> "breach", "overturned" -> "capsiz"), else the stem with its spelling folded."""
    return _canonical(stem)


def _canonical(token: str) -> str:
    token = strip_possessive(token)
    # The stemmer leaves "dropping" as "dropp" and "committed" as "committ".
    token = _DOUBLED.sub(r"\1", token)
    if token in _CANON:
        return _CANON[token]
    # British and American spellings are one word: "specialised" / "specialized",
    # "organisation" / "organization", "analysed" / "analyzed", "labour" / "labor".
    # ... and "epicentre" / "epicenter", "metres" / "meters".
    token = _BRITISH_RE.sub(r"\1er", _BRITISH_Z.sub(r"\1s", _BRITISH_OUR.sub("or", token)))
    return _CANON.get(token, token)


_BRITISH_Z = re.compile(r"(?<=[a-z]{2})([iy])z(?=(?:e|ed|es|ing|ation|ations|er|ers)?$)")
_BRITISH_OUR = re.compile(r"(?<=[a-z]{3})our(?=s?$)")
_BRITISH_RE = re.compile(r"(?<=[a-z]{2})([bcdfgklmnpstvz])re$")


# A claim term with one of these prefixes is the opposite of the bare term ("unclassified" /
# "classified", "unlawful" / "lawful").
_ANTONYM_PREFIXES = ("un", "non", "non-")

# Words that reverse what follows them.
_NEGATORS = frozenset(tokenize("not never n't cannot nor neither unable"))
# "no restrictions", "without safeguards": an absence, read like a refusal (it agrees with a
# refusal claim) rather than as a reversal of what follows.
_ABSENCE = frozenset(tokenize("no without"))
_NEGATION_WINDOW = 4
_REFUSAL_WINDOW = 6
# A limit reaches further: "the restrictions Anthropic sought to impose around mass domestic
# surveillance and autonomous weapons".
_LIMIT_WINDOW = 8
# Refusal verbs: in a claim they are part of its content, in a sentence they agree with it.
_REFUSALS = frozenset(tokenize("refuse refused refusing reject rejected decline declined "
                               "won't wouldn't oppose opposed rebuff resist ban prohibit "
                               "forbid bar against"))

# A denial or refutation: it contradicts when the claim's content follows it in the sentence.
# The noun denies only what it governs ("a denial that ...", "her denial of the report"): "The
# denial comes as the two remain at odds over ..." refers to another statement.
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|denials? (?:of|that)|refut\w*|dismiss(?:ed|es|ing)?|debunk\w*|"
    r"(?:is|was|are|were|as) (?:false|untrue|inaccurate|incorrect|baseless|fake|wrong|"
    r"misleading|fabricated)|not true|no (?:truth|evidence|basis)|never happened|"
    r"rejected (?:the |those |these |such )?(?:report|claim|allegation|account)s?)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[;:—–]|,\s+(?:\w+ing|and|but|while|which|who|after|as)\b")
# It does not assert: a question, an open question, an unverified report, a conditional.
_NON_ASSERTIVE = re.compile(
    r"\b(?:(?:is|was|remains?|it's|it is) (?:still )?(?:unclear|not clear|uncertain|unknown)|"
    r"whether|could not (?:verify|confirm|independently)|couldn't (?:verify|confirm)|"
    r"unable to (?:verify|confirm)|not (?:immediately )?(?:verify|verified|confirmed)|"
    r"if (?:it|they|the|this)|would be|rumou?r\w*|speculat\w*|questions? (?:about|over)|"
    r"asked (?:if|whether))\b",
    re.IGNORECASE,
)
# Giving way: what reverses a refusal.
_GIVES_WAY = re.compile(r"\b(?:agree[sd]? to|accept(?:s|ed)?|relent\w*|back(?:s|ed)? down|"
                        r"dropp(?:ed|ing) (?:its|their) (?:objection|opposition|limits?|"
                        r"restrictions?|red lines?)|revers\w*|lift(?:s|ed)|no longer|"
                        r"cave[sd]?|gave in|give[sn]? in)\b", re.IGNORECASE)
# An agreement in a claim, a refusal in a sentence: "agreed to drop" / "refused to drop".
_GAVE_WAY = re.compile(r"\b(?:agree[sd]?|agreeing|accept(?:s|ed|ing)?|consent(?:s|ed)?)\b",
                       re.IGNORECASE)
_REFUSED = re.compile(r"\b(?:refus\w*|declin(?:e|es|ed|ing)|reject\w*|won't|will not|"
                      r"would not|wouldn't)\b(?!\s+(?:to\s+)?(?:comment|say|discuss|elaborate|"
                      r"confirm|answer|respond|be\s+named))", re.IGNORECASE)
# Weaker hedges: reported possibility, not fact. Confirmation at most "needs review".
_HEDGE = re.compile(r"\b(?:(?<!in\s)(?<!on\s)(?<!of\s)(?<!since\s)(?<!until\s)(?<!by\s)"
                    # "may", not the month: "on May 1", "in May", "May 2026"
                    r"may(?!\s*\d)|might|could|if|possibly|potentially|reportedly considering|"
                    r"weigh(?:s|ing)?|mull(?:s|ing)?|consider(?:s|ing)?|"
                    # intentions and efforts, not accomplished facts
                    r"urg(?:e|es|ed|ing)|push(?:es|ed|ing)? (?:for|to)|a push|in talks|"
                    r"in negotiations|negotiat(?:es|ing)\b|nears|nearing|"
                    r"seek(?:s|ing)?|pursu(?:e|es|ing)|plan(?:s|ned|ning)? to|aim(?:s|ing)? to|"
                    r"close to|getting .{0,30} ready|expected to|would gain|would get)\b",
                    re.IGNORECASE)

# Pressing someone to do something, however far the "to" ("pushing top AI companies,
# including A and B, to make ..."): an effort, not the state it seeks.
_PUSHING = re.compile(r"\b(?:push|press|urg)(?:es|ed|ing|e)?\b[^.;:]{0,80}?\bto\b",
                      re.IGNORECASE)

# A claim that reports a wish or demand ("wants AI companies to allow ...") is confirmed by
# the pressing that carries it out.
_WISH = re.compile(r"\b(?:want|wants|wanted|wish\w*|seek\w*|sought|push\w*|press\w*|urg\w*|"
                   r"demand\w*|ask\w*)\b", re.IGNORECASE)

@dataclass(frozen=True)
class ClaimReading:
    """What one article says about one claim."""

    stance: str  # confirms | contradicts | discusses | unrelated
    score: float  # 0..1: how strongly the evidence states (or reverses) the claim
    band: str  # flag | review | none
    evidence: str
    source: str = ""
    reason: str = ""  # which rule decided: aligned, figure, denial, negation, antonym, hedge


_UNRELATED = ClaimReading("unrelated", 0.0, "none", "")


@dataclass(frozen=True)
class _Terms:
    stems: tuple[str, ...]  # canonical content stems, in order
    negated: frozenset[str]  # stems within a negation's reach
    has_negation: bool
    has_refusal: bool
    refused: frozenset[str] = frozenset()  # stems within a refusal's reach ("bars ... use")
    # stems within a limit's reach ("the restrictions it sought around mass surveillance")
    limited: frozenset[str] = frozenset()


_LIST_OF_NAMES = re.compile(
    r"\b[a-z]?[A-Z][\w'’.-]*(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
    r"[a-z]?[A-Z][\w'’.-]*)+"
)


_CLAUSE = re.compile(r"[,;:—–()]|\s-\s|\bbut\b")


def _bearing(unit: str, wanted: set[str]) -> str:
    """The clauses of a sentence that hold any of ``wanted`` (canonical terms): where a hedge
    bears on the claim. "The cause is unknown, but the flames spread through the scaffolding"
    does not hedge the spread."""
    clauses = [c for c in _CLAUSE.split(unit)
               if any(term in wanted for t in tokenize(c) for term in _terms(t))]
    return " ".join(clauses) if clauses else unit


_FIGURE_WORD = r"(?:\d[\d,]*|" + "|".join(WORD_NUMBERS) + r")"
# "claimed 128 lives", "took at least 40 lives", "40 lives were lost", "the loss of at least 94
# lives", "claimed over 100 residents' lives": a count of the dead. The word alone stems to
# "live" ("4,600 people live in the estate"), and "saved 150 lives" counts the living, so only
# these idioms are read as deaths.
_LIVES_LOST = re.compile(
    r"\b(?:claim(?:ed|s|ing)?|t(?:ook|akes?|aken|aking)|cost(?:s|ing)?|loss\s+of)\s+"
    r"(?:(?:at least|more than|over|nearly|almost|about|around|some|up to|the)\s+)*"
    + _FIGURE_WORD + r"\s+((?:[a-z]+['’]s?\s+)?lives)\b"
    r"|\b" + _FIGURE_WORD + r"\s+(lives)\s+(?:(?:were|have|has|had|been|also|now|already|"
    r"reportedly)\s+){0,3}lost\b",
    re.IGNORECASE,
)


# "claimed the lives of 83 people", "83 people lost their lives": deaths, the long way.
_LIVES_OF = re.compile(r"\b(?:claim(?:ed|s|ing)?|t(?:ook|akes?|aken|aking)|cost(?:s|ing)?)\s+"
                       r"the\s+lives\s+of\b", re.IGNORECASE)
_LOST_LIVES = re.compile(r"\b(?:lost|lose|losing)\s+(?:their|his|her)\s+lives?\b", re.IGNORECASE)


# "204 bodies", "260 deaths", "fatalities were 260": a count of people dead, said by its noun.
_DEAD_NOUN = r"(?:bodies|fatalities|deaths)"
_DEAD_AFTER = re.compile(r"\b(" + _FIGURE_WORD + r")\s+" + _DEAD_NOUN + r"\b", re.IGNORECASE)
_DEAD_BEFORE = re.compile(r"\b" + _DEAD_NOUN + r"(\s+(?:were|was|stood\s+at|rose\s+to|reached|"
                          r"climbed\s+to|totalled|totaled|numbered)\s+(?:at\s+least\s+)?)(?="
                          + _FIGURE_WORD + r"\b)", re.IGNORECASE)
# "nobody unaccounted for", "no one is still missing": none missing, a count of them.
_NONE_MISSING = re.compile(r"\b(?:nobody|no\s+one|no-one)\s+(?:(?:is|was|were|are|remains?|"
                           r"remained)\s+)?(?:still\s+)?(?=(?:unaccounted\s+for|missing)\b)",
                           re.IGNORECASE)
# "242 people aboard", "onboard": on board (and "carrying 242 people", ``_CARRYING``).
_ABOARD = re.compile(r"\b(?:aboard|onboard)\b", re.IGNORECASE)


# Nationals counted by a demonym: "169 Indians", "53 Britons", "seven Portuguese" are "169
# Indian nationals" ...; "citizens" of a country are its nationals; "of whom 53 are British
# nationals" counts them as "53 British nationals". ("on 12 March, ..." is a date: the month
# ends like "Dutch".)
_DEMONYM_NOUNS = {"britons": "British", "brits": "British", "scots": "Scottish",
                  "danes": "Danish", "swedes": "Swedish", "poles": "Polish", "finns": "Finnish",
                  "spaniards": "Spanish", "turks": "Turkish", "frenchmen": "French",
                  "dutchmen": "Dutch", "englishmen": "English", "irishmen": "Irish",
                  "welshmen": "Welsh", "greeks": "Greek", "czechs": "Czech", "thais": "Thai",
                  "filipinos": "Filipino"}
# A word read as a demonym by its ending stands as a noun: a clause ends or a verb follows ("169
# Indians, 53 Britons", "53 Americans were"), not another noun ("3 Paris suburbs").
_AS_NOUN = (r"(?=\s*(?:[,.;:)\u2014\u2013]|$|(?:and|or|were|are|was|is|had|have|on|in|among|"
            r"from|who|died|survived|aboard|onboard)\b))")
_DEMONYM = (r"(?:" + "|".join(w.capitalize() for w in _DEMONYM_NOUNS)
            + r"|[A-Z][a-z]{2,}(?:ans|is)" + _AS_NOUN
            + r"|(?!March\b)[A-Z][a-z]+(?:ese|ish|ch)" + _AS_NOUN
            + r"|Swiss(?=\s*(?:[,.;:)]|$|and\b|were\b)))")
_COUNTED_DEMONYM = re.compile(r"\b(" + _FIGURE_WORD + r")\s+(" + _DEMONYM + r")", re.IGNORECASE)
_COPULA_NATIONALS = re.compile(
    r"\b(" + _FIGURE_WORD + r")\s+(?:are|were|was|is)\s+(?=" + _DEMONYM
    + r"|[A-Z][a-z]+\s+(?:nationals|citizens)\b)")
_CITIZENS = re.compile(r"(?<=[A-Z][a-z])([a-z]*\s+)citizens\b")
# "169 Indian passengers": nationals counted as passengers.
_DEMONYM_PASSENGERS = re.compile(r"\b(" + _FIGURE_WORD + r")\s+([A-Z][a-z]+(?:an|ese|ish|ch|i))"
                                 r"\s+passengers\b")


def _nationals(m: re.Match[str]) -> str:
    word = m.group(2)
    if not word[:1].isupper():
        return m.group(0)
    adjective = _DEMONYM_NOUNS.get(word.lower())
    if adjective is None:
        adjective = word[:-1] if word.endswith(("ans", "is")) else word
    return f"{m.group(1)} {adjective} nationals"


# Idioms read in plain words (see ``_as_read``). General news language only.
_LOCAL_TIME = re.compile(r"(\d(?:\s*[ap]\.?m\b\.?)?)\s+local time\b", re.IGNORECASE)
_REPORTED_AT = re.compile(
    r"\b(was|were)\s+(?:first\s+)?reported\s+at\s+(?=\d{1,2}[:.]?\d*\s*[ap]\.?m)",
    re.IGNORECASE)
_FIRST_REPORTS = re.compile(
    r"\b(?:received|receives|got|had)\s+(?:the\s+|its\s+)?first\s+(?:reports?|calls?)\s+"
    r"(?:of|about)\s+((?:the\s+|a\s+)?(?:[\w'’-]+\s+){0,4}?[\w'’-]+)\s+at\s+"
    r"(?=\d{1,2}[:.]?\d*\s*[ap]\.?m)", re.IGNORECASE)
_ANY_USE = re.compile(
    r"\b(?:all|any)\s+(?:lawful|legal|legitimate)\s+(?:\w+\s+)?(?:purposes?|uses?)\b|"
    r"\b(?:unrestricted|unlimited|unconditional|unfettered)\b|"
    r"\b(?:(?:in\s+)?any\s+way\s+(?:it|they|\w+)\s+(?:deems?|considers?|sees?\s+fit)|"
    # "let the military use it however it sees fit"
    r"(?:however|as|whenever|wherever)\s+(?:it|they|he|she|the\s+\w+)\s+(?:sees?|deems?)\s+fit)"
    r"(?:\s+(?:lawful|legal|appropriate|necessary))?", re.IGNORECASE)
_NO_HUMAN = re.compile(
    r"\s(?:without|with\s+no|no)\s+(?:a\s+|any\s+|appropriate\s+|meaningful\s+)?humans?"
    r"(?:\s+(?:in\s+the\s+loop|involvement|involved|control|oversight|input|intervention|"
    r"judge?ment|decision|making\s+the\s+decision|approval))?\b", re.IGNORECASE)
_KEEPS = re.compile(
    r"\b(?:refus\w*|declin\w*|reject\w*|won't|will\s+not|would\s+not|wouldn't|not)\s+"
    # "would not agree to its demands to drop ...", "refused calls to remove ...": what is
    # refused is the removal.
    r"(?:(?:agree|accept|heed|meet)\s+(?:to\s+)?(?:(?:the|its|their|his|her|those|such)\s+)?"
    r"(?:demands?|requests?|calls?|pressure)\s+|(?:the\s+|its\s+|their\s+)?"
    r"(?:demands?|requests?|calls?|pressure)\s+)?"
    r"(?:to\s+)?(?:remove|relax|drop|lift|loosen|abandon|give\s+up|waive|weaken|budge\s+on|"
    r"back\s+down\s+on)\b", re.IGNORECASE)
_BLOCKED = re.compile(r"\bblock(ed|ing)\b", re.IGNORECASE)
_BLOCK_VERB = re.compile(r"(\b(?:that|which|who|to|will|would|could|can|cannot|may|might|must|"
                         r"not|n't|also)\s+)block(s?)\b", re.IGNORECASE)
_TIED_TO = re.compile(r"\s(?:tied|linked)\s+to\b|-(?:tied|linked)\b", re.IGNORECASE)
# "red lines", "drew a bright line around ...": a limit.
_RED_LINE = re.compile(r"\bred[\s-]+lines?\b|"
                       # "held the line on ...", "stood firm on ...": a limit kept
                       r"\b(?:h[oe]ld|holds|holding|st(?:and|ands|ood|anding))\s+(?:the\s+|its\s+|"
                       r"their\s+|his\s+|her\s+)?(?:line|firm|fast)\b"
                       r"(?=\s*(?:,[^,;]{0,40},\s*)?(?:on|over|against)\b)|"
                       r"\b(?:draw|draws|drawing|drawn|drew)\s+(?:a\s+|the\s+)?"
                       r"(?:(?:bright|firm|hard|clear)\s+)?lines?\b", re.IGNORECASE)
# "stop working with", "end its relationship with": ties cut, said the long way.
_STOP_WORKING = re.compile(
    r"\b(?:stop|stops|stopped|stopping|end|ends|ended|ending|cease|ceases|ceased|ceasing|halt|"
    r"halts|halted|halting)\s+(?:(?:doing\s+business|working|work)\s+with|"
    r"(?:its|their|the|all)\s+(?:relationship|relationships|ties|partnership|work)\s+with)\b",
    re.IGNORECASE)
_NOT_ONLY = re.compile(r"\bnot\s+(?:just|only|merely|simply)\s+", re.IGNORECASE)
_UNCHANGED = re.compile(r"\b(?:does|do|did|will|would)(?:\s+not|n't)\s+(?:change|alter|affect|"
                        r"diminish|weaken|lessen|shake)\s+(?=(?:our|its|their|his|her|this|the)\s+"
                        r"(?:[\w-]+\s+){0,2}?(?:commitment|support|dedication|resolve)\b)",
                        re.IGNORECASE)
_CARRYING = re.compile(r"\bcarr(?:y|ies|ied|ying)\s+(?=(?:(?:about|around|some|nearly|almost|over|"
                       r"more\s+than|at\s+least)\s+)?" + _FIGURE_WORD + r"\b)", re.IGNORECASE)
_HOME_TO = re.compile(r"\bhome\s+to\s+((?:(?:about|around|some|nearly|almost|over|more\s+than|"
                      r"roughly|approximately)\s+)?" + _FIGURE_WORD + r"\s+(?:[\w-]+\s+){0,2}?"
                      r"(?:people|residents|families|households|inhabitants|persons))\b",
                      re.IGNORECASE)
_CUTTING_EDGE = re.compile(r"\bcutting[\s-]edge\b", re.IGNORECASE)
_TAKE_ISSUE = re.compile(r"\bt(?:ake|akes|ook|aking|aken)\s+issue\s+with\b", re.IGNORECASE)
_ENDS_CONTRACT = re.compile(
    r"\b(?:cancel(?:s|led|ed|ling|ing)?|terminat(?:e|es|ed|ing)|scrap(?:s|ped|ping)?|"
    r"t(?:ear|ears|ore|orn|earing)\s+up)\s+(?:(?:its|the|their|our|his|her|a|an)\s+)?"
    r"(?:[\w'’$.-]+\s+){0,3}?(?:contracts?|partnerships?)\b", re.IGNORECASE)
_BUSINESS_LOST = re.compile(
    r"\b(?:(?:a|an|the)\s+)?(?:ban|exclusion)\s+from\s+(?:(?:all|any)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:contracts|contracting|business)\b|"
    r"\b(?:(?:the)\s+)?loss\s+of\s+(?:(?:its|their|the)\s+)?(?:[\w-]+\s+)?business\b",
    re.IGNORECASE)
_SAFETY_MEASURES = re.compile(r"\bsafety\s+(?:measures|rules|features|mechanisms|"
                              r"provisions|protocols|precautions|limits)\b", re.IGNORECASE)
# "being treated for injuries", "receiving treatment for their injuries": injured, as news
# counts the hurt ("67 were injured", "41 injured").
_TREATED_FOR_INJURIES = re.compile(
    r"\b(?:(?:are|is|was|were|being|been)\s+)*(?:treated|receiving\s+treatment|"
    r"received\s+treatment|under\s+treatment)\s+for\s+(?:their\s+|minor\s+|serious\s+)?"
    r"(?:injuries|wounds)\b", re.IGNORECASE)
# "critically injured", "critically ill": in critical condition, as a hospital puts it.
_CRITICALLY = re.compile(r"\bcritically\s+(injured|ill|wounded|hurt|burned|burnt)\b",
                         re.IGNORECASE)
# "200 people remained unknown", "the whereabouts of 190 residents remain unknown": missing.
_UNKNOWN = re.compile(r"\bwhereabouts\s+of\s+([^.;:]{1,60}?)\s+"
                      r"(?:remain(?:s|ed)?|are|were|is|was)\s+(?:still\s+)?unknown\b"
                      r"|(?<=\bpeople\s)(?:remain(?:s|ed)?|(?:are|were)\s+still)\s+unknown\b",
                      re.IGNORECASE)
_IN_HOSPITAL = re.compile(r"\s(?:in|to|into)\s+(?:the\s+|a\s+)?hospitals?\b", re.IGNORECASE)
# A refusal of unrestricted use ("anyuse", read above).
_REFUSES_USE = re.compile(
    r"\b(?:refus\w*|declin\w*|reject\w*|resist\w*|won't|will\s+not|would\s+not|wouldn't|"
    r"cannot)\b[^;:?!]{0,60}?\banyuse\b", re.IGNORECASE)
# "spread to seven of the eight blocks", "tore through seven buildings": a fire (or a flood, an
# outbreak) that went through that many of them affected them.
_WENT_THROUGH = re.compile(
    r"\b(?:(?:spread(?:s|ing)?|t(?:ore|ears|earing|orn)|rip(?:s|ped|ping)|rac(?:ed|es|ing)|"
    r"sw(?:ept|eeps?|eeping)|engulf(?:s|ed|ing)?)\s+"
    # "helped spread the fire to seven of the eight blocks": the fire, named after its verb
    r"(?:(?:the\s+)?(?:fire|flames|blaze|inferno)\s+)?(?:through|across|to|into|over)|"
    # "battled the flames across seven of the eight towers": the fire was in them
    r"(?:fires?|flames|blazes?|inferno)\s+(?:across|through))\s+"
    r"(?=(?:all\s+)?(?:the\s+|its\s+)?(?:\d|(?:" + "|".join(WORD_NUMBERS) + r")\b))",
    re.IGNORECASE)


# A fire (a flood, an outbreak) moving through something: it spread through it.
_MOVED_THROUGH = re.compile(
    r"\b(?:r(?:ip|ips|ipped|ipping)|t(?:ore|ear|ears|earing)|rac(?:ed|es|ing)|"
    r"sw(?:ept|eeps?|eeping)|leap(?:t|ed|s|ing)|jump(?:ed|s|ing)|climb(?:ed|s|ing)|"
    r"ascend(?:ed|s|ing)?)\s+(?:up\s+)?(?:through|across|along)\b", re.IGNORECASE)


def _moved_through(m: re.Match[str]) -> str:
    # What it went through: the words up to the first small word after them ("bamboo
    # scaffolding on seven blocks" went through scaffolding).
    phrase: list[str] = []
    for t in tokenize(m.string[m.end():m.end() + 80]):
        if t in _STOP:
            if phrase:
                break
            continue
        phrase.append(_canonical(t))
    if {"building", "estate"} & set(phrase[:6]):
        return m.group(0)
    return "spread through"


# "31-floor high-rises", "a 31-story tower", "31 stories": storeys, in other words (only
# after a figure: "the fire spread across three floors" is no height, "the story" no floor).
_STOREYS = re.compile(r"\b(" + _FIGURE_WORD + r")(?:(-)(?:floors?|stor(?:y|ies|ied|eyed))|"
                      r"(\s+)stories)\b(?!['’])", re.IGNORECASE)
_QUAKE_FIGURE = re.compile(r"(?<![\d.,])\b(\d\.\d)(?:-|\s+)(?=(?:(?:strong|powerful|massive|"
                           r"major|deadly|shallow)\s+)?(?:earthquake|quake|temblor|tremor|"
                           r"aftershock)s?\b)", re.IGNORECASE)
_HIGH_RISE = re.compile(r"\bhigh-rise(s?)\b", re.IGNORECASE)
_HIGH_RISE_BEFORE = re.compile(r"\bhigh-rise\s+(?=[a-z])", re.IGNORECASE)
# "the quake struck near Marlow", "hit ..., close to Marlow", "struck just outside Marlow",
# "an earthquake centred in Marlow": where it struck is its epicentre, as news gives it.
_STRUCK_NEAR = re.compile(r"\b((?:struck|strikes|striking|hit|hits|hitting|jolted|rocked)\b"
                          r"[^.;:?!]{0,40}?)\b(?:near|close\s+to|(?:just\s+)?outside)\b",
                          re.IGNORECASE)
_CENTRED = re.compile(r"\b(?:epi)?cent(?:red|ered)\s+(?=(?:in|on|at|near|around|under)\b)",
                      re.IGNORECASE)
# "the most severe rating", "its most serious level": the highest.
_MOST_SEVERE = re.compile(r"\bmost\s+(?:severe|serious)\b", re.IGNORECASE)


def _storeys(m: re.Match[str]) -> str:
    return m.group(1) + ("-storey" if m.group(2) else " storeys")


_FUELLED = re.compile(r"\b(?:fuel{1,2}ed|fanned|fed)\s+by\b", re.IGNORECASE)
# "did not respond to a request for comment": a party's silence to the press, no message of
# the event's.
# (Questions, queries and requests are the press's; calls and messages only when they sought
# comment: "no response to repeated calls from the controller" is the event's.)
_FOR_COMMENT = re.compile(
    r"\b(?:respond(?:ed|s|ing)?|repl(?:y|ied|ies|ying)|answer(?:ed|s|ing)?)\s+to\s+"
    r"(?:[\w'’-]+\s+){0,3}?(?:(?:requests?|quer(?:y|ies)|(?:in|en)quir(?:y|ies)|e-?mails?|"
    r"questions?)\b|(?:calls?|messages?)\s+(?:for|seeking|about)\s+(?:further\s+|immediate\s+)?"
    r"comments?\b)", re.IGNORECASE)
# "The passengers included 169 Indian nationals", "Of the 242 passengers, 169 were ...",
# "Among the passengers were ...": those on board, broken down.
_PASSENGERS_WERE = re.compile(
    r"\b((?:the|its|their)\s+(?:\d[\d,]*\s+)?passengers)(?!\s+(?:on\s+board|aboard|onboard)\b)"
    r"(?=\s*(?:,|:|\u2014|\u2013|\s-\s|\s+(?:included|includes|were|comprised|consisted)\b))",
    re.IGNORECASE)
# "all 242 people on board were killed": none of them survived.
_ALL_DIED = re.compile(
    r"(?<!almost\s)(?<!nearly\s)(?<!virtually\s)(?<!not\s)\ball\s+(?!but\b)(?:of\s+)?"
    r"(?:the\s+|those\s+)?(?:\d[\d,]*\s+|" + "|".join(WORD_NUMBERS) + r"\s+)?"
    r"(?:people|passengers|persons|occupants|on\s+board|aboard|onboard)\b[^.;:]{0,40}?"
    r"\b(?:were|have\s+been|had\s+been)?\s*(?:killed|died|perished|dead|lost\s+their\s+lives)\b"
    # "killing all 242 on board", "the death of all 260 people on board"
    r"|\b(?:killing|killed|death\s+of|deaths\s+of|lives\s+of)\s+all\s+(?!but\b)(?:of\s+)?"
    r"(?:the\s+|those\s+)?(?:\d[\d,]*\s+|" + "|".join(WORD_NUMBERS) + r"\s+)?"
    r"(?:(?:people|passengers|persons|occupants)\s+)?(?:on\s+board|aboard|onboard)\b",
    re.IGNORECASE)
# "failed to respond": did not.
_FAILED_TO = re.compile(r"\bfail(?:ed|s|ing)?\s+to\b(?=\s+(?:respond|reply|answer|acknowledge|"
                        r"communicate|return)\b)", re.IGNORECASE)
# "lost all communication", "before all communications were lost": none came after. (Not
# "lost contact": a firefighter who lost contact was out of touch, no message refused.)
_LOST_CONTACT = re.compile(r"\blost\s+(?:all\s+)?(communications?)\b", re.IGNORECASE)
_CONTACT_LOST = re.compile(r"\b(?:all\s+)?(communications?|contact\s+with\s+(?:the\s+)?[\w-]+)\s+"
                           r"(?:was|were|had\s+been|has\s+been|have\s+been)\s+lost\b",
                           re.IGNORECASE)
# "the aircraft stopped responding": it did not respond.
_STOPPED_RESPONDING = re.compile(r"\bstopped\s+(?=(?:respond|communicat|reply|answer)ing\b)",
                                 re.IGNORECASE)
# "there was no response": no reply ("the emergency response" is no reply).
_NO_RESPONSE = re.compile(r"\bno\s+(?:further\s+|more\s+)?responses?\b", re.IGNORECASE)
# "gave a mayday call", "issued a distress call", "made an emergency call": a call sent.
_CALL_SENT = re.compile(r"\b(?:gave|give|gives|giving|made|make|makes|making|issued|issues?|"
                        r"issuing|put\s+out|sent\s+out|raised)\s+(?:a|an)\s+(?=(?:[\w-]+\s+){0,2}"
                        r"(?:call|signal|message)s?\b)", re.IGNORECASE)
# "a distress call", "a distress signal": a mayday, as aviation and sea news give it; "a
# Mayday call was made": one was sent.
_DISTRESS_CALL = re.compile(r"\bdistress\s+(?=(?:radio\s+)?(?:call|signal)s?\b)", re.IGNORECASE)
_CALL_WAS_SENT = re.compile(r"\b((?:mayday|distress|emergency)[\"”’']?\s+(?:radio\s+)?"
                            r"(?:call|signal)s?)\s+(?:was|were|had\s+been|has\s+been)\s+(?:made|issued|sent|given|"
                            r"transmitted|raised|put\s+out)\b", re.IGNORECASE)
# "seconds after take-off": the takeoff, one word (the tokenizer reads "take" and "off" apart).
_TAKE_OFF_NOUN = re.compile(r"\btake-offs?\b", re.IGNORECASE)
# "the plane had reached 625 feet", "failed to climb above 600 feet": an altitude, as a flight's
# height is told.
_REACHED_FEET = re.compile(r"\b(reach(?:ed|es|ing)?|climb(?:ed|s|ing)?(?:\s+(?:to|above|beyond))?)"
                           r"\s+((?:about|around|only|just|nearly|barely|some)\s+)?"
                           r"(?=\d[\d,]*\s*(?:feet|ft)\b)", re.IGNORECASE)
# "non-residents", "non-profit": one word, not the word it negates ("residents").
_NON_WORD = re.compile(r"\b([Nn]on)-(?=[a-z])")
# "a mayday call to air traffic control": where a distress call always goes; said or not, the
# call is the fact ("the pilot sent a mayday call").
_CALL_TO_CONTROL = re.compile(r"\b((?:mayday|distress|emergency)\s+(?:radio\s+)?(?:call|signal|"
                              r"message)s?)\s+to\s+(?:the\s+)?(?:air\s+traffic\s+control(?:lers?)?|"
                              r"ATC|controllers?|control\s+tower)\b", re.IGNORECASE)
# "took off from", "departed from": one departure.
# (Not "took off his jacket".)
_TOOK_OFF = re.compile(r"\b(?:took|take|takes|taking|taken)\s+off\b"
                       r"(?!\s+(?:the|a|an|his|her|their|its)\b)", re.IGNORECASE)
# Air traffic control, abbreviated.
_ATC = re.compile(r"\bATC\b")
# "came down on a school", "crashed into", "slammed into", "struck a building": it hit it.
_HIT_ON = re.compile(r"\b(?:c[ao]me|comes|coming)\s+down\s+(?:on|onto|in|into)\b|"
                     r"\b(?:slam(?:s|med|ming)?|plough(?:s|ed|ing)?|plow(?:s|ed|ing)?|"
                     r"smash(?:es|ed|ing)?|plung(?:e|es|ed|ing)|careen(?:s|ed|ing)?)\s+(?:into|onto)\b|"
                     r"\bstruck\b(?=\s+(?:a|an|the)\s+(?!deal|agreement|pact|balance|chord|tone|note|"
                     r"blow|bargain|compromise|truce|settlement|match)\b)", re.IGNORECASE)
_CRASHED_INTO = re.compile(r"\b(crash(?:es|ed|ing)?)\s+(?:into|onto|on(?=\s+(?:a|an|the)\s))\b",
                           re.IGNORECASE)


# "and" opening another figure ("65 dead and 76 injured in hospital"): what stands before it
# is said of the figure before.
_BOUNDS = r"(?:(?:at least|more than|over|about|around|nearly|almost|some|another)\s+)*"
_AND_FIGURE = re.compile(r"\band\s+" + _BOUNDS + r"(?=(?:" + _FIGURE_WORD
                         + r"|dozens|hundreds|thousands|scores)\b)", re.IGNORECASE)
_DEATH_BEFORE = re.compile(r"\b(?:died|dead|death|deaths|killed|bodies|body|fatalit(?:y|ies))\b"
                           r"[^;.]{0,40}$", re.IGNORECASE)
# "13 fatalities, nine at the scene and four in hospital": where the dead died, the hospital
# one of the places.
_AT_SCENE = re.compile(r"\b(?:at|on)\s+the\s+(?:scene|spot)\b", re.IGNORECASE)


def _hospitalised(m: re.Match[str]) -> str:
    """ "injured in hospital" is treated there; "died in hospital" is not."""
    death = _DEATH_BEFORE.search(m.string, max(0, m.start() - 60), m.start())
    if death and (not _AND_FIGURE.search(m.string, death.start(), m.start())
                  or _AT_SCENE.search(m.string, death.start(), m.start())):
        return m.group(0)  # not "65 dead and 76 injured in hospital"
    return " hospitalised"


# A photo credit run into the text it captioned ("ReutersOpenAI CEO Sam Altman said"), as
# extraction leaves it: two words.
_GLUED_CREDIT = re.compile(r"\b(Reuters|AFP|Bloomberg|Xinhua|Getty\s+Images|EPA|AP\s+Photo)"
                           r"(?=[A-Z][a-z])")
_CURLY_APOSTROPHE = re.compile(r"(?<=[A-Za-z])[’‘`](?=(?:t|s|re|ve|ll|d|m)\b)")


def _as_read(text: str, claim: bool = False) -> str:
    """The text as the reader reads it: accents folded ("Nicolás" and "Nicolas" are one
    name; the tokenizer cuts a word at a letter outside ASCII), and idioms in plain words:
    of counting ("claimed 128 lives" as "claimed 128 people dead"), of scope ("for all lawful
    purposes", "unrestricted"), of autonomy ("with no human involvement"), of insisting
    ("refused to relax its limits"), of treatment ("injured in hospital"). Only for reading; the
    evidence quotes the article."""
    if not text.isascii():
        folded = unicodedata.normalize("NFKD", text)
        if folded != text:  # curly quotes and dashes stay as they are
            text = "".join(c for c in folded if not unicodedata.combining(c))
    text = _NON_WORD.sub(r"\1", _GLUED_CREDIT.sub(r"\1 ", text))
    # "won’t", "didn’t": a typographic apostrophe is an apostrophe ("won't" is read alike).
    text = _CURLY_APOSTROPHE.sub("'", text)
    # "at 2:51 pm local time": the zone of a time says where, not what happened.
    text = _LOCAL_TIME.sub(r"\1", text)
    # "The fire was first reported at 2.51pm": the time an incident started, as news gives it.
    text = _REPORTED_AT.sub(r"\1 started at ", text)
    # "received the first reports of the blaze at 2:51 p.m.": the blaze started then.
    text = _FIRST_REPORTS.sub(r"\1 started at ", text)
    # "for all lawful purposes", "any lawful use", "unfettered": one scope, said many ways,
    # read as one word (not "unrestricted", which would read as the opposite of "restricted").
    text = _ANY_USE.sub("anyuse", text)
    # "weapons that fire with no human involvement": autonomous, said the long way.
    text = _NO_HUMAN.sub(" autonomous", text)
    # "refused to remove its safeguards" insists on them: the insistence is read beside the
    # refusal, which stays (it still reverses "agreed to drop their safeguards").
    text = _KEEPS.sub(r"insisting \g<0>", text)
    text = _RED_LINE.sub("redline", text)
    # "not just the loss of business but ...": more than it, not a negation of it.
    text = _NOT_ONLY.sub("", text)
    # "does not change our commitment to ...": the commitment remains.
    text = _UNCHANGED.sub("remains ", text)
    # "the aircraft was carrying 169 Indian nationals": they were on board.
    text = _CARRYING.sub("had on board ", text)
    # "home to 4,000 people": 4,000 people live there.
    text = _HOME_TO.sub(r"where \1 live", text)
    # "a cutting-edge AI": an adjective, no cut.
    text = _CUTTING_EDGE.sub("advanced", text)
    # "they take issue with ...": they object to it.
    text = _TAKE_ISSUE.sub("object to", text)
    text = _STOP_WORKING.sub("cut ties with", text)
    # "would cancel Anthropic's $200 million contract", "will terminate our partnership":
    # a relationship ended, said by its contract.
    text = _ENDS_CONTRACT.sub(r"\g<0> ties", text)
    # "or face a ban from all government contracts", "the loss of business": ties cut.
    text = _BUSINESS_LOST.sub("cut ties", text)
    # "safety measures", "safety rules": safeguards, said in two words.
    text = _SAFETY_MEASURES.sub("safeguards", text)
    # "uses tied to weapons", "military-linked businesses": related to, not a relationship.
    text = _TIED_TO.sub(lambda m: "-related" if m.group(0).startswith("-") else " related to",
                        text)
    # "block" the verb bars; "blocks" the noun are buildings ("tower blocks").
    text = _BLOCKED.sub(lambda m: "barred" if m.group(1).lower() == "ed" else "barring", text)
    text = _BLOCK_VERB.sub(r"\1bar\2", text)
    text = _TREATED_FOR_INJURIES.sub("injured", text)
    text = _CRITICALLY.sub(r"\1 in critical condition", text)
    text = _UNKNOWN.sub(lambda m: f"{m.group(1)} remain missing" if m.group(1) else "missing",
                        text)
    if not claim:
        # "76 injured in hospital", "taken to hospital": the idiom says treated there (read
        # so in the article only: a claim's "people in hospital" need not say treated).
        text = _IN_HOSPITAL.sub(_hospitalised, text)
        text = _WENT_THROUGH.sub("affected ", text)
        text = _STOREYS.sub(_storeys, text)
        text = _MOST_SEVERE.sub("highest", text)
        text = _CENTRED.sub("with its epicentre ", _STRUCK_NEAR.sub(r"\1epicentre near", text))
        # "flames ripped through the scaffolding", "fuelled by the netting": spread.
        # (not through buildings: "tore through the towers wrapped in ..." went through them)
        text = _MOVED_THROUGH.sub(_moved_through, text)
        text = _FUELLED.sub("spread by", text)
        text = _PASSENGERS_WERE.sub(r"\1 on board", text)
        text = _ALL_DIED.sub(r"\g<0>, none survived", text)
        # "sought to impose restrictions", "its push to bar ...": pressing for a limit insists
        # on it.
        text = _EFFORT_TO_LIMIT.sub(_insisting, text)
        # "refused the military unrestricted use": insisting on limits on its use.
        text = _REFUSES_USE.sub(r"\g<0> insisting on limits", text)
    # "a high-rise building": one word, a building (in a claim too: "high" and "rise" are
    # no two facts of it; there, before its noun, "a high-rise hotel" is a hotel).
    if claim:
        text = _HIGH_RISE_BEFORE.sub("", text)
    text = _HIGH_RISE.sub(r"highrise\1", text)
    # "a 7.7 earthquake", "a 6.4 aftershock": a figure of one decimal before a quake is its
    # magnitude.
    text = _QUAKE_FIGURE.sub(r"\1 magnitude ", text)
    text = _LOST_LIVES.sub("died", _LIVES_OF.sub("killed", text))
    text = _CITIZENS.sub(r"\1nationals", _COPULA_NATIONALS.sub(r"\1 ", text))
    text = _DEMONYM_PASSENGERS.sub(r"\1 \2 nationals", text)
    text = _COUNTED_DEMONYM.sub(_nationals, text)
    text = _DEAD_BEFORE.sub(r"people dead\1", _DEAD_AFTER.sub(r"\1 people dead", text))
    text = _ABOARD.sub("on board", text)
    if not claim:
        # "with nobody unaccounted for": a count of the missing, none.
        text = _NONE_MISSING.sub("0 people ", text)
    text = _FOR_COMMENT.sub("commented", text)
    text = _FAILED_TO.sub(lambda m: "not to" if m.group(0).lower().startswith("failing")
                          else "did not", text)
    text = _CONTACT_LOST.sub(r"no \1 was received", _LOST_CONTACT.sub(r"received no \1", text))
    text = _NO_RESPONSE.sub("no reply", text)
    text = _STOPPED_RESPONDING.sub("did not go on ", text)
    text = _CALL_WAS_SENT.sub(r"\1 was sent", _DISTRESS_CALL.sub("mayday ", text))
    text = _CALL_SENT.sub("sent a ", _ATC.sub("air traffic control", text))
    text = _CALL_TO_CONTROL.sub(r"\1", text)
    text = _TOOK_OFF.sub("departed", _TAKE_OFF_NOUN.sub("takeoff", text))
    text = _REACHED_FEET.sub(r"\1 \2an altitude of ", text)
    text = _CRASHED_INTO.sub(r"\1 hitting", _HIT_ON.sub("hit", text))
    for m in reversed(list(_LIVES_LOST.finditer(text))):
        group = 1 if m.group(1) else 2
        text = text[:m.start(group)] + "people dead" + text[m.end(group):]
    return text


_JOINED = re.compile(r"\b(?:and|while|but|with|whereas)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _figures_of(text: str) -> tuple[Quantity, ...]:
    """The figures a sentence gives, read once for all the claims and figures that ask."""
    return tuple(quantities(text)[:MAX_FIGURES_PER_SENTENCE])


_AUXILIARIES = frozenset(tokenize("is are was were be been being has have had"))


def _said_of_previous(text: str, q: Quantity, lo: int) -> tuple[int, int]:
    """The span of what the figure before ``q`` in its clause is said to be, after the noun
    it counts: "dead" in "36 people dead and 279 missing" ("people" may be said of both).
    (0, 0) when there is none."""
    prior = [f for f in _figures_of(text) if lo <= f.start and f.end <= q.start]
    if not prior:
        return 0, 0
    words: list[tuple[int, int]] = []
    for tok, pos in _spans(text):
        if pos < prior[-1].end:
            continue
        if tok in _AUXILIARIES and words and pos < q.start:
            continue  # "36 people were killed and 279 ...": the verb's helper says nothing
        if pos >= q.start or tok in _STOP or tok[:1].isdigit():
            break
        words.append((pos, pos + len(tok)))
    if len(words) < 2:
        return 0, 0
    return words[1][0], words[-1][1]


# A figure's unit converted in brackets right after it, "70 km (40 miles)", "$10 million (£8
# million)": an aside, which does not end the figure's clause.
_CONVERSION = re.compile(r"\s*[A-Za-z%$£€]{0,12}\.?\s*\([^()]{0,30}?\d[^()]{0,30}\)")
# A clause that is a year alone (", 2024,"), and one ending on a date ("collapsed on November
# 1", "on Friday").
_YEAR_ONLY = re.compile(r"\s*\d{4}\s*")
_ENDS_ON_DATE = re.compile(r"\b(?:on|of)\s+(?:(?:[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?)"
                           r"|(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+)|(?:[A-Z][a-z]+day))\s*$")


def _after_date(text: str, lo: int) -> int:
    """Where the clause of a time set off after a date begins: "collapsed on November 1, 2024,
    at 11:52 am" gives the time of the collapse, as "collapsed on Friday at 11:52 am" does.
    ``lo`` itself when no date stands just before."""
    start = lo
    while start:
        prev = max((m.end() for m in _CLAUSE.finditer(text, 0, start - 1)), default=0)
        segment = text[prev:start - 1]
        if _YEAR_ONLY.fullmatch(segment):
            start = prev
            continue
        return prev if _ENDS_ON_DATE.search(segment) else lo
    return lo


def _near(text: str, q: Quantity) -> set[str]:
    """Canonical content words among the ``FIGURE_WINDOW`` nearest on each side of a figure."""
    # Names ("the Harbour View towers") stand between a figure and what it counts without
    # saying what it counts: they do not use up the window.
    # Only within the figure's clause: "150 were rescued, but many are unaccounted for".
    lo = max((m.end() for m in _CLAUSE.finditer(text, 0, q.start)), default=0)
    listed = _MODIFIER_COMMA.match(text, q.end) or _CONVERSION.match(text, q.end)
    hi = next((m.start() for m in _CLAUSE.finditer(text, listed.end() if listed else q.end)),
              len(text))
    whole_clause = False
    if q.kind == "time" and lo and text[lo:q.start].strip() and \
            _FRONTED_TIME.fullmatch(text, lo, q.start):
        lo = _after_date(text, lo)
    if q.kind == "time" and _FRONTED_TIME.fullmatch(text, lo, q.start) and \
            not text[q.end:hi].strip() and hi < len(text):
        # "At 1.39 pm, the flight took off ...": a time set before the sentence's clause is
        # when all of that clause happened, however far its verb stands.
        hi = next((m.start() for m in _CLAUSE.finditer(text, hi + 1)), len(text))
        whole_clause = True
    if lo and not text[lo:q.start].strip() and not text[q.end:hi].strip():
        # A figure set off alone ("raised to the highest level, five, at 18:22") gives the
        # value of the words just before it.
        lo = max((m.end() for m in _CLAUSE.finditer(text, 0, lo - 1)), default=0)
    elif lo and (_OF_WHICH.match(text, q.end) or _RELATIVE.match(text, lo)):
        # "the eight-building complex, seven of which were engulfed": the part of what the
        # clause before names; "the blaze, which began at 3:15 p.m.": a relative clause
        # speaks of it.
        lo = max((m.end() for m in _CLAUSE.finditer(text, 0, lo - 1)), default=0)
    picked = _picked_from(text, lo)
    # A headline in title case ("Death Toll From Powerful 7.7 Magnitude Quake Jumps ...")
    # capitalises its common words too: they are not names there.
    headline = _TITLE_CASE.fullmatch(text) is not None
    # "36 people dead and 279 remain unaccounted for": what another figure before it is said
    # to be ("dead") is that figure's, not this one's; and what follows the next figure,
    # joined to this one ("... and 279 are missing"), is the next figure's.
    said_start, said_end = _said_of_previous(text, q, lo)
    hi = min([hi, *(f.start for f in _figures_of(text) if q.end <= f.start < hi
                    and not whole_clause and _JOINED.search(text, q.end, f.start))])
    spans = [(tok, pos) for tok, pos in _spans(text)
             if lo <= pos < hi and tok not in _STOP and not q.start <= pos < q.end
             and not tok[:1].isdigit() and not (text[pos].isupper() and not headline)
             and not said_start <= pos < said_end]
    cut = sum(1 for _, pos in spans if pos < q.start)
    near = {term for tok, _ in spans[max(0, cut - FIGURE_WINDOW):
                                     len(spans) if whole_clause else cut + FIGURE_WINDOW]
            for term in _terms(tok)}
    if _counted(text, q) in _ON_BOARD_NOUNS:
        near.add("people")  # "killing 241 passengers and crew": people, those on board
    near |= picked
    # "The death toll from the apartment blaze has risen to 151": a tally names what the next
    # figure counts, however many words stand between them.
    # "The death toll in the fire at Elm Court, Port Marlow, increased to 44": a figure that
    # a verb of change gives the tally takes it from anywhere before it, commas and all.
    reach = 0 if _TALLY_VERB.search(text, max(0, q.start - 40), q.start) else lo
    tally = next(reversed(list(_TALLY.finditer(text, reach, q.start))), None)
    if tally is not None and not _count_between(text, tally.end(), q.start):
        told = {_canonical(tok) for tok in tokenize(tally.group(0)) if tok not in _STOP}
        # "the death toll has risen to 265", "the number of injured increased to 3,408": a
        # tally of the dead, the hurt or the missing counts people.
        near |= told | ({"people"} if told & _PEOPLE_STATES else set())
        if tally.start() < lo:
            # ... with the words of its own clause: "the death toll in the fire at ...".
            end = next((m.start() for m in _CLAUSE.finditer(text, tally.end())), q.start)
            near |= {term for tok in tokenize(text[tally.end():end]) if tok not in _STOP
                     for term in _terms(tok)}
    return near


# A clause that opens on a superlative standing for its noun ("with the strongest measuring
# 6.4", "the largest of which ...", "the deadliest at ..."): one of what was named before it.
_PICKED = re.compile(r"\s*(?:(?:with|and|including)\s+)?the\s+(?:most\s+[a-z]+|[a-z]{3,}est)"
                     r"(?=\s+(?:of\s+(?:which|them|those|these|all)|measur\w*|register\w*|"
                     r"reach\w*|rat(?:ed|ing)|record\w*|at|was|were|being|had|having|hit|"
                     r"came|coming|struck|striking)\b)", re.IGNORECASE)
_PLURAL = re.compile(r"\b[A-Za-z][a-z]+(?<![su]s)(?<!is)s\b")


# Four or more words in a row capitalised, each of two letters or more, and no word of
# four letters or more written small: a headline in title case.
_TITLE_CASE = re.compile(r"(?=(?:.*?\b[A-Z][\w'’-]+\b){4})(?!.*\b[a-z][a-z'’-]{3,}\b).*",
                         re.DOTALL)


def _clause_start(text: str, q: Quantity) -> int:
    return max((m.end() for m in _CLAUSE.finditer(text, 0, q.start)), default=0)


def _picked_from(text: str, lo: int) -> set[str]:
    """"Aftershocks followed, ..., with the strongest measuring 6.4": a superlative standing
    for its noun, opening the figure's clause (from ``lo``), picks one of the things the
    sentence named before it, in the plural; their terms (none when it picks nothing)."""
    if not lo or _PICKED.match(text, lo) is None:
        return set()
    return {term for m in _PLURAL.finditer(text, 0, lo) for tok in tokenize(m.group(0))
            if tok not in _STOP for term in _terms(tok)}


# Those a craft carries: people, counted as its passengers or crew.
_ON_BOARD_NOUNS = frozenset({"passenger", "crew", "occupant"})


# A time opening its sentence, set off by a comma: "At 1.39 pm, ...", "Shortly after 2 am, ...".
_FRONTED_TIME = re.compile(r"\s*(?:(?:just|shortly|soon|minutes)\s+)?(?:at|by|around|about|"
                           r"after|before|until)?\s*", re.IGNORECASE)


# "shortly before noon", "just after dawn": how near the part of the day that follows.
_SOON_BEFORE = re.compile(r"\b(?:shortly|just|soon|right|early|late)\s+$", re.IGNORECASE)


def _close_to_part(claim: str, q: Quantity) -> bool:
    """A time the claim gives as close to a part of the day ("shortly before noon", "just
    after dawn", "before midday"): a time, not a part of the day the claim's other words
    place on a day ("on Wednesday afternoon")."""
    return q.kind == "time" and q.span is not None and (
        _SOON_BEFORE.search(claim, 0, q.start) is not None
        or claim[q.start:q.end].lower().startswith(("before", "after")))
_OF = re.compile(r"\s+of\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\s*(?:which|who)\b", re.IGNORECASE)
_OF_WHICH = re.compile(r"\s+of\s+(?:which|whom|them|those)\b", re.IGNORECASE)
# A tally noun with what it tallies: "death toll", "the number of people missing".
_TALLY = re.compile(r"\b(?:[a-z][\w-]*\s+)?(?:toll|tally|number|total)\b"
                    r"(?:\s+of\s+(?:the\s+)?[a-z][\w-]*(?:\s+[a-z][\w-]*)?)?")
_TALLY_VERB = re.compile(r"\b(?:rose|risen|rises|rising|increased|increases|climbed|climbs|"
                         r"jumped|jumps|reached|reaches|grew|grown|hit|hits|stands|stood)\s+"
                         r"(?:to\s+|at\s+)?(?:(?:at least|more than|over|about|around|nearly|"
                         r"almost)\s+)?$", re.IGNORECASE)
_ANY_FIGURE = re.compile(r"\d|\b(?:" + "|".join(WORD_NUMBERS) + r")\b", re.IGNORECASE)


def _count_between(text: str, start: int, end: int) -> bool:
    """A figure stands between ``start`` and ``end`` other than a rank ("the death toll in
    the No. 5 alarm fire rose to 44": the toll is 44)."""
    ranks = rank_spans(text)
    return any(not any(a <= m.start() < b for a, b in ranks)
               for m in _ANY_FIGURE.finditer(text, start, end))


_NEXT_WORD = re.compile(r"\s+([a-z][\w'’-]*)")
# "the eight, 31-storey towers": a comma before another figure of the same noun (hyphenated
# to what it measures) lists modifiers; it does not end the figure's clause.
_MODIFIER_COMMA = re.compile(r"\s*,(?=\s*" + _FIGURE_WORD + r"-[a-z]+\b)", re.IGNORECASE)
_PHRASE_WORDS = re.compile(r"(?:\s+[\w'’-]+){1,4}")


def _counted(text: str, q: Quantity) -> str:
    """The word right after a figure, what it counts or measures ("31 storeys", "each 32
    storeys high"), as a canonical term; "" when a stop word or none follows. Two figures
    of one measure speak of one fact wherever the sentence puts the rest of the claim's
    words: "eight towers, each 32 storeys high" gives the towers' height."""
    m = _NEXT_WORD.match(text, q.end)
    if m is None:
        return ""
    tokens = tokenize(m.group(1))
    if not tokens or tokens[0] in _STOP:
        return ""
    return _canonical(tokens[0])


def _counted_phrase(text: str, q: Quantity) -> set[str]:
    """The content words right after a figure, up to a stop word or a mark, as canonical
    terms: what it counts with what describes it ("eight residential towers", "seven high-rise
    blocks", "the eight, 31-storey towers"). Without a tagger the counted noun is not told
    from its adjectives: the claim's counted word may be any of them."""
    listed = _MODIFIER_COMMA.match(text, q.end)
    m = _PHRASE_WORDS.match(text, listed.end() if listed else q.end)
    if m is None:
        return set()
    out: set[str] = set()
    words = m.group(0).split()
    if words[0].lower() in ("others", "more"):
        return {"other"}  # "12 others injured", "six more bodies": counted, but not the claim's
    for word in words:
        tokens = [t for t in tokenize(word) if t not in _STOP and not t[:1].isdigit()]
        if not tokens and "-" not in word:
            break  # "in", "of", "were": the phrase has ended
        out.update(term for t in tokens for term in _terms(t))  # "off-duty", "high-rise"
    return out


def _counted_nouns(claim: str, figures: Sequence[Quantity],
                   contexts: Sequence[dict[str, float]],
                   idf: dict[str, float]) -> tuple[str, ...]:
    """Per figure of the claim, the word it counts when that word tells one fact from another
    ("31 storeys"; not "36 people", too common). A part and its whole ("Seven of the estate's
    eight blocks") count the same noun. Told by the words' own informativeness (``idf``), not
    by their weight in the claim: a word the story's claims share ("buildings" in a fire
    story) weighs little there, yet still tells eight buildings from 13 dead."""
    raw = {q.start: _counted(claim, q) for q in figures}
    wholes = [(q, w) for q in figures if (w := _whole(claim, q, figures)) is not None]
    for part, whole in wholes:
        raw[part.start] = raw[part.start] or raw[whole.start]
    out: dict[int, str] = {}
    for q, context in zip(figures, contexts, strict=True):
        counted = raw[q.start]
        if counted not in context or idf[counted] < COUNTED_SHARE * sum(
                idf[t] for t in context):
            counted = ""  # "36 people": too common a word to tell one fact from another
        out[q.start] = counted
    for part, whole in wholes:
        out[part.start] = out[whole.start] = out[part.start] or out[whole.start]
    return tuple(out[q.start] for q in figures)


def _whole_terms(claim: str, figures: Sequence[Quantity], terms: _Terms) -> frozenset[str]:
    """The claim's terms found only between a part's figure and its whole's ("the estate's"
    in "Seven of the estate's eight blocks")."""
    gaps = [(q.end, w.start) for q in figures if (w := _whole(claim, q, figures)) is not None]
    if not gaps:
        return frozenset()
    inside = {term for a, b in gaps for t in tokenize(claim[a:b]) for term in _terms(t)}
    outside = list(terms.stems)
    for term in inside:
        if term in outside:
            outside.remove(term)
    return frozenset(t for t in inside if t in terms.stems and t not in outside)


# "33 storeys tall", "90 metres long": the word after a measure names its dimension, which
# the measure already says ("a 30-storey building" is 30 storeys tall).
_DIMENSIONS = frozenset(tokenize("tall high long wide deep"))


def _figure_phrase(claim: str, q: Quantity, weights: dict[str, float]) -> frozenset[str]:
    """The claim's terms right after its figure, when two or more words give them ("people
    live", not "residents" alone: one common noun does not tell one count from another); a
    dimension after a measure ("storeys tall") adds none."""
    m = _PHRASE_WORDS.match(claim, q.end)
    if m is None:
        return frozenset()
    words = 0
    out: set[str] = set()
    for word in m.group(0).split():
        terms = {t for tok in tokenize(word) for t in _terms(tok) if t in weights}
        if not terms or words and set(tokenize(word)) <= _DIMENSIONS:
            break
        words += 1
        out |= terms
    return frozenset(out) if words >= 2 else frozenset()


def _counts_without(text: str, q: Quantity, counted: str) -> bool:
    """The claim's figure counts a telling noun ("eight blocks") and the sentence's figure
    has it neither right after it nor among its neighbours: "13 killed and 15 others injured
    in a fire that engulfed buildings" gives no number of buildings. A state standing as a
    noun ("with 4,515 injured and 351 missing") counts people."""
    if counted in _WHOLE_WORDS and _STATE_AS_NOUN.match(text, q.end):
        return False
    return counted not in _counted_phrase(text, q) and counted not in _near(text, q)


# What befalls people, as canonical terms: a count of it counts people.
_PEOPLE_STATES = frozenset({"die", "injur", "missing"})
# "4,515 injured and 351 missing", "1,644 dead, 3,400 injured": people, by what befell them.
_STATE_AS_NOUN = re.compile(r"\s+(?:injured|wounded|hurt|dead|missing|killed)" + _AS_NOUN,
                            re.IGNORECASE)


# "all eight towers were affected": the whole, counted as the part ("seven of eight").
_ALL_BEFORE = re.compile(r"\ball(?:\s+of)?(?:\s+the)?\s+$", re.IGNORECASE)
_ALL_FIGURE = re.compile(r"\ball\s+(?:of\s+)?(?:the\s+)?" + _FIGURE_WORD + r"\b", re.IGNORECASE)
# "the final two buildings", "another three blocks": a subset counted, not the whole.
_SUBSET_BEFORE = re.compile(r"\b(?:final|last|remaining|other|another|additional|further|"
                            r"extra|first)\s+$", re.IGNORECASE)


# The end of an event, given a time: "was extinguished at", "brought under control at".
_END_VERBS = r"extinguished|put\s+out|under\s+control|contained|ended|doused|quelled"
_ENDED_AT = re.compile(r"\b(?:" + _END_VERBS + r"|over)\s+(?:(?:completely|fully|finally|by|only)"
                       r"\s+)*(?:at|by|around|about|shortly\s+after|after)\s+"
                       r"(?:about\s+|around\s+)?$", re.IGNORECASE)
_END_WORDS = re.compile(r"\b(?:" + _END_VERBS + r")\b", re.IGNORECASE)
# A relative clause telling what an event did: "the crash that killed", "which left".
_TOLD_OF = re.compile(r"\b(?:crash|fire|blaze|attack|disaster|accident|collapse|explosion|"
                      r"tragedy|storm|flood|quake|earthquake)\s+(?:that|which)\s+(?:had\s+|has\s+)?"
                      r"(?:killed|claimed|left|injured|destroyed|displaced)\b", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:until|till|by)\s+(?:(?:early|late|about|around|the)\s+)*"
                    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+)?$", re.IGNORECASE)
# What befalls people, said right after their count: "300 residents unaccounted for", "159
# residents, previously reported missing, were safe", "40 residents trapped".
_BEFALLS = frozenset(c for w in (
    "missing", "unaccounted", "dead", "killed", "injured", "hurt", "trapped", "safe", "rescued",
    "evacuated", "displaced", "homeless", "hospitalised", "hospitalized", "stranded",
    "arrested", "detained") for t in tokenize(w) for c in _terms(t))


def _befell(text: str, f: Quantity, context: dict[str, float]) -> bool:
    """The figure counts those something befell (a word of ``_BEFALLS`` among the three words
    after it, in its clause), for a claim whose figure counts no such thing: a part
    of the people the claim counts ("300 residents unaccounted for" against "4,600 people live
    in the estate"), not their number."""
    if _BEFALLS & set(context):
        return False  # the claim counts what befell people: read by its own words
    following = next((g.start for g in _figures_of(text) if g.start > f.end), len(text))
    joined = _JOINED.search(text, f.end, following)
    clause = _CLAUSE.search(text, f.end, following)
    aside = None
    if clause and clause.group(0) == "," and clause.start() - f.end < 25:
        # "159 residents, previously reported missing, were safe": a phrase set off by
        # commas right after the count says what befell them, as does the verb after it.
        aside = _APPOSITIVE.match(text, clause.end())
        if aside:
            clause = _CLAUSE.search(text, aside.end(), following)
    end = min(following, joined.start() if joined else following,
              clause.start() if clause else following, f.end + 60)
    after = [(t, pos) for t, pos in _spans(text) if f.end <= pos < end and t not in _STOP
             and not (aside and aside.start() <= pos < aside.end())][:3]
    if aside:
        after += [(t, pos) for t, pos in _spans(text)
                  if aside.start() <= pos < aside.end() and t not in _STOP]
    # "displaced about 5,000 residents": the verb right before the count says it too.
    lo = max((m.end() for m in _CLAUSE.finditer(text, 0, f.start)), default=0)
    before = [t for t, pos in _spans(text) if lo <= pos < f.start and t not in _STOP
              and t not in _BOUND_WORDS]
    if before and any(c in _BEFALLS for c in _terms(before[-1])) and \
            _VERB_RIGHT_BEFORE.search(text, max(0, f.start - 30), f.start):
        return True
    # "seven apartment buildings killed 168 people": a verb whose object is the next figure
    # befalls that figure's people, not these.
    return any(c in _BEFALLS and not _BOUNDS_ONLY.fullmatch(text, pos + len(t), following)
               for t, pos in after for c in _terms(t))


_BOUND_WORDS = frozenset(tokenize("about around nearly almost some more than over least"))
# A befalling verb right before a count, bounds between: "displaced about 5,000".
_VERB_RIGHT_BEFORE = re.compile(r"\b[a-z]+ed\s+(?:(?:about|around|nearly|almost|some|more\s+than|"
                                r"over|at\s+least)\s+)?$", re.IGNORECASE)
_APPOSITIVE = re.compile(r"[^,;:.—–()]{3,40},")
_BOUNDS_ONLY = re.compile(r"[\w'’]*\s+" + _BOUNDS, re.IGNORECASE)


_OTHERS = re.compile(r"\s+(?:others|more)\b", re.IGNORECASE)
_SEEN = re.compile(r"\b(?:see|sees|saw|seen|seeing|watch(?:es|ed|ing)?|spott(?:ed|ing)|"
                   r"notic(?:e|es|ed|ing))\s+(?:the\s+)?$", re.IGNORECASE)
_ANOTHER_BEFORE = re.compile(r"\banother\s+$", re.IGNORECASE)


def _besides(text: str, q: Quantity, context: dict[str, float], previous: str) -> bool:
    """ "Another 279 people are missing" after "36 people were killed": another count besides
    the one before it, not more of the same ("another six bodies" after the toll). So when the
    sentence before gives a figure and leaves out the claim's weightiest word around its
    figure, which this figure stands near."""
    if not _ANOTHER_BEFORE.search(text, max(0, q.start - 30), q.start) or not context:
        return False
    top = max(context, key=lambda t: context[t])
    before = {term for tok in tokenize(previous) for term in _terms(tok)}
    return bool(_figures_of(previous)) and top not in before and top in _near(text, q)


def _whole(claim: str, q: Quantity, figures: Sequence[Quantity]) -> Quantity | None:
    """The whole ``q`` is a part of ("Seven of the estate's eight blocks"), or None."""
    after = [f for f in figures if f.start >= q.end]
    if not after:
        return None
    whole = min(after, key=lambda f: f.start)
    return whole if _PARTITIVE.fullmatch(claim, q.end, whole.start) else None


def _nearest(text: str, figures: list[Quantity], context: dict[str, float]) -> list[Quantity]:
    """Of figures standing equally among the claim's words, those nearest its weightiest word
    in the text: "76 in hospital and hundreds missing" gives the missing as hundreds."""
    spans = [(pos, context[c]) for tok, pos in _spans(text)
             if (c := _canonical(tok)) in context]
    if not spans:
        return figures
    heaviest = max(w for _, w in spans)
    where = [pos for pos, w in spans if w == heaviest]
    gap = {id(f): min(abs(pos - f.start) for pos in where) for f in figures}
    least = min(gap.values())
    return [f for f in figures if gap[id(f)] == least]


_NAME_BEFORE = re.compile(r"\b([A-Z][\w'’-]*)\s+$")


def _named_number(text: str, q: Quantity) -> bool:
    """A number that is part of a name ("the Boeing 787 Dreamliner model"): the words after
    it name the thing, they do not say what it counts."""
    m = _NAME_BEFORE.search(text, max(0, q.start - 40), q.start)
    return m is not None and m.group(1).lower() not in _STOP and m.group(1).lower() not in \
        _STOP_WORDS_CAPITALISED


# Capitalised words that open a phrase before a figure, not a name: "Of 242 passengers".
_STOP_WORDS_CAPITALISED = frozenset({"of", "at", "in", "on", "by", "some", "about", "around",
                                     "nearly", "almost", "over", "under", "only", "just", "all",
                                     "another", "the", "a", "an", "and", "but", "with", "to"})


def _counts_other(text: str, q: Quantity, context: dict[str, float]) -> bool:
    """The figure is followed by words that name none of the claim's words around its figure:
    it counts something else ("At least 13 dead as fire engulfs ... tower blocks" gives no
    number of blocks)."""
    phrase = _counted_phrase(text, q)
    return bool(phrase) and not phrase & context.keys() and not _named_number(text, q)


# "14 remain critically injured": the worst hurt, a part of all the injured.
# "two injured people still remain in hospital": those not yet discharged, a part of all treated.
_NARROWED = re.compile(r"(?:\s+[a-z][\w'’-]*){0,3}?\s+(?:critically|seriously|severely|gravely|"
                       r"badly|in\s+(?:a\s+)?(?:critical|serious)\s+condition|"
                       r"still\s+(?:remain\w*\s+)?(?:in\s+)?(?:hospital|care|treatment)|"
                       r"(?:still\s+)?remain\w*\s+(?:in\s+)?(?:hospital|care))", re.IGNORECASE)


# A count of those at one place the text has pointed to: "20 people in those apartments".
_IN_THOSE = re.compile(r"\s+(?:[a-z][\w-]*\s+)?(?:in|at|from|inside)\s+(?:those|these|that|this)\b",
                       re.IGNORECASE)


# "has risen to 20 in Mandalay, Myanmar": a count placed in a town of the place named after it.
_IN_TOWN_OF = re.compile(r"(?:\s+[a-z][\w'’-]*){0,3}?\s+in\s+((?:[A-Z][\w'’-]*\s+){0,2}"
                         r"[A-Z][\w'’-]*),\s+((?:[A-Z][\w'’-]*\s+)?[A-Z][\w'’-]*)\b")


def _counted_in_town(text: str, f: Quantity, claim: str) -> bool:
    """The figure counts in a town of the place the claim counts in ("the death toll has
    risen to 20 in Mandalay, Myanmar" against "At least 144 people were killed in
    Myanmar"): a part of the claim's count, which says nothing of the whole."""
    m = _IN_TOWN_OF.match(text, f.end)
    if m is None:
        return False
    places = _places_named(claim)
    town = {_canonical(t) for t in tokenize(m.group(1))}
    return bool({_canonical(t) for t in tokenize(m.group(2))} & places) and not town & places


# A claim of what a whole is made up of ("The estate is made up of eight tower blocks"), and a
# figure told as the whole's ("consists of eight blocks", "all seven blocks", "its eight
# towers", "the estate's seven blocks", "five of the seven towers", "the eight-block estate").
_MADE_UP_OF = re.compile(r"\b(?:made\s+up\s+of|consist(?:s|ed|ing)?\s+of|compris(?:es|ed|ing)|"
                         r"composed\s+of)\s+(?:(?:about|around|some)\s+)?$", re.IGNORECASE)
_AS_WHOLE = re.compile(r"(?:\bmade\s+up\s+of|\bconsist(?:s|ed|ing)?\s+of|\bcompris(?:es|ed|ing)|"
                       r"\bcomposed\s+of|\ball(?:\s+of)?(?:\s+the)?|\btotal\s+of|\bhas|\bhave|"
                       r"\bhad|\bwith|\bits|\btheir|\bof\s+the|['’]s)\s+(?:(?:about|around|some)\s+)?$",
                       re.IGNORECASE)


# "10 people were killed when a mosque collapsed": those one incident of the story befell.
# ("were killed in the collapse of a monastery building", "as a wall fell"): a thing that fell,
# not the story's own event told otherwise ("when a Boeing 787 slammed into ...").
_WHEN_ONE = re.compile(r"(?:\s+[\w'’-]+){0,6}?\s+(?:(?:when|as)\s+an?\s+((?:[\w'’-]+\s+){0,3}?"
                       r"(?:collapsed|caved\s+in|toppled|fell|came\s+down))\b|in\s+the\s+collapse\s+"
                       r"of\s+an?\s+((?:[\w'’-]+\s+){0,2}[\w'’-]+))", re.IGNORECASE)


def _one_incident(text: str, f: Quantity, home: frozenset[str]) -> bool:
    """The figure counts those one incident befell ("At least 10 people were killed when a
    mosque collapsed in ..."), not the story's event itself ("when a fire swept through ...",
    its title's word): a part of the story's count, which says nothing of the whole."""
    m = _WHEN_ONE.match(text, f.end)
    return m is not None and bool(home) and not {
        _canonical(t) for t in tokenize(m.group(1) or m.group(2))} & home


def _narrowed_part(text: str, f: Quantity, claim: str, value: float) -> bool:
    """The figure counts the worst hurt ("14 people remain critically injured") and is below
    the claim's count of all of them ("30 people were treated for injuries"): a part, which
    says nothing of the whole. (Above it, "67 were seriously injured", it gainsays it.)"""
    return f.value < value and bool(_NARROWED.match(text, f.end)) and not _NARROWED.search(
        " " + claim) and "critical" not in claim.lower()


def _death_tally(text: str, q: Quantity, context: dict[str, float]) -> bool:
    """A death toll is given the figure by a verb ("the death toll rose to 270 as those
    injured ... succumbed"): it counts the dead, not what a claim without a word of death
    counts."""
    if "die" in context or not _TALLY_VERB.search(text, max(0, q.start - 40), q.start):
        return False  # "a toll likely to rise, with 200 others unaccounted for": not the toll's
    tally = next(reversed(list(_TALLY.finditer(text, 0, q.start))), None)
    return tally is not None and not _count_between(text, tally.end(), q.start) and "die" in {
        _canonical(tok) for tok in tokenize(tally.group(0)) if tok not in _STOP}


def _other_state(text: str, q: Quantity, context: dict[str, float]) -> bool:
    """The claim counts people by one thing that befell them ("30 people were injured") and
    the sentence's figure stands among words of another only ("killed 15 people", "14 dead"):
    a count of the dead is no count of the hurt, nor the other way round."""
    claimed = _PEOPLE_STATES & context.keys()
    if len(claimed) != 1:
        return False
    told = _PEOPLE_STATES & _near(text, q)
    return bool(told) and not told & claimed


def _counts_group(text: str, q: Quantity, context: dict[str, float]) -> bool:
    """The figure counts a group named in two words or more, none of them the claim's ("12
    migrant workers were still missing" against "279 people were unaccounted for"): a part
    of those the claim counts, or others."""
    phrase = _counted_phrase(text, q)
    if not phrase:
        # "one Filipino domestic worker had died and seven were missing": a bare figure
        # joined to a count of such a group counts the same group.
        before = _GROUP_BEFORE.search(text, max(0, q.start - 120), q.start)
        if before is not None:
            phrase = {term for tok in tokenize(before.group(1)) if tok not in _STOP
                      for term in _terms(tok)}
    return len(phrase) >= 2 and not phrase & context.keys() and not _named_number(text, q)


# A count of a group told in the clause before a bare figure joined to it by "and".
# ("Dozens of migrant domestic workers were affected, with 19 still missing"). Only after one
# or a vague count: "36 elderly residents had died and 279 were missing" may count everyone.
_GROUP_BEFORE = re.compile(r"\b(?:one|an?|(?:dozens|scores|hundreds)\s+of)\s+"
                           r"((?:[\w'’-]+\s+){2,3}?)(?:had|has|have|was|were|is|are|"
                           r"died|remain\w*)\b[^;.]*?\b(?:and|with)\s+$", re.IGNORECASE)


# "242 passengers and crew", "students, teachers and staff": one count of a group its nouns,
# joined by "and", name together.
_GROUP = re.compile(r"\s+([a-z][\w'’-]*)((?:\s*,\s*[a-z][\w'’-]*)*),?\s+(?:and|&)\s+"
                    r"([a-z][\w'’-]*)\b")
# The gap between two figures of a list of parts ("230 passengers, 10 cabin crew members, and
# 2 pilots"): what the first counts, then a comma or "and".
_PART_GAP = re.compile(r"(?:\s+[a-z][\w'’-]*){1,4}\s*(?:,\s*(?:and\s+)?|,?\s+and\s+)",
                       re.IGNORECASE)
# What counts a group of people whole: "242 people", "242 persons on board".
_WHOLE_WORDS = frozenset({"people", "person", "individual", "soul", "occupant"})
# Words of death: a count among them counts the dead ("among the deceased were 241 passengers
# and crew", "killing 241 people on board"), not those the claim counts.
_DEATH_TERMS = frozenset({"die", "deceas", "victim", "body", "perish"})


@functools.lru_cache(maxsize=256)
def _group_nouns(text: str, end: int) -> frozenset[str]:
    """The nouns a figure ending at ``end`` counts together ("passengers and crew"), as
    canonical terms; empty unless two or more, joined by "and"."""
    m = _GROUP.match(text, end)
    if m is None:
        return frozenset()
    words = [m.group(1), *re.split(r"\s*,\s*", m.group(2).strip(" ,")), m.group(3)]
    terms = {term for w in words if w for t in tokenize(w) if t not in _STOP
             for term in _terms(t)}
    return frozenset(terms) if len(terms) >= 2 and len(terms) == len([w for w in words if w]) \
        else frozenset()


def _part_runs(text: str, stated: Sequence[Quantity]) -> list[list[Quantity]]:
    """Counts listed as the parts of one whole: "232 passengers and 10 crew", "230
    passengers, 10 cabin crew members, and 2 pilots" (two or more, each counting its own
    noun, none a bound)."""
    counts = [f for f in stated if f.kind == "count" and not f.vague and not f.unit]
    runs: list[list[Quantity]] = []
    run: list[Quantity] = []
    for f in counts:
        if run and _PART_GAP.fullmatch(text, run[-1].end, f.start):
            run.append(f)
            continue
        if len(run) > 1:
            runs.append(run)
        run = [f]
    if len(run) > 1:
        runs.append(run)
    return [r for r in runs if not any(f.bound for f in r)]


def _part_nouns(text: str, f: Quantity) -> frozenset[str]:
    return _group_nouns(text, f.end) or frozenset(_counted_phrase(text, f))


# A sentence breaking down those the one before counted: "Of them, ...", "Among those, ...".
_OF_THEM = re.compile(r"\s*(?:of|among)\s+(?:them|those|these|whom)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d\b")
_YEAR_IN_TEXT = re.compile(r"(?<![\d,.$])\b(?:19|20)\d\d\b(?![\d%]|[.,]\d)")


def _recalled(text: str, f: Quantity, year: int) -> bool:
    """A figure told after an earlier year in its sentence counts another, earlier event:
    "the deadliest crash at the city occurred in 1988, when a flight carrying 135 passengers
    went down" gainsays nothing of this one."""
    return bool(year) and any(int(m.group(0)) < year
                              for m in _YEAR_IN_TEXT.finditer(text, 0, f.start))


_OF_THE = re.compile(r"\bof\s+(?:the\s+|its\s+|their\s+|all\s+)?$", re.IGNORECASE)


# A claim that there was none: "No one survived", "Nobody was hurt", "There were no survivors".
_ZERO = re.compile(r"\b(?:no\s+one|nobody|none)\b|\bno\s+(?=[a-z]+s\b)", re.IGNORECASE)
# ... a count, or "the only", "those who": someone did it. (Not an article: "searched the
# site for survivors".)
_SOME = r"(?<![\w.,-])(?:one|two|three|four|five|\d+|lone|sole|single|only|who)"
# "All but one of the 242 on board were killed", "killing all but one passenger": one survived.
_ALL_BUT_DEAD = re.compile(
    r"\ball\s+but\s+(?:one|two|three|\d+)\b[^.;]{0,240}?\b(?:killed|died|dead|perished)\b"
    r"|\b(?:killing|killed)\s+all\s+but\s+(?:one|two|three|\d+)\b", re.IGNORECASE)
# "killing 241 of the 242 people on board", "killed 19 on the ground and 241 of the 242
# passengers", "241 of the 242 passengers died": the rest lived.
_SOME_OF_ON_BOARD = r"(\d[\d,]*)\s+of\s+(?:the\s+|its\s+|all\s+)?(\d[\d,]*)\s+" \
    r"(?:(?!(?:deceased|dead|killed|victims)\b)[\w-]+\s+){0,3}?" \
    r"(?:on\s+board|aboard|onboard|passengers|occupants)\b"
_PART_DEAD = re.compile(r"\b(?:killing|killed|kills|kill)\s+(?:[^.;:]{0,60}?\s)??"
                        + _SOME_OF_ON_BOARD + r"|\b"
                        + _SOME_OF_ON_BOARD + r"(?:\s+(?:on\s+board|aboard|onboard))?\s+"
                        r"(?:were\s+|have\s+been\s+|had\s+)?"
                        r"(?:killed|died|perished)\b", re.IGNORECASE)


def _part_dead(unit: str) -> re.Match[str] | None:
    """ "killing 241 of the 242 people on board": fewer than all of them died."""
    for m in _PART_DEAD.finditer(unit):
        part, whole = (g for g in m.groups() if g is not None)
        if float(part.replace(",", "")) < float(whole.replace(",", "")):
            return m
    return None


# "payments to the families of the deceased and to the survivor": one, named by "the".
_THE_SURVIVOR = re.compile(r"\bthe\s+survivor\b(?!['’]?s\b)", re.IGNORECASE)
# Stems shorter than this are not compared by their beginning ("surviv" is "survivor"'s).
_ZERO_STEM_MIN = 5


def _zero_term(claim: _PreparedClaim) -> str:
    """The stem of what a claim says there was none of: its weightiest word but names, when
    the claim opens its clause with "no one", "nobody", "none" or "no <plural>"."""
    if not _ZERO.search(claim.text):
        return ""
    content = {t: w for t, w in claim.weights.items() if t not in claim.names}
    if not content:
        return ""
    term = max(content, key=lambda t: content[t])
    return term if len(term) >= _ZERO_STEM_MIN else ""


@functools.lru_cache(maxsize=256)
def _some_pattern(term: str) -> re.Pattern[str]:
    # "one passenger survived"; "Only one passenger, a British national, miraculously
    # survived": a phrase set off by commas, and a word of manner, stand between.
    return re.compile(r"\b" + _SOME + r"\s+(?:[\w-]+\s+){0,2}?"
                      r"(?:[\w-]+,\s+(?:a|an|the)\s+[^,.;:]{1,40},\s+)?"
                      r"(?:[a-z]+ly\s+)?" + re.escape(term) + r"\w*", re.IGNORECASE)


def _counts_some(unit: str, term: str, year: int = 0) -> bool:
    """The sentence counts some of what the claim says there was none of: "one passenger
    survived", "the lone survivor", "one of the survivors"; not where it says none itself
    ("None of the 242 on board survived"), nor of an earlier year's event."""
    if _ZERO.search(unit):
        return False
    m = _some_pattern(term).search(unit) or (
        _ALL_BUT_DEAD.search(unit) or _part_dead(unit) or _THE_SURVIVOR.search(unit)
        if term.startswith("surviv") else None)
    return m is not None and not (year and any(
        int(y.group(0)) < year for y in _YEAR_IN_TEXT.finditer(unit)))


def _among_dead(text: str, f: Quantity) -> bool:
    """A figure counts the dead: a word of death stands near it ("killing 241 people on
    board", "among the deceased were 241 passengers and crew"); not the whole some of
    whom died ("all but one of the 242 people on board were killed")."""
    return (bool(_near(text, f) & _DEATH_TERMS) or bool(_DEAD_BROKEN_DOWN.search(
        text, max(0, f.start - 80), f.start))) and not _OF_THE.search(
        text, max(0, f.start - 12), f.start)


# "The total fatalities were 260, with 240 people on board": the dead, broken down.
_DEAD_BROKEN_DOWN = re.compile(r"\b(?:dead|died|killed|killing|deaths?|fatalit\w*|toll)\b"
                               r"[^.;]{0,40}?" + _FIGURE_WORD + r"\s*,\s*(?:with|including)\s+"
                               + _BOUNDS + r"$", re.IGNORECASE)


def _for_whole(unit: str, f: Quantity, q: Quantity, group: frozenset[str]) -> bool:
    """A sentence's count stands for the claim's whole group: it counts people, or one
    part of the group with the whole's own value."""
    return bool(_counted_phrase(unit, f) & _WHOLE_WORDS) or f.kind == q.kind == "count" and (
        bool(group & _part_nouns(unit, f)) and same_value(f.value, q.value, "count")
        # "the 242 on board": everyone there
        or bool(_ON_BOARD_AFTER.match(unit, f.end)))


_ON_BOARD_AFTER = re.compile(r"\s+(?:on\s+board|aboard|onboard)\b", re.IGNORECASE)


def _read_group(unit: str, q: Quantity, group: frozenset[str], context: dict[str, float],
                stated: Sequence[Quantity], shares: list[tuple[float, Quantity]]
                ) -> list[tuple[float, Quantity]]:
    """The shares of a claim's figure counting a group ("242 passengers and crew"), read as
    a whole: the parts listed ("232 passengers and 10 crew") state it by their sum, and one
    part alone never; "242 people", or one part given the whole's value ("242 passengers
    on board"), counts the group whole where the claim's other words around its figure
    stand near it. Counts of the dead are not those of the living."""
    dead = not group & _DEATH_TERMS and not context.keys() & _DEATH_TERMS
    runs = [r for r in _part_runs(unit, stated)
            if group <= frozenset().union(*(_part_nouns(unit, f) for f in r))
            and not (dead and any(_among_dead(unit, f) for f in r))]
    in_runs = {f.start for r in runs for f in r}
    # One part alone ("230 passengers") states nothing of the whole, unless it gives the
    # whole's own value: "242 passengers on board" is the loose way of counting everyone.
    out = [(share, f) for share, f in shares
           if f.start not in in_runs and not (group & _part_nouns(unit, f) and not group
                                              <= _part_nouns(unit, f))
           and not (dead and _among_dead(unit, f))]
    out += [(1.0, Quantity("count", sum(f.value for f in r), r[0].start, r[-1].end))
            for r in runs]
    # The claim's other words around its figure ("plane", "carrying") say which group.
    rest = {t: w for t, w in context.items() if t not in group}
    for f in stated:
        if not rest or f.kind != "count" or f.vague or f.start in in_runs or (
                dead and _among_dead(unit, f)) or not _for_whole(unit, f, q, group):
            continue
        share = sum(w for t, w in rest.items() if t in _near(unit, f)) / sum(rest.values())
        if share >= PEOPLE_CONTEXT_MIN:
            out = [(s, g) for s, g in out if g is not f] + [(1.0, f)]
    return out


_EACH = re.compile(r"\b(?:each|apiece)\b", re.IGNORECASE)
_PARTITIVE = re.compile(r"\s+of\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,2}$")


def _part_of_whole(claim: str, q: Quantity, figures: Sequence[Quantity]) -> str:
    """The claim as read around ``q``: when ``q`` counts part of a whole ("Seven of the
    estate's eight blocks"), the words naming the whole ("the estate's") belong to the whole's
    figure, and a report of the part ("the seven affected blocks") need not repeat them."""
    whole = _whole(claim, q, figures)
    if whole is None:
        return claim
    return claim[:q.end] + " " * (whole.start - q.end) + claim[whole.start:]


def _round_threshold(q: Quantity) -> bool:
    """A claim's round threshold: "more than 700 firefighters"."""
    return q.kind == "count" and q.bound == "above" and q.value >= 100 and q.value % 100 == 0


def _unit_term(q: Quantity) -> str:
    terms = tokenize(q.unit) if q.unit else []
    return _canonical(terms[0]) if terms else ""


def _same_measure(claim_figure: Quantity, claim_context: dict[str, float], unit: str,
                  stated: Quantity, claim: str = "") -> bool:
    """A number hyphenated to what it measures ("31-storey towers", "a 48-page filing") speaks
    of that measure only: it can stand for the claim's figure only where the claim's figure
    is near that word too, and the other way round. A rank named by the claim's own rank word
    without a scale ("to the highest level, five") is on the claim's scale."""
    stated_unit, claim_unit = _unit_term(stated), _unit_term(claim_figure)
    if stated_unit and stated_unit not in claim_context and stated_unit != claim_unit:
        return False
    if stated.kind == "level" and (not stated_unit or stated_unit in claim_context) and claim \
            and _rank_word(unit, stated) == _rank_word(claim, claim_figure) != "":
        # ... and so is one whose scale word is what the claim ranks ("a level one fire" for
        # "the fire was raised to a level five alarm")
        return True
    return not claim_unit or claim_unit == stated_unit or claim_unit in _near(unit, stated)


def _rank_word(text: str, q: Quantity) -> str:
    """The word a rank is given by ("level" of "level five"), lower-case; "" for none."""
    m = _WORD.match(text, q.start)
    word = m.group(0).lower() if m and not m.group(0)[:1].isdigit() else ""
    # "category 5", "grade five", "tier 5": the same ranking, named another way.
    return "level" if word in _RANK_WORDS else word


_RANK_WORDS = frozenset({"level", "category", "cat", "grade", "tier"})


_INFINITIVE = re.compile(r"\bto\s+$")
_MODIFIER_PAIR = re.compile(r"\b([a-z][\w-]+)\s+(?=([a-z][\w-]+)\b)")


def _modifier_pairs(claim: str, weights: dict[str, float],
                    names: set[str]) -> tuple[tuple[str, str], ...]:
    """Adjacent lower-case content words of the claim, read as modifier and head ("mass
    surveillance", "classified networks", "usual safeguards"), every pair of a run ("fully
    autonomous weapons" holds "autonomous weapons"); not a verb and its object ("to cut
    ties")."""
    pairs = []
    text = claim.replace("’", "'")
    for m in _MODIFIER_PAIR.finditer(text):
        a, b = tokenize(m.group(1)), tokenize(m.group(2))
        if len(a) != 1 or len(b) != 1 or _INFINITIVE.search(text, 0, m.start()):
            continue
        mod, head = _canonical(a[0]), _canonical(b[0])
        if mod in weights and head in weights and mod != head and not {mod, head} & names \
                and mod not in _POLARITY_TERMS and head not in _POLARITY_TERMS:
            pairs.append((mod, head))
    return tuple(dict.fromkeys(pairs))


def _subject(claim: str, names: set[str], groups: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The first actor the claim names (with the rest of its list, if listed, and every word
    of its name: "Nicolás Maduro" is named by "Maduro")."""
    for tok in tokenize(claim):
        canon = _canonical(tok)
        if canon in names:
            for group in groups:
                if canon in group:
                    return group
            for m in NAME_RUN.finditer(claim):
                run = {_canonical(t) for t in tokenize(m.group(0))}
                if canon in run:
                    return frozenset(run & names) | {canon}
            return frozenset({canon})
    return frozenset()




def _actor_groups(claim: str) -> tuple[frozenset[str], ...]:
    """Names the claim lists together ("OpenAI, Google and xAI"): what it says, it says of
    each of them, so a sentence about one of them speaks of the claim."""
    groups = []
    for m in _LIST_OF_NAMES.finditer(claim):
        names = re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", m.group(0))
        stems = frozenset(_canonical(t) for n in names for t in tokenize(n)[:1])
        if len(stems) > 1:
            groups.append(stems)
    return tuple(groups)


_COMPANY_NOUN = r"(?:company|firm|startup|start-up|lab|developer|maker)"
# "the company", "the AI firm", "the San Francisco-based startup": a company named again.
# Only as the sentence's subject, at its start (after a short opening phrase, "Earlier this
# week, the company ..."): elsewhere "the company" may be another one the sentence names.
_THE_COMPANY = re.compile(r"^(?:[^,;:]{0,40},\s+)?[Tt]he\s+(?:[\w-]+\s+){0,3}?"
                          + _COMPANY_NOUN + r"\b(?!['’])")


def _companies(seed: str, keywords: Sequence[str]) -> frozenset[str]:
    """The story's names its seed calls a company: "AI company Acme", "Acme, a chip maker",
    "Acme is a startup"."""
    out = set()
    for name in _story_names(keywords):
        n = re.escape(name)
        if re.search(_COMPANY_NOUN + r"\s+" + n + r"\b|\b" + n + r"(?:,|\s+is)\s+(?:an?|the)\s+"
                     r"(?:[\w-]+\s+){0,3}" + _COMPANY_NOUN + r"\b", seed, re.IGNORECASE):
            out.add(name)
    return frozenset(out)


def _lacks_lead(claim: _PreparedClaim, present: set[str]) -> bool:
    """The sentence names neither of the claim's first two terms, its subject and what it
    does ("The fire spread through the scaffolding that covered the buildings"), the story's
    own subject ("fire") left aside: it speaks of something the claim mentions ("the
    building was wrapped in bamboo scaffolding"), not of what the claim asserts. A refusal's
    subject and verb are read as its polarity instead ("will not let Claude be used for
    ..."), so a refusal claim is not held to them."""
    lead = set(claim.lead)
    if lead <= claim.story_names or lead & claim.story_names - _COMMON_NAMED:
        # The actor leads: any of its names says it ("Anthropic's AI", its chief executive
        # "Dario Amodei said the company refused ...").
        lead |= claim.story_names
    return not claim.terms.has_refusal and not lead & present


# Names that read as a common word ("Pentagon" as "military"): one of them leading a claim is
# not said by the story's other names.
_COMMON_NAMED = frozenset(_PARAPHRASES)


# A line for review states at least this share of what the claim says of its actors.
REVIEW_CONTENT = 0.5


def _says_little(claim: _PreparedClaim, matched: list[str], opposite: list[str],
                 present: set[str]) -> bool:
    """The sentence states less than half of what the claim says of its actors, a head word
    without its modifier counting half ("surveillance" for "mass surveillance"): "the usage
    policies forbid using Claude to ... conduct surveillance" is not worth a reader's look
    for "refuses to allow its AI to be used for mass surveillance of Americans"."""
    if not claim.content:
        return False
    said = sum(claim.weights[t] for t in (*matched, *opposite) if t not in claim.names)
    said -= sum(claim.weights[head] / 2 for mod, head in claim.modified
                if head in present and mod not in present)
    return said / claim.content < REVIEW_CONTENT


def _lacks_phrase(claim: _PreparedClaim, present: set[str]) -> bool:
    """The sentence has neither word of a phrase of the claim that carries a good share of
    what the claim says ("remains committed", "usual safeguards"): the heavy-term rule, for
    two words that carry the weight together. "Anthropic has said it was the first frontier
    AI company ... for national security customers" does not state that it "remains
    committed to using frontier AI in support of US national security"."""
    if not claim.content:
        return False
    return any((claim.weights[m] + claim.weights[h]) / claim.content >= HEAVY_SHARE
               and m not in present and h not in present for m, h in claim.modified)


# A verb in the past after a noun of the subject, not in a relative clause ("that covered"),
# that ends the claim or takes no object (what happened to the subject, not what it did to
# something): "A bridge in the Sagaing region collapsed", "... collapsed in the earthquake".
_DEED = re.compile(r"(?<!\bthat\s)(?<!\bwhich\s)(?<!\bwho\s)(?<!\bwere\s)(?<!\bwas\s)"
                   r"(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!['’]s\s)\b([a-z]{3,}ed)"
                   r"(?=\s*(?:[.;]|$|\s(?:in|on|at|after|during|when|as|near)\b))")

_VERB_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|can|could|"
                          r"may|might|must|shall|should|do|does|did|says?|said|remains?|to)\b",
                          re.IGNORECASE)


def _deed(claim: str, weights: dict[str, float], lead: Sequence[str]) -> str:
    """The claim's verb when its subject runs long and the verb stands outside its first two
    terms: "A high-rise building under construction near the market collapsed in the
    earthquake" says the building collapsed; a sentence on workers "at a high-rise
    construction site" does not say so."""
    m = _DEED.search(claim, 1)
    if m is None or _VERB_BEFORE.search(claim, 0, m.start()):
        return ""  # no verb, or the claim's verb stands before it ("were urgently needed")
    deed = next((_canonical(t) for t in tokenize(m.group(1))), "")
    return deed if deed in weights and deed not in lead else ""


def _lacks_deed(claim: _PreparedClaim, present: set[str]) -> bool:
    """The sentence names the claim's subject but not what the claim says happened to it."""
    return bool(claim.deed) and claim.deed not in present


_SAID = re.compile(r"\b(?:said|says|announced|stated|told\s+\w+)\s+(?:that\s+)?", re.IGNORECASE)


def _report(claim: str, weights: dict[str, float]) -> frozenset[str]:
    """The terms of what the claim reports someone said, after its verb of saying."""
    m = _SAID.search(claim)
    if m is None:
        return frozenset()
    return frozenset(t for t in _analyse(claim[m.end():]).stems if t in weights)


def _lacks_report(claim: _PreparedClaim, present: set[str]) -> bool:
    """The sentence names who spoke and how the claim describes them ("the head of the
    military government, Senior General ..., said as he announced the latest death toll"),
    but says little of what the claim reports they said ("that the country was ready to
    accept international aid")."""
    total = sum(claim.weights[t] for t in claim.report)
    return total > 0 and sum(claim.weights[t] for t in claim.report
                             if t in present) / total < CONTENT_MIN


# What a claim says something is about: "The dispute is over ...", "the row was about ...".
_IS_OVER = re.compile(r"\b(?:is|are|was|were)\s+(?:over|about)\s+", re.IGNORECASE)
# A few words after the subject, then what it is about: "tensions rise over the ...", "the
# dispute with the department over how ...", "a dispute that revolves around the ...".
_OVER_WHAT = re.compile(r"(?:\s+[\w'’-]+){0,5}?\s+(?:over|about|around|regarding|concerning)"
                        r"\s+((?:\s*[\w'’-]+){1,8})", re.IGNORECASE)


def _topic(claim: str, weights: dict[str, float], names: set[str]) -> frozenset[str]:
    """The terms of what the claim says its subject is about, after "is over" or "is about",
    the claim's names left aside: "insist", "limit", "use", "model" of "The dispute is over
    Anthropic's insistence on limits on how the US military can use its AI models"."""
    m = _IS_OVER.search(claim)
    if m is None:
        return frozenset()
    return frozenset(t for t in _analyse(claim[m.end():]).stems
                     if t in weights and t not in names)


_WORD_END = re.compile(r"[\w'’-]*")


def _over_topic(claim: _PreparedClaim, unit: str) -> bool:
    """The sentence names the claim's subject and, right after, what it is over, in one of
    the claim's words: "tensions rise over the military's use of AI", "the standoff over
    military use" state "The dispute is over ... limits on how the military can use its AI"
    (what is disputed is the use; the limits are the dispute). A word of the topic elsewhere
    in the sentence does not: "the conflict gained momentum after ..., which forces
    contractors to stop using its technology"."""
    if not claim.topic or not claim.lead:
        return False
    for tok, pos in _spans(unit):
        if claim.lead[0] in _terms(tok):
            m = _OVER_WHAT.match(unit, _WORD_END.match(unit, pos).end())  # type: ignore[union-attr]
            if m and claim.topic & set(_analyse(m.group(1)).stems):
                return True
    return False


def _lacks_scope(claim: _PreparedClaim, present: set[str]) -> bool:
    """The claim says "first", "last" or "only" and the sentence does not (for "first", nor
    "only"): "Claude's models run on classified networks" does not say they were the first
    there, nor "Gemini was made available on unclassified networks" that it is used only
    there. (The opposite state gainsays the claim without them.)"""
    return any(t in claim.weights and t not in present for t in _CONFIRMED_SCOPE)


# "the Elm Court estate": an article, a name, then a noun (not "Jane Doe estimated").
_NAME_AND_NOUN = re.compile(r"\b[Tt]he\s+((?:[A-Z][\w'’-]*\s+)+)([a-z][\w-]*)\b")


def _named_nouns(claim: str, names: set[str],
                 weights: dict[str, float]) -> tuple[tuple[frozenset[str], str], ...]:
    """The claim's nouns that a name of its own (not a story keyword) stands before, with the
    name's terms: "The Elm Court estate is made up of eight towers" names the estate "Elm
    Court", so "the eight towers of Elm Court" speaks of the estate."""
    out = []
    for m in _NAME_AND_NOUN.finditer(claim):
        name = frozenset(c for t in tokenize(m.group(1)) if (c := _canonical(t)) in names)
        nouns = [_canonical(t) for t in tokenize(m.group(2))]
        if name and len(nouns) == 1 and nouns[0] in weights and nouns[0] not in names:
            out.append((name, nouns[0]))
    return tuple(out)


def _story_names(keywords: Sequence[str]) -> frozenset[str]:
    """The keywords' words that name someone ("Anthropic", "Claude", "Amodei"), not those that
    are common words or read as one ("Department", "Pentagon" read as "military"): a sentence
    that names the military and another company speaks of that company."""
    out = set()
    for k in keywords:
        for tok in tokenize(k):
            canon = _canonical(tok)
            if canon == tok and tok not in _STOP and canon not in _COMMON_CAPITALISED:
                out.add(canon)
    return frozenset(out)


def _other_actor(claim: _PreparedClaim, unit: str, present: set[str]) -> bool:
    """The sentence leaves out whom the claim is about (its first-named actor) and names
    someone else: it speaks of another actor ("OpenAI's models are now on classified networks"
    against "Claude was the first model on classified networks"). A common plural opening the
    sentence ("Negotiations collapsed ...", "Reports say ...") names no one."""
    subject = claim.subject or claim.story_names
    if not subject:
        return False
    if subject & present:
        # "... protections that OpenAI says exceed any previous agreement, including
        # Anthropic's": named only as what another's deed is measured against.
        rest = _COMPARED.sub(" ", unit)
        if rest == unit or subject & set(_analyse(rest).stems):
            return False
        unit = rest
    # "the San Francisco-based company": where someone is based names no one else.
    unit = _BASED.sub("based", unit)
    for i, m in enumerate(_CAPITALISED.finditer(unit)):
        if i == 0 and m.start() == 0 and len(tokenize(m.group(0))) == 1 and (
                _canonical(tokenize(m.group(0))[0]) in _COMMON_CAPITALISED
                or tokenize(m.group(0))[0] in _STOP
                or _inflected(strip_possessive(m.group(0)))):
            continue  # "The ...", "Negotiations collapsed ...": a common word opens it
        # A name the claim itself uses ("Pentagon" for its "US military") is no other actor.
        if any(_canonical(t) not in _COMMON_CAPITALISED and (
                not claim.story_names or _canonical(t) not in claim.weights)
               for t in tokenize(m.group(0))):
            return True
    return False


_CAPITALISED = re.compile(r"\b[a-z]?[A-Z][\w'’.-]*")  # "OpenAI", "xAI", "iPhone"
# A name given as a comparison: "including Acme's", "than Acme's", "unlike Acme".
_COMPARED = re.compile(r"\b(?:including|than|unlike|like|such\s+as)\s+(?:the\s+)?"
                       r"(?:[a-z]?[A-Z][\w'’.-]*\s*){1,3}")
_BASED = re.compile(r"(?:\b[A-Z][\w.]*\s+){0,2}\b[A-Z][\w.]*-based\b")


def _inflected(word: str) -> bool:
    """A word the stemmer or the paraphrases change ("Negotiations", "Critics"): a common
    word, not a name, even where it opens a sentence."""
    tokens = tokenize(word)
    return len(tokens) == 1 and (tokens[0] != word.lower() or _canonical(tokens[0]) != tokens[0])


def _names(claim: str, stats: TextStats) -> set[str]:
    """Stems of the claim's capitalised words; the first word only when it is no common word
    (not in the IDF table): "Replacing" starts a sentence, "OpenAI" names a company."""
    out: set[str] = set()
    for i, m in enumerate(_CAPITALISED.finditer(claim)):
        for tok in tokenize(m.group(0)):
            canon = _canonical(tok)
            if tok in _STOP or canon in _COMMON_CAPITALISED or canon != strip_possessive(tok):
                continue  # "The", "US", "AI" (a common word in capitals)
            if i == 0 and m.start() == 0 and tok in stats.idf and not m.group(0).isupper():
                continue
            out.add(canon)
    return out


def _analyse(text: str) -> _Terms:
    raw = tokenize(text)
    stems: list[str] = []
    negated: set[str] = set()
    refused: set[str] = set()
    limited: set[str] = set()
    reach = refusal_reach = limit_reach = 0
    has_negation = has_refusal = False
    for n, tok in enumerate(raw):
        before = [t for t in raw[max(0, n - 5):n] if t not in _ADVERBS]
        if before[-1:] == ["off"] and _canonical(tok) == "limit":
            before = before[:-1]  # "off-limits"
        if _canonical(tok) in _PASSIVE_REFUSAL and (
                before[-1:] and before[-1] in _COPULAS and _canonical(tok) != "allow"
                or before[-2:-1] and before[-2] in _COPULAS and before[-1] in _NEGATORS
                and _canonical(tok) == "allow"):
            # "mass surveillance and autonomous weapons are off-limits", "... were not
            # allowed", "... is unacceptable": a refusal said after what it refuses.
            has_refusal = True
            refused.update(stems[-_REFUSAL_WINDOW:])
        if tok in _NEGATORS or tok.endswith("n't") or _CANON.get(tok) in _NEGATORS:
            # ... or a word that says the negation itself ("impossible": unable)
            has_negation = True
            reach = _NEGATION_WINDOW
            continue
        if tok in _REFUSALS or tok in _ABSENCE:
            has_refusal = True
            refusal_reach = _REFUSAL_WINDOW
            if tok in _ABSENCE:
                continue
        if tok in _STOP or tok[:1].isdigit() or tok in _SCALE_WORDS or len(tok) < 2:
            reach = max(0, reach - 1)
            continue
        for term in _terms(tok):
            stems.append(term)
            if reach:
                negated.add(term)
            if refusal_reach:
                refused.add(term)
            if limit_reach:
                limited.add(term)
        # "won't remove safety guardrails": the negation ends at the removal it negates, and
        # what would have been removed stays (it is kept, not reversed).
        # Nor does it reach past an agreement it negates: "would not agree to its demands"
        # denies the agreeing, not the demands.
        reach = 0 if reach and {"drop", "agree"} & set(_terms(tok)) else max(0, reach - 1)
        refusal_reach = max(0, refusal_reach - 1)
        limit_reach = max(0, limit_reach - 1)
        if _LIMITS & set(_terms(tok)):
            limit_reach = _LIMIT_WINDOW
    return _Terms(tuple(stems), frozenset(negated), has_negation, has_refusal,
                  frozenset(refused), frozenset(limited))


# Refusals said of what stands before them, after a copula: "are banned", "is off-limits",
# "remain unacceptable", "were not allowed".
_COPULAS = frozenset(tokenize("is are was were be been being remain remains remained"))
_ADVERBS = frozenset(tokenize("also still strictly completely entirely simply clearly"))
_PASSIVE_REFUSAL = frozenset(_canonical(t) for w in ("banned", "prohibited", "forbidden",
                                                     "barred", "unacceptable", "limits",
                                                     "allowed")
                             for t in tokenize(w))


# A place told in detail: a name of its own, a common noun or two, then the coarser place it
# lies in ("in the Elm Park residential area of Marlow", "at the Kings Cross station in London").
_PLACE_DETAIL = re.compile(
    r"\b([a-z][\w'’-]*)\s+(?:in|at|near|on|into|onto)\s+(?:the\s+)?((?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]*)"
    r"((?:\s+[a-z][\w-]*){0,3}?)\s*(?:,|\s+of|\s+in)\s+(?:the\s+)?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")


_NO_PLACE = (frozenset[str](), "", frozenset[str](), (), "", "")


def _place_detail(claim: str, names: set[str] | frozenset[str]
                  ) -> tuple[frozenset[str], str, frozenset[str], tuple[str, ...], str, str]:
    """The claim's detailed place, as (its terms, its words run together, the coarser
    place's terms, the common nouns between, the term of what it places, the term of the
    word before that): "a primary school in the Elm Park residential area of Marlow" is
    ({elm, park}, "elmpark", {marlow}, ("residential", "area"), "school", "primary")."""
    m = _PLACE_DETAIL.search(claim)
    if m is None:
        return _NO_PLACE
    placed = tokenize(m.group(1))
    detail = frozenset(c for t in tokenize(m.group(2)) if (c := _canonical(t)) in names)
    coarse = frozenset(c for t in tokenize(m.group(4)) if (c := _canonical(t)) in names)
    if not placed or placed[0] in _STOP or not detail or not coarse or detail & coarse:
        return _NO_PLACE
    words = tokenize(m.group(2))
    joined = "".join(words) if len(words) > 1 else ""
    before = tokenize(claim[:m.start(1)])[-1:]
    by = _canonical(before[0]) if before and before[0] not in _STOP else ""
    return detail, joined, coarse, tuple(m.group(3).split()), _canonical(placed[0]), by


def _other_place(claim: _PreparedClaim, unit: str) -> bool:
    """The sentence names another place of its own where the claim names its detail: a name
    right before the claim's place noun ("the Hillside area of Marlow" against "the Elm Park
    area of Marlow")."""
    if not claim.place_nouns:
        return False
    known = claim.names | claim.coarse
    other = re.compile(r"(?<!^)\b([A-Z][\w'’-]*)\s+"
                       + "".join(r"(?:" + re.escape(n) + r"\s+)?" for n in claim.place_nouns[:-1])
                       + re.escape(claim.place_nouns[-1]) + r"s?\b")
    return any(_canonical(t) not in known
               for m in other.finditer(unit) for t in tokenize(m.group(1)))


# A place named after "in", "at" or "near" ("in Hillside", "at the Elm Street depot").
_MONTH_DAY_NAMES = ("January February March April May June July August September October "
                    "November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
_IN_PLACE = re.compile(r"\b(?:in|at|near)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?"
                       r"(?!(?:" + _MONTH_DAY_NAMES.replace(" ", "|") + r")\b)[A-Z][a-z]")


_DONE_TO_WINDOW = 6


# Words between a deed and its doer ("it had hit", "the aircraft crashed hitting") and words
# that stand for the doer named before ("as it hit", "the flight that crashed on", "took off
# and hit").
_DOER_SKIP = frozenset(tokenize("was were had has have been reportedly then also later just "
                                "eventually crashed"))
_DOERS = frozenset(tokenize("it which that who they he she and"))  # "... and hit a school"


def _done_to(unit: str, claim: _PreparedClaim) -> bool:
    """The sentence does the claim's deed to the thing, a few words before it, and no one
    else does it: "slammed into a hostel", "as it hit a medical college hostel" (not "the
    hostel was damaged": the thing first; nor "a black box recovered from the hostel's roof":
    another deed; nor "debris hit the hostel": another doer, a common word not the claim's)."""
    if not claim.lead:
        return False
    deed = claim.lead[-1]
    spans = _spans(unit)
    terms = [set(_terms(tok)) for tok, _ in spans]
    for d, done in enumerate(terms):
        if deed not in done:
            continue
        b = d - 1
        while b >= 0 and spans[b][0] in _DOER_SKIP:
            b -= 1
        if b >= 0:
            tok, pos = spans[b]
            if tok.isalpha() and tok not in _DOERS and not terms[b] & set(claim.weights) and (
                    unit[pos].islower() or not unit[:pos].strip(" \"'“‘")):
                continue
        if any(claim.placed in terms[i] for i in range(d + 1, min(len(terms),
                                                                  d + 1 + _DONE_TO_WINDOW))):
            return True
    return False


# The name of a place a claim counts in: "killed in Thailand", "missing in North Kivu".
_PLACE_NAME = re.compile(r"\b(?:in|at|near)\s+(?:the\s+)?((?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]*)")
_MONTHS_DAYS = frozenset(tokenize(_MONTH_DAY_NAMES))


def _places_named(claim: str) -> frozenset[str]:
    """The terms of the places a claim names after "in", "at" or "near" (not a month)."""
    return frozenset(_canonical(t) for m in _PLACE_NAME.finditer(claim)
                     for t in tokenize(m.group(1)) if t not in _MONTHS_DAYS)


# "Bangkok, Thailand": a place, then the place it lies in (one capitalised word each; not at
# a sentence's start, where "Yesterday, Thailand ..." opens a clause).
_NAME_IN_PLACE = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{2,}),\s+([A-Z][a-z]{2,})\b(?![\w'’-])")


def _counted_there(claim: _PreparedClaim, present: set[str]) -> bool:
    """Whether a sentence speaks of the place a claim counts in, when that place is not the
    story's own: by its name or a word of the same stem ("Thai" for "Thailand"). A toll of
    the story's own place ("killing nearly 3,000 people across Myanmar") or of none is no
    count of Thailand's dead, however the figures differ."""
    if not claim.elsewhere:
        return not (_names_place(claim.others_elsewhere, present)
                    and not claim.home & present)
    return _names_place(claim.elsewhere, present)


# Names joined by a hyphen or "and" ("the Myanmar-Thailand earthquake", "the Thai-Lao border",
# "Myanmar and Thailand").
_JOINED_NAMES = re.compile(r"\b[A-Z][\w'’]*(?:-[A-Z][\w'’]*)+|"
                           r"\b[A-Z][\w'’]*,?\s+and\s+[A-Z][\w'’]*")


def _names_place(places: frozenset[str], present: set[str]) -> bool:
    return bool(places) and any(
        t in places or (len(t) >= 4 and any(e[:4] == t[:4] for e in places)) for t in present)


def _placed_in(unit: str) -> bool:
    """The sentence names a place: "in Hillside", "near the Elm Street depot"."""
    return bool(_IN_PLACE.search(unit))


# Two facts in one claim: ", and" or ", but" before a clause of three words or more.
_COMPOUND = re.compile(r",\s+(?:and|but)\s+")
_PART_MIN_WORDS = 4


def _claim_parts(claim: str) -> tuple[str, ...]:
    """The facts a claim joins (", and no further communication was received"), each of four
    words or more with no list in the first ("OpenAI, Google, and xAI" lists names): () for a
    claim of one fact."""
    pieces = _COMPOUND.split(claim)
    if len(pieces) != 2 or "," in pieces[0]:
        return ()
    if any(len(tokenize(p)) < _PART_MIN_WORDS for p in pieces):
        return ()
    return (pieces[0].strip(), pieces[1].strip())


class ClaimReader:
    """Reads articles against one story's claims. Build once per story (claims' terms and
    weights are computed here), then call :meth:`read` per article."""

    def __init__(self, claims: Sequence[str], keywords: Sequence[str], stats: TextStats,
                 seed: str = "", title: str = "", published: str = ""):
        keyword_stems = {_canonical(t) for k in keywords for t in tokenize(k)}
        self._keywords = tuple(keywords)
        claims = [_as_read(c, claim=True) for c in claims]
        analysed = [_analyse(c) for c in claims]
        # A term in many of the story's claims ("AI" in an AI story) tells them apart poorly.
        spread: dict[str, int] = {}
        for terms in analysed:
            for t in set(terms.stems):
                spread[t] = spread.get(t, 0) + 1
        common = {t for t, n in spread.items() if n >= max(3, SPREAD_SHARE * len(claims))}
        # The story's subject ("fire", "tower" in a fire story) runs through its seed: it says
        # which story, not which fact.
        in_seed: dict[str, int] = {}
        for t in _analyse(seed).stems:
            in_seed[t] = in_seed.get(t, 0) + 1
        subject = {t for t, n in in_seed.items() if n >= SEED_SUBJECT_COUNT}
        subject |= {t for t in _analyse(title).stems
                    if in_seed.get(t, 0) >= TITLE_SUBJECT_COUNT}
        common |= subject
        self._claims = [
            self._prepare(c, t, keyword_stems, common, stats, self._keywords, subject)
            for c, t in zip(claims, analysed, strict=True)
        ]
        # The story's names its seed calls a company ("artificial intelligence company Acme",
        # "Acme, a chip maker"): "the company", "the San Francisco-based firm" name them.
        companies = _companies(seed, keywords)
        # The story's year: a figure told of an earlier year is another event's.
        year = _YEAR.match(published or "")
        self._claims = [replace(c, company=bool(set(c.lead) & companies),
                                zero_term=_zero_term(c), year=int(year.group(0)) if year else 0)
                        for c in self._claims]
        # A claim placed in the story's own place (its title names it: "... crash in
        # Marlow"): every report of the story is there.
        at_home = {_canonical(t) for t in tokenize(title)}
        self._claims = [replace(c, coarse_home=bool(c.coarse) and c.coarse <= at_home,
                                elsewhere=_places_named(c.text) - at_home - keyword_stems
                                if c.figures else frozenset())
                        for c in self._claims]
        away = frozenset().union(*(c.elsewhere for c in self._claims))
        home = frozenset(at_home | keyword_stems)
        self._claims = [replace(c, others_elsewhere=away - c.elsewhere, home=home)
                        if c.figures and not c.elsewhere else c for c in self._claims]
        # Each fact of a claim that joins two, read as a claim of its own.
        self._claims = [replace(c, parts=tuple(
            replace(p := self._prepare(part, _analyse(part), keyword_stems, common, stats,
                                       self._keywords, subject),
                    company=bool(set(p.lead) & companies), zero_term=_zero_term(p),
                    year=c.year)
            for part in _claim_parts(c.text))) for c in self._claims]

    @staticmethod
    def _prepare(claim: str, terms: _Terms, keyword_stems: set[str], common: set[str],
                 stats: TextStats, keywords: Sequence[str] = (),
                 subject: set[str] | frozenset[str] = frozenset()) -> _PreparedClaim:
        weights: dict[str, float] = {}
        idf: dict[str, float] = {}
        for t in dict.fromkeys(terms.stems):
            # Kept stop words ("first", "only") are not in the IDF table: common, not rare.
            w = idf[t] = stats.idf.get(t, KEPT_WORD_IDF if t in _KEEP else stats.default_idf)
            if t in keyword_stems:
                w *= KEYWORD_WEIGHT
            elif terms.has_refusal and t in _POLARITY_TERMS:
                w *= POLARITY_WEIGHT  # the refusal is checked as polarity, not as words
            elif t in common:
                w *= COMMON_WEIGHT
            weights[t] = w
        opposites = {}
        for t in weights:
            for prefix in _ANTONYM_PREFIXES:
                if t.startswith(prefix) and len(t) > len(prefix) + 3:
                    opposites[t] = _canonical(t[len(prefix):])
        # A keyword's word the claim writes as a common word ("air traffic control" in a
        # story of the airline "Air India") names no one there.
        written = {t for m in _CAPITALISED.finditer(claim) for t in tokenize(m.group(0))}
        common_words = {t for t in tokenize(claim) if t not in written} & {
            t for k in keywords for t in tokenize(k)}
        names = _names(claim, stats) | (keyword_stems & set(weights) - {
            _canonical(t) for t in common_words})
        groups = _actor_groups(claim)
        figures = tuple(quantities(claim))
        for q in figures:
            if _close_to_part(claim, q):
                # "shortly before noon": a time close to a part of the day, which the sentence
                # may give by the clock ("at 11:52 am"); its words are the figure's, not content.
                soon = _SOON_BEFORE.search(claim, 0, q.start)
                for tok in tokenize(claim[soon.start() if soon else q.start:q.end]):
                    if _canonical(tok) in weights:
                        weights[_canonical(tok)] = 0.0
        contexts = tuple(
            {t: weights[t] for t in _near(_part_of_whole(claim, q, figures), q)
             if t in weights and t not in names}
            for q in figures
        )
        content = sum(w for t, w in weights.items() if t not in names)
        # A claim whose first actor is one of the story's keywords ("Anthropic refuses ...")
        # is about any of the story's named actors.
        lead = _subject(claim, names, groups)
        # Where it happened is no actor: "in the Elm Park area of Marlow".
        detail, joined, coarse, place_nouns, placed, placed_by = _place_detail(claim, names)
        story_names = _story_names(keywords) | lead if lead & keyword_stems else frozenset()
        return _PreparedClaim(claim, terms, weights, sum(weights.values()) or 1.0,
                              figures, opposites, frozenset(names), content,
                              groups, _subject(claim, names - keyword_stems - detail - coarse,
                                               groups),
                              _modifier_pairs(claim, weights, names), contexts,
                              _counted_nouns(claim, figures, contexts, idf),
                              tuple(_figure_phrase(claim, q, weights) for q in figures),
                              whole_terms=_whole_terms(claim, figures, terms),
                              story_names=story_names,
                              named_nouns=_named_nouns(claim, names - keyword_stems, weights),
                              lead=(first := tuple(t for t in terms.stems[:2]
                                                   if t not in subject or t in keyword_stems)
                                    or terms.stems[:2]),
                              deed=_deed(claim, weights, first),
                              report=_report(claim, weights),
                              topic=_topic(claim, weights, names),
                              detail=detail, detail_joined=joined, coarse=coarse,
                              place_nouns=place_nouns, placed=placed, placed_by=placed_by,
                              place_terms=frozenset(_canonical(t) for n in place_nouns
                                                    for t in tokenize(n)))

    def read(self, title: str, sentences: Sequence[str]) -> list[ClaimReading]:
        """One reading per claim, in the claims' order."""
        original = ([title] if title else []) + list(sentences)
        units = [_as_read(u) for u in original]
        analysed = [_analyse(u) for u in units]
        within = self._places_within(units)
        if within:
            # "in the high-rises of Bangkok, Thailand": the article says where its city is, so
            # "In Bangkok, at least 10 people died" counts in that country.
            analysed = [replace(t, stems=t.stems + tuple(
                sorted({p for name, places in within.items() if name in t.stems
                        for p in places} - set(t.stems)))) for t in analysed]
        figures = [list(_figures_of(u)) for u in units]
        readings = [self._read_claim(c, units, analysed, figures, bool(title))
                    for c in self._claims]
        # A sentence whose figure confirms one claim ("seven towers were engulfed" for "seven
        # of the eight blocks were affected") does not also gainsay another claim counting
        # the same thing ("the estate is made up of eight tower blocks"): its figure is the
        # other claim's.
        confirmed = {(r.evidence, n) for r, c in zip(readings, self._claims, strict=True)
                     if r.stance == "confirms" and r.reason == "figure"
                     for n in c.figure_counts if n}
        readings = [replace(r, stance="discusses", band="none", reason="another claim's figure")
                    if r.stance == "contradicts" and r.reason == "figure"
                    and any((r.evidence, n) in confirmed for n in c.figure_counts if n)
                    and not _ALL_FIGURE.search(r.evidence) else r
                    for r, c in zip(readings, self._claims, strict=True)]
        # A line for review is shown "below the confidence needed for a flag": its score is
        # scaled under the lowest flag's, keeping the order of review lines among themselves
        # (a hedged sentence that holds every word of the claim scored 0.99 there).
        readings = [replace(r, score=_score(r.score * REVIEW_SCORE_MAX)) if r.band == "review"
                    else r for r in readings]
        # The evidence is quoted as the article wrote it, with its source read in context.
        quoted = {u: o for u, o in zip(units, original, strict=True) if u != o}
        # A claim of two facts may cite two sentences: quoted as written, its source the
        # first one's, or the second's when the first is in the article's own voice.
        pair_of: dict[str, tuple[str, str]] = {}
        if any(r.reason == "parts" for r in readings):
            for i in range(len(units) - 1):
                both = f"{original[i]} {original[i + 1]}"
                quoted[f"{units[i]} {units[i + 1]}"] = both
                pair_of[both] = (original[i], original[i + 1])
        readings = [replace(r, evidence=quoted[r.evidence]) if r.evidence in quoted else r
                    for r in readings]
        cited = {o for r in readings if r.stance in ("confirms", "contradicts")
                 for o in pair_of.get(r.evidence, (r.evidence,))}
        if cited:
            # Read up to the last sentence cited: what follows it cannot name its source.
            upto = max((i for i, o in enumerate(original) if o in cited), default=-1) + 1
            in_context = sources_in_context(original[:upto], has_title=bool(title))
            sources = dict(zip(reversed(original[:upto]), reversed(in_context), strict=True))
            readings = [replace(r, source=next(
                (sources[o] for o in pair_of.get(r.evidence, ()) if sources.get(o)),
                sources[pair_of.get(r.evidence, (r.evidence,))[0]]))
                if r.stance in ("confirms", "contradicts")
                and pair_of.get(r.evidence, (r.evidence,))[0] in sources
                else r for r in readings]
        return readings

    def _places_within(self, units: Sequence[str]) -> dict[str, frozenset[str]]:
        """The places an article puts in a place a claim counts in, by the news apposition
        "<Name>, <Place>" ("Bangkok, Thailand"; "the Thai capital, Bangkok" names the place
        by its stem already): each name's term, with the claim place's terms."""
        away = frozenset().union(*(c.elsewhere for c in self._claims))
        if not away:
            return {}
        within: dict[str, set[str]] = {}
        for unit in units:
            for m in _NAME_IN_PLACE.finditer(unit):
                names = [_canonical(t) for t in tokenize(m.group(1))]
                place = {_canonical(t) for t in tokenize(m.group(2))}
                if len(names) == 1 and place <= away and names[0] not in place:
                    within.setdefault(names[0], set()).update(place)
        return {name: frozenset(places) for name, places in within.items()}

    def _read_claim(self, claim: _PreparedClaim, units: Sequence[str],
                    analysed: Sequence[_Terms], figures: Sequence[list],
                    has_title: bool) -> ClaimReading:
        candidates: list[ClaimReading] = []
        # The article places the claim's thing in a place of its own ("a school in the
        # Hillside district"): its other sentences' coarser places are that one.
        placed_elsewhere = bool(claim.detail) and any(
            claim.placed in terms.stems and not claim.detail & set(terms.stems)
            and _other_place(claim, unit) for unit, terms in zip(units, analysed, strict=True))
        for i, (unit, terms) in enumerate(zip(units, analysed, strict=True)):
            present = set(terms.stems)
            for group in claim.actor_groups:
                if group & present:
                    # "OpenAI, Google and xAI ..." is said of each: one of them stands for all.
                    present |= group
            elsewhere = False
            # The thing the claim places, named as the claim names it ("a hostel for doctors",
            # "a medical college hostel" for "a doctors' hostel"; not "a hostel complex").
            thing = bool(claim.placed) and claim.placed in present and (
                not claim.placed_by or claim.placed_by in present)
            if claim.detail and claim.detail <= present:
                # "in Marlow's Elm Park": the place named, its kind ("residential area") need
                # not be.
                if thing:
                    present |= claim.place_terms
            elif claim.detail and not claim.detail & present:
                # A place the claim tells in detail ("a school in the Elm Park area of
                # Marlow"): named run together ("Elmpark"), it is named; a sentence that names
                # the thing placed and the coarser place ("struck a school in a residential
                # area of Marlow") places it there, a missing detail being no other place;
                # another name in the detail's stead ("the Hillside area") is another place.
                if claim.detail_joined and claim.detail_joined in present:
                    present |= claim.detail | (claim.place_terms if thing else frozenset())
                elif _other_place(claim, unit):
                    elsewhere = True
                elif placed_elsewhere:
                    pass
                elif thing and claim.coarse <= present and _done_to(unit, claim):
                    present |= claim.detail | claim.place_terms
                elif thing and claim.coarse_home and _done_to(unit, claim) and \
                        not _placed_in(unit):
                    # "slammed into a hostel for doctors", no place named: the story's own
                    # place, where every report of it is; the claim's place is said, when the
                    # sentence says what the claim says was done there ("hit"; not "a black
                    # box recovered from the hostel's roof").
                    present |= claim.detail | claim.coarse | claim.place_terms
            if i and _OF_THEM.match(unit):
                # "Of them, one was Canadian": those the sentence before spoke of ("The 242
                # people on board included ...").
                present |= set(analysed[i - 1].stems)
            if "only" in present and "first" in claim.weights:
                # The only one to have done it so far was the first ("the only AI developer
                # with systems ready for classified work").
                present.add("first")
            if claim.terms.has_refusal and (
                    (terms.negated | terms.refused | terms.limited)
                    & (set(claim.weights) - _POLARITY_TERMS - claim.names)):
                # "refuses to allow" is stated by a refusal or negation that reaches the claim's
                # content: "insisted it not be used for", "will not let", "bars its use for".
                present |= _POLARITY_TERMS
            if claim.zero_term and not terms.has_negation and _counts_some(
                    unit, claim.zero_term, claim.year):
                # "No one on board survived" against "one passenger survived": a count of
                # what the claim says there was none of.
                cover = sum(claim.weights[t] for t in claim.weights if t in present
                            or t == claim.zero_term) / claim.total
                hedged = unit.rstrip().endswith("?") or bool(_NON_ASSERTIVE.search(unit))
                candidates.append(ClaimReading("contradicts", _score(cover),
                                               "review" if hedged else "flag", unit, "",
                                               "figure"))
                continue
            if claim.topic and claim.lead[0] in present and _over_topic(claim, unit):
                # "tensions rise over the military's use of AI": the dispute and what it is over.
                present |= claim.topic
            if _possible_deed(claim, unit):
                # "could cut ties", "was considering cutting ties": the threat, stated.
                present.add(claim.terms.stems[_intended(claim)])
            if claim.figures:
                by_figure = self._read_figures(claim, unit, figures[i], present,
                                               units[i - 1] if i else "")
                if by_figure is not None:
                    candidates.append(by_figure)
                    continue
            if claim.zero_term and claim.zero_term in present:
                nobody = _nobody_did(claim, unit, present)
                if nobody is not None:
                    candidates.append(nobody)
                    continue
            if claim.terms.has_refusal and not present & _REFUSING and not \
                    _CONCERNS.search(unit):
                # A refusal claim is stated by a refusal, a negation or a limit that reaches
                # its content ("will not let ...", "barring ...", "the restrictions it sought
                # around ..."), a refusal named ("its refusal to ..."), or the concerns it
                # rests on: "the conflict revolves around autonomous weapons" says what is at
                # stake, not who refuses.
                continue
            matched = [t for t in claim.weights if t in present]
            # "surveillance" is not "mass surveillance": a head word without its modifier
            # earns half its weight.
            loose = sum(claim.weights[head] / 2 for mod, head in claim.modified
                        if head in present and mod not in present)
            cover = (sum(claim.weights[t] for t in matched) - loose) / claim.total
            opposite = [t for t, o in claim.opposites.items() if o in present and t not in present]
            cover_with_opposites = cover + sum(claim.weights[t] for t in opposite) / claim.total
            need = ALIGN_MIN_TERMS if len(claim.weights) > 2 else 1
            if max(cover, cover_with_opposites) < ALIGN_MIN or len(matched) + len(opposite) < need:
                continue
            if claim.content:
                # Naming the same actors is not saying the same thing about them.
                said = sum(claim.weights[t] for t in (*matched, *opposite) if t not in claim.names)
                if said / claim.content < CONTENT_MIN:
                    continue
            reading = self._decide(claim, unit, terms, figures[i], matched, opposite,
                                   cover, cover_with_opposites)
            if reading is None:
                continue
            if reading.band != "none" and reading.reason != "denial" and not (
                    reading.reason == "figure" and reading.stance == "confirms"):
                named = present | set(opposite)
                if claim.company and _THE_COMPANY.search(unit):
                    named |= set(claim.lead)  # "the company", "the San Francisco-based firm"
                if _other_actor(claim, unit, present) or _lacks_lead(claim, named) or (
                        reading.stance == "confirms" and _lacks_scope(claim, present)) or (
                        reading.stance == "confirms" and _lacks_phrase(claim, present)) or (
                        reading.stance == "confirms" and _lacks_deed(claim, present)) or (
                        reading.stance == "confirms" and _lacks_report(claim, present)) or (
                        reading.stance == "confirms" and claim.placed
                        and claim.terms.stems[0] not in present and not _done_to(unit, claim)) or (
                        reading.stance == "confirms" and claim.placed
                        and claim.placed not in present):
                    # It speaks of someone else, or of something the claim only mentions, or
                    # leaves out the "first" the claim asserts, or a phrase that carries much
                    # of it ("remains committed"), or has another doer do the deed to what the
                    # claim places ("debris hit a school in ..."), or leaves out what the claim
                    # places ("crashed in the Elm Park area"): a reader would not call it a
                    # statement of the claim, nor look at it twice.
                    reading = replace(reading, stance="discusses", band="none",
                                      reason="not stated")
                elif reading.band == "flag" and self._lacks_heavy_term(
                        claim, matched, opposite, present):
                    reading = replace(reading, band="review")
                if reading.band == "review" and _says_little(claim, matched, opposite, present):
                    reading = replace(reading, stance="discusses", band="none",
                                      reason="not stated")
            if elsewhere and reading.stance == "confirms" and reading.band != "none":
                # What the claim places, placed elsewhere: for a person to weigh.
                reading = replace(reading, stance="contradicts", band="review",
                                  reason="another place")
            candidates.append(reading)
        best = max(candidates, key=_strength) if candidates else _UNRELATED
        if claim.parts and not (best.stance != "discusses" and best.band == "flag"):
            joint = self._read_parts(claim, units, analysed, figures)
            if joint is not None and _strength(joint) > _strength(best):
                return joint
            # Its main fact, the first, stated plainly, and the second neither stated nor
            # gainsaid ("a Mayday call was made shortly before the aircraft crashed" for "the
            # pilots sent a mayday call ..., and no further communication was received"): the
            # claim's content, a detail left out.
            main = self._read_claim(claim.parts[0], units, analysed, figures, has_title)
            if main.stance == "confirms" and main.band == "flag" and \
                    _strength(main) > _strength(best) and self._read_claim(
                        claim.parts[1], units, analysed, figures, has_title).stance not in (
                        "contradicts",):
                return replace(main, reason="main fact")
        return best

    def _read_parts(self, claim: _PreparedClaim, units: Sequence[str],
                    analysed: Sequence[_Terms], figures: Sequence[list]) -> ClaimReading | None:
        """A claim of two facts, told one after the other: the first fact in a sentence, the
        second in the same sentence or the next ("Shortly after take-off, the pilot sent out
        a mayday call. There was no response after that to repeated calls from the
        controller."). Both must be stated; the evidence is the sentence or the two."""
        first, second = (
            [self._read_claim(part, [u], [a], [f], False)
             for u, a, f in zip(units, analysed, figures, strict=True)]
            for part in claim.parts)
        for i, unit in enumerate(units):
            readings: tuple[ClaimReading, ...] = (first[i], second[i])
            evidence = unit
            if not all(r.stance == "confirms" and r.band != "none" for r in readings):
                # Told in two sentences: each fact spoken of in its own, and stated when the
                # two are read together (the second may name whom the first spoke to).
                if i + 1 == len(units) or first[i].stance not in ("confirms", "discusses") \
                        or second[i + 1].stance not in ("confirms", "discusses"):
                    continue
                evidence = f"{unit} {units[i + 1]}"
                both = _analyse(evidence)
                stated = list(figures[i]) + list(figures[i + 1])
                readings = tuple(self._read_claim(part, [evidence], [both], [stated], False)
                                 for part in claim.parts)
            if all(r.stance == "confirms" and r.band != "none" for r in readings):
                # Each fact stated, one of them plainly enough for a flag.
                band = "flag" if any(r.band == "flag" for r in readings) else "review"
                return ClaimReading("confirms", min(r.score for r in readings), band,
                                    evidence, "", "parts")
        return None

    @staticmethod
    def _read_figures(claim: _PreparedClaim, unit: str, stated: list[Quantity],
                      present: set[str], previous: str = "") -> ClaimReading | None:
        """:meth:`_figures`, reading the claim's own names for the nouns they stand before
        ("all eight blocks of Elm Court" for "the Elm Court estate is made up of eight
        towers"); to confirm only: "seven blocks at Elm Court" may count the burnt ones, and
        "200 Elm Court residents" some of them, not the estate's."""
        named = {noun for name, noun in claim.named_nouns if name <= present} - present
        reading = ClaimReader._figures(claim, unit, stated, present | named, previous)
        if named and reading is not None and reading.stance != "confirms":
            return ClaimReader._figures(claim, unit, stated, present, previous)
        return reading

    @staticmethod
    def _figures(claim: _PreparedClaim, unit: str, stated: list[Quantity],
                 present: set[str], previous: str = "") -> ClaimReading | None:
        """Figures compared as values. A figure of the sentence speaks of a figure of the
        claim when the words around it are the claim's words around its own ("killed at
        least 94 people" / "at least 36 people were killed"), wherever else the sentence
        goes. The same value confirms; another value for the same fact contradicts."""
        if not _counted_there(claim, present):
            return None  # it counts somewhere else, or nowhere said
        if claim.elsewhere and _JOINED_NAMES.search(unit) \
                and _names_place(claim.elsewhere, set(_analyse(unit).stems)) \
                and not _names_place(claim.elsewhere, set(
                    _analyse(_JOINED_NAMES.sub(" ", unit)).stems)):
            # "Myanmar-Thailand earthquake death toll passes 1,600", "an earthquake that hit
            # Myanmar and Thailand": places named together name the event, or the parties of
            # a meeting ("the prime ministers of India and Thailand"), not one place its
            # figure counts in. (A place the article put the sentence's town in, "In Bangkok"
            # after "Bangkok, Thailand", is not named here at all: it stands.)
            return None
        content = claim.content - sum(claim.weights[t] for t in claim.whole_terms)
        # A rank on the claim's own scale ("a No. 4 alarm" for "raised to a level five
        # alarm") states the claim's fact in those two words, whatever else the sentence says.
        ranked = {(q.start, f.start) for q in claim.figures for f in stated
                  if q.kind == f.kind == "level" and q.unit and (q.unit == f.unit or (
                      not f.unit or _canonical(f.unit) in claim.weights)
                  and _rank_word(unit, f) == _rank_word(claim.text, q) != "")}
        if previous and _OF_THEM.match(unit):
            # "Of them, 169 were Indian nationals": the figures count those the sentence
            # before spoke of ("The 242 people on board included ...").
            present = present | set(_analyse(previous).stems)
        # "242 people" counts a claim's "242 passengers and crew" whole: its nouns are said.
        for q in claim.figures:
            group = _group_nouns(claim.text, q.end) if q.kind == "count" else frozenset()
            if group and any(_for_whole(unit, f, q, group) for f in stated):
                present = present | group
        if content > 0 and not ranked:
            said = sum(w for t, w in claim.weights.items() if t in present
                       and t not in claim.names and t not in claim.whole_terms) / content
            if said < FIGURE_CONTENT_MIN:
                return None  # it counts something else ("83 people died" / "7 critical")
        states: list[str] = []
        read: list[Quantity] = []  # the sentence's figures the claim's were read against
        best = 0.0
        claim_parts = {q.start for q in claim.figures
                       if _whole(claim.text, q, claim.figures) is not None}
        for q, context, counted, phrase in zip(claim.figures, claim.figure_contexts,
                                               claim.figure_counts, claim.figure_phrases,
                                               strict=True):
            total = sum(context.values())
            if not total:
                states.append("absent")
                continue
            # The claim's words right after its figure, all right after the sentence's ("4,600
            # people live" / "4,000 residents"): the same measure, whatever else stands near.
            shares = [(1.0 if phrase and phrase <= _counted_phrase(unit, f)
                       or (q.start, f.start) in ranked else
                       sum(w for t, w in context.items()
                           if t in (present if counted and counted not in _WHOLE_WORDS
                                    and counted in _counted_phrase(unit, f)
                                    else _near(unit, f))) / total, f)
                      for f in stated if f.kind == q.kind
                      and _same_measure(q, context, unit, f, claim.text)
                      # "4,600 people live" (no telling noun counted): a figure of the sentence
                      # must stand near all the claim's words after its figure.
                      # and count one of them: "all eight blocks ... with residents trapped"
                      # counts blocks.
                      and not (phrase and not counted
                               and (not phrase <= _near(unit, f) | _counted_phrase(unit, f)
                                    or bool(_counted_phrase(unit, f))
                                    and not phrase & _counted_phrase(unit, f)))
                      and not (counted and (_counts_other(unit, f, context)
                                            or _counts_without(unit, f, counted)))
                      and not (not counted and _counts_group(unit, f, context))
                      and not _death_tally(unit, f, context)
                      and not _other_state(unit, f, context)
                      and not _narrowed_part(unit, f, claim.text, q.value)
                      # "dozens of aftershocks, the strongest measuring 5.6": one of the
                      # aftershocks, not the earthquake the claim measures
                      and not ((picked := _picked_from(unit, _clause_start(unit, f)))
                               and not picked & set(context))
                      # "at least 20 people in those apartments were injured": some place's
                      and not _IN_THOSE.match(unit, f.end)
                      and not _counted_in_town(unit, f, claim.text)
                      and not _one_incident(unit, f, claim.home)
                      # "search operations at seven residential blocks": some of them, no
                      # count of what the whole is made up of
                      and not (_MADE_UP_OF.search(claim.text, 0, q.start)
                               and not same_value(f.value, q.value, q.kind)
                               and not _AS_WHOLE.search(unit, max(0, f.start - 40), f.start)
                               and not unit.startswith("-", f.end))
                      # "killed 241 of them": a part, which a claim of the whole ("242 on
                      # board") does not count, only a claim of a part ("seven of the ...")
                      and not (_OF_WHICH.match(unit, f.end)
                               and not _OF.match(claim.text, q.end))
                      # "300 residents unaccounted for": those it happened to, not all residents
                      and not _befell(unit, f, context)
                      # "and the injury of many others": others, besides the figure before
                      and not (f.vague and _OTHERS.match(unit, f.end))
                      # "not extinguished until Friday morning": when it ended, not began
                      and not (f.kind == "time" and _UNTIL.search(unit, max(0, f.start - 30),
                                                                  f.start))
                      # "completely extinguished at 10:28 am": when it ended, not began
                      and not (f.kind == "time" and _ENDED_AT.search(
                          unit, max(0, f.start - 40), f.start)
                               and not _END_WORDS.search(claim.text))
                      # "seeing two buildings burning": what someone saw, not the count
                      and not _SEEN.search(unit, max(0, f.start - 30), f.start)
                      and not (_SUBSET_BEFORE.search(unit, max(0, f.start - 30), f.start)
                               and not _besides(unit, f, context, previous))]
            group = _group_nouns(claim.text, q.end) if q.kind == "count" else frozenset()
            if group:
                shares = _read_group(unit, q, group, context, stated, shares)
            top = max((share for share, _ in shares), default=0.0)
            # Of several figures, those standing among the claim's words count.
            # A sum of money is specific enough to need fewer of the claim's words around it
            # ("a $200 million contract" for "the contract is worth about $200 million").
            need = FIGURE_CONTEXT_MIN * (MONEY_CONTEXT_FACTOR if q.kind == "money" else 1.0)
            related = [f for share, f in shares if share >= need and share == top]
            if not related and counted and _round_threshold(q):
                # "767 firefighters in action" for "more than 700 firefighters were deployed":
                # a count of the claim's own noun above its round threshold keeps it, whatever
                # verb the sentence gives them (to confirm only: a count below it may count
                # some of them, "12 firefighters were injured").
                related = [f for _, f in shares if not f.vague
                           and counted in _counted_phrase(unit, f)
                           and q.value < f.value <= q.value * BOUND_REACH]
            if q.start in claim_parts and not any(
                    same_value(f.value, q.value, q.kind) for f in related):
                # "seven of the complex's eight blocks": the part restated beside its whole,
                # which stands nearer the claim's words.
                related = [f for share, f in shares if share >= need
                           and same_value(f.value, q.value, q.kind)] or related
            best = max(best, top if related else 0.0)
            if len(related) > 1 and any(f.vague for f in related):
                related = _nearest(unit, related, context)
            if related and all(f.vague for f in related):
                related = []  # "hundreds missing": no value to compare
            related = [f for f in related if not f.vague]
            if q.kind == "time" and len({f.span is None for f in related}) > 1:
                related = [f for f in related if f.span is None]  # the clock time, if given
            if q.kind == "time" and claim.terms.stems and not any(
                    claim.terms.stems[0] in set(_analyse(unit[:f.start]).stems)
                    or claim.terms.stems[0] in _analyse(unit[f.end:]).stems[:3]
                    for f in related) and not any(
                    same_value(f.value, q.value, q.kind) for f in related):
                # "The committee's first hearing began at 10am": the time of another event
                # (the claim's subject, "the fire", is neither before the time nor right after
                # it: "... to mourn the victims of the fire" is not its start).
                related = []
            read += related
            loose = {loose_time(q, f) for f in related}
            if not related or loose == {"compatible"}:
                # A part of the day that holds the claim's time says nothing of the minute.
                states.append("absent")
            elif loose == {"other"}:
                states.append("other")
            elif "same" in loose and "other" not in loose:
                states.append("same")
            elif any(same_value(f.value, q.value, q.kind) for f in related) and not (
                    CORRECTION.search(unit)
                    and any(not same_value(f.value, q.value, q.kind) for f in related)):
                # Both figures quoted without a correction: the claim's still stands.
                states.append("same")
            elif _round_threshold(q) and all(
                        q.value < f.value <= q.value * BOUND_REACH for f in related):
                # A round threshold ("more than 700 firefighters") kept by a figure above it
                # ("767 firefighters", "more than 800"): the claim holds. (A precise count,
                # "at least 36 killed", is a figure revised, not a threshold kept.)
                states.append("same")
            elif all(any(same_value(f.value, c.value, c.kind) for c in claim.figures)
                     and not _ALL_BEFORE.search(unit, max(0, f.start - 12), f.start)
                     or within_bound(f, q.value)
                     # "at least three tower blocks engulfed": a floor the claim's seven keeps
                     or f.bound == "above" and f.value < q.value and q.kind == "count"
                     and bool(claim.figure_counts[claim.figures.index(q)])
                     for f in related):
                # Another of the claim's own figures ("seven" of "seven of eight blocks"),
                # or a bound the claim's figure keeps ("over 4,000" for "about 4,600").
                states.append("absent")
            elif claim.year and all(_recalled(unit, f, claim.year) for f in related):
                # Another, earlier event's figure ("in 1988, a flight carrying 135 ...").
                states.append("absent")
            else:
                states.append("other")
        # The whole restated ("made up of eight tower blocks") says nothing of the part
        # ("Seven of the estate's eight blocks were affected").
        wholes = {w.start for q in claim.figures
                  if (w := _whole(claim.text, q, claim.figures)) is not None}
        if "other" in states:
            stance, reason = "contradicts", "figure"
        elif any(state == "same" and q.start not in wholes
                 for state, q in zip(states, claim.figures, strict=True)):
            # Every figure it gives agrees ("the seven affected blocks" for "seven of the
            # estate's eight blocks").
            stance, reason = "confirms", "figure"
            if _DENIAL.search(unit) and not _DENIAL.search(claim.text):
                # "Reports that it was worth $200 million were wrong": the figure, refuted.
                stance, reason = "contradicts", "denial"
        else:
            return None
        source = ""  # read in its article once every claim is read (``read``)
        wanted = {t for context in claim.figure_contexts for t in context}
        hedge = _NON_ASSERTIVE.search(unit) if _NON_ASSERTIVE.search(
            _bearing(unit, wanted)) else None
        # "amid questions over the findings of the crash that killed nearly 280 people": the
        # relative clause tells what is known of the crash; the doubt is about the findings.
        told = hedge is not None and bool(read) and all(
            _TOLD_OF.search(unit, hedge.end(), f.start) for f in read)
        hedged = unit.rstrip().endswith("?") or (hedge is not None and not told)
        # "The agreements, each worth up to $200 million": one of several's figure, and the
        # claim's actor is not among those named.
        actor = claim.subject or claim.story_names
        shared = stance == "confirms" and bool(actor) and not actor & present and any(
            _EACH.search(unit, max(0, f.start - 25), min(len(unit), f.end + 8))
            for f in stated for q in claim.figures
            if f.kind == q.kind and same_value(f.value, q.value, q.kind))
        return ClaimReading(stance, _score(best), "review" if hedged or shared else "flag",
                            unit, source, reason)

    @staticmethod
    def _lacks_heavy_term(claim: _PreparedClaim, matched: list[str], opposite: list[str],
                          present: set[str]) -> bool:
        """A sentence that leaves out one of the claim's most informative terms ("first",
        "classified") does not state it, however much else it shares."""
        found = set(matched) | set(opposite)
        if "only" in present:
            found.add("first")  # "the only model on classified networks" was the first
        return any((w / claim.total >= HEAVY_SHARE or t in _SCOPE_WORDS) and t not in found
                   for t, w in claim.weights.items())

    def _decide(self, claim: _PreparedClaim, unit: str, terms: _Terms, figures: list,
                matched: list[str], opposite: list[str], cover: float, cover_opp: float
                ) -> ClaimReading | None:
        source = ""  # read in its article once every claim is read (``read``)
        denial = _DENIAL.search(unit)
        if denial is not None and not _DENIAL.search(claim.text) and claim.content:
            # Denied: the claim's content (what it says of its actors) follows the denial.
            # The denied clause runs from the denial to the next clause break.
            clause = _CLAUSE_END.split(unit[denial.start():], maxsplit=1)[0]
            after = set(_analyse(clause).stems)
            governed = sum(claim.weights[t] for t in matched
                           if t in after and t not in claim.names) / claim.content
            if governed >= DENIAL_GOVERNS:
                return ClaimReading("contradicts", _score(cover),
                                    "flag" if cover >= FLAG_COVER else "review", unit,
                                    source, "denial")
            if governed > 0:
                # Part of what the claim says is denied here: not an assertion of it.
                return ClaimReading("discusses", _score(cover), "none", unit, source,
                                    "denied in part")
        # A hedge counts where it bears on the claim: before or among the claim's words, not
        # in a trailing clause ("... after talks over how the military may use ...").
        last = max((pos for tok, pos in _spans(unit) if set(_terms(tok)) & set(matched)),
                   default=len(unit))
        # Only in the clauses that hold them: "... refused, the kind of system that could
        # strike on its own, ..." does not hedge the refusal.
        hedge = _hedge_in(claim)
        hedged = bool(hedge(unit[:last])) and bool(
            hedge(_bearing(unit[:last], set(matched)))) and not _HEDGE.search(
            claim.text) and _after_hedge(claim, unit, matched) >= HEDGE_BEARS
        # Pressing others to do it ("pushing AI companies, including ..., to make their tools
        # available ...") is an effort, unless the claim itself reports a wish, or the state
        # the claim describes is the one they are pressed out of ("unclassified" for a push
        # onto "classified networks").
        hedged = hedged or bool(_PUSHING.search(unit[:last])) and not _WISH.search(
            claim.text) and not opposite
        if hedged and (h := hedge(unit[:last])) is not None and h.group(0).lower() == "could" \
                and _ONLY_ONE_THAT.search(unit, 0, h.start()):
            # "the only AI system that could operate in its classified cloud": what it was
            # able to do, the thing named by it, not a possibility.
            hedged = False
        if hedged and _presupposed(claim, unit):
            # "aiming to resolve the dispute over ...": what is to be resolved is there.
            hedged = False
        if hedged and _possible_deed(claim, unit):
            # The claim reports a threat; the sentence its deed as a possibility.
            hedged = False
        if hedged and _THREAT.search(claim.text) and _THREAT.search(unit[:last]) and not \
                _HEDGE.search(_CONDITION.sub("", unit[:last])):
            # "He warned that if Anthropic didn't budge, the Pentagon would cancel ...": the
            # only hedge is the threat's own condition.
            hedged = False
        if hedged and _WISH.search(claim.text) and _ULTIMATUM.search(unit):
            # "... told Amodei that if Anthropic does not allow its AI to be used for ..., the
            # Pentagon would cancel its contract": an ultimatum states the demand it makes.
            hedged = False
        if hedged and (claim.terms.has_refusal or "insist" in claim.weights) and \
                _EFFORT_TO_LIMIT.search(unit[:last]):
            # "Anthropic's push to bar the military from using Claude for ...", "it sought to
            # restrict ...": pressing for a limit is insisting on it, the stance the claim
            # reports, not a limit only hoped for.
            hedged = False
        # "not classified" is no opposite; a refusal in another clause ("... on its classified
        # networks, while embedding safeguards that bar ...") leaves it one.
        # Nor is a state someone is pushing others towards ("pushing AI companies, including
        # ..., to make their tools available on classified networks").
        reached = terms.negated | terms.refused
        if opposite and cover_opp >= FLAG_COVER and not any(
                claim.opposites[t] in reached for t in opposite) and not _PUSHING.search(unit):
            # A changed state is asserted only by a plain statement of it: an effort, a plan
            # or a condition anywhere in the sentence leaves it to a person.
            if _HEDGE.search(unit) or _NON_ASSERTIVE.search(unit):
                # "in talks to deploy Gemini inside classified systems": the state is sought,
                # not reached; the claim stands until it is.
                return ClaimReading("discusses", _score(cover_opp), "none", unit, source,
                                    "opposite sought")
            return ClaimReading("contradicts", _score(cover_opp),
                                "flag" if cover_opp >= ANTONYM_FLAG else "review",
                                unit, source, "antonym")
        if cover < ALIGN_MIN:
            return None
        if opposite and claim.content and sum(
                claim.weights[t] for t in matched if t not in claim.names
        ) / claim.content < CONTENT_MIN:
            # What it says of the claim's actors is the opposite of the claim, left unasserted
            # (pushed towards, negated): it never confirms the claim.
            return None
        if any(q.span is None or _close_to_part(claim.text, q) for q in claim.figures):
            # A claim about a figure is asserted only by its figure (read above), a time close
            # to a part of the day too ("shortly before noon", in words or by the clock); a
            # part of the day ("on Wednesday afternoon") only gainsays, it need not be
            # restated.
            return ClaimReading("discusses", _score(cover), "none", unit, source, "no figure")
        if unit.rstrip().endswith("?") or _asks(claim, _bearing(unit, set(matched))):
            return ClaimReading("discusses", _score(cover), "none", unit, source, "hedge")
        # A negation reaching one of the claim's terms that the claim itself leaves positive.
        reversed_terms = [t for t in matched if t in terms.negated and t not in
                          claim.terms.negated]
        if reversed_terms and not claim.terms.has_negation and not claim.terms.has_refusal \
                and not _CONDITION.search(_bearing(unit, set(reversed_terms))):
            # ("if Anthropic does not allow ...": a condition, not a reversal)
            weight = sum(claim.weights[t] for t in reversed_terms) / claim.total
            if weight >= 0.15:
                return ClaimReading("contradicts", _score(cover), "review", unit, source,
                                    "negation")
        if (claim.terms.has_refusal or claim.terms.has_negation) and not (
                terms.has_refusal or terms.has_negation) and any(
                not _TO_A_LIMIT.match(unit, m.end()) for m in _GIVES_WAY.finditer(unit)):
            # ("asked officials to agree to guardrails that would restrict ...": agreeing to a
            # limit gives no refusal up)
            # The claim holds a refusal; the sentence reports it given up.
            return ClaimReading("contradicts", _score(cover), "review", unit, source,
                                "reversal")
        if _GAVE_WAY.search(claim.text) and _REFUSED.search(unit) and not any(
                not _REFUSED.search(unit, max(0, m.start() - 25), m.start())
                for m in _GAVE_WAY.finditer(unit)):
            # The claim says they agreed to it; the sentence says they refused ("refused to
            # accept" is no acceptance).
            return ClaimReading("contradicts", _score(cover), "review", unit, source,
                                "reversal")
        if claim.terms.has_negation and not (terms.has_negation or terms.has_refusal):
            # The claim says something is not so; a sentence that never says "not" does not
            # assert it.
            return ClaimReading("discusses", _score(cover), "none", unit, source, "polarity")
        claimed = _PEOPLE_STATES & claim.weights.keys()
        if len(claimed) == 1 and not claimed & set(matched) and \
                _PEOPLE_STATES & set(terms.stems):
            # "Children were among the injured" / "two children were among those killed":
            # what befell them is another thing, however much else the sentence shares.
            return ClaimReading("discusses", _score(cover), "none", unit, source, "other state")
        if _deed_for_intention(claim, matched, unit):
            # The claim reports a threat or a plan; a sentence that reports the deed done
            # ("severed its relationship" for "threatened to cut ties") does not assert it.
            return ClaimReading("discusses", _score(cover), "none", unit, source, "deed")
        return ClaimReading("confirms", _score(cover),
                            "review" if hedged and cover >= REVIEW_COVER else _band(cover),
                            unit, source, "aligned")


@dataclass(frozen=True)
class _PreparedClaim:
    text: str
    terms: _Terms
    weights: dict[str, float]
    total: float
    figures: tuple
    opposites: dict[str, str]
    names: frozenset[str]  # terms that name someone or something (capitalised in the claim)
    content: float  # total weight of the other terms: what the claim says of the names
    actor_groups: tuple[frozenset[str], ...] = ()  # "A, B and C": names listed together
    # The first-named actor (or list of actors) when it is not one of the story's keywords:
    # those are named in every relevant article, in many forms ("the department").
    subject: frozenset[str] = frozenset()
    modified: tuple[tuple[str, str], ...] = ()  # (modifier, head) pairs: "mass surveillance"
    # Per figure of the claim, the weighted words around it: what it counts ("people killed").
    figure_contexts: tuple[dict[str, float], ...] = ()
    # Per figure of the claim, the noun it counts, when telling ("blocks"; not "people").
    figure_counts: tuple[str, ...] = ()
    # Per figure of the claim, the claim's words right after it when two or more ("people
    # live"): a sentence's figure followed by them all counts the same thing.
    figure_phrases: tuple[frozenset[str], ...] = ()
    # Terms that only name the whole a part is counted of ("the estate's" in "Seven of the
    # estate's eight blocks"): a report of the part need not repeat them.
    whole_terms: frozenset[str] = frozenset()
    # When the first-named actor is one of the story's keywords: those keywords, any of which
    # names the story's actors ("the company", "Claude", its chief executive).
    story_names: frozenset[str] = frozenset()
    # The claim's nouns a name of its own stands before ("the Elm Court estate"), with that
    # name's terms: the name says the noun ("eight blocks of Elm Court" are the estate's).
    named_nouns: tuple[tuple[frozenset[str], str], ...] = ()
    # Its first two terms, its subject and what it does, less the story's subject ("fire" in
    # a fire story's "The fire spread through ..."): which fact, not which story.
    lead: tuple[str, ...] = ()
    # The claim's verb when a long subject keeps it out of the lead ("A bridge in the ... region
    # collapsed"): what the claim says happened to its subject.
    deed: str = ""
    # What the claim reports someone said ("... said Myanmar was ready to accept aid"): the
    # terms after its verb of saying.
    report: frozenset[str] = frozenset()
    # What the claim says its subject is about ("The dispute is over ..."): see ``_over_topic``.
    topic: frozenset[str] = frozenset()
    # Its lead actor is one the story's seed calls a company: "the company" names it.
    company: bool = False
    # The year the story broke (0 when not known): see ``_recalled``.
    year: int = 0
    # What the claim says there was none of ("survived" of "No one on board survived"), as
    # the stem of its weightiest word; "" for other claims. See ``_counts_some``.
    zero_term: str = ""
    # A place the claim tells in detail, with the coarser place it lies in ("in the Elm Park
    # residential area of Marlow"): the detail's terms, the detail written as one word
    # ("Elmpark"), the coarser place's terms and the common nouns between ("residential
    # area"). See ``_place_said``.
    detail: frozenset[str] = frozenset()
    detail_joined: str = ""
    coarse: frozenset[str] = frozenset()
    place_nouns: tuple[str, ...] = ()
    place_terms: frozenset[str] = frozenset()  # the terms of the place nouns
    placed: str = ""
    placed_by: str = ""  # the word the claim sets before it ("doctors'" of "doctors' hostel")
    coarse_home: bool = False  # the coarser place is the story's own (its title names it)
    # A claim of two facts joined by ", and" ("the pilots sent a mayday call, and no further
    # communication was received"): each fact as a claim of its own. See ``_read_parts``.
    parts: tuple[_PreparedClaim, ...] = ()
    # A place the claim counts in that the story's title and keywords do not name ("Ten people
    # were killed in Thailand" in a story of an earthquake in Myanmar): see ``_counted_there``.
    elsewhere: frozenset[str] = frozenset()
    # The places the story's other claims count in: a sentence naming one counts there.
    others_elsewhere: frozenset[str] = frozenset()
    home: frozenset[str] = frozenset()  # the story's own places and keywords


# Nobody named as the one who did it: a claim's "none" (``_ZERO``: "None of the 232 passengers
# ... survived", "no one"), or "not a single one".
_NOBODY = re.compile(_ZERO.pattern + r"|\bnot\s+(?:a\s+single|one)\b", re.IGNORECASE)


def _nobody_did(claim: _PreparedClaim, unit: str, present: set[str]) -> ClaimReading | None:
    """A reading of a sentence that says nobody did what the claim says nobody did, in words
    the claim's own analysis does not read as a negation ("None of the 232 passengers and 10
    crew ... survived"): it states the claim, unless it hedges or asks."""
    found = _NOBODY.search(unit)
    if found is None or _NON_ASSERTIVE.search(unit) or _HEDGE.search(unit) or \
            unit.rstrip().endswith("?"):
        return None
    if not any(claim.zero_term in _terms(tok) for tok, pos in _spans(unit) if pos >= found.end()):
        return None
    cover = sum(w for t, w in claim.weights.items() if t in present) / claim.total
    if cover < ALIGN_MIN:
        return None
    return ClaimReading("confirms", _score(cover), _band(cover), unit, "", "nobody did")


def _insisting(m: re.Match[str]) -> str:
    """An effort to limit read as insisting, when a party presses for it ("Anthropic sought
    to impose", "the company's push to bar", "its attempt to prevent"), not a measure ("rules
    that sought to restrict ...")."""
    if _PARTY_BEFORE.search(m.string, max(0, m.start() - 40), m.start()):
        return "insisting " + m.group(0)
    return m.group(0)


# A party just before an effort: a name, or a company or pronoun standing for one.
_PARTY_BEFORE = re.compile(r"(?:\b[A-Z][\w.-]*(?:['’]s)?|\b(?:its|their|it|they|he|she|his|her|"
                           r"company(?:['’]s)?|firm(?:['’]s)?|startup(?:['’]s)?))\s+"
                           r"(?:[a-z][\w-]*\s+)?$")


# What is agreed to is a limit: "agree to guardrails", "accepted the restrictions".
_TO_A_LIMIT = re.compile(r"\s+(?:(?:the|its|their|new|some|strict|firm|such)\s+){0,2}"
                         r"(?:guardrails?|safeguards?|limits?|restrictions?|limitations?|"
                         r"protections?|red\s+lines?|conditions?)\b", re.IGNORECASE)
# "if X does not ...", "unless X agrees ...", "if X fails to ...": a demand with a penalty.
_ULTIMATUM = re.compile(r"\b(?:if\s+[^,;:]{0,60}?\b(?:does\s+not|doesn't|did\s+not|didn't|do\s+not|"
                        r"don't|fails?\s+to|failed\s+to|refuses?\s+to|refused\s+to|won't|will\s+not|"
                        r"would\s+not|wouldn't)|unless)\b", re.IGNORECASE)


_EFFORT_TO_LIMIT = re.compile(
    r"\b(?:push\w*|seek\w*|sought|tr(?:y|ies|ied|ying)|want\w*|attempt\w*|efforts?|bid|"
    r"aim\w*|insist\w*|press\w*)\s+(?:for\s+|to\s+)(?:\w+\s+)?"
    r"(?:bar|ban|block|restrict|limit|prevent|prohibit|forbid|rule\s+out|impose|keep|"
    r"redline|draw)\w*",
    re.IGNORECASE)


def _asks(claim: _PreparedClaim, text: str) -> bool:
    """``text`` holds a question, a doubt or a conditional that the claim does not hold
    itself: "would be difficult" restates a claim that says "would be difficult"."""
    said = claim.text.lower()
    wish = bool(_WISH.search(claim.text))
    # "threatened to cancel the contract if the company keeps its limits": a threat's
    # condition is what the threat says, for a claim that reports the threat.
    threat = bool(_THREAT.search(claim.text)) and (bool(_THREAT.search(text))
                                                   or _possible_deed(claim, text))
    return any(m.group(0).lower() not in said
               and not (wish and _ULTIMATUM.match(text, m.start()))  # "if it does not ..."
               and not (threat and m.group(0).lower().startswith("if"))
               # "a dispute over whether the military could ...": what the dispute is about,
               # the dispute itself asserted
               and not (m.group(0).lower() == "whether"
                        and _DISPUTE_OVER.search(text, max(0, m.start() - 40), m.start()))
               for m in _NON_ASSERTIVE.finditer(text))


_DISPUTE_OVER = re.compile(r"\b(?:disputes?|standoffs?|clash(?:es)?|feuds?|rows?|rifts?|"
                           r"disagreements?|fights?|battles?)\s+(?:over|about|on)\s+$",
                           re.IGNORECASE)


_THREAT = re.compile(r"\b(?:threat\w*|warn\w*|ultimatum)\b", re.IGNORECASE)


def _score(cover: float) -> float:
    return round(min(0.99, cover), 3)


def _band(cover: float) -> str:
    if cover >= FLAG_COVER:
        return "flag"
    if cover >= REVIEW_COVER:
        return "review"
    return "none"


_RANK = {"contradicts": 3, "confirms": 2, "discusses": 1, "unrelated": 0}
_BAND_RANK = {"flag": 2, "review": 1, "none": 0}
_DECISIVE = {"figure", "denial"}
# What a claim asserts by one word: a sentence without it does not state the claim.
_SCOPE_WORDS = frozenset({"first", "last"})
# ... and what a confirmation must repeat, besides: "only unclassified" is not "unclassified".
_CONFIRMED_SCOPE = _SCOPE_WORDS | {"only"}
# What a claim says is intended, not done: "threatened to cut ties", "plans to sue".
_INTENTIONS = frozenset(_canonical(t) for w in ("threaten", "plan", "propose", "vow", "promise")
                        for t in tokenize(w))
_CONDITION = re.compile(r"\b(?:if|unless)\b", re.IGNORECASE)
_CONTEMPLATES = re.compile(r"\bcontemplat\w*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def _hedge_in(claim: _PreparedClaim) -> Callable[[str], re.Match[str] | None]:
    """The first hedge of a text, as read for this claim: a claim that reports a wish ("wants
    AI companies to allow ...") is stated by the effort that pursues it ("the push for ..."),
    so efforts do not hedge it."""
    wish = bool(_WISH.search(claim.text))
    if not wish and not claim.terms.has_refusal:
        return _HEDGE.search

    def search(text: str) -> re.Match[str] | None:
        return next((m for m in _HEDGE.finditer(text)
                     if not (wish and _EFFORT.fullmatch(m.group(0)))
                     and not (claim.terms.has_refusal and _WORRY.search(text, 0, m.start()))),
                    None)
    return search


# A refusal's reason, in the clause before a hedge: "concerns that its tools could be used for
# mass surveillance" states what the company refuses; the "could" is the worry's, not the
# article's. So is an objection's: "takes issue with the department potentially using AI to
# develop weapons that fire with no human involvement" (read as "objects to").
_WORRY = re.compile(r"\b(?:concern(?:s|ed)?|fears?|feared|worr(?:y|ies|ied)|"
                    r"object(?:s|ed|ing)?\s+to|oppos(?:e|es|ed|ing))\b[^,;:.—–()]{0,80}$",
                    re.IGNORECASE)


_EFFORT = re.compile(r"(?:urg|push|seek|pursu|press|a push)\w*(?: (?:for|to))?", re.IGNORECASE)


# "the only ... that could": an ability that sets the one apart, no hedge.
_ONLY_ONE_THAT = re.compile(r"\b(?:only|first|sole)\s+(?:[\w'’-]+\s+){0,4}(?:that|which|who)\s+$",
                            re.IGNORECASE)


# A verb whose object is there already: one resolves, cools or escalates a dispute that is.
_PRESUPPOSING = re.compile(r"\b(?:(?:resolv|settl|eas|defus|(?:de-?)?escalat|inflam)"
                           r"(?:e|es|ed|ing)|(?:end|cool|calm|heal|mend|deepen)(?:s|ed|ing)?|"
                           r"intensif(?:y|ies|ied|ying)|fuel(?:s|ed|led|ing|ling)?)"
                           r"\s+(?:(?:the|a|an|this|that|its|their|his|her)\s+)?"
                           r"(?:[\w'’-]+\s+){0,3}$", re.IGNORECASE)


def _presupposed(claim: _PreparedClaim, unit: str) -> bool:
    """The claim's subject, not one of its names, is the object of a verb that takes it as
    there ("aiming to resolve the dispute over ...", "hopes to cool the standoff"): a hedge
    before that verb bears on the resolving, not on the subject the claim asserts."""
    if not claim.lead or claim.lead[0] in claim.names:
        return False
    return any(claim.lead[0] in _terms(tok) and _PRESUPPOSING.search(unit[:pos])
               for tok, pos in _spans(unit))


def _after_hedge(claim: _PreparedClaim, unit: str, matched: list[str]) -> float:
    """The share of the matched claim weight first stated after the sentence's first hedge:
    a hedge bears on what follows it. "... refused to let the agency use it for all lawful
    purposes, as an official said the agency could sever ties" states the claim before its
    "could"; "the company could be used for surveillance" hedges what follows."""
    hedge = _hedge_in(claim)(unit)
    if hedge is None:
        return 0.0
    first: dict[str, int] = {}
    for tok, pos in _spans(unit):
        for term in _terms(tok):
            first.setdefault(term, pos)
    # Only the terms written here: a listed actor stands for the others ("OpenAI" for
    # "OpenAI, Google and xAI") without being written.
    written = [t for t in matched if t in first]
    total = sum(claim.weights[t] for t in written) or 1.0
    # A reason given for what is hedged is stated, not hedged: "considering cutting ties
    # with Anthropic over the latter's insistence on restrictions".
    # (unless what is hedged is the claim's own lead: "may have spread quickly due to ...")
    reason = _REASON.search(unit, hedge.end())
    end = reason.start() if reason and not any(
        hedge.start() < first.get(t, -1) < reason.start()
        for t in claim.lead if t not in claim.names) else len(unit)
    return sum(claim.weights[t] for t in written if hedge.start() < first[t] < end) / total


_REASON = re.compile(r"\b(?:over\s+(?:the|its|their|his|her|[A-Z][\w.-]*['’]s)\b|because\b|"
                     r"due\s+to\b|amid\b)")


def _deed_for_intention(claim: _PreparedClaim, matched: list[str], unit: str) -> bool:
    """The claim says someone intends a deed ("has threatened to cut ties"); the sentence
    states the deed itself as done ("formally severed its relationship"): no intention word,
    no possibility ("could cut ties", "contemplates severing ties")."""
    stems = claim.terms.stems
    intended = [i for i, t in enumerate(stems) if t in _INTENTIONS]
    if not intended or intended[0] + 1 >= len(stems) or stems[intended[0]] in matched:
        return False
    deed = stems[intended[0] + 1]
    if deed not in matched:
        return False
    # "severed", "cut off", "began cutting": done; "close to cutting ties": still to come;
    # a possibility before the deed ("could cut ties", "contemplates severing") leaves it
    # undone, one after it ("... after concluding it could not be trusted") does not.
    done = [m for m in _WORD.finditer(unit)
            if (t := tokenize(m.group(0))) and _canonical(t[0]) == deed and (
                not m.group(0).lower().endswith("ing")
                or _BEGUN.search(unit, max(0, m.start() - 20), m.start()))
            and not (_HEDGE.search(unit, 0, m.start()) or _NON_ASSERTIVE.search(unit)
                     or _CONTEMPLATES.search(unit, 0, m.start()))]
    return bool(done)


def _intended(claim: _PreparedClaim) -> int:
    """Where the claim's intention word stands among its terms ("threatened" in "has
    threatened to cut ties"), -1 if it holds none followed by its deed."""
    stems = claim.terms.stems
    return next((i for i, t in enumerate(stems[:-1]) if t in _INTENTIONS), -1)


# A deed said as a possibility: "could cut ties", "was considering cutting ties", "would
# cancel the contract", "will terminate our partnership" (not "could simply have terminated":
# what might have been done instead).
_POSSIBLE = re.compile(r"\b(?:could|may|might|would|will|consider(?:s|ed|ing)?|fac(?:e|es|ing)|"
                       r"weigh(?:s|ed|ing)?|mull(?:s|ed|ing)?|contemplat\w*|close\s+to|"
                       r"poised\s+to|prepared\s+to|ready\s+to)\b"
                       r"(?!\s+(?:\w+\s+)?have\b)(?:\s+[\w'’$.-]+){0,3}\s+$", re.IGNORECASE)


def _possible_deed(claim: _PreparedClaim, unit: str) -> bool:
    """The claim reports a threat or a plan ("has threatened to cut ties"); the sentence states
    its deed as a possibility ("could cut ties", "is weighing severing ties"): a threat is
    a deed held out, and the sentence holds it out."""
    i = _intended(claim)
    if i < 0:
        return False
    deed = claim.terms.stems[i + 1]
    return any(_POSSIBLE.search(unit, max(0, m.start() - 60), m.start())
               for m in _WORD.finditer(unit)
               if (t := tokenize(m.group(0))) and _canonical(t[0]) == deed)


_BEGUN = re.compile(r"\b(?:began|begun|begins|started|starts|has\s+been|have\s+been|is|are|"
                    r"was|were)\s+$", re.IGNORECASE)
# What states a refusal claim's stance besides a refusal, negation or limit that reaches its
# content: a refusal or prevention named ("its refusal to ...", "its attempt to prevent ..."),
# or the objection it rests on ("has qualms with ...").
_REFUSING = frozenset(_canonical(t) for w in ("refuse", "prevent", "prevents", "preventing",
                                              "qualm", "qualms", "objection", "objections",
                                              "object")
                      for t in tokenize(w))
# ... or the worries it rests on, named ("raised concerns that its tools could be used for ...",
# "the company's concerns that ...", "over these concerns, which included ..."): an objection.
# Not one felt ("I am concerned that the department ...", "I worry that ..."): anyone's.
_CONCERNS = re.compile(r"\b(?:concerns?|fears|worries)\b,?\s+"
                       r"(?:that|over|about|regarding|which|of)\b", re.IGNORECASE)
_LIMITS = frozenset(_canonical(t) for w in ("limit", "ban", "exception", "exceptions")
                   for t in tokenize(w))
_POLARITY_TERMS = frozenset(_canonical(t) for w in ("refuse", "allow", "ban")
                            for t in tokenize(w))
# Capitalised words that name no actor: titles, months, days, sentence openers.
_COMMON_CAPITALISED = frozenset(
    _canonical(t) for t in tokenize(
        "the a an in on at but and as after when while this that it he she they i we mr ms "
        "president secretary chief ceo judge senator officials official department court "
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday u.s us american americans "
        "according under following however meanwhile ai")
)


def _strength(r: ClaimReading) -> tuple[int, int, float, int]:
    """Decisive evidence (a figure, a governing denial) first, then the band (what a reader
    would be shown), then coverage; on a tie a confirmation over a contradiction."""
    return (int(r.reason in _DECISIVE and r.band == "flag"), _BAND_RANK[r.band], r.score,
            -_RANK[r.stance] if r.stance == "contradicts" else _RANK[r.stance])

