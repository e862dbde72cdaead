"""One name normalisation for every join: staged matching, reported, never silent."""

import pytest

from dfslab import InputError
from dfslab.names import loose_key, match_names, name_key


@pytest.mark.parametrize("a,b", [
    ("Daniel Suárez", "Daniel Suarez"),
    ("Ricky Stenhouse Jr", "Ricky Stenhouse Jr."),
    ("A.J. Allmendinger", "AJ Allmendinger"),
    ("Shane van Gisbergen", "Shane Van Gisbergen"),
    ("John H. Nemechek", "John Hunter Nemechek"),
    ("Nicholas Sanchez", "Nick Sanchez"),
    ("Trey Hutchens III", "Trey Hutchens"),
    ("Cj McLaughlin", "CJ McLaughlin"),
])
def test_same_driver_same_key(a, b):
    assert name_key(a) == name_key(b)


def test_middle_initial_is_not_dropped_by_the_key():
    # the loop data has two different drivers "Austin Hill" (2019-) and "Austin J. Hill" (2025)
    assert name_key("Austin J. Hill") != name_key("Austin Hill")
    assert loose_key("Austin J. Hill") == loose_key("Austin Hill")


def test_staged_match_reports_how():
    m = match_names(["Austin J Hill", "Justin S Carroll", "Jason M. White", "Kyle Larson", "Nobody Here"],
                    ["Austin Hill", "Austin J. Hill", "Justin Carroll", "Jason White", "Jason A White", "Kyle Larson"],
                    target="history")
    assert m.matched_names == ["Austin J. Hill", "Justin Carroll", None, "Kyle Larson", None]
    assert m.how == ["normalized", "initials dropped", "unmatched", "exact", "unmatched"]
    # two history drivers reduce to "jason white": ambiguous, so unmatched and named
    assert m.unmatched == ["Jason M. White", "Nobody Here"]
    s = m.summary()
    assert "UNMATCHED: Jason M. White, Nobody Here" in s and "Justin S Carroll = Justin Carroll" in s
    with pytest.raises(InputError, match="Jason M. White"):
        m.require_all()
    assert "NameMatch" in m._repr_html_()


def test_two_slate_drivers_cannot_be_one_person():
    with pytest.raises(InputError, match="cannot be one person"):
        match_names(["John H. Nemechek", "John Hunter Nemechek"], ["John Hunter Nemechek"])
    with pytest.raises(InputError, match="cannot be one person"):
        match_names(["Bob Smith", "Robert Smith"], ["Bob Smith"], aliases={"robert smith": "bob smith"})


def test_repeated_names_are_an_error():
    with pytest.raises(InputError, match="more than once"):
        match_names(["A B", "A B"], ["A B"])


def test_two_spellings_of_one_candidate_collapse():
    m = match_names(["Ricky Stenhouse Jr"], ["Ricky Stenhouse Jr.", "Ricky Stenhouse Jr"])
    assert m.how == ["exact"]
    m = match_names(["Ricky Stenhouse"], ["Ricky Stenhouse Jr.", "Ricky Stenhouse Jr"])
    assert m.matched_names == ["Ricky Stenhouse Jr."]
