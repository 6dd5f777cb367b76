"""Demo requests: one awaiting the rådmann's decision, one draft."""

from decimal import Decimal

from moskenes_social.people.models import Unit, User

from .models import AccountRequest
from .services import request_save_draft, request_submit

DEMO_ANSWERS = {
    "purpose": "Nå foreldre og elever med nyheter om arrangementer og prosjekter.",
    "target_groups": "Foreldre og elever ved skolen; de bruker Instagram mer enn nettsiden.",
    "channel_fit": "Bilder fra arrangementer passer Instagram.",
    "regulations_allow": "Ja, avklart med personalavdelingen.",
    "perception_and_focus": "Åpen og positiv; arrangementer og prosjekter.",
}


def seed_demo(*, users: dict[str, User], units: dict[str, Unit]) -> None:
    if AccountRequest.objects.filter(handle__in=["reineskole_ig", "kulturhuset"]).exists():
        return
    staff = users["kommunikasjon"]
    complete = request_save_draft(
        actor=staff,
        request=None,
        values={
            "unit": units["reine-skole"],
            "platform": "instagram",
            "name": "Reine skole på Instagram",
            "handle": "reineskole_ig",
            "url": "https://www.instagram.com/reineskole_ig/",
            "not_case_handling": True,
            "goals": "Flere foreldre på arrangementer.",
            "not_used_for": "Dialog om enkeltelever.",
            "responsible_leader": users["leder"],
            "follow_up_interval_days": 1,
            "hours_per_week": Decimal("2.0"),
            "mandate": "Rektor har delegert svar på vegne av skolen.",
            "contact_instance": "Reine skole",
            "contact_person": "Lise Leder",
            "contact_title": "Rektor",
            "contact_email": "leder@example.org",
            "homepage": "https://www.example.org/reine-skole",
            "web_pages_updated": True,
            "web_pages_note": "Oppdatert i august.",
            "reputation_checked": True,
            "reputation_note": "Søkt på nett, ingen spesielle funn.",
        },
        responders=[users["leder"], users["ansatt"]],
        answers=DEMO_ANSWERS,
    )
    request_submit(actor=staff, request=complete, acknowledged=True)
    request_save_draft(
        actor=staff,
        request=None,
        values={
            "unit": units["kultur-og-fritid"],
            "platform": "facebook",
            "name": "Kulturhuset",
            "handle": "kulturhuset",
        },
        responders=[],
        answers={},
    )
