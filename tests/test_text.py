"""The text module's variants. The stance model's is frozen with the shipped model: a change to
its stop list or stemmer changes the features, and the model no longer reproduces."""

from __future__ import annotations

import hashlib

from pipeline.judging.text import (
    MODEL_STOP_WORDS,
    development_terms,
    plain_words,
    token_spans,
    tokenize,
)

# sha256 of the model's stop words, sorted and joined by spaces, as trained.
MODEL_STOP_WORDS_SHA256 = "f443815bdda2cd74cd164e16aec162305abaed49f176ea1752f9c7b1ce58004c"


def test_model_stop_words_are_those_the_model_was_trained_with() -> None:
    digest = hashlib.sha256(" ".join(sorted(MODEL_STOP_WORDS)).encode()).hexdigest()
    assert digest == MODEL_STOP_WORDS_SHA256


def test_model_tokens_fold_apostrophes_and_strip_light_suffixes() -> None:
    text = "The Pentagon’s officials denied reports it hasn't cancelled the contracts."
    assert tokenize(text) == ["the", "pentagon's", "official", "deny", "report", "it", "hasn't",
                              "cancell", "the", "contract"]
    assert [t for t, _ in token_spans(text)] == tokenize(text)
    assert token_spans(text)[1] == ("pentagon's", 4)


def test_development_terms_strip_more_and_split_hyphens() -> None:
    assert development_terms("Hegseth designated Anthropic a supply-chain risk on Monday") == {
        "anthropic", "chain", "design", "hegseth", "risk", "supp", "supply-chain"}


def test_plain_words_are_unstemmed() -> None:
    assert plain_words("Pentagon’s 200 million-dollar deals") == [
        "pentagon", "s", "200", "million", "dollar", "deals"]
