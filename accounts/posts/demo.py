"""Demo posts on the demo accounts, in every state: new and not triaged, overdue, triaged
and waiting, answered, closed without comment, removed as sensitive. Also a token and a
Facebook Page connection on the municipality's own page."""

from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings
from django.utils import timezone

from accounts.models import (
    Account,
    AccountStatus,
    IngestToken,
    Platform,
    Post,
    PostCategory,
    PostSource,
    PostStatus,
    ResponsibilityRole,
)
from accounts.selectors import account_owners
from moskenes_social.people.models import Unit, User

from .instagram import instagram_connect
from .outbox import connection_of
from .page_tasks import page_users_set
from .services import (
    account_facebook_page_set,
    ingest_token_create,
    platform_connect,
    post_answer,
    post_ingest,
    post_register,
    post_remove_sensitive,
    post_triage,
)

# The municipality's page in the demo; a webhook delivery for this id becomes a post.
DEMO_FACEBOOK_PAGE_ID = "100000000000001"


@dataclass(frozen=True)
class DemoPost:
    platform_id: str
    handle: str
    platform: Platform
    source: PostSource
    author: str
    text: str
    hours_ago: float
    # Who handles it, and how: "", "triage", "answer", "remove".
    actor: str = ""
    step: str = ""
    category: str = ""
    answer: str = ""


# The demo post the screening marks (not an ordinary one: the bench's false positives
# leave it out).
DEMO_SENSITIVE_ID = "demo-8"

DEMO_POSTS = [
    DemoPost(
        "demo-1",
        "moskeneskultur",
        Platform.INSTAGRAM,
        PostSource.INSTAGRAM,
        "Sara Solberg",
        "Når åpner svømmehallen igjen etter oppussingen?",
        hours_ago=1,
        actor="kommunikasjon",
    ),
    DemoPost(
        "demo-2",
        "moskeneskommune",
        Platform.FACEBOOK,
        PostSource.FACEBOOK,
        "Per Pedersen",
        "Veien til Hamnøy er ikke brøytet på tre dager. Dette er ikke godt nok!",
        # Days ago: past its deadline, so it is overdue and the reminder job picks it up.
        hours_ago=24 * 10,
        actor="kommunikasjon",
        step="triage",
        category=PostCategory.COMPLAINT,
    ),
    DemoPost(
        "demo-3",
        "reineskole",
        Platform.FACEBOOK,
        PostSource.API,
        "Hanne Hansen",
        "Nettsiden sier at skolen starter 19. august, men i brevet står det 18. Hva stemmer?",
        hours_ago=2,
        actor="ansatt",
        step="triage",
        category=PostCategory.FACTUAL_ERROR,
    ),
    DemoPost(
        "demo-4",
        "moskeneskommune",
        Platform.FACEBOOK,
        PostSource.FACEBOOK,
        "Kari Karlsen",
        "Hvor kan jeg levere søknad om parkeringstillatelse?",
        hours_ago=30,
        actor="kommunikasjon",
        step="answer",
        category=PostCategory.QUESTION,
        answer=(
            "Hei Kari! Søknaden sendes via skjemaet på kommunens nettside under «Parkering». "
            "Ta kontakt med servicetorget om du trenger hjelp."
        ),
    ),
    DemoPost(
        "demo-5",
        "moskeneskommune",
        Platform.FACEBOOK,
        PostSource.FACEBOOK,
        "Ukjent bruker",
        "Jeg har hørt at skolen i Sørvågen skal legges ned neste år?",
        hours_ago=20,
        actor="kommunikasjon",
        step="triage",
        category=PostCategory.RUMOURS,
    ),
    DemoPost(
        "demo-6",
        "reineskole",
        Platform.FACEBOOK,
        PostSource.MANUAL,
        "Navn fjernet",
        "Opplysninger om en elevs helse (fjernet).",
        hours_ago=5,
        actor="ansatt",
        step="remove",
    ),
    DemoPost(
        "demo-7",
        "moskeneskultur",
        Platform.INSTAGRAM,
        PostSource.MANUAL,
        "Ola Olsen",
        "Hvorfor kuttes det i kulturbudsjettet igjen?",
        hours_ago=3,
        actor="kommunikasjon",
        step="triage",
        category=PostCategory.REORGANISATION_ECONOMY_BUDGET,
    ),
    # Marked by the screening as it comes in: first in the inbox, masked, for a person to
    # decide. The number is valid only under the k1 rule of 2032, so it is no one's today.
    DemoPost(
        DEMO_SENSITIVE_ID,
        "moskeneskommune",
        Platform.FACEBOOK,
        PostSource.FACEBOOK,
        "Lise Larsen",
        "Datteren min har fått diagnosen autisme. Fødselsnummeret hennes er 15037910063, "
        "kan noen ringe meg om skoleskyss?",
        hours_ago=0.5,
        actor="kommunikasjon",
    ),
]


