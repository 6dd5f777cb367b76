"""The crisis lockout on the Facebook Page itself (``accounts.posts.page_tasks``), against
the Graph API stand-in as a real server: a crisis takes CREATE_CONTENT and MODERATE away
from the ordinary staff the app knows on the Page, and its end gives back exactly what
they had, however often it has to try."""

from typing import Any

import pytest
from django.test import Client

from accounts.crisis.services import crisis_end, crisis_start
from accounts.models import Account, CrisisPeriod, PageTaskChange, PageUser, PlatformConnection
from accounts.posts.page_tasks import (
    PageTasksError,
    page_tasks_remove,
    page_tasks_restore,
    page_tasks_sweep,
    page_users_set,
)
from accounts.posts.services import platform_connect
from moskenes_social.audit.models import Event
from moskenes_social.celery import app as celery_app
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from standins.meta_graph import GraphStandIn
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGE = "100000000000042"
TOKEN = "EAAGstandinpagetoken42"  # noqa: S105 - the stand-in's, not a secret
BUSINESS = "5550001"
RESPONDER_ID, OWNER_ID, LEADER_ID, STRANGER_ID = "9101", "9102", "9103", "9104"
ALL_TASKS = ["MANAGE", "CREATE_CONTENT", "MODERATE", "MESSAGING", "ANALYZE"]


@pytest.fixture
def leader() -> User:
    return make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])


@pytest.fixture
def page(
    meta_graph: GraphStandIn, account: Account, people: dict[str, User], leader: User
) -> Account:
    """The school's Page, connected, in the Business portfolio; on it the responder, the
    owner, the crisis leader and someone the app does not know."""
    meta_graph.page_add(PAGE, "Reine skole", TOKEN)
    platform_connect(actor=people["eier"], account=account, page_id=PAGE, token=TOKEN)
    meta_graph.assigned_user_add(PAGE, RESPONDER_ID, "Svarer En", ["CREATE_CONTENT", "MODERATE"])
    meta_graph.assigned_user_add(PAGE, OWNER_ID, "Eier", ALL_TASKS)
    meta_graph.assigned_user_add(PAGE, LEADER_ID, "Krisesjef", ["CREATE_CONTENT", "MODERATE"])
    meta_graph.assigned_user_add(PAGE, STRANGER_ID, "Byrå", ["CREATE_CONTENT"])
    page_users_set(
        actor=people["eier"],
        account=account,
        business_id=BUSINESS,
        scoped_ids={people["svarer1"]: RESPONDER_ID, people["eier"]: OWNER_ID, leader: LEADER_ID},
    )
    return account


def _tasks(meta_graph: GraphStandIn) -> dict[str, list[str]]:
    users = meta_graph.state()["pages"][PAGE]["assigned_users"]
    return {str(user["id"]): list(user["tasks"]) for user in users}


def _start(leader: User) -> CrisisPeriod:
    return crisis_start(actor=leader, reason="Flom", message_text="Veien er stengt.")


def test_a_crisis_takes_posting_away_and_its_end_gives_back_exactly_what_was_there(
    page: Account, meta_graph: GraphStandIn, leader: User
) -> None:
    before = _tasks(meta_graph)
    crisis = _start(leader)
    crisis_id = crisis.pk
    assert page_tasks_remove(crisis_id=crisis_id) == 2
    during = _tasks(meta_graph)
    assert RESPONDER_ID not in during, "no task left: the Page is taken away"
    assert during[OWNER_ID] == ["MANAGE", "MESSAGING", "ANALYZE"]
    assert during[LEADER_ID] == before[LEADER_ID], "the crisis team keeps its tasks"
    assert during[STRANGER_ID] == before[STRANGER_ID], "whom the app does not know is left"
    assert page_tasks_remove(crisis_id=crisis_id) == 0, "run again, nobody changes twice"
    crisis_end(actor=leader, crisis=crisis, summary="Over.")
    assert page_tasks_restore(crisis_id=crisis_id) == 0
    assert _tasks(meta_graph) == before
    assert Event.objects.filter(action="posts.page_tasks_removed").count() == 2
    assert Event.objects.filter(action="posts.page_tasks_restored").count() == 2


