"""Post pages: the inbox (filters, order, overdue marks, pinned query count), a post's
page, the forms that handle it, and the integrations on the account page."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import (
    Account,
    AccountStatus,
    IngestToken,
    Platform,
    Post,
    PostCategory,
    PostStatus,
)
from accounts.posts.forms import INBOX_ACCOUNT_SELECT_LIMIT
from accounts.posts.selectors import ingest_token_find
from moskenes_social.pagination import CappedPaginator
from moskenes_social.people.models import User
from moskenes_social.worktime import OSLO
from standins.meta_graph import GraphStandIn
from tests.accounts.factories import make_account
from tests.crisis.factories import make_crisis
from tests.factories import make_user

from .factories import make_post, make_token

pytestmark = pytest.mark.django_db

AssertQueries = Callable[[int], AbstractContextManager[Any]]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def oslo(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=OSLO)


# --- The inbox ------------------------------------------------------------------------------


def test_inbox_lists_open_posts_most_urgent_first_with_overdue_marked(
    account: Account, people: dict[str, User]
) -> None:
    with time_machine.travel(oslo(25, 10), tick=False):
        make_post(account=account, text="Nytt spørsmål", posted_at=oslo(25, 9))
        make_post(account=account, text="Gammelt spørsmål", posted_at=oslo(20, 9))
        make_post(account=account, text="Besvart spørsmål", status=PostStatus.ANSWERED)
        other = make_account(unit=account.unit, name="Annen konto")
        make_post(account=other, text="Ikke mitt")
        text = client_for(people["svarer1"]).get("/innlegg/").text
    assert text.index("Gammelt spørsmål") < text.index("Nytt spørsmål")
    assert "Besvart spørsmål" not in text and "Ikke mitt" not in text
    assert text.count("Forfalt") == 1
    assert "2 innlegg: venter på svar" in text


def test_inbox_filters_by_account_category_and_status(
    account: Account, people: dict[str, User]
) -> None:
    other = make_account(
        unit=account.unit, name="Skolens Instagram", responders=[people["svarer1"]]
    )
    make_post(account=account, text="Klage på maten", category=PostCategory.COMPLAINT)
    make_post(account=other, text="Spørsmål om ferie")
    make_post(account=account, text="Gammelt svar", status=PostStatus.ANSWERED)
    client = client_for(people["svarer1"])
    text = client.get("/innlegg/", {"konto": other.pk}).text
    assert "Spørsmål om ferie" in text and "Klage på maten" not in text
    text = client.get("/innlegg/", {"kategori": "complaint"}).text
    assert "Klage på maten" in text and "Spørsmål om ferie" not in text
    text = client.get("/innlegg/", {"kategori": "untriaged"}).text
    assert "Spørsmål om ferie" in text and "Klage på maten" not in text
    text = client.get("/innlegg/", {"status": "answered"}).text
    assert "Gammelt svar" in text and "Klage på maten" not in text
    text = client.get("/innlegg/", {"kategori": "rumours"}).text
    assert "Ingen innlegg passer til filteret." in text
    # An account the user may not see is not a choice.
    foreign = make_account(unit=account.unit, name="Fremmed")
    response = client.get("/innlegg/", {"konto": foreign.pk})
    assert 'id="form-errors"' not in response.text and "Fremmed" not in response.text


def test_inbox_empty_states(account: Account, people: dict[str, User]) -> None:
    text = client_for(people["svarer1"]).get("/innlegg/").text
    assert "Ingen innlegg venter på svar." in text
    assert "Registrer et innlegg" in text
    text = client_for(people["utenforstaende"]).get("/innlegg/").text
    assert "Du har ikke ansvar for noen konto" in text
    assert "Registrer et innlegg" not in text


def test_overview_roles_see_every_account(account: Account, personas: Any) -> None:
    make_post(account=account, text="Synlig for rådmannen")
    text = personas["radmann"].client.get("/innlegg/").text
    assert "Synlig for rådmannen" in text


def test_no_inbox_shows_the_posts_of_a_closed_account(
    account: Account, people: dict[str, User], personas: Any
) -> None:
    """Those who see every account (the rådmann) and those responsible alike: a post left
    open on an account since closed is in nobody's inbox, nor in its count."""
    make_post(account=account, text="Åpen på en aktiv konto")
    closed = make_account(
        responders=[people["svarer1"]], status=AccountStatus.CLOSED, closed_at=timezone.now()
    )
    make_post(account=closed, text="Åpen på en nedlagt konto")
    for client in (personas["radmann"].client, client_for(people["svarer1"])):
        text = client.get("/innlegg/").text
        assert "Åpen på en aktiv konto" in text
        assert "Åpen på en nedlagt konto" not in text
        assert "1 innlegg: venter på svar" in text


