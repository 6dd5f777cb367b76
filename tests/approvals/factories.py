"""Requests in a given state, built through the services as a requester would."""

from decimal import Decimal
from typing import Any

from approvals.models import AccountRequest
from approvals.services import request_save_draft, request_submit
from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from policy.selectors import policy_in_force
from tests.factories import make_user


# Every free-text question of the guideline in force gets an answer.
def complete_answers() -> dict[str, str]:
    return {q.key: f"Svar på {q.key}" for q in policy_in_force().registration_questions}


def complete_values(*, unit: Unit, leader: User, handle: str = "reineskole") -> dict[str, Any]:
    return {
        "unit": unit,
        "platform": "facebook",
        "name": "Reine skole",
        "handle": handle,
        "url": f"https://www.facebook.com/{handle}",
        "not_case_handling": True,
        "goals": "Flere foreldre på arrangementer.",
        "not_used_for": "Enkeltsaker.",
        "responsible_leader": leader,
        "follow_up_interval_days": 1,
        "hours_per_week": Decimal("2.5"),
        "mandate": "Delegert fra rektor.",
        "contact_instance": "Reine skole",
        "contact_person": "Lise Leder",
        "contact_title": "Rektor",
        "contact_email": "rektor@example.org",
        "homepage": "https://www.example.org/skole",
        "web_pages_updated": True,
        "web_pages_note": "Oppdatert.",
        "reputation_checked": True,
        "reputation_note": "Sjekket.",
    }


def make_responders(unit: Unit) -> list[User]:
    return [make_user(username=f"svarer{n}", unit=unit) for n in (1, 2)]


def make_draft(
    *, requester: User, unit: Unit, leader: User, handle: str = "reineskole", complete: bool = True
) -> AccountRequest:
    values = (
        complete_values(unit=unit, leader=leader, handle=handle)
        if complete
        else {
            "unit": unit,
            "platform": "facebook",
            "name": "Halvferdig",
            "handle": handle,
        }
    )
    return request_save_draft(
        actor=requester,
        request=None,
        values=values,
        responders=make_responders(unit) if complete else [],
        answers=complete_answers() if complete else {},
    )


def make_submitted(
    *, requester: User, unit: Unit, leader: User, handle: str = "reineskole"
) -> AccountRequest:
    draft = make_draft(requester=requester, unit=unit, leader=leader, handle=handle)
    return request_submit(actor=requester, request=draft, acknowledged=True)


__all__ = ["Role", "complete_answers", "make_draft", "make_submitted"]