def test_a_failed_restore_is_shown_to_the_crisis_leader_and_tried_again(
    page: Account, meta_graph: GraphStandIn, leader: User, client: Client
) -> None:
    before = _tasks(meta_graph)
    crisis = _start(leader)
    crisis_id = crisis.pk
    page_tasks_remove(crisis_id=crisis_id)
    crisis_end(actor=leader, crisis=crisis, summary="Over.")
    meta_graph.fault_add(
        method="POST", path_suffix="/assigned_users", code=2, http_status=500, times=2
    )
    assert page_tasks_restore(crisis_id=crisis_id) == 2
    told = Notification.objects.filter(recipient=leader, subject__contains="fikk ikke oppgavene")
    assert told.count() == 2, "one for each person without their tasks"
    client.force_login(leader)
    detail = client.get(f"/krise/{crisis_id}/").text
    assert "Ikke gitt tilbake ennå" in detail
    assert page_tasks_sweep() == 0
    assert _tasks(meta_graph) == before
    assert "Gitt tilbake" in client.get(f"/krise/{crisis_id}/").text
    assert told.count() == 2, "told once, not at every try"


def test_a_removal_whose_answer_was_lost_is_still_restored(
    page: Account, meta_graph: GraphStandIn, leader: User
) -> None:
    before = _tasks(meta_graph)
    crisis = _start(leader)
    crisis_id = crisis.pk
    # The responder loses every task (a DELETE); the answer to it is lost.
    meta_graph.fault_add(
        method="DELETE",
        path_suffix="/assigned_users",
        after_effect=True,
        drop=True,
        code=None,
        http_status=502,
    )
    page_tasks_remove(crisis_id=crisis_id)
    assert PageTaskChange.objects.filter(removed_at__isnull=True).count() == 1
    crisis_end(actor=leader, crisis=crisis, summary="Over.")
    assert page_tasks_restore(crisis_id=crisis_id) == 0
    assert _tasks(meta_graph) == before


def test_a_crisis_that_does_not_cover_the_account_leaves_its_page(
    page: Account, meta_graph: GraphStandIn, leader: User
) -> None:
    from tests.accounts.factories import make_account

    before = _tasks(meta_graph)
    other = make_account(name="Moskenes bibliotek")
    crisis = crisis_start(
        actor=leader,
        reason="Flom",
        message_text="Veien er stengt.",
        covers_all_accounts=False,
        accounts=[other],
    )
    assert page_tasks_remove(crisis_id=crisis.pk) == 0
    assert _tasks(meta_graph) == before


def test_the_owner_sets_up_the_lockout_and_bad_ids_are_refused_in_norwegian(
    page: Account, people: dict[str, User], client: Client
) -> None:
    url = f"/innlegg/kontoer/{page.pk}/facebook-side/krisesperre/"
    client.force_login(people["svarer1"])
    assert client.get(url).status_code == 403
    client.force_login(people["eier"])
    form = client.get(url)
    assert form.status_code == 200 and 'value="9101"' in form.text
    fields = {f"user_{people['svarer1'].pk}": "12ab", f"user_{people['eier'].pk}": "9102"}
    refused = client.post(url, {"business_id": BUSINESS, **fields})
    assert refused.status_code == 200 and "Bare sifre." in refused.text
    assert 'value="12ab"' in refused.text, "what was typed is kept"
    same = {f"user_{people['svarer1'].pk}": "9102", f"user_{people['eier'].pk}": "9102"}
    refused = client.post(url, {"business_id": BUSINESS, **same})
    assert "To personer kan ikke ha samme id." in refused.text
    swapped = {f"user_{people['svarer1'].pk}": "9102", f"user_{people['eier'].pk}": "9101"}
    assert client.post(url, {"business_id": BUSINESS, **swapped}).status_code == 302
    assert dict(PageUser.objects.values_list("user__username", "scoped_id")) == {
        "svarer1": "9102",
        "eier": "9101",
    }


def test_without_a_connection_nothing_is_set(
    account: Account, people: dict[str, User], settings: Any
) -> None:
    with pytest.raises(PageTasksError) as refused:
        page_users_set(actor=people["eier"], account=account, business_id=BUSINESS, scoped_ids={})
    assert refused.value.errors == {"business_id": "Koble til Facebook-siden først."}
    assert not PlatformConnection.objects.exists()


def test_starting_and_ending_a_crisis_change_the_pages_through_celery(
    page: Account,
    meta_graph: GraphStandIn,
    leader: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The services send the tasks after their commits (run eagerly here)."""
    before = _tasks(meta_graph)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            crisis = crisis_start(actor=leader, reason="Flom", message_text="Veien er stengt.")
        assert RESPONDER_ID not in _tasks(meta_graph)
        with django_capture_on_commit_callbacks(execute=True):
            crisis_end(actor=leader, crisis=crisis, summary="Over.")
    finally:
        celery_app.conf.task_always_eager = eager
    assert _tasks(meta_graph) == before