def seed_demo(*, users: dict[str, User], units: dict[str, Unit]) -> None:
    """Create the demo posts through the services; skip those that exist."""
    now = timezone.now()
    for spec in DEMO_POSTS:
        account = Account.objects.filter(platform=spec.platform, handle__iexact=spec.handle).first()
        if account is None or Post.objects.filter(platform_id=spec.platform_id).exists():
            continue
        posted_at = now - timedelta(hours=spec.hours_ago)
        actor = users[spec.actor]
        if spec.source == PostSource.MANUAL:
            post = post_register(
                actor=actor,
                account=account,
                author=spec.author,
                text=spec.text,
                url=account.url,
                posted_at=posted_at,
                platform_id=spec.platform_id,
            )
        else:
            post, _created = post_ingest(
                account=account,
                platform_id=spec.platform_id,
                author=spec.author,
                text=spec.text,
                url=account.url,
                posted_at=posted_at,
                source=spec.source,
            )
        if spec.step in ("triage", "answer"):
            post_triage(actor=actor, post=post, category=spec.category, expects_answer=True)
        if spec.step == "answer":
            post_answer(actor=actor, post=post, text=spec.answer, url=account.url)
        elif spec.step == "remove":
            post_remove_sensitive(actor=actor, post=post)

    own = Account.objects.filter(
        platform=Platform.FACEBOOK, handle__iexact="moskeneskommune"
    ).first()
    if own is not None:
        owner = users["radmann"]
        if not own.facebook_page_id:
            account_facebook_page_set(actor=owner, account=own, page_id=DEMO_FACEBOOK_PAGE_ID)
        if not IngestToken.objects.filter(account=own).exists():
            ingest_token_create(
                actor=owner, account=own, name=f"Publiseringsverktøy ({settings.MUNICIPALITY_NAME})"
            )


# The stand-in's Pages in `make run`: the municipality's (connected by the demo) and the
# school's (for the tour: its owner connects it with this token). Not secrets: the
# stand-in's, on loopback.
DEMO_PAGE_TOKEN = "EAAdemo-municipality"  # noqa: S105
SCHOOL_PAGE_ID = "100000000000042"
SCHOOL_PAGE_TOKEN = "EAAdemo-reine-skole"  # noqa: S105


def demo_standin_prepare(*, control_url: str, webhook_url: str) -> list[str]:
    """Give the Graph API stand-in (just started, empty) the demo's Pages and the comments
    the demo's Facebook posts are, point its webhooks at the app, and connect the
    municipality's account to its Page if it is not yet. Returns what it did, for the log."""
    done = []
    with httpx.Client(base_url=control_url.rstrip("/") + "/", timeout=5) as control:
        pages = [(DEMO_FACEBOOK_PAGE_ID, settings.MUNICIPALITY_NAME, DEMO_PAGE_TOKEN)]
        pages.append((SCHOOL_PAGE_ID, "Reine skole", SCHOOL_PAGE_TOKEN))
        for page_id, name, token in pages:
            control.post("pages", json={"id": page_id, "name": name, "token": token})
        control.post(
            "webhook", json={"url": webhook_url, "app_secret": settings.FACEBOOK_APP_SECRET}
        )
        own = Account.objects.filter(facebook_page_id=DEMO_FACEBOOK_PAGE_ID).first()
        if own is None:
            return ["no demo account on the demo page"]
        posts = Post.objects.filter(account=own, source=PostSource.FACEBOOK).exclude(
            status=PostStatus.REMOVED
        )
        for post in posts:
            control.post(
                "comments",
                json={
                    "page_id": DEMO_FACEBOOK_PAGE_ID,
                    "comment_id": post.platform_id,
                    "message": post.text,
                    "from_id": "7000000001",
                    "from_name": post.author or "Innbygger",
                    "webhook": False,
                },
            )
        done.append(f"{posts.count()} demo comment(s) on the stand-in's Page")
    if connection_of(own) is None:
        owners = account_owners(account=own)
        if owners:
            platform_connect(
                actor=owners[0],
                account=own,
                page_id=DEMO_FACEBOOK_PAGE_ID,
                token=DEMO_PAGE_TOKEN,
            )
            done.append(f"{own.name} connected to the stand-in's Page")
    done.append(_demo_page_users(control_url, own))
    done.append(_demo_instagram(control_url, webhook_url))
    return done


