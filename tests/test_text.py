"""The text module's variants. The stance model's is frozen with the shipped model: a change to
its stop list or stemmer changes the features, and the model no longer reproduces."""

from __future__ import annotations

import hashlib
import json

from pipeline.judging.text import (
    MODEL_STOP_WORDS,
    MODEL_TEXT_VERSION,
    development_terms,
    fold,
    plain_words,
    split_sentences,
    token_spans,
    tokenize,
)

# sha256 of the model's stop words, sorted and joined by spaces, as trained.
MODEL_STOP_WORDS_SHA256 = "f443815bdda2cd74cd164e16aec162305abaed49f176ea1752f9c7b1ce58004c"


def test_model_stop_words_are_those_the_model_was_trained_with() -> None:
    digest = hashlib.sha256(" ".join(sorted(MODEL_STOP_WORDS)).encode()).hexdigest()
    assert digest == MODEL_STOP_WORDS_SHA256


# What the model's variant makes of SAMPLE (folded text, sentences, tokens; JSON, sorted keys),
# as sha256, per MODEL_TEXT_VERSION. A trained model records the version and loading checks it:
# a change to these outputs under the same version would let the shipped model load and compute
# other features than it was trained on.
MODEL_TEXT_SHA256 = {1: "2a8926978a857a3445b167c14c2b9bf0bb2279d60460e275ec87f98be21735c4"}
SAMPLE = ("Mr. Smith’s aides denied on Jan. 5 that the U.S. Army paid $1.5 billion. \"It isn't "
          "done,\" he said! Was it? Officials studied the studies; boxes, buses and classes "
          "passed.\nA new paragraph: J. K. Rowling wasn`t there at 3.14 p.m. today")


def test_model_text_changes_only_with_its_version() -> None:
    out = {"fold": fold(SAMPLE), "sentences": split_sentences(SAMPLE),
           "tokens": tokenize(SAMPLE)}
    digest = hashlib.sha256(json.dumps(out, sort_keys=True).encode()).hexdigest()
    assert digest == MODEL_TEXT_SHA256.get(MODEL_TEXT_VERSION), (
        "the model's text variant cuts text differently: bump MODEL_TEXT_VERSION, pin the new "
        "digest here, retrain the shipped model (`claimwatch train fnc1`)")


def test_model_tokens_fold_apostrophes_and_strip_light_suffixes() -> None:
    text = "The Pentagon’s officials denied reports it hasn't cancelled the contracts."
    assert tokenize(text) == ["the", "pentagon's", "official", "deny", "report", "it", "hasn't",
                              "cancell", "the", "contract"]
    assert [t for t, _ in token_spans(text)] == tokenize(text)
    assert token_spans(text)[1] == ("pentagon's", 4)


def test_development_terms_strip_more_and_split_hyphens() -> None:
    assert development_terms("Hegseth designated Anthropic a supply-chain risk on Monday") == {
        "anthropic", "chain", "design", "hegseth", "risk", "supp", "supply-chain"}



def test_development_terms_leave_out_years_and_dates_but_keep_figures() -> None:
    # Two reports a week apart shared "2025" and "2025-12-02" and were read as one event.
    assert development_terms("2025-12-02 The toll rose to 151 in a fire since 1948") == {
        "toll", "rose", "151", "fire"}


def test_development_terms_leave_out_the_framing_follow_ups_repeat() -> None:
    # An election report and an arrests report shared "worst ... nearly" and were one event.
    assert development_terms("the city's worst fire in nearly 80 years") == {"city", "fire"}
    assert development_terms("the deadliest blaze in decades, almost a century") == {"blaze"}


def test_plain_words_are_unstemmed() -> None:
    assert plain_words("Pentagon’s 200 million-dollar deals") == [
        "pentagon", "s", "200", "million", "dollar", "deals"]
