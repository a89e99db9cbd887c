"""Which articles of a coverage split relevance turns away, and which rule decides.

    python benchmarks/relevance_report.py benchmarks/coverage/<slug> [--split dev] [--all]

For each article of the split (on-story and off-story, by its label), prints its relevance and
the rule that decides it: ``before`` (published well before the story), ``unnamed`` (names no
keyword nor a name of the title), ``recap`` / ``other-event`` / ``disowns`` /
``party-unnamed`` (the rules that turn a piece away whatever its vocabulary), or the figures
the score is made of: the share of the seed's terms (``overlap``), whether the story is named
as titled (``anchored``: half the bar), and the share of sentences about the story. Only the
mistakes are listed (an on-story article judged not relevant, an off-story one judged
relevant) unless ``--all`` is given. It reads the pages as ``claimwatch ingest`` does and runs
no pipeline: a second or two per story.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from eval_coverage import SPLITS, load_labels, story_file  # noqa: E402

import pipeline.judging as judging  # noqa: E402
from pipeline.config import load_story  # noqa: E402
from pipeline.ingesting.extract import split_text_headers, text_from_plain  # noqa: E402
from pipeline.judging.text import split_sentences  # noqa: E402
from pipeline.records import Article, Story  # noqa: E402


def read_page(path: Path) -> Article:
    """The article as ``claimwatch ingest`` reads a saved page: its title is its first line."""
    headers, text = split_text_headers(text_from_plain(path.read_text(encoding="utf-8")))
    title = headers.get("title") or text.split("\n", 1)[0][:200]
    return Article(url=headers.get("url", path.resolve().as_uri()), title=title, text=text,
                   site="local file", published_at=headers.get("date"))


def deciding_rule(article: Article, story: Story) -> str:
    """The rule that decides the article's relevance, or the figures its score is made of."""
    profile = judging._profile(story)
    if judging._before_story(article.published_at, story.published):
        return "before"
    title = judging._headline(article)
    text = f"{title}\n{article.text}"
    if not any(p.search(text) for p in (*profile.keyword_patterns,
                                         *profile.title_name_patterns)):
        return "unnamed"
    sentences = split_sentences(article.text)
    units = judging._units("" if article.text.startswith(title) else title, sentences)
    unit_words = [frozenset(judging._words(u)) for u in units]
    n_words = sum(len(u.split()) for u in units)
    for name, turned_away in (
        ("recap", lambda: judging._recap_in_passing(units, unit_words, profile, n_words)),
        ("other-event", lambda: judging._other_event(units, unit_words, profile)),
        ("disowns", lambda: judging._disowns_story(units, unit_words, profile)),
        ("party-unnamed",
         lambda: judging._party_event_unnamed(units, unit_words, profile, n_words)),
    ):
        if turned_away():
            return name
    words = set(judging._words(text))
    room = min(len(profile.salient_terms), max(judging.MIN_ROOM, len(words) // 2))
    overlap = len(words & profile.salient_terms) / max(1, room)
    anchored = judging._named_as_titled(units, unit_words, profile)
    share = judging._story_share(units, unit_words, profile)
    return (f"overlap {overlap:.2f} anchored {'yes' if anchored else 'no'} "
            f"share {share:.2f} ({len(units)} sentences, {n_words} words)")


def main(argv: list[str] | None = None) -> int:
    doc = (__doc__ or "").split("\n\n")
    parser = argparse.ArgumentParser(description=doc[0])
    parser.add_argument("folder", type=Path, help="a story folder of benchmarks/coverage")
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--all", action="store_true", help="list every article, not only mistakes")
    args = parser.parse_args(argv)
    story = load_story(story_file(args.folder))
    missed = let_in = 0
    for item in load_labels(args.folder):
        if item.split != args.split:
            continue
        assert item.path is not None
        if not item.path.exists():
            raise SystemExit(f"{item.path} is missing: collect the pages first")
        article = read_page(item.path)
        score = judging.relevance(article, story)
        relevant = judging.is_relevant(score)
        mistake = relevant != item.on_story
        missed += mistake and item.on_story
        let_in += mistake and not item.on_story
        if mistake or args.all:
            what = "on-story " if item.on_story else "off-story"
            flag = ("  <- judged not relevant" if item.on_story else "  <- judged relevant"
                    ) if mistake else ""
            print(f"{item.id} {what} relevance {score:.3f}  {deciding_rule(article, story)}"
                  f"{flag}")
    print(f"{args.folder.name} [{args.split}]: {missed} on-story articles judged not relevant, "
          f"{let_in} off-story articles judged relevant")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