def test_inbox_offers_a_search_instead_of_a_select_when_the_user_sees_many_accounts(
    account: Account, personas: Any
) -> None:
    """The rådmann sees every account (10,000 at national scale): the account filter is a
    search by name, and a link to one account's posts fills the search box with its name."""
    client = personas["radmann"].client
    text = client.get("/innlegg/").text
    assert 'name="konto"' in text and 'name="sok"' not in text
    registrar = personas["radmann"].user
    for n in range(INBOX_ACCOUNT_SELECT_LIMIT):
        make_account(unit=account.unit, name=f"Konto {n:02d}", created_by=registrar)
    skolen = make_account(unit=account.unit, name="Skolens Instagram", created_by=registrar)
    make_post(account=account, text="Klage på maten")
    make_post(account=skolen, text="Spørsmål om ferie")
    response = client.get("/innlegg/")
    text = response.text
    assert 'name="konto"' not in text
    assert '<input type="search" name="sok"' in text
    assert "Hele eller en del av kontoens navn." in text
    assert "Klage på maten" in text and "Spørsmål om ferie" in text

    text = client.get("/innlegg/", {"sok": "  skolens "}).text
    assert "Spørsmål om ferie" in text and "Klage på maten" not in text
    text = client.get("/innlegg/", {"sok": "ingen slik konto"}).text
    assert "Ingen innlegg passer til filteret." in text

    # The account page's link to its posts.
    text = client.get("/innlegg/", {"konto": skolen.pk}).text
    assert "Spørsmål om ferie" in text and "Klage på maten" not in text
    assert 'value="Skolens Instagram"' in text


def test_a_long_inbox_is_counted_up_to_a_cap_and_says_so(
    account: Account, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CappedPaginator, "DEFAULT_CAP", 3)
    for n in range(4):
        make_post(account=account, text=f"Spørsmål {n}")
    text = client_for(people["svarer1"]).get("/innlegg/").text
    assert "Mer enn 3 innlegg: venter på svar. De 3 første vises; filteret snevrer inn" in text
    assert text.count('<th scope="row">') == 3


def test_inbox_query_count_is_pinned_and_does_not_grow(
    account: Account, people: dict[str, User], django_assert_max_num_queries: AssertQueries
) -> None:
    client = client_for(people["svarer1"])
    make_post(account=account)
    few = _queries(client, "/innlegg/")
    for n in range(40):
        target = (
            account if n % 2 else make_account(unit=account.unit, responders=[people["svarer1"]])
        )
        make_post(account=target, category=PostCategory.QUESTION)
    assert _queries(client, "/innlegg/") == few
    # The filter's accounts are read once (at most 51 of them), whether they become a select
    # or a search (the crisis banner and the block of possibly sensitive posts are two of
    # the ten).
    with django_assert_max_num_queries(10):
        response = client.get("/innlegg/")
    assert response.text.count('<th scope="row">') == 25
    assert "?side=2" in response.text


# --- A post's page and its forms -----------------------------------------------------------


def test_post_page_shows_the_post_and_what_to_do(account: Account, people: dict[str, User]) -> None:
    post = make_post(
        account=account,
        text="Maten er kald hver dag!",
        author="Misfornøyd forelder",
        category=PostCategory.COMPLAINT,
    )
    text = client_for(people["svarer1"]).get(f"/innlegg/{post.pk}/").text
    assert "Maten er kald hver dag!" in text and "Misfornøyd forelder" in text
    assert "Registrer svaret" in text and "Lukk uten svar" in text
    assert "En klage eller en faktafeil besvares alltid." in text
    # The unit's leader sees it; the rådmann sees it but gets no buttons.
    text = client_for(people["eier"]).get(f"/innlegg/{post.pk}/").text
    assert "Registrer svaret" in text


