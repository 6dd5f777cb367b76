"""The crisis lockout on the Facebook Page itself, where the Page is in a Business portfolio.

No Graph API call makes a Page read-only, but a business user's Page tasks can be changed
(``/{page-id}/assigned_users``). An account's owner names the Page's Business portfolio and
the business-scoped user ids of the people responsible for the account (``PageUser``);
then a crisis that covers the account takes CREATE_CONTENT and MODERATE away from those who
are not on the crisis team (``page_tasks_remove``, a task after the crisis starts), and its
end gives back exactly what the Page listed before (``page_tasks_restore``). Each change is
a ``PageTaskChange`` row written before the call, so a restore knows what to set even when
the removal's answer was lost; a restore that fails is shown to the crisis leader, and the
beat sweep tries again. People the app does not know on the Page are left as they are.

The Graph API is called outside any transaction; each row is settled in its own.
"""

import logging
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.lockout import is_crisis_team
from accounts.models import (
    Account,
    AccountStatus,
    ConnectionStatus,
    CrisisPeriod,
    CrisisStatus,
    PageTaskChange,
    PageUser,
    Platform,
    PlatformConnection,
)
from accounts.models.platform import LOCKED_TASKS, TASK_CHANGE_ATTEMPTS
from moskenes_social.audit.services import event_record
from moskenes_social.notifications.services import notifications_create
from moskenes_social.people.models import User

from .crypto import token_decrypt
from .graph import Graph, GraphError, entries
from .services import integrations_check_may_manage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = TASK_CHANGE_ATTEMPTS[1]


class PageTasksError(Exception):
    """A lockout setting refused; ``errors`` maps fields to Norwegian messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(errors)
        self.errors = dict(errors)


# --- Setting it up -------------------------------------------------------------------------


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 64


@transaction.atomic
def page_users_set(
    *, actor: User, account: Account, business_id: str, scoped_ids: Mapping[User, str]
) -> None:
    """Set the Page's Business portfolio and the business-scoped ids of the people
    responsible for the account (a blank id forgets the person). The owner does this,
    refused with ``PageTasksError`` (errors by field: ``business_id``, ``user_<pk>``)."""
    integrations_check_may_manage(actor=actor, account=account)
    connection = PlatformConnection.objects.select_for_update().filter(account=account).first()
    if connection is None or connection.status != ConnectionStatus.CONNECTED:
        raise PageTasksError({"business_id": _("Connect the Facebook Page first.")})
    business_id = business_id.strip()
    errors: dict[str, str] = {}
    if business_id and not _digits(business_id):
        errors["business_id"] = _("A Business portfolio id consists of digits only.")
    cleaned = {user: value.strip() for user, value in scoped_ids.items()}
    seen: set[str] = set()
    for user, value in cleaned.items():
        if value and not _digits(value):
            errors[f"user_{user.pk}"] = _("A business-scoped user id consists of digits only.")
        elif value and value in seen:
            errors[f"user_{user.pk}"] = _("Two people cannot have the same id.")
        seen.add(value)
    if errors:
        raise PageTasksError(errors)
    PlatformConnection.objects.filter(pk=connection.pk).update(business_id=business_id)
    PageUser.objects.filter(account=account).delete()
    PageUser.objects.bulk_create(
        PageUser(account=account, user=user, scoped_id=value)
        for user, value in cleaned.items()
        if value
    )
    event_record(
        actor=actor,
        action="posts.page_users_set",
        target=account,
        data={
            "business_id": business_id,
            "people": {str(user.pk): value for user, value in cleaned.items() if value},
        },
    )


# --- The crisis ---------------------------------------------------------------------------


def covered_connections(crisis: CrisisPeriod) -> QuerySet[PlatformConnection]:
    """The connected platform accounts of active official accounts that ``crisis`` covers."""
    connections = PlatformConnection.objects.filter(
        status=ConnectionStatus.CONNECTED, account__status=AccountStatus.ACTIVE
    )
    if not crisis.covers_all_accounts:
        connections = connections.filter(account__crises=crisis)
    return connections.select_related("account")


def _covered_connections(crisis: CrisisPeriod) -> list[PlatformConnection]:
    return list(covered_connections(crisis).exclude(business_id=""))


def connection_graph(connection: PlatformConnection) -> Graph | None:
    """A Graph client with the connection's token, on its platform's host; None if the
    token cannot be read (the key it was stored with has been dropped)."""
    token = token_decrypt(connection.token_encrypted)
    if token is None:
        return None
    instagram = connection.account.platform == Platform.INSTAGRAM
    return Graph(token=token, object_id=connection.object_id, instagram=instagram)


def tell_leader(crisis: CrisisPeriod, subject: str) -> None:
    """Tell the crisis's leaders (who started it, and who ended it) what went wrong."""
    leaders = [crisis.started_by] + ([crisis.ended_by] if crisis.ended_by else [])
    url = reverse("crisis:detail", kwargs={"crisis_id": crisis.pk})
    notifications_create(recipients=leaders, subject=subject, url=url)


def is_active(crisis: CrisisPeriod) -> bool:
    """The crisis is still active, as the database says now."""
    return CrisisPeriod.objects.filter(pk=crisis.pk, status=CrisisStatus.ACTIVE).exists()


def page_tasks_on_commit(*, crisis: CrisisPeriod, restore: bool) -> None:
    """In the transaction that starts or ends ``crisis``: change the Pages' tasks after
    its commit, through Celery; at the end, turn on again the Instagram comments it turned
    off too (the beat sweep retries restores the broker missed)."""

    def send() -> None:
        from .tasks import crisis_lockout_restore_task, page_tasks_remove_task

        task = crisis_lockout_restore_task if restore else page_tasks_remove_task
        try:
            task.delay(crisis.pk)
        except Exception:
            logger.warning("could not enqueue the Page tasks of crisis %s", crisis.pk)

    transaction.on_commit(send)


