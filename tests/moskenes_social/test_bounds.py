"""The window of accepted times and the ranges of typed numbers, at every way in: the
forms (a Norwegian message, what was typed kept), the database (constraints) and the
repair of rows stored before the bounds."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone as django_timezone

from accounts.models import Account, Post
from approvals.models import AccountRequest
from moskenes_social.bounds import EARLIEST, in_window, parse_aware_time
from moskenes_social.people.models import Unit
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.factories import make_user
from tests.posts.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T09:30:00+01:00", datetime(2026, 11, 25, 8, 30, tzinfo=UTC)),
        ("2026-11-25T08:30:00+0000", datetime(2026, 11, 25, 8, 30, tzinfo=UTC)),
        ("2026-11-25T08:30:00Z", datetime(2026, 11, 25, 8, 30, tzinfo=UTC)),
        ("2026-11-25T09:30:00", None),
        ("2026-02-30T10:00:00+0000", None),
        ("2026-11-25T09:30:00+25:00", None),
        ("2026-11-25T09:30:00\x00+01:00", None),
        ("i går", None),
        ("9" * 100, None),
        (1795595400, None),
        (None, None),
    ],
)
def test_only_a_real_time_with_an_offset_is_read(text: object, expected: datetime | None) -> None:
    assert parse_aware_time(text) == expected


def test_year_one_in_the_far_east_is_read_and_lies_outside_the_window() -> None:
    early = parse_aware_time("0001-01-01T00:00:00+14:00")
    assert early is not None and not in_window(early)
    assert in_window(EARLIEST) and not in_window(EARLIEST - timedelta(seconds=1))
    assert not in_window(django_timezone.now() + timedelta(minutes=6))
    late = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-14)))
    assert not in_window(late)


def test_the_database_refuses_a_post_written_before_2004_or_after_it_arrived(
    unit: Unit,
) -> None:
    account = make_account(unit=unit)
    post = make_post(account=account)
    for posted_at in (
        datetime(2003, 12, 31, 23, tzinfo=UTC),
        post.received_at + timedelta(hours=1),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Post.objects.filter(pk=post.pk).update(posted_at=posted_at)


def test_a_hand_registered_post_from_year_one_is_refused_in_norwegian(unit: Unit) -> None:
    from django.test import Client

    responder = make_user(username="svarer", unit=unit)
    account = make_account(unit=unit, owner=responder, responders=[responder])
    client = Client()
    client.force_login(responder)
    for typed in ("0001-01-01T00:00", "2003-12-31T23:59"):
        response = client.post(
            "/innlegg/registrer/",
            {"account": account.pk, "author": "Kari", "text": "Hei du", "posted_at": typed},
        )
        assert response.status_code == 200
        assert "Tidspunktet kan ikke være før 1. januar 2004." in response.text
        # What was typed is kept.
        assert "Hei du" in response.text and f'value="{typed}"' in response.text
    assert not Post.objects.exists()
    assert client.get("/innlegg/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Verdien må være større enn eller lik 1."),
        ("-5", "Verdien må være større enn eller lik 1."),
        ("61", "Verdien må være mindre enn eller lik 60."),
        ("99999999999", "Verdien må være mindre enn eller lik 60."),
    ],
)
def test_the_follow_up_interval_of_an_account_has_a_range(
    personas: dict[str, Persona], unit: Unit, typed: str, message: str
) -> None:
    account = make_account(unit=unit, owner=personas["leder"].user, name="Reine skole")
    response = personas["leder"].client.post(
        f"/kontoer/{account.pk}/endre/",
        {"name": "Reine skole endret", "follow_up_interval_days": typed},
    )
    assert response.status_code == 200 and message in response.text
    assert "Begrensning" not in response.text and "Reine skole endret" in response.text
    account.refresh_from_db()
    assert account.follow_up_interval_days == 1 and account.name == "Reine skole"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0.5", "Verdien må være større enn eller lik 1."),
        ("120.5", "Verdien må være mindre enn eller lik 120."),
    ],
)
def test_the_answering_deadline_of_an_account_has_a_range(
    personas: dict[str, Persona], unit: Unit, typed: str, message: str
) -> None:
    account = make_account(unit=unit, owner=personas["leder"].user, name="Reine skole")
    response = personas["leder"].client.post(
        f"/kontoer/{account.pk}/endre/",
        {
            "name": "Reine skole",
            "follow_up_interval_days": 1,
            "answer_deadline_working_hours": typed,
        },
    )
    assert response.status_code == 200 and message in response.text


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("hours_per_week", "-5", "Verdien må være større enn eller lik 1."),
        ("hours_per_week", "41", "Verdien må være mindre enn eller lik 40."),
        ("follow_up_interval_days", "0", "Verdien må være større enn eller lik 1."),
        ("follow_up_interval_days", "99999999999", "Verdien må være mindre enn eller lik 60."),
    ],
)
def test_the_numbers_of_a_request_have_ranges(
    personas: dict[str, Persona], field: str, typed: str, message: str
) -> None:
    client = personas["kommunikasjon"].client
    for button in ("save", "submit"):
        response = client.post("/soknader/ny/", {"name": "Skolen", field: typed, button: "1"})
        assert response.status_code == 200 and message in response.text
        assert "Skolen" in response.text
    assert not AccountRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("follow_up_interval_days", 0),
        ("follow_up_interval_days", 61),
        ("answer_deadline_working_hours", Decimal("0")),
        ("answer_deadline_working_hours", Decimal("120.01")),
    ],
)
def test_the_database_holds_the_ranges_of_an_account(unit: Unit, field: str, value: object) -> None:
    account = make_account(unit=unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(**{field: value})


def test_the_migration_repairs_rows_stored_outside_the_bounds(unit: Unit) -> None:
    """As migration 0006 meets a database from before it: the constraints are dropped in
    this test's transaction (rolled back after it), bad rows written, the repair run."""
    from importlib import import_module

    repair = import_module("accounts.migrations.0006_bounds").repair
    account = make_account(unit=unit)
    post = make_post(account=account)
    received, due = post.received_at, post.due_at
    with connection.cursor() as cursor:
        # The foreign keys' deferred checks would forbid ALTER TABLE in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name in [
            ("accounts_post", "posts_posted_at_in_window"),
            ("accounts_account", "accounts_follow_up_interval_range"),
            ("accounts_account", "accounts_answer_deadline_range"),
        ]:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")  # noqa: S608
    year_zero = datetime(1, 1, 1, tzinfo=UTC)
    Post.objects.filter(pk=post.pk).update(
        posted_at=year_zero, due_at=year_zero + timedelta(days=1)
    )
    Account.objects.filter(pk=account.pk).update(
        follow_up_interval_days=30_000, answer_deadline_working_hours=Decimal("-5")
    )
    repair(apps, None)
    post.refresh_from_db()
    account.refresh_from_db()
    assert post.posted_at == received and post.due_at == received + timedelta(days=1)
    assert post.due_at != due or due == received + timedelta(days=1)
    assert account.follow_up_interval_days == 60 and account.answer_deadline_working_hours is None


def test_the_database_refuses_a_guideline_version_dated_before_2004(
    personas: dict[str, Persona],
) -> None:
    from datetime import date

    from policy.models import GuidelineVersion
    from tests.policy.factories import make_draft

    radmann = personas["radmann"].user
    assert radmann is not None
    draft = make_draft(actor=radmann)
    for field in ("adopted_on", "effective_from"):
        with pytest.raises(IntegrityError), transaction.atomic():
            GuidelineVersion.objects.filter(pk=draft.pk).update(**{field: date(2003, 12, 31)})
