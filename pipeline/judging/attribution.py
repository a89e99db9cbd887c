"""Whom a sentence attributes its statement to.

The ledger records, for each confirmation or contradiction, the source the article gives for
it, so that a reader can tell one outlet's report echoed by many sites from independent
confirmation. What counts as a source, in the order a reader would look for it:

- an outlet that carried the statement: "according to Axios", "as reported by Reuters",
  "Bloomberg reported", "a spokesperson told Axios" (the outlet is what other sites echo);
- a named speaker: "Anthropic said", "Defense Secretary Pete Hegseth wrote";
- an unnamed official or source ("a senior defense official said"): ``"official"``;
- a named body without a name of its own ("police said", "Hong Kong authorities on Monday
  said"): the body, with the proper nouns before it;
- none of these: the article's own voice, ``""``.

Telling someone to do something ("Trump told agencies to stop using ...") is an order, not a
statement. Day and month names, sentence-opening words ("Initial reports confirmed") and
pronouns are never sources; "it said" and "the report said" take their source from the
sentence before.
"""

from __future__ import annotations

import re

__all__ = ["attributed_source", "sources_in_context"]

# Beyond this, a "sentence" is no sentence (a list, a page's furniture): only its start is read.
MAX_CHARS = 2000

_NAME = r"[a-z]?[A-Z][\w&'’.-]*"
# Up to seven capitalised words, allowing "of", "for", "and" and "the" inside a name ("Department
# of War", "The Wall Street Journal").
_PROPER = rf"{_NAME}(?:\s+(?:(?:of|for|and|the|de|al)\s+)?{_NAME}){{0,6}}"

# Unnamed people: one official, several sources. Read as "official".
_PERSON_NOUN = (r"officials?|spokes(?:person|man|woman)|sources?|people\s+familiar[\w ]*?|"
                r"(?:a\s+)?person\s+familiar[\w ]*?|insiders?|aides?|representatives?")
# Bodies named by their kind: kept as written, with the proper nouns before them.
_BODY_NOUN = (r"residents|witnesses|survivors|families|relatives|lawmakers|experts|analysts|"
              r"authorities|police|government|ministry|department|regulators?|prosecutors?|"
              r"investigators|firefighters|fire\s+services|military|administration|officers|"
              r"media|newspapers?|broadcasters?|agency|company|firm|council|committee|"
              r"commission|consulate(?:\s+general)?")
_MODIFIER = (r"(?:senior|top|former|current|two|three|four|several|some|other|defen[cs]e|"
             r"administration|government|military|company|industry|U\.S\.|US|local|federal|"
             r"state|city|anonymous|unnamed|knowledgeable|[A-Z][\w&'’.-]*)")
_COMMON = rf"(?:(?:an?|the|two|three|several)\s+)?(?:{_MODIFIER}(?:,?\s+(?:and|or))?\s+){{0,4}}"

_SPEECH = (r"said|says|say|told|tells|reported|reports|confirmed|confirms|announced|announces|"
           r"wrote|writes|stated|states|added|noted|warned|argued|claimed|insisted|alleged|"
           r"explained|posted|tweeted|described|first\s+reported|has\s+reported|had\s+reported|"
           r"have\s+said|has\s+said|had\s+said")
# What may stand between a speaker and the verb: an adverb, a time, an appositive.
_BETWEEN = (r"(?:\s+(?:also|later|earlier|previously|first|then|again|separately|publicly|"
            r"repeatedly|had|has|have))?"
            r"(?:\s+(?:on|late|early|last|this)\s+[\w.]+(?:\s+\d{1,2})?)?"
            r"(?:\s*,\s[^,]{3,80},)?")

_ACCORDING = re.compile(
    r"\b(?i:according\s+to|as\s+(?:first\s+)?reported\s+by|(?:first\s+)?reported\s+by|"
    r"in\s+a\s+report\s+(?:by|from)|citing)\s+"
    rf"(?:(?i:an?|the)\s+)?(?P<who>{_COMMON}(?:{_PERSON_NOUN}|{_BODY_NOUN})\b|{_PROPER})")
_SUBJECT_SAID = re.compile(
    rf"(?P<who>{_COMMON}(?i:{_PERSON_NOUN}|{_BODY_NOUN})\b"
    rf"(?:\s+(?:of|in|at|from)\s+(?:the\s+)?{_PROPER})?|{_PROPER})"
    rf"{_BETWEEN}\s+(?P<verb>{_SPEECH})\b")
# The verb before its speaker: '..., said John Lee at a press conference', '"...," says Axios'.
_SAID_SUBJECT = re.compile(
    r"(?:,|[\"”’])\s*(?:said|says|told\s+reporters|wrote|reported|added)\s+"
    rf"(?P<who>{_COMMON}(?i:{_PERSON_NOUN}|{_BODY_NOUN})\b|{_PROPER})")