def page_tasks_remove(*, crisis_id: int) -> int:
    """Take CREATE_CONTENT and MODERATE away from the known, ordinary staff on every
    covered Page; returns how many people lost them. Run again, it changes nobody twice."""
    crisis = CrisisPeriod.objects.select_related("started_by", "ended_by").get(pk=crisis_id)
    removed = 0
    for connection in _covered_connections(crisis):
        if not is_active(crisis):
            break
        graph = connection_graph(connection)
        if graph is None:
            continue
        try:
            listed = [
                entry
                for page in graph.assigned_users(connection.object_id, connection.business_id)
                for entry in entries(page)
            ]
        except GraphError as exc:
            logger.warning("assigned_users of %s: %s", connection.object_id, exc)
            tell_leader(
                crisis,
                _("Staff could not be locked out on the Facebook Page of %(account)s: %(error)s")
                % {"account": connection.account.name, "error": exc.message or exc.code},
            )
            continue
        people = {
            page_user.scoped_id: page_user
            for page_user in PageUser.objects.filter(account=connection.account).select_related(
                "user"
            )
        }
        for entry in listed:
            page_user = people.get(str(entry.get("id")))
            tasks = entry.get("tasks") if page_user is not None else None
            if page_user is None or not isinstance(tasks, list) or is_crisis_team(page_user.user):
                continue
            before = [str(task) for task in tasks]
            if not set(before) & set(LOCKED_TASKS):
                continue
            change, created = PageTaskChange.objects.get_or_create(
                crisis=crisis,
                account=connection.account,
                scoped_id=page_user.scoped_id,
                defaults={
                    "user": page_user.user,
                    "page_id": connection.object_id,
                    "tasks_before": before,
                },
            )
            if not created:
                continue
            removed += _remove_one(crisis, graph, change)
    return removed


def _remove_one(crisis: CrisisPeriod, graph: Graph, change: PageTaskChange) -> int:
    try:
        graph.tasks_set(change.page_id, change.scoped_id, change.tasks_during)
    except GraphError as exc:
        # The row stays: the restore sets the tasks before, whatever happened.
        PageTaskChange.objects.filter(pk=change.pk).update(error_message=exc.message[:500])
        return 0
    with transaction.atomic():
        PageTaskChange.objects.filter(pk=change.pk).update(removed_at=timezone.now())
        event_record(
            actor=None,
            action="posts.page_tasks_removed",
            target=change.account,
            data={
                "crisis": crisis.pk,
                "user": change.user_id,
                "page_id": change.page_id,
                "before": change.tasks_before,
                "during": change.tasks_during,
            },
        )
    if not is_active(crisis):
        # The crisis ended while this was on its way: give it back at once.
        page_tasks_restore(crisis_id=crisis.pk)
    return 1


def page_tasks_restore(*, crisis_id: int) -> int:
    """Give every business user the crisis changed exactly the tasks they had; returns how
    many are still to be given back (failures are shown to the crisis leader)."""
    crisis = CrisisPeriod.objects.select_related("started_by", "ended_by").get(pk=crisis_id)
    pending = list(
        PageTaskChange.objects.filter(crisis=crisis, restored_at__isnull=True)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .select_related("account", "user")
        .order_by("id")
    )
    connections = {
        connection.account_id: connection
        for connection in PlatformConnection.objects.filter(
            account__in={change.account_id for change in pending}
        ).select_related("account")
    }
    left = 0
    for change in pending:
        connection = connections.get(change.account_id)
        connected = connection is not None and connection.is_connected
        graph = connection_graph(connection) if connection is not None and connected else None
        try:
            if graph is None:
                raise GraphError(_("The Page is not connected; connect it again."))
            graph.tasks_set(change.page_id, change.scoped_id, change.tasks_before)
        except GraphError as exc:
            left += 1
            _restore_failed(crisis, change, exc)
            continue
        with transaction.atomic():
            PageTaskChange.objects.filter(pk=change.pk).update(
                restored_at=timezone.now(), error_message=""
            )
            event_record(
                actor=None,
                action="posts.page_tasks_restored",
                target=change.account,
                data={
                    "crisis": crisis.pk,
                    "user": change.user_id,
                    "page_id": change.page_id,
                    "tasks": change.tasks_before,
                },
            )
    return left


def _restore_failed(crisis: CrisisPeriod, change: PageTaskChange, exc: GraphError) -> None:
    with transaction.atomic():
        PageTaskChange.objects.filter(pk=change.pk).update(
            attempts=change.attempts + 1, error_message=(exc.message or str(exc.code))[:500]
        )
        event_record(
            actor=None,
            action="posts.page_tasks_restore_failed",
            target=change.account,
            data={"crisis": crisis.pk, "user": change.user_id, "code": exc.code},
        )
        if change.attempts == 0:
            tell_leader(
                crisis,
                _(
                    "%(person)s did not get their tasks back on the Facebook Page of "
                    "%(account)s: %(error)s. The app tries again every few minutes."
                )
                % {
                    "person": change.user,
                    "account": change.account.name,
                    "error": exc.message or exc.code,
                },
            )


def page_tasks_sweep() -> int:
    """Beat "crisis-lockout-sweep": try again what ended crises have not given back yet."""
    crises = (
        PageTaskChange.objects.filter(
            Q(crisis__status=CrisisStatus.ENDED),
            restored_at__isnull=True,
            attempts__lt=MAX_ATTEMPTS,
        )
        .values_list("crisis_id", flat=True)
        .distinct()
    )
    return sum(page_tasks_restore(crisis_id=crisis_id) for crisis_id in list(crises))
