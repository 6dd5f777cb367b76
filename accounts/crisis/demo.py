"""Demo crisis: one past crisis with two versions of its official message.

No crisis is left active, or every demo user except the crisis team would be locked out.
The rows are written directly because they describe the past (the services stamp "now").
"""

from datetime import datetime

from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO

from .models import CrisisMessage, CrisisPeriod, CrisisStatus

DEMO_REASON = "Flom og stengt fylkesvei 93 etter ekstremvær."


def seed_demo(*, users: dict[str, User], units: dict[str, Unit]) -> None:
    if CrisisPeriod.objects.filter(reason=DEMO_REASON).exists():
        return
    leader, mayor = users["kriseleder"], users["ordforer"]
    started = datetime(2024, 2, 1, 7, 40, tzinfo=OSLO)
    crisis = CrisisPeriod.objects.create(
        status=CrisisStatus.ENDED,
        reason=DEMO_REASON,
        started_by=leader,
        started_at=started,
        ended_at=datetime(2024, 2, 2, 15, 0, tzinfo=OSLO),
        ended_by=mayor,
        summary=(
            "Veien ble åpnet igjen 2. februar. Kriseledelsen svarte på alle spørsmål i "
            "kommunens kanaler med det offisielle budskapet; ingen ansatte svarte på egen hånd."
        ),
        covers_all_accounts=True,
    )
    CrisisMessage.objects.create(
        crisis=crisis,
        version=1,
        text=(
            "Fylkesvei 93 er stengt ved Reine på grunn av flom. Følg kommunens nettside for "
            "oppdatert informasjon. Ring 113 ved fare for liv og helse."
        ),
        link="https://www.moskenes.kommune.no/",
        author=leader,
        created_at=started,
    )
    CrisisMessage.objects.create(
        crisis=crisis,
        version=2,
        text=(
            "Fylkesvei 93 er stengt ved Reine. Evakuerte beboere får husrom i "
            "Sørvågen skole; ta kontakt med servicetorget."
        ),
        link="https://www.moskenes.kommune.no/",
        author=mayor,
        created_at=datetime(2024, 2, 1, 12, 15, tzinfo=OSLO),
    )
