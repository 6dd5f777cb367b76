"""Strategies for what arrives from outside."""

import json
from typing import Any

from hypothesis import strategies as st

# Any text, surrogates and control characters (NUL) included: JSON can carry them all.
any_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
    st.text(st.characters(categories=["Cs", "Cc"]), min_size=1, max_size=5),
    st.sampled_from(["", " ", "\x00", "\ud800", "\udfff", "a\u0000b", "«»æøå", "9" * 300]),
)

# Times as an integration or Meta might send them, good and bad.
times = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.sampled_from(
        [
            "2026-11-25T09:30:00+01:00",
            "2026-11-25T08:30:00+0000",
            "2026-02-30T10:00:00+0000",
            "2026-11-25T09:30:00+25:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2003-12-31T23:59:59Z",
            "i går",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    any_text,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=12,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the value, sometimes anything JSON can hold in its place: so that a body
    with many fields is often whole enough to reach the code that stores it."""
    return st.one_of(strategy, strategy, strategy, strategy, strategy, json_values)


def encoded(value: Any) -> bytes:
    """JSON as a caller writes it: surrogates escaped (``\\ud800``), NaN allowed."""
    return json.dumps(value).encode()
