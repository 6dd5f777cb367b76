"""The log's filter (GET ``/logg/`` and its CSV), driven by Hypothesis as someone editing
the address could: any text, any date, any page number. The page answers 200 (the rows, or
the filter's error in Norwegian), never a 5xx; the CSV answers 200 either way."""

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from moskenes_social.audit.services import event_record
from tests.conftest import Persona

from .test_forms import client_for, days, fields, numbers, typed

pytestmark = pytest.mark.django_db

actions = st.one_of(st.sampled_from(["", "accounts.account_suspended", "request.approved"]), typed)


@given(
    query=fields(
        fra=days,
        til=days,
        person=typed,
        handling=actions,
        konto=typed,
        sok=st.one_of(typed, st.just("x" * 5_000)),
        side=numbers,
    )
)
@example(query={"fra": "0001-01-01", "til": "9999-12-31"})
@example(query={"fra": "2026-02-30", "side": "1e309"})
@example(query={"sok": "\x00", "person": "\x00", "konto": "%_\\"})
@example(query={"fra": "2025-05-02", "til": "2025-05-01", "side": "-5"})
def test_no_filter_of_the_log_gives_a_server_error(radmann: Persona, query: dict[str, Any]) -> None:
    assert radmann.user is not None
    # Something to filter (rows accumulate over the examples: see conftest.py).
    event_record(actor=radmann.user, action="accounts.account_suspended", reason="Ferie")
    client = client_for(radmann.user)
    page = client.get("/logg/", query)
    assert page.status_code == 200, page.content[:500]
    export = client.get("/logg/logg.csv", query)
    assert export.status_code == 200
    if export.streaming:
        b"".join(export.streaming_content)  # type: ignore[attr-defined]
