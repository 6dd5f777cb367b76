"""Demo crisis: one past crisis with two versions of its official message, and the posts
it handled on the municipality's Facebook page (two answered with the official message,
one with the crisis team's own words).

No crisis is left active, or every demo user except the crisis team would be locked out.
The rows are written directly because they describe the past (the services stamp "now").
"""

from datetime import datetime, timedelta

from accounts.models import (
    Account,
    CrisisMessage,
    CrisisPeriod,
    CrisisStatus,
    Platform,
    Post,
    PostCategory,
    PostSource,
    PostStatus,
)
from accounts.posts.services import post_due_at
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO
from policy.selectors import policy_in_force

from .selectors import official_answer_text

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
    first = CrisisMessage.objects.create(
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
    second = CrisisMessage.objects.create(
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
    page = Account.objects.filter(platform=Platform.FACEBOOK, handle="moskeneskommune").first()
    if page is None:
        return
    # (text, received, handled by, answer: a message version or the team's own words)
    handled: list[tuple[str, datetime, User, CrisisMessage | str]] = [
        ("Er veien til Reine stengt nå?", datetime(2024, 2, 1, 8, 5, tzinfo=OSLO), leader, first),
        (
            "Hvor skal vi som er evakuert sove i natt?",
            datetime(2024, 2, 1, 12, 40, tzinfo=OSLO),
            mayor,
            "Evakuerte får husrom i Sørvågen skole. Ta med legemidler og det viktigste.",
        ),
        ("Når åpner veien igjen?", datetime(2024, 2, 1, 13, 10, tzinfo=OSLO), leader, second),
    ]
    policy = policy_in_force()
    for n, (text, received, by, answer) in enumerate(handled, start=1):
        Post.objects.create(
            account=page,
            source=PostSource.FACEBOOK,
            platform_id=f"demo-krise-{n}",
            author=["Ola Olsen", "Kari Hansen", "Per Pettersen"][n - 1],
            text=text,
            posted_at=received,
            received_at=received,
            category=PostCategory.QUESTION,
            triaged_at=received,
            triaged_by=by,
            due_at=post_due_at(account=page, start=received, policy=policy),
            status=PostStatus.ANSWERED,
            answered_at=received + timedelta(minutes=25 * n),
            answered_by=by,
            answer_text=(
                official_answer_text(message=answer)
                if isinstance(answer, CrisisMessage)
                else answer
            ),
        )
