"""Search snippets: the query's lexemes, folding as the index folds, passages around the marked words,
and the record's text always escaped."""

from __future__ import annotations

from strom.hub.snippets import fold, query_lexemes, snippet


def test_the_lexemes_a_match_contains_leave_out_excluded_words_and_groups() -> None:
    assert query_lexemes("'forc' <-> 'labour' & !'children' | 'victim'") == ("forc", "labour", "victim")
    assert query_lexemes("'shelter' & !( 'riga' <-> 'citi' )") == ("shelter",)
    assert query_lexemes("( 'o''brien' ) | ( 'obrien' )") == ("o'brien", "obrien")
    assert query_lexemes("") == ()


def test_words_are_folded_as_the_index_folds_them() -> None:
    assert fold("Cilvēktirdzniecība") == "cilvektirdznieciba"
    assert fold("Łódź") == "lodz"
    assert fold("Straße") == "strasse"
    assert fold("Ёлка") == "елка"
    assert fold("Йошкар") == "йошкар"  # hub_unaccent keeps the short i


def test_a_word_from_the_stem_is_marked_and_an_excluded_or_other_word_is_not() -> None:
    made = str(snippet("Shelters help victims of trafficking; children are safe.", ("shelter", "traffick")))
    assert "<mark>Shelters</mark>" in made
    assert "<mark>trafficking</mark>" in made
    assert "<mark>children</mark>" not in made
    # A stemmer that changed the last letter still finds the word.
    assert "<mark>happy</mark>" in str(snippet("They were happy there.", ("happi",)))


def test_the_text_is_escaped_and_only_the_marks_are_html() -> None:
    made = str(snippet('<script>alert("x")</script> Shelter & "help"', ("shelter",)))
    assert "<script>" not in made
    assert "&lt;script&gt;" in made
    assert "<mark>Shelter</mark> &amp; &quot;help&quot;" in made


def test_a_long_text_gives_at_most_two_passages_around_the_words() -> None:
    filler = " ".join(f"word{n}" for n in range(200))
    text = f"start {filler} shelter {filler} shelter {filler} shelter end"
    made = str(snippet(text, ("shelter",)))
    assert made.count("<mark>shelter</mark>") == 2
    assert made.startswith("… ")
    assert made.endswith(" …")
    assert len(made.split()) < 60


def test_without_a_marked_word_the_start_of_the_text_is_shown() -> None:
    made = str(snippet("Training for municipal social workers in Riga.", ("polic",)))
    assert made == "Training for municipal social workers in Riga."
    assert str(snippet("", ("polic",))) == ""