# A wire's dateline: "Feb 13 (Reuters) -".
_DATELINE = re.compile(r"\((?P<who>[A-Z][\w&.' ]{1,30})\)\s*[-–—]")
# Attribution that names no one: "reportedly", "according to the report", "reports indicate".
_UNNAMED_CUE = re.compile(
    r"\b(?:reportedly|according\s+to\s+(?:the|this|that|these|those|multiple|several|media|"
    r"news|local|earlier|recent)\s+(?:\w+\s+)?reports?|"
    r"(?:the|a|media|news|earlier|initial|multiple|several)\s+reports?\s+(?:said|say|says|"
    r"indicated?|indicates|suggest(?:s|ed)?|show(?:s|ed)?)|reports\s+(?:indicate|suggest|say))\b",
    re.IGNORECASE)

# A statement made to an outlet: "a spokesperson told Axios", "said in a statement to CNBC".
_TO_OUTLET = re.compile(
    r"\b(?:told|said\s+to|in\s+(?:a\s+)?(?:statement|interview|comments?|remarks?)\s+"
    r"(?:to|with))\s+(?:the\s+)?(?P<who>" + _PROPER + r")")

# Names that only an outlet carries (general news knowledge, not any story's names).
_OUTLET_WORD = re.compile(
    r"\b(?:Times|Post|Journal|News|Press|Herald|Tribune|Guardian|Telegraph|Gazette|Agency|"
    r"Insider|Wire|Daily|Magazine|Radio|Television|TV|Broadcasting|Reuters|Bloomberg|Axios|"
    r"Politico|Semafor|CNN|CNBC|BBC|NBC|CBS|ABC|NPR|AFP|AP|Xinhua|RTHK|SCMP|Al\s+Jazeera|"
    r"The\s+Information|The\s+Verge|TechCrunch|Wired|Fortune|Forbes|Financial\s+Times|"
    r"[Mm]edia|[Nn]ewspapers?|[Bb]roadcasters?)\b")

_UNNAMED_PERSON = re.compile(rf"\b(?:{_PERSON_NOUN})\b", re.IGNORECASE)
_BODY = re.compile(rf"\b(?:{_BODY_NOUN})\b", re.IGNORECASE)

_WHEN = frozenset(
    "today yesterday tonight monday tuesday wednesday thursday friday saturday sunday january "
    "february march april may june july august september october november december jan feb "
    "mar apr jun jul aug sep sept oct nov dec".split())
_NOT_A_SOURCE = _WHEN | frozenset(
    "it he she they we i you this that these those there here who which what report reports "
    "statement the a an as but and or so yet then now earlier later initial initially "
    "meanwhile however also still separately previously first last next companies experts "
    "analysts critics observers many some others both each all one two three".split())
# A speaker named by reference to an earlier sentence: "It said", "the report says".
_BACK_REFERENCE = re.compile(
    r"\b(?i:it|he|she|they|the\s+report|the\s+statement|the\s+filing)(?=\s+(?:\w+\s+)?"
    r"(?:said|says|told|added|noted|wrote|stated|reported|confirmed|argued|claimed)\b)")
_LEADING = re.compile(r"^(?:the|an?|its|his|her|their)\s+", re.IGNORECASE)


_OBJECT = re.compile(r"\b(?:of|in|at|from|for|with|to|by|on|against)\s+$", re.IGNORECASE)
_SUBORDINATE = re.compile(r"\b(?:as|after|when|while|because|since|before|until|once)\s+$",
                          re.IGNORECASE)


def _directive(text: str, verb_end: int) -> bool:
    """"Told X to do Y" is an order, not a statement."""
    m = re.match(r"\s+((?:[\w.'’-]+\s+){0,6}?)to\s+[\"“']?(?!be\b)[a-z]",
                 text[verb_end:verb_end + 80])
    return m is not None and not re.search(r"\bthat\b", m.group(1))


# Outlets whose name without its article is a common word.
_THE_NAME = re.compile(r"The\s+(?:Information|Verge|Hill|Atlantic|Economist|Independent|"
                       r"Intercept|Conversation|Standard|Star|Sun|Times|Post)$")


def _clean(who: str) -> str:
    who = who.strip().rstrip(".,;:")
    if not _THE_NAME.match(who):
        who = _LEADING.sub("", who)
    who = re.sub(r"[’']s$", "", who)
    words = who.split()
    while len(words) > 1 and words[-1].lower().strip(".") in _WHEN:
        words.pop()  # "told Axios Monday"
    return " ".join(words)