def test_triage_answer_and_reopen_through_the_forms(
    account: Account, people: dict[str, User]
) -> None:
    post = make_post(account=account, text="Når er det foreldremøte?")
    client = client_for(people["svarer1"])
    bad = client.post(f"/innlegg/{post.pk}/vurder/", {})
    assert 'id="form-errors"' in bad.text
    response = client.post(
        f"/innlegg/{post.pk}/vurder/", {"category": "question", "expects_answer": "yes"}
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).category == PostCategory.QUESTION

    bad = client.post(f"/innlegg/{post.pk}/svar/", {"text": "", "url": "ikke en lenke"})
    assert 'id="form-errors"' in bad.text
    response = client.post(
        f"/innlegg/{post.pk}/svar/",
        {"text": "Torsdag kl. 18.", "url": "https://www.facebook.com/1"},
        follow=True,
    )
    assert "Svaret er registrert." in response.text
    assert "Torsdag kl. 18." in response.text
    assert Post.objects.get(pk=post.pk).status == PostStatus.ANSWERED
    # Answering again: the form refuses with the service's message.
    again = client.post(f"/innlegg/{post.pk}/svar/", {"text": "Igjen"})
    assert "Bare et innlegg som venter på svar kan besvares." in again.text

    response = client.post(
        f"/innlegg/{post.pk}/gjenapne/", {"reason": "Nytt spørsmål i tråden"}, follow=True
    )
    assert "Innlegget er åpnet igjen" in response.text
    assert Post.objects.get(pk=post.pk).status == PostStatus.OPEN


def test_triage_as_rumour_closes_with_a_message(account: Account, people: dict[str, User]) -> None:
    post = make_post(account=account)
    response = client_for(people["svarer2"]).post(
        f"/innlegg/{post.pk}/vurder/", {"category": "rumours", "expects_answer": "yes"}, follow=True
    )
    assert "Innlegget er vurdert og lukket" in response.text
    assert Post.objects.get(pk=post.pk).status == PostStatus.CLOSED


def test_close_form_shows_the_guidelines_refusal(account: Account, people: dict[str, User]) -> None:
    post = make_post(account=account, category=PostCategory.COMPLAINT)
    response = client_for(people["svarer1"]).post(
        f"/innlegg/{post.pk}/lukk/", {"reason": "no_answer_expected"}
    )
    assert 'id="form-errors"' in response.text and "alltid besvares" in response.text
    assert Post.objects.get(pk=post.pk).status == PostStatus.OPEN


def test_removal_is_confirmed_then_blanks_the_text(
    account: Account, people: dict[str, User]
) -> None:
    post = make_post(account=account, text="Navn og diagnose")
    client = client_for(people["svarer1"])
    confirm = client.get(f"/innlegg/{post.pk}/fjern/")
    assert "Navn og diagnose" in confirm.text and "kan ikke angres" in confirm.text
    response = client.post(f"/innlegg/{post.pk}/fjern/", follow=True)
    assert "Navn og diagnose" not in response.text
    assert "Innleggets tekst er slettet" in response.text
    assert "Slettet" in response.text
    assert Post.objects.get(pk=post.pk).text == ""


def test_someone_who_may_see_but_not_act_gets_403_with_a_reason(
    account: Account, personas: Any
) -> None:
    post = make_post(account=account)
    response = personas["radmann"].client.post(f"/innlegg/{post.pk}/svar/", {"text": "Svar"})
    assert response.status_code == 403
    assert "Bare de som har ansvar for Reine skole kan behandle innleggene." in response.text
    assert Post.objects.get(pk=post.pk).status == PostStatus.OPEN


def test_an_outsider_gets_404(account: Account, people: dict[str, User]) -> None:
    post = make_post(account=account)
    assert client_for(people["utenforstaende"]).get(f"/innlegg/{post.pk}/").status_code == 404
    assert client_for(people["utenforstaende"]).get("/innlegg/999999/").status_code == 404


def test_register_by_hand(account: Account, people: dict[str, User]) -> None:
    make_account(unit=account.unit, name="Ikke min konto")
    client = client_for(people["svarer1"])
    form = client.get("/innlegg/registrer/").text
    assert "Reine skole" in form and "Ikke min konto" not in form
    bad = client.post("/innlegg/registrer/", {"account": account.pk})
    assert 'id="form-errors"' in bad.text
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        "/innlegg/registrer/",
        {"account": account.pk, "author": "Kari", "text": "Hei", "posted_at": future},
    )
    assert "Tidspunktet ligger i fremtiden." in bad.text
    seen = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/innlegg/registrer/",
        {
            "account": account.pk,
            "author": "Kari",
            "text": "Hvor er bussen?",
            "url": "https://www.facebook.com/5",
            "posted_at": seen,
            "platform_id": "5",
        },
        follow=True,
    )
    assert "Innlegget er registrert." in response.text
    post = Post.objects.get()
    assert post.registered_by == people["svarer1"] and post.platform_id == "5"


def test_register_without_accounts(people: dict[str, User]) -> None:
    text = client_for(people["utenforstaende"]).get("/innlegg/registrer/").text
    assert "Du svarer ikke for noen aktiv konto" in text


# --- Integrations on the account page ------------------------------------------------------


