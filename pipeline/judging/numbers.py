"""Figures in news text, read as values: money, percentages, times of day, durations and
counts, each with where it stands in the text.

The claim reader (``reading``) compares a claim's figures with a sentence's: the same value
confirms, another value for the same fact contradicts ("worth about $450 million" against
"$200 million"; "the death toll rose to 94" against "at least 36 people were killed"). Money
and percentages match within 10 %, counts exactly (within 2 % in the thousands), times within
five minutes. Years and the day of a date are not figures.

A figure after "over", "more than", "up to" ... is a bound, read near its value ("over 4,000
residents" keeps "about 4,600"; "more than 30 missing" does not keep 279). A part of the day
("around midday", "late on Tuesday night", "predawn") is a time of day spanning its hours:
one that leaves out a claim's clock time gainsays it, one that holds it says nothing of the
minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import MODEL_STOP_WORDS

_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
# Never starting inside a run of digits: a search would otherwise retry from every digit of a
# long run and backtrack over the rest (quadratic in its length; a 10,000-digit run took 10 s).
_NUM = r"(?<!\d)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_MONEY = re.compile(
    rf"(?:\$|US\$|USD\s?)\s?{_NUM}(?:\s*(thousand|million|billion|trillion|mln|bn|tn|[mbk])\b)?"
    rf"|{_NUM}\s*(thousand|million|billion|trillion)?\s*(?:dollars|USD)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"{_NUM}\s*(?:%|per\s?cent\b)", re.IGNORECASE)
# A sentence that gives the claim's figure beside another and one of these corrects it
# ("$450 million, not $200 million", "$120 million, well below the $200 million reported").
CORRECTION = re.compile(
    r"\b(?:not|rather than|instead of|wrong|incorrect|inaccurate|false|mistaken|overstated|"
    r"understated|misreported|erroneous|contrary to|below|above|short of|lower than|"
    r"higher than|less than|more than|smaller than|larger than|double|half)\b",
    re.IGNORECASE,
)
TOLERANCE = 0.1  # "about $200 million" matches $190-220 million
COUNT_TOLERANCE = 0.02


@dataclass(frozen=True)
class Quantity:
    # money | percent | time (minutes after midnight) | day | week | ... | count | level (a
    # rank on a scale: "a No. 5 alarm", "category 4 hurricane", its scale in ``unit``)
    kind: str
    value: float
    # Where the figure stands in the text it was read from (not part of its identity).
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)
    # "dozens", "hundreds", "many": a count without a value, never compared.
    vague: bool = field(default=False, compare=False)
    # The word a number is hyphenated to ("31-storey", "48-page"): what it measures, which
    # is not the noun that follows ("31-storey towers" are not 31 towers).
    unit: str = field(default="", compare=False)
    # "over 4,000", "more than 700": a lower bound ("above"); "up to 200", "fewer than 30": an
    # upper bound ("below"); "" for a figure given as it is ("about 4,600", "36").
    bound: str = field(default="", compare=False)
    # A part of the day ("early morning", "around midday") read as a time: the span of
    # minutes it covers (start, end; an end before the start runs past midnight).
    span: tuple[int, int] | None = field(default=None, compare=False)


# Parts of the day, as spans of minutes after midnight (see ``loose_time``).
_PARTS: dict[str, tuple[int, int]] = {
    "predawn": (0, 390), "pre-dawn": (0, 390), "before dawn": (0, 390), "dawn": (270, 450),
    "daybreak": (270, 450), "early morning": (0, 540), "early hours": (0, 420),
    "morning": (240, 720), "late morning": (540, 720), "midday": (660, 810),
    "noon": (660, 810), "before noon": (630, 750), "before midday": (630, 750),
    "lunchtime": (660, 840), "early afternoon": (720, 930),
    "afternoon": (720, 1080), "late afternoon": (900, 1140), "early evening": (1020, 1230),
    "evening": (1020, 1380), "late evening": (1200, 1440), "late night": (1260, 240),
    "night": (1200, 330), "overnight": (1260, 360), "midnight": (1380, 60),
}
_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_DAY_PART = re.compile(
    rf"\b(?:(?P<mod>early|late|before)\s+(?:{_DAYS}\s+)?"
    rf"|(?:in|on|during|around|about|at|by|until|{_DAYS})\s+(?:the\s+)?"
    r"(?:(?P<mod2>early|late)\s+)?)"
    r"(?P<part>predawn|pre-dawn|dawn|daybreak|morning|midday|noon|lunchtime|afternoon|evening|"
    r"night|overnight|midnight|hours)\b"
    r"|\b(?P<alone>predawn|pre-dawn|overnight)\b",
    re.IGNORECASE)


def _part_span(m: re.Match[str]) -> tuple[int, int] | None:
    part = (m.group("part") or m.group("alone")).lower()
    mod = (m.group("mod") or m.group("mod2") or "").lower()
    return _PARTS.get(f"{mod} {part}") or _PARTS.get(part)


def _minutes(q: Quantity) -> set[int]:
    if q.span is None:
        return set(range(int(q.value) - 5, int(q.value) + 6))
    lo, hi = q.span
    return set(range(lo, hi + 1)) if lo <= hi else set(range(lo, 1441)) | set(range(0, hi + 1))


# A stated time falls within a claim's part of the day when this share of it does.
SPAN_SHARE = 0.5


def loose_time(claimed: Quantity, stated: Quantity) -> str:
    """A claim's time of day against a sentence's, one or both parts of the day: "" when both
    are clock times (compared as values); "same" when the stated time falls within the
    claim's part of the day (2:51 pm for "on Wednesday afternoon"); "compatible" when they
    overlap otherwise ("on Wednesday afternoon" for 2:51 pm: neither confirms nor gainsays);
    "other" when they do not ("around midday" for 2:51 pm)."""
    if claimed.span is None and stated.span is None:
        return ""
    claim_minutes, stated_minutes = _minutes(claimed), _minutes(stated)
    shared = len(claim_minutes & stated_minutes)
    if claimed.span is not None and shared >= SPAN_SHARE * len(stated_minutes):
        return "same"  # "overnight" for "during the night"
    return "compatible" if shared else "other"


def _number(text: str) -> float:
    return float(text.replace(",", ""))


WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
# Clock times: "1:39 pm", "1.39pm", "1 pm", "13:39", and the 24-hour "1339 hrs" / "13.39
# hrs" / "1339 IST" (a zone's letters) ("at 1339 hours"; "1500 hours of work" is a duration).
_TIME = re.compile(r"\b(\d{1,2})(?::|\.)(\d{2})\s*([ap])\.?m\b|\b(\d{1,2})\s*([ap])\.?m\b"
                   r"|\b([01]?\d|2[0-3]):([0-5]\d)\b"
                   r"|\b([01]\d|2[0-3])\.?([0-5]\d)\s*(?:hrs|(?-i:IST|GMT|UTC|BST|CET|CEST|EST|EDT|"
                   r"PST|PDT|HKT))\b"
                   r"|(?<=\bat\s)([01]\d|2[0-3])\.?([0-5]\d)\s*(?:hours|h)\b", re.IGNORECASE)
_TENS = tuple(word for word, value in WORD_NUMBERS.items() if value in range(20, 100, 10))
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# A number in digits, a compound number word ("sixty-five") or a number word. Not after a
# name and a hyphen: "COVID-19" and "F-35" are names, not figures.
_BARE = re.compile(
    rf"(?<![\w$.,:])(?<![A-Za-z]-)(?:{_NUM}|({'|'.join(_TENS)})-({'|'.join(_UNITS)})"
    rf"|({'|'.join(WORD_NUMBERS)}))(?![\w%])",
    re.IGNORECASE)
_BOUND = re.compile(r"-([A-Za-z]{3,})\b")
# Hyphenated words that say how a count is rounded, not what it measures: "200-strong crew".
_NOT_UNITS = frozenset({"strong", "odd", "plus", "some"})
_VAGUE = re.compile(r"\b(?:dozens|hundreds|thousands|scores|many|several|numerous|a few)\b",
                    re.IGNORECASE)
_DURATION = re.compile(r"\s*-?\s*(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b",
                       re.IGNORECASE)
# A month just before a number ("Nov 26") or just after it ("26 November", "26th of Nov"): the
# day of a date. Each is looked for on its own side only: "killed 168 people on Nov. 26" or
# "36 people in May" end with a month, and their figures are counts.
_MONTH_BEFORE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
                           r"\.?\s*$", re.IGNORECASE)
_MONTH_AFTER = re.compile(r"^\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|"
                          r"sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)


# A rank on a scale, as news writes it: "a No. 5 alarm", "No.8 typhoon signal", "a level
# five alarm", "category 4 hurricane", "the highest level, five" (set off), "a three-alarm
# fire". Its scale is the word after it ("alarm", "typhoon"); ranks run low, so a larger
# number after "level" or "stage" is a count ("at that stage 30 people were trapped"). "No"
# takes digits only ("No one was hurt").
_RANK_NUMBER = r"(\d{1,2}|" + "|".join(WORD_NUMBERS) + r"|one)"
_LEVEL = re.compile(
    r"(?:\b(?:Nos?\.|No\b|no\.)\s*(\d{1,2})"
    + r"|(?i:\b(?:level|category|cat\.|grade|tier|stage)\s*(?:[,\u2013\u2014-]\s*)?)"
    + _RANK_NUMBER + r")(?![\w%.,:]\d|\w)(?:\s+([A-Za-z][a-z-]*))?"
    r"|(?i:\b" + _RANK_NUMBER + r"-(alarms?)\b)")
MAX_RANK = 10


def _levels(text: str) -> list[tuple[float, str, re.Match[str]]]:
    """Ranks on a scale, with their scale word ("" when none follows); a rank given without
    one takes that of a rank beside it ("raised from No 1 alarm to No 4 by 3.34pm")."""
    out: list[tuple[float, str, re.Match[str]]] = []
    for m in _LEVEL.finditer(text):
        number = (m.group(1) or m.group(2) or m.group(4)).lower()
        value = float(number) if number.isdigit() else float(
            1 if number == "one" else WORD_NUMBERS[number])
        if not 1 <= value <= MAX_RANK:
            continue
        scale = "alarm" if m.group(5) else (m.group(3) or "").lower()
        if scale in MODEL_STOP_WORDS:
            scale = ""
        out.append((value, scale, m))
    scales = [scale for _, scale, _ in out if scale]
    if scales:
        out = [(v, s or scales[0], m) for v, s, m in out]
    return out


def rank_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` gives ranks on a scale ("a No. 5 alarm"): not counts of anything."""
    return [(m.start(), m.end()) for _, _, m in _levels(text)]