def _name(who: str) -> str:
    """The source's name as the ledger shows it, or "" when the words name no source."""
    who = _clean(who)
    words = who.split()
    if not words or all(w.lower().strip(".") in _NOT_A_SOURCE for w in words):
        return ""
    if _UNNAMED_PERSON.search(who) and not _OUTLET_WORD.search(who):
        return "official"
    body = _BODY.search(who)
    if body is not None and not who[body.end():].strip() and (
            len(words) == 1 or not all(w[:1].isupper() for w in words)):
        # "Hong Kong police", "the city's fire services": the body, with its proper nouns.
        head = [w for w in who[:body.start()].split() if w[:1].isupper()]
        return " ".join([*head, body.group(0).lower()]).strip()
    if len(who) < 2:
        return ""
    return who


def _in_sentence(text: str) -> str | None:
    """The source the sentence names, "" when it names a pronoun or a report (whoever the
    sentence before names), None when it has no attribution at all."""
    text = text[:MAX_CHARS]
    found: list[tuple[int, str]] = []
    back = {m.start() for m in _BACK_REFERENCE.finditer(text)}
    for m in _TO_OUTLET.finditer(text):
        who = _clean(m.group("who"))
        if _OUTLET_WORD.search(who) and not _directive(text, m.end()):
            found.append((m.start(), who))
    for m in _ACCORDING.finditer(text):
        who = m.group("who").rstrip(".,;:")
        if _THE_NAME.match("The " + who) and text[:m.start("who")].rstrip().lower().endswith(
                "the"):
            who = "The " + who  # "according to The Information"
        found.append((m.start(), _name(who)))
    for m in _SAID_SUBJECT.finditer(text):
        found.append((m.start(), _name(m.group("who"))))
    for m in _SUBJECT_SAID.finditer(text):
        if m.group("verb").startswith("told") and _directive(text, m.end("verb")):
            continue
        if m.group("verb") in ("insisted", "argued") and re.match(
                r"\s+(?:on|for|against)\b", text[m.end("verb"):]):
            continue  # "insisted on limits", "argued for a ban": a stance taken, not a statement
        before = text[max(0, m.start() - 200):m.start()]
        if _OBJECT.search(before[-12:]):
            continue  # "residents of Wang Fuk Court say": the court is not the speaker
        if _SUBORDINATE.search(before[-12:]) and len(before.split()) >= 6:
            # "The dispute escalated as an official said that ...": the official speaks only
            # for the clause that follows; the sentence's main clause is the article's own.
            found.append((m.start(), ""))
            continue
        found.append((m.start(), _name(m.group("who"))))
    named = [(pos, who) for pos, who in found if who]
    found = [(pos, who) for pos, who in found if who or pos in back]
    if named:
        # An outlet carried it: that is what other sites echo ("a spokesperson told Axios").
        outlets = [(pos, who) for pos, who in named if _OUTLET_WORD.search(who)]
        return min(outlets or named)[1]
    return "" if found else None


def attributed_source(sentence: str, previous: str = "") -> str:
    """Whom the sentence attributes its statement to: an outlet, a named person or
    organisation, a body ("police"), "official" for an unnamed official or source, or "" for
    the article's own voice. A sentence that only says "it said" or "the report said" takes
    its source from the sentence before it."""
    own = _in_sentence(sentence)
    if own is None:
        return ""
    if own:
        return own
    return _in_sentence(previous) or ""


def sources_in_context(units: list[str], *, has_title: bool = False) -> list[str]:
    """The source of each sentence of an article, read in its context: a sentence that names
    no one but attributes all the same ("he said", "according to the report", "reportedly")
    speaks for the source last named before it ("reportedly": the outlet last named), or else
    for the outlet the article credits (its wire dateline, or the first outlet it names);
    "reports" when it credits none. A title
    cut from the first sentence ("... the Wall Str") has that sentence's source."""
    own = [_in_sentence(u) for u in units]
    credited = ""
    for u, who in zip(units, own, strict=True):
        dateline = _DATELINE.search(u[:120])
        if who and _OUTLET_WORD.search(who):
            credited = who
            break
        if dateline is not None and _OUTLET_WORD.search(dateline.group("who")):
            credited = dateline.group("who").strip()
            break
    out: list[str] = []
    last = last_outlet = ""
    for u, who in zip(units, own, strict=True):
        if who:
            out.append(who)
            last = who
            if _OUTLET_WORD.search(who):
                last_outlet = who
        elif who == "":
            out.append(last or credited)  # "he said", "the report said"
        elif _UNNAMED_CUE.search(u):
            out.append(last_outlet or credited or "reports")  # reports, not a speaker
        else:
            out.append("")
    if has_title and len(units) > 1 and not out[0]:
        cut = units[0].rstrip(" .…")
        if len(cut) > 40 and units[1].lstrip().startswith(cut.lstrip()):
            out[0] = out[1]
    return out
