"""The filters of ``moskenes_social.formats`` give Django's text: every choice of every
field of the project's models, every month in each date format, both sides of a change to
and from summer time, another time zone and another language."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import models
from django.template import engines
from django.utils import timezone, translation

from moskenes_social.formats import choice_label, date_long, datetime_long, datetime_short

FORMATS = [
    (datetime_long, "j. F Y H:i"),
    (date_long, "j. F Y"),
    (datetime_short, "j. N H:i"),
]


def _django(value: object, fmt: str) -> str:
    return (
        engines["django"].from_string("{{ value|date:fmt }}").render({"value": value, "fmt": fmt})
    )


def _ours(value: object, name: str) -> str:
    return engines["django"].from_string(f"{{{{ value|{name} }}}}").render({"value": value})


def _fields_with_choices() -> list[tuple[type[models.Model], models.Field]]:  # type: ignore[type-arg]
    project = {"people", "audit", "notifications", "policy", "accounts", "approvals"}
    return [
        (model, field)
        for model in apps.get_models()
        if model._meta.app_label in project
        for field in model._meta.concrete_fields
        if field.choices
    ]


def test_the_models_have_fields_with_choices() -> None:
    # Guards the test below against checking nothing.
    assert len(_fields_with_choices()) >= 10


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_choice_label_is_djangos(language: str) -> None:
    with translation.override(language):
        for model, field in _fields_with_choices():
            for value, _label in field.flatchoices:
                obj = model(**{field.attname: value})
                expected = getattr(obj, f"get_{field.name}_display")()
                assert choice_label(obj, field.name) == expected, (model, field.name, value)
            obj = model(**{field.attname: "not-a-choice"})
            assert choice_label(obj, field.name) == "not-a-choice"


def test_a_label_follows_the_active_language() -> None:
    from accounts.models import Account, AccountStatus

    account = Account(status=AccountStatus.SUSPENDED)
    with translation.override("en"):
        assert choice_label(account, "status") == "Suspended"
    with translation.override("nb"):
        assert choice_label(account, "status") == account.get_status_display() != "Suspended"


def test_the_filter_escapes_a_label() -> None:
    from accounts.models import Account

    rendered = engines["django"].from_string('{{ a|choice_label:"platform" }}')
    assert rendered.render({"a": Account(platform="<b>")}) == "&lt;b&gt;"


def _moments() -> list[datetime]:
    oslo = ZoneInfo("Europe/Oslo")
    moments = [
        datetime(2026, month, day, 3, 7, tzinfo=UTC) for month in range(1, 13) for day in (1, 28)
    ]
    # Around the changes to and from summer time in Oslo (29 March and 25 October 2026).
    for start in (
        datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
    ):
        moments += [start + timedelta(minutes=15 * i) for i in range(12)]
    # The last minute of a year in Oslo is the next year in UTC, and the other way round.
    moments += [
        datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2026, 12, 31, 22, 59, tzinfo=oslo),
    ]
    return moments


@pytest.mark.parametrize(("ours", "fmt"), FORMATS)
@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("zone", ["Europe/Oslo", "America/New_York"])
def test_every_date_format_is_djangos(ours: object, fmt: str, language: str, zone: str) -> None:
    name = ours.__name__  # type: ignore[attr-defined]
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        for moment in _moments():
            assert _ours(moment, name) == _django(moment, fmt), (moment, fmt)
            naive = moment.replace(tzinfo=None)
            assert _ours(naive, name) == _django(naive, fmt)
        assert _ours(None, name) == _django(None, fmt) == ""
        assert _ours("", name) == _django("", fmt) == ""
        if fmt == "j. F Y":
            assert _ours(date(2026, 5, 17), name) == _django(date(2026, 5, 17), fmt)


def test_the_norwegian_text() -> None:
    moment = datetime(2026, 11, 27, 7, 51, tzinfo=UTC)
    with translation.override("nb"), timezone.override(ZoneInfo("Europe/Oslo")):
        assert datetime_long(moment) == "27. november 2026 08:51"
        assert date_long(moment) == "27. november 2026"
        assert datetime_short(moment) == "27. nov. 08:51"
        assert datetime_short(datetime(2026, 12, 2, 4, 38, tzinfo=UTC)) == "2. des. 05:38"
        assert datetime_short(datetime(2026, 5, 17, 10, 0, tzinfo=UTC)) == "17. mai 12:00"
