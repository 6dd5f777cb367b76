"""The demo data gives every guideline screen something to show, and can be seeded twice."""

import pytest

from moskenes_social.people.demo import demo_seed
from policy.models import Acknowledgement, GuidelineVersion, VersionStatus

pytestmark = pytest.mark.django_db


def test_demo_seed_makes_a_draft_and_some_acknowledgements_once() -> None:
    demo_seed()
    demo_seed()
    assert list(GuidelineVersion.objects.values_list("number", "status")) == [
        (2, VersionStatus.DRAFT),
        (1, VersionStatus.ADOPTED),
    ]
    draft = GuidelineVersion.objects.get(number=2)
    assert "opptrer" in draft.rules.get(code="1-felles-grunnlag").text
    assert draft.parameters["answer_deadline_working_hours"] == 6
    # kommunikasjon acknowledged by submitting the demo request (approvals.demo).
    assert set(Acknowledgement.objects.values_list("user__username", flat=True)) == {
        "ordforer",
        "kriseleder",
        "leder",
        "kommunikasjon",
    }
