"""Demo data: some staff have read version 1; the rådmann has a draft that fixes typos."""

from moskenes_social.people.models import Unit, User

from .models import GuidelineVersion
from .selectors import version_in_force
from .services import (
    acknowledgement_create,
    rule_change,
    version_draft_create,
    version_parameters_update,
)

# Typos of the adopted text that a later version may correct: (rule code, old, new).
TYPO_FIXES = [
    ("1-felles-grunnlag", "opptretr", "opptrer"),
    ("3-respekt-og-hoflighet", "mediekanaalen", "mediekanalen"),
    ("3-bruk-skjonn", "mediekanaaler", "mediekanaler"),
]


def seed_demo(*, users: dict[str, User], units: dict[str, Unit]) -> None:
    """Idempotent: acknowledgements are get-or-create; the draft is made only once."""
    version = version_in_force()
    if version is None:
        return
    for username in ("ordforer", "kriseleder", "leder"):
        acknowledgement_create(user=users[username], version=version)
    if GuidelineVersion.objects.filter(guideline=version.guideline).exclude(pk=version.pk).exists():
        return
    radmann = users["radmann"]
    draft = version_draft_create(actor=radmann, source=version)
    for code, old, new in TYPO_FIXES:
        rule = draft.rules.get(code=code)
        rule_change(
            actor=radmann,
            rule=rule,
            section=rule.section,
            section_title=rule.section_title,
            heading=rule.heading,
            title=rule.title,
            text=rule.text.replace(old, new),
            category=rule.category,
            parameters=rule.parameters,
        )
    version_parameters_update(
        actor=radmann,
        version=draft,
        parameters={**draft.parameters, "answer_deadline_working_hours": 6},
    )