def quantities(text: str) -> list[Quantity]:
    """Every figure in ``text``, in order: money, percentages, times of day, durations, and
    other counts ("36 people", "seven of the eight blocks", "the toll rose to 94"). Years and
    the day of a date are not figures."""
    out: list[Quantity] = []
    # The characters a figure already read covers: a mask, not a list of spans searched for
    # each match (a hostile sentence of 6,000 clock times took 3 s).
    taken = bytearray(len(text))

    def take(start: int, end: int) -> None:
        taken[start:end] = b"\x01" * (end - start)

    def add(kind: str, value: float, m: re.Match[str]) -> None:
        bound = _bound(text, m.start()) if kind != "time" else ""
        out.append(Quantity(kind, value, m.start(), m.end(), bound=bound))
        take(m.start(), m.end())

    for m in _MONEY.finditer(text):
        if m.group(1) is not None:
            scale = _SCALE.get((m.group(2) or "").lower(), 1.0)
            add("money", _number(m.group(1)) * scale, m)
        else:
            scale = _SCALE.get((m.group(4) or "").lower(), 1.0)
            add("money", _number(m.group(3)) * scale, m)
    for m in _PERCENT.finditer(text):
        add("percent", _number(m.group(1)), m)
    for m in _TIME.finditer(text):
        if taken[m.start()]:
            continue
        if m.group(1):
            hour, minute, half = int(m.group(1)), int(m.group(2)), m.group(3).lower()
        elif m.group(4):
            hour, minute, half = int(m.group(4)), 0, m.group(5).lower()
        else:
            hh, mm = next((m.group(i), m.group(i + 1)) for i in (6, 8, 10) if m.group(i))
            hour, minute, half = int(hh), int(mm), ""
        if half == "p" and hour < 12:
            hour += 12
        elif half == "a" and hour == 12:
            hour = 0
        add("time", hour * 60 + minute, m)
    for m in _DAY_PART.finditer(text):
        if taken[m.start()]:
            continue
        span = _part_span(m)
        if span is None:
            continue  # "in the hours after"
        lo, hi = span
        mid = (lo + (hi - lo) % 1440 // 2) % 1440
        out.append(Quantity("time", float(mid), m.start(), m.end(), span=(lo, hi)))
        take(m.start(), m.end())
    for value, rank_scale, m in _levels(text):
        if not taken[m.start()]:
            out.append(Quantity("level", value, m.start(), m.end(), unit=rank_scale))
            take(m.start(), m.end())
    for m in _BARE.finditer(text):
        if taken[m.start()]:
            continue
        word = m.group(4)
        if m.group(2):
            units = _UNITS.index(m.group(3).lower()) + 1
            value = float(WORD_NUMBERS[m.group(2).lower()] + units)
        else:
            value = float(WORD_NUMBERS[word.lower()]) if word else _number(m.group(1))
        if m.group(1) and "." not in m.group(1) and 1900 <= value <= 2100:
            continue  # a year
        if _MONTH_BEFORE.search(text[max(0, m.start() - 12):m.start()]) or _MONTH_AFTER.search(
                text[m.end():m.end() + 14]):
            continue  # the day of a date
        duration = _DURATION.match(text, m.end())
        bound = _BOUND.match(text, m.end())
        if duration:
            out.append(Quantity(duration.group(1).lower().rstrip("s"), value, m.start(),
                                duration.end()))
        elif bound and bound.group(1).lower() not in _NOT_UNITS:
            out.append(Quantity("count", value, m.start(), m.end(),
                                unit=bound.group(1).lower(), bound=_bound(text, m.start())))
        else:
            out.append(Quantity("count", value, m.start(), m.end(),
                                bound=_bound(text, m.start())))
    for m in _VAGUE.finditer(text):
        if not taken[m.start()]:
            out.append(Quantity("count", -1.0, m.start(), m.end(), vague=True))
    out.sort(key=lambda q: q.start)
    return out


_ABOVE = re.compile(r"\b(?:more than|over|at least|upwards of|in excess of|above|exceeding|"
                    r"greater than)\s+(?:\$|US\$)?$", re.IGNORECASE)
_BELOW = re.compile(r"\b(?:less than|fewer than|under|below|up to|at most|no more than)\s+"
                    r"(?:\$|US\$)?$", re.IGNORECASE)


def _bound(text: str, start: int) -> str:
    before = text[max(0, start - 24):start]
    if _ABOVE.search(before):
        return "above"
    if _BELOW.search(before):
        return "below"
    return ""


# A bound is read as news uses it, close to its value: "more than 30 missing" says about 30
# and gainsays 279, "over 4,000 residents" does not gainsay 4,600.
BOUND_REACH = 1.3


def within_bound(stated: Quantity, value: float) -> bool:
    """A stated bound that ``value`` keeps, near it: "over 4,000 residents" does not gainsay
    "about 4,600"; "over 5,000" and "more than 30" (for 279) do."""
    if stated.bound == "above":
        return stated.value <= value <= stated.value * BOUND_REACH
    if stated.bound == "below":
        return stated.value / BOUND_REACH <= value <= stated.value
    return False


def same_value(a: float, b: float, kind: str = "money") -> bool:
    """Two figures state the same value. Money and percentages within ``TOLERANCE`` ("about
    $200 million"); counts exactly, or within ``COUNT_TOLERANCE`` when in the thousands
    ("about 4,600 residents"): 39 missing is not 36 dead."""
    if kind == "count":
        if max(abs(a), abs(b)) < 1000:
            return a == b
        return abs(a - b) <= COUNT_TOLERANCE * max(abs(a), abs(b))
    if kind == "time":
        return abs(a - b) <= 5  # minutes
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1e-9)