# The stand-in's Instagram account in `make run`: «Kultur og fritid» connected to it.
DEMO_INSTAGRAM_USER_ID = "17841400000000001"
DEMO_INSTAGRAM_TOKEN = "IGQVJdemo-kultur"  # noqa: S105 - the stand-in's, short-lived
DEMO_INSTAGRAM_CAPTIONS = (
    "Biblioteket har nye åpningstider i desember.",
    "Kulturkveld i Reine fredag: musikk, mat og fortellinger.",
)


def _demo_instagram(control_url: str, webhook_url: str) -> str:
    account = Account.objects.filter(
        handle="moskeneskultur", platform=Platform.INSTAGRAM, status=AccountStatus.ACTIVE
    ).first()
    if account is None:
        return "no demo Instagram account"
    instagram_webhook = webhook_url.replace("/webhook/facebook/", "/webhook/instagram/")
    with httpx.Client(base_url=control_url.rstrip("/") + "/", timeout=5) as control:
        control.post(
            "instagram_accounts",
            json={
                "id": DEMO_INSTAGRAM_USER_ID,
                "username": account.handle,
                "token": DEMO_INSTAGRAM_TOKEN,
            },
        )
        control.post(
            "instagram_webhook",
            json={"url": instagram_webhook, "app_secret": settings.INSTAGRAM_APP_SECRET},
        )
        # Posts to choose from when a crisis turns comments off; the comments go on the last.
        for caption in DEMO_INSTAGRAM_CAPTIONS:
            control.post(
                "instagram_media", json={"user_id": DEMO_INSTAGRAM_USER_ID, "caption": caption}
            )
        posts = Post.objects.filter(account=account, source=PostSource.INSTAGRAM).exclude(
            status=PostStatus.REMOVED
        )
        for post in posts:
            control.post(
                "instagram_comments",
                json={
                    "user_id": DEMO_INSTAGRAM_USER_ID,
                    "comment_id": post.platform_id,
                    "text": post.text,
                    "from_id": "7000000002",
                    "from_username": post.author or "innbygger",
                    "webhook": False,
                },
            )
    owners = account_owners(account=account)
    if not owners:
        return "the demo Instagram account has no owner"
    # The stand-in forgets its tokens when it stops: connect again at every start.
    instagram_connect(
        actor=owners[0],
        account=account,
        user_id=DEMO_INSTAGRAM_USER_ID,
        token=DEMO_INSTAGRAM_TOKEN,
    )
    return f"{account.name} connected to the stand-in's Instagram account"


DEMO_BUSINESS_ID = "900000000000001"
# The demo staff's business-scoped ids on the stand-in: this plus the user's id.
DEMO_SCOPED_ID_BASE = 8_000_000_000


def _demo_page_users(control_url: str, account: Account) -> str:
    """The people responsible for the demo account as business users of its Page (on the
    stand-in, and known to the app), so that a crisis in the tour locks them out there."""
    responsibilities = list(
        account.responsibilities.filter(ended_at__isnull=True).select_related("user")
    )
    people = {r.user: str(DEMO_SCOPED_ID_BASE + r.user.pk) for r in responsibilities}
    with httpx.Client(base_url=control_url.rstrip("/") + "/", timeout=5) as control:
        for user, scoped_id in people.items():
            control.post(
                "assigned_users",
                json={
                    "page_id": DEMO_FACEBOOK_PAGE_ID,
                    "user_id": scoped_id,
                    "name": str(user),
                    "tasks": ["CREATE_CONTENT", "MODERATE", "MESSAGING", "ANALYZE"],
                },
            )
    owner = next((r.user for r in responsibilities if r.role == ResponsibilityRole.OWNER), None)
    connection = connection_of(account)
    if owner is not None and connection is not None and not connection.business_id:
        page_users_set(
            actor=owner, account=account, business_id=DEMO_BUSINESS_ID, scoped_ids=people
        )
    return f"{len(people)} business user(s) on the stand-in's Page"
