"""An adopted version and its rules never change: services (see test_services), the model,
and on PostgreSQL the database itself refuse."""

from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from moskenes_social.people.models import User
from policy.errors import ImmutableError
from policy.models import GuidelineVersion, Rule, VersionStatus
from tests.conftest import Persona, skip_or_fail

from .factories import in_force, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def radmann_user(personas: dict[str, Persona]) -> User:
    user = personas["radmann"].user
    assert user is not None
    return user


# --- the model ------------------------------------------------------------------------


def test_model_refuses_to_save_an_adopted_version() -> None:
    version = in_force()
    version.change_summary = "Omskrevet."
    with pytest.raises(ImmutableError):
        version.save(update_fields=["change_summary"])
    with pytest.raises(ImmutableError):
        version.delete()


def test_model_refuses_to_save_or_delete_a_rule_of_an_adopted_version() -> None:
    rule = in_force().rules.get(code="2-svar-snarest")
    rule.text = "Svar når det passer."
    with pytest.raises(ImmutableError):
        rule.save(update_fields=["text"])
    with pytest.raises(ImmutableError):
        rule.delete()
    with pytest.raises(ImmutableError):
        Rule.objects.create(
            version=in_force(),
            code="ny",
            section="1",
            section_title="X",
            title="Ny",
            text="Ny regel.",
            category="principle",
            order=999,
        )


def test_model_allows_editing_a_draft(radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    rule = draft.rules.get(code="2-svar-snarest")
    rule.title = "Svar raskt"
    rule.save(update_fields=["title"])
    draft.parameters = {**draft.parameters}
    draft.save(update_fields=["parameters"])


# --- the database (PostgreSQL) --------------------------------------------------------


@pytest.fixture
def postgresql() -> Iterator[None]:
    if connection.vendor != "postgresql":
        skip_or_fail("the immutability triggers exist on PostgreSQL only")
    yield


def _refused(action: object) -> None:
    with pytest.raises(DatabaseError, match="refused"), transaction.atomic():
        action()  # type: ignore[operator]


def test_trigger_refuses_update_and_delete_of_an_adopted_version(postgresql: None) -> None:
    versions = GuidelineVersion.objects.filter(number=1)
    _refused(lambda: versions.update(change_summary="Omskrevet."))
    _refused(lambda: versions.update(status=VersionStatus.DRAFT))
    _refused(lambda: versions.update(status=VersionStatus.SUPERSEDED, adopted_by="Noen andre"))
    _refused(lambda: versions.delete())
    assert versions.get().change_summary.startswith("Første versjon")


def test_trigger_refuses_update_and_delete_of_rules_of_an_adopted_version(
    postgresql: None,
) -> None:
    rules = Rule.objects.filter(version__number=1, code="2-svar-snarest")
    _refused(lambda: rules.update(text="Svar når det passer."))
    _refused(lambda: rules.update(order=9999))
    _refused(lambda: rules.delete())
    with connection.cursor() as cursor:
        _refused(lambda: cursor.execute("DELETE FROM policy_rule"))


def test_trigger_allows_only_adopted_to_superseded(postgresql: None) -> None:
    versions = GuidelineVersion.objects.filter(number=1)
    assert versions.update(status=VersionStatus.SUPERSEDED) == 1
    # Superseded is final.
    _refused(lambda: versions.update(status=VersionStatus.ADOPTED))
    _refused(lambda: versions.update(change_summary="Endret i ettertid."))


def test_trigger_allows_changes_to_a_draft(postgresql: None, radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    assert Rule.objects.filter(version=draft, code="2-svar-snarest").update(title="Ny") == 1
    assert GuidelineVersion.objects.filter(pk=draft.pk).update(parameters={}) == 1
    assert Rule.objects.filter(version=draft).delete()[0] == 44


def test_trigger_refuses_changes_to_a_discarded_draft(postgresql: None, radmann_user: User) -> None:
    draft = make_draft(actor=radmann_user)
    GuidelineVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.DISCARDED)
    _refused(lambda: Rule.objects.filter(version=draft).update(title="Ny"))
    _refused(lambda: GuidelineVersion.objects.filter(pk=draft.pk).update(status="draft"))


def _truncate_refused(statement: str) -> None:
    """``statement`` in a session without the test database's TRUNCATE exception."""
    with (
        pytest.raises(DatabaseError, match="refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL moskenes.allow_truncate = 'off'")
        cursor.execute(statement)


def test_trigger_refuses_truncate_of_adopted_versions_and_their_rules(postgresql: None) -> None:
    _truncate_refused("TRUNCATE policy_rule")
    _truncate_refused("TRUNCATE policy_guidelineversion CASCADE")
    _truncate_refused("TRUNCATE policy_guideline CASCADE")
    assert GuidelineVersion.objects.filter(number=1).exists()
    assert Rule.objects.filter(version__number=1).count() == 44