def test_owner_creates_a_token_and_sees_it_once(account: Account, people: dict[str, User]) -> None:
    client = client_for(people["eier"])
    page = client.get(f"/kontoer/{account.pk}/").text
    assert "Innlegg fra integrasjoner" in page and "Kontoen har ingen API-nøkler." in page
    bad = client.post(f"/innlegg/kontoer/{account.pk}/nokler/ny/", {"name": ""})
    assert 'id="form-errors"' in bad.text
    response = client.post(f"/innlegg/kontoer/{account.pk}/nokler/ny/", {"name": "Skript"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = IngestToken.objects.get()
    raw = next(
        word
        for word in response.text.replace("<", " ").replace(">", " ").split()
        if word.startswith("msk_")
    )
    assert ingest_token_find(raw=raw) == token
    assert f"/innlegg/api/kontoer/{account.pk}/" in response.text and "curl" in response.text
    # Afterwards, only its first characters are shown.
    page = client.get(f"/kontoer/{account.pk}/").text
    assert raw not in page and token.prefix in page and "Skript" in page
    response = client.post(f"/innlegg/nokler/{token.pk}/trekk-tilbake/", follow=True)
    assert "API-nøkkelen Skript er trukket tilbake." in response.text
    assert IngestToken.objects.get().revoked_at is not None


def test_only_the_owner_sees_the_integrations(account: Account, people: dict[str, User]) -> None:
    text = client_for(people["svarer1"]).get(f"/kontoer/{account.pk}/").text
    assert "Innlegg fra integrasjoner" not in text and "Innlegg" in text
    text = client_for(people["utenforstaende"]).get(f"/kontoer/{account.pk}/").text
    assert 'id="posts"' not in text
    token, _raw = make_token(account=account, created_by=people["eier"])
    response = client_for(people["svarer1"]).post(f"/innlegg/nokler/{token.pk}/trekk-tilbake/")
    assert response.status_code == 403
    assert IngestToken.objects.get().revoked_at is None


def test_a_crisis_hides_the_integrations_from_the_owner(
    account: Account, people: dict[str, User]
) -> None:
    """Without a crisis the page knows it from its banner and looks no further; with one,
    the lockout is looked up and the owner, who may not act, sees no integrations."""
    client = client_for(people["eier"])
    url = f"/kontoer/{account.pk}/"
    assert "Innlegg fra integrasjoner" in client.get(url).text
    calm = _queries(client, url)
    make_crisis()
    text = client.get(url).text
    assert "crisis-banner" in text and "Innlegg fra integrasjoner" not in text
    # The lockout and the crisis roles of the guideline in force (is the owner in the crisis
    # team?) are looked up; the tokens and the Page connection of an owner locked out are not.
    assert _queries(client, url) == calm + 2 - 2


def test_owner_connects_the_facebook_page(
    account: Account, people: dict[str, User], meta_graph: GraphStandIn
) -> None:
    meta_graph.page_add("12345", "Reine skole", "EAAtoken12345")
    client = client_for(people["eier"])
    assert "Ikke koblet til en Facebook-side" in client.get(f"/kontoer/{account.pk}/").text
    url = f"/innlegg/kontoer/{account.pk}/facebook-side/"
    bad = client.post(url, {"page_id": "abc", "token": "EAAtoken12345"})
    assert "bare av sifre" in bad.text and meta_graph.requests == []
    wrong = client.post(url, {"page_id": "12345", "token": "EAAwrong"})
    # The error is shown, the page id kept, the token never written back.
    assert "Facebook godtar ikke tilgangsnøkkelen" in wrong.text
    assert 'value="12345"' in wrong.text and "EAAwrong" not in wrong.text
    response = client.post(url, {"page_id": "12345", "token": "EAAtoken12345"}, follow=True)
    assert "Koblet til «Reine skole»" in response.text
    assert Account.objects.get(pk=account.pk).facebook_page_id == "12345"
    disconnected = client.post(url, {"disconnect": "1"}, follow=True)
    assert "men appen handler ikke på siden" in disconnected.text


def test_a_non_facebook_account_offers_no_page(people: dict[str, User], unit: Any) -> None:
    account = make_account(unit=unit, owner=people["eier"], platform=Platform.INSTAGRAM)
    text = client_for(people["eier"]).get(f"/kontoer/{account.pk}/").text
    assert "Facebook-side" not in text


def test_a_responder_of_another_unit_does_not_see_posts(account: Account) -> None:
    stranger = make_user(username="fremmed")
    post = make_post(account=account)
    assert client_for(stranger).get(f"/innlegg/{post.pk}/").status_code == 404
