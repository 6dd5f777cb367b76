"""Writes of accounts and responsibilities, and the follow-up reminder job.

Each function runs in one transaction that also records its audit event and creates the
notifications it causes. Services that change what the public register shows call
``register_invalidate()``.

``account_create`` and ``account_close`` do not decide who may call them: the approvals app
calls them when the rådmann has approved a request. The other services check their
permission predicate and raise ``PermissionDenied``.
"""

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from moskenes_social.audit.services import event_record
from moskenes_social.forms import reason_text
from moskenes_social.notifications.services import notification_create, notifications_create
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO, add_working_days, is_working_day

from .models import (
    ANSWERING_ROLES,
    Account,
    AccountStatus,
    FollowUpReminder,
    FollowUpStage,
    Platform,
    Responsibility,
    ResponsibilityRole,
)
from .permissions import (
    can_assign,
    can_check_in,
    can_edit_account,
    can_register_existing,
    can_suspend,
)
from .register import register_invalidate
from .selectors import accounts_active_with_handle, handle_normalize


class AccountError(ValidationError):
    """An account operation refused for a reason the user can act on (Norwegian message)."""


def _account_url(account: Account) -> str:
    return reverse("accounts:detail", kwargs={"account_id": account.pk})


def _local(moment: datetime) -> str:
    return date_format(moment.astimezone(OSLO), "j. F Y H:i")


def _role_label(role: str) -> str:
    return str(ResponsibilityRole(role).label).lower()


def _duplicate_message(platform: str, handle: str) -> str:
    return _("%(platform)s already has an official account with the username %(handle)s.") % {
        "platform": Platform(platform).label,
        "handle": handle,
    }


def _follow_up_schedule(*, start: datetime, interval_days: int) -> dict[str, Any]:
    """The fields that start a new follow-up interval at ``start``."""
    due = add_working_days(start, interval_days)
    return {
        "follow_up_due_at": due,
        "next_follow_up_reminder_at": due,
        "next_follow_up_stage": FollowUpStage.RESPONDERS,
    }


# --- Accounts -------------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *,
    actor: User,
    unit: Unit,
    platform: str,
    name: str,
    handle: str,
    url: str = "",
    contact_instance: str = "",
    contact_person: str = "",
    contact_title: str = "",
    contact_email: str = "",
    homepage: str = "",
    follow_up_interval_days: int = 1,
    origin_note: str = "",
    owner: User | None = None,
    responders: Sequence[User] = (),
) -> Account:
    """Register an official account, give the named people their responsibilities and tell
    them. Refuses (``AccountError``) a handle that another open account holds."""
    return _account_create(
        actor=actor,
        unit=unit,
        platform=platform,
        name=name,
        handle=handle,
        url=url,
        contact_instance=contact_instance,
        contact_person=contact_person,
        contact_title=contact_title,
        contact_email=contact_email,
        homepage=homepage,
        follow_up_interval_days=follow_up_interval_days,
        origin_note=origin_note,
        owner=owner,
        responders=responders,
        official_since=None,
        action="accounts.account_created",
    )


@transaction.atomic
def account_register_existing(
    *,
    actor: User,
    unit: Unit,
    platform: str,
    name: str,
    handle: str,
    note: str,
    url: str = "",
    contact_instance: str = "",
    contact_person: str = "",
    contact_title: str = "",
    contact_email: str = "",
    homepage: str = "",
    follow_up_interval_days: int = 1,
    official_since: date | None = None,
    owner: User | None = None,
    responders: Sequence[User] = (),
) -> Account:
    """The rådmann registers an account that existed before this app; the note says why it
    did not come through an approved request."""
    if not can_register_existing(actor):
        raise PermissionDenied
    if not reason_text(note):
        raise AccountError(
            {"note": _("Say why the account is registered without a request to approve.")}
        )
    since = None
    if official_since is not None:
        since = datetime.combine(official_since, time(12, 0), tzinfo=OSLO)
        if since.date() > timezone.now().astimezone(OSLO).date():
            raise AccountError({"official_since": _("The date cannot be in the future.")})
    return _account_create(
        actor=actor,
        unit=unit,
        platform=platform,
        name=name,
        handle=handle,
        url=url,
        contact_instance=contact_instance,
        contact_person=contact_person,
        contact_title=contact_title,
        contact_email=contact_email,
        homepage=homepage,
        follow_up_interval_days=follow_up_interval_days,
        origin_note=reason_text(note),
        owner=owner,
        responders=responders,
        official_since=since,
        action="accounts.account_registered_existing",
    )


def _account_create(
    *,
    actor: User,
    unit: Unit,
    platform: str,
    name: str,
    handle: str,
    url: str,
    contact_instance: str,
    contact_person: str,
    contact_title: str,
    contact_email: str,
    homepage: str,
    follow_up_interval_days: int,
    origin_note: str,
    owner: User | None,
    responders: Sequence[User],
    official_since: datetime | None,
    action: str,
) -> Account:
    handle = handle_normalize(handle)
    if platform not in Platform.values:
        raise AccountError({"platform": _("Choose a platform from the list.")})
    if accounts_active_with_handle(platform=platform, handle=handle).exists():
        raise AccountError({"handle": _duplicate_message(platform, handle)})
    now = timezone.now()
    account = Account(
        unit=unit,
        platform=platform,
        name=name.strip(),
        handle=handle,
        url=url.strip(),
        contact_instance=contact_instance.strip(),
        contact_person=contact_person.strip(),
        contact_title=contact_title.strip(),
        contact_email=contact_email.strip(),
        homepage=homepage.strip(),
        follow_up_interval_days=follow_up_interval_days,
        official_since=official_since or now,
        origin_note=origin_note,
        created_by=actor,
        **_follow_up_schedule(start=now, interval_days=follow_up_interval_days),
    )
    try:
        account.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise AccountError(exc.message_dict) from exc
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        # Another request registered the same handle between the check and the insert.
        raise AccountError({"handle": _duplicate_message(platform, handle)}) from exc

    assigned: list[Responsibility] = []
    if owner is not None:
        assigned.append(
            _responsibility_open(
                account=account, user=owner, role=ResponsibilityRole.OWNER, actor=actor, now=now
            )
        )
    for responder in {user.pk: user for user in responders}.values():
        assigned.append(
            _responsibility_open(
                account=account,
                user=responder,
                role=ResponsibilityRole.RESPONDER,
                actor=actor,
                now=now,
            )
        )
    event_record(
        actor=actor,
        action=action,
        target=account,
        reason=origin_note,
        data={
            "unit": unit.name,
            "platform": platform,
            "handle": handle,
            "responsibilities": [
                {"user": r.user_id, "name": str(r.user), "role": r.role} for r in assigned
            ],
        },
    )
    roles_by_user: dict[int, tuple[User, list[str]]] = {}
    for r in assigned:
        roles_by_user.setdefault(r.user_id, (r.user, []))[1].append(_role_label(r.role))
    for user, roles in roles_by_user.values():
        notification_create(
            recipient=user,
            subject=_("You are responsible for %(account)s") % {"account": account},
            body=_("%(actor)s registered the official account %(account)s. Your role: %(roles)s.")
            % {"actor": actor, "account": account, "roles": ", ".join(roles)},
            url=_account_url(account),
        )
    register_invalidate()
    return account


EDITABLE_FIELDS = (
    "name",
    "url",
    "contact_instance",
    "contact_person",
    "contact_title",
    "contact_email",
    "homepage",
    "follow_up_interval_days",
    "answer_deadline_working_hours",
)


@transaction.atomic
def account_update(
    *,
    actor: User,
    account: Account,
    name: str,
    url: str = "",
    contact_instance: str = "",
    contact_person: str = "",
    contact_title: str = "",
    contact_email: str = "",
    homepage: str = "",
    follow_up_interval_days: int = 1,
    answer_deadline_working_hours: Decimal | None = None,
) -> Account:
    """Change an open account's public facts, follow-up interval and answering deadline.

    A new interval counts from the last check-in (or the registration) at once."""
    if not can_edit_account(actor, account):
        raise PermissionDenied
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if locked.status == AccountStatus.CLOSED:
        raise AccountError(_("A closed account cannot be changed."))
    new_values: dict[str, Any] = {
        "name": name.strip(),
        "url": url.strip(),
        "contact_instance": contact_instance.strip(),
        "contact_person": contact_person.strip(),
        "contact_title": contact_title.strip(),
        "contact_email": contact_email.strip(),
        "homepage": homepage.strip(),
        "follow_up_interval_days": follow_up_interval_days,
        "answer_deadline_working_hours": answer_deadline_working_hours,
    }
    changes = {
        field: [str(getattr(locked, field) or ""), str(value or "")]
        for field, value in new_values.items()
        if getattr(locked, field) != value
    }
    if not changes:
        return locked
    for field, value in new_values.items():
        setattr(locked, field, value)
    try:
        locked.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise AccountError(exc.message_dict) from exc
    update_fields = list(changes)
    if "follow_up_interval_days" in changes and locked.status == AccountStatus.ACTIVE:
        schedule = _follow_up_schedule(
            start=locked.last_check_in_at or locked.created_at,
            interval_days=follow_up_interval_days,
        )
        for field, value in schedule.items():
            setattr(locked, field, value)
        update_fields += list(schedule)
    locked.save(update_fields=update_fields)
    event_record(
        actor=actor, action="accounts.account_updated", target=locked, data={"changes": changes}
    )
    register_invalidate()
    return locked


def _responsible_users(account: Account) -> list[User]:
    rows = Responsibility.objects.filter(account=account, ended_at__isnull=True).select_related(
        "user"
    )
    return list({r.user_id: r.user for r in rows}.values())


@transaction.atomic
def account_close(*, actor: User, account: Account, reason: str) -> Account:
    """Close an active or suspended account for good: out of the public register, its
    responsibilities ended (kept as history), the people who had them told."""
    if not reason_text(reason):
        raise AccountError({"reason": _("Give a reason for closing the account.")})
    now = timezone.now()
    closed = Account.objects.filter(
        pk=account.pk, status__in=[AccountStatus.ACTIVE, AccountStatus.SUSPENDED]
    ).update(status=AccountStatus.CLOSED, closed_at=now, next_follow_up_reminder_at=None)
    if closed != 1:
        raise AccountError(_("The account is already closed."))
    previous_status = account.status
    account.status = AccountStatus.CLOSED
    account.closed_at = now
    account.next_follow_up_reminder_at = None
    responsible = _responsible_users(account)
    Responsibility.objects.filter(account=account, ended_at__isnull=True).update(
        ended_at=now, ended_by=actor
    )
    event_record(
        actor=actor,
        action="accounts.account_closed",
        target=account,
        reason=reason_text(reason),
        data={"from": previous_status},
    )
    leaders = list(account.unit.leaders.filter(is_active=True))
    notifications_create(
        recipients=[*responsible, *leaders],
        subject=_("%(account)s is closed") % {"account": account},
        body=_("The official account %(account)s was closed by %(actor)s. Reason: %(reason)s")
        % {"account": account, "actor": actor, "reason": reason_text(reason)},
        url=_account_url(account),
    )
    register_invalidate()
    return account


@transaction.atomic
def account_suspend(*, actor: User, account: Account, reason: str) -> Account:
    """Take an active account out of use for a while (out of the register, no reminders)."""
    if not can_suspend(actor, account):
        raise PermissionDenied
    if not reason_text(reason):
        raise AccountError({"reason": _("Give a reason for suspending the account.")})
    updated = Account.objects.filter(pk=account.pk, status=AccountStatus.ACTIVE).update(
        status=AccountStatus.SUSPENDED, next_follow_up_reminder_at=None
    )
    if updated != 1:
        raise AccountError(_("Only an active account can be suspended."))
    account.status = AccountStatus.SUSPENDED
    account.next_follow_up_reminder_at = None
    event_record(
        actor=actor, action="accounts.account_suspended", target=account, reason=reason_text(reason)
    )
    notifications_create(
        recipients=_responsible_users(account),
        subject=_("%(account)s is suspended") % {"account": account},
        body=_("%(actor)s suspended the official account %(account)s. Reason: %(reason)s")
        % {"account": account, "actor": actor, "reason": reason_text(reason)},
        url=_account_url(account),
    )
    register_invalidate()
    return account


@transaction.atomic
def account_resume(*, actor: User, account: Account, reason: str = "") -> Account:
    """Put a suspended account back in use; a new follow-up interval starts now."""
    if not can_suspend(actor, account):
        raise PermissionDenied
    schedule = _follow_up_schedule(
        start=timezone.now(), interval_days=account.follow_up_interval_days
    )
    updated = Account.objects.filter(pk=account.pk, status=AccountStatus.SUSPENDED).update(
        status=AccountStatus.ACTIVE, **schedule
    )
    if updated != 1:
        raise AccountError(_("Only a suspended account can be resumed."))
    account.status = AccountStatus.ACTIVE
    for field, value in schedule.items():
        setattr(account, field, value)
    event_record(
        actor=actor, action="accounts.account_resumed", target=account, reason=reason_text(reason)
    )
    notifications_create(
        recipients=_responsible_users(account),
        subject=_("%(account)s is in use again") % {"account": account},
        body=_("%(actor)s resumed the official account %(account)s.")
        % {"account": account, "actor": actor},
        url=_account_url(account),
    )
    register_invalidate()
    return account


@transaction.atomic
def account_check_in(*, actor: User, account: Account) -> Account:
    """A responsible person reports the account followed up; the next interval starts now."""
    if account.status != AccountStatus.ACTIVE:
        raise AccountError(_("Only an active account can be followed up."))
    if not can_check_in(actor, account):
        raise PermissionDenied
    now = timezone.now()
    interval = (
        Account.objects.filter(pk=account.pk)
        .values_list("follow_up_interval_days", flat=True)
        .get()
    )
    schedule = _follow_up_schedule(start=now, interval_days=interval)
    updated = Account.objects.filter(pk=account.pk, status=AccountStatus.ACTIVE).update(
        last_check_in_at=now, last_check_in_by=actor, **schedule
    )
    if updated != 1:
        raise AccountError(_("Only an active account can be followed up."))
    account.last_check_in_at = now
    account.last_check_in_by = actor
    for field, value in schedule.items():
        setattr(account, field, value)
    event_record(
        actor=actor,
        action="accounts.account_checked_in",
        target=account,
        data={"next_due": schedule["follow_up_due_at"].isoformat()},
    )
    return account


# --- Responsibilities -----------------------------------------------------------------------


def _responsibility_open(
    *, account: Account, user: User, role: str, actor: User, now: datetime
) -> Responsibility:
    """Insert an open responsibility after checking the rules; the caller holds the
    transaction (and, for a change of an existing account, the account's row lock)."""
    if role not in ResponsibilityRole.values:
        raise AccountError({"role": _("Choose a role from the list.")})
    if not user.is_active:
        raise AccountError(
            {
                "user": _("%(name)s is deactivated and cannot be given responsibility.")
                % {"name": user}
            }
        )
    open_roles = set(
        Responsibility.objects.filter(
            account=account, user=user, ended_at__isnull=True
        ).values_list("role", flat=True)
    )
    already = _("%(name)s is already %(role)s for this account.")
    if role in open_roles:
        raise AccountError({"user": already % {"name": user, "role": _role_label(role)}})
    if role in ANSWERING_ROLES:
        other = next((r for r in ANSWERING_ROLES if r != role and r in open_roles), None)
        if other is not None:
            raise AccountError({"user": already % {"name": user, "role": _role_label(other)}})
    try:
        with transaction.atomic():
            return Responsibility.objects.create(
                account=account, user=user, role=role, assigned_by=actor, assigned_at=now
            )
    except IntegrityError as exc:
        raise AccountError({"user": already % {"name": user, "role": _role_label(role)}}) from exc


@transaction.atomic
def responsibility_assign(
    *, actor: User, account: Account, user: User, role: str
) -> Responsibility:
    """Give a person a role on an account (a leader of its unit, or the rådmann)."""
    if not can_assign(actor, account):
        raise PermissionDenied
    # The row lock serialises assignments and ends on one account (coverage rules).
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if locked.status == AccountStatus.CLOSED:
        raise AccountError(_("The account is closed; no one can be given responsibility for it."))
    responsibility = _responsibility_open(
        account=locked, user=user, role=role, actor=actor, now=timezone.now()
    )
    event_record(
        actor=actor,
        action="accounts.responsibility_assigned",
        target=locked,
        data={
            "responsibility": responsibility.pk,
            "user": user.pk,
            "name": str(user),
            "role": role,
        },
    )
    notification_create(
        recipient=user,
        subject=_("You are %(role)s for %(account)s")
        % {"role": _role_label(role), "account": locked},
        body=_("%(actor)s made you %(role)s for the official account %(account)s.")
        % {"actor": actor, "role": _role_label(role), "account": locked},
        url=_account_url(locked),
    )
    return responsibility


@transaction.atomic
def responsibility_end(*, actor: User, responsibility: Responsibility) -> Responsibility:
    """End a responsibility; the row stays as history. The last owner of an open account
    cannot be removed."""
    account = responsibility.account
    if not can_assign(actor, account):
        raise PermissionDenied
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if responsibility.role == ResponsibilityRole.OWNER and locked.status != AccountStatus.CLOSED:
        other_owner = (
            Responsibility.objects.filter(
                account=locked, role=ResponsibilityRole.OWNER, ended_at__isnull=True
            )
            .exclude(pk=responsibility.pk)
            .exists()
        )
        if not other_owner:
            raise AccountError(
                _("The last owner cannot be removed. Give the account another owner first.")
            )
    now = timezone.now()
    ended = Responsibility.objects.filter(pk=responsibility.pk, ended_at__isnull=True).update(
        ended_at=now, ended_by=actor
    )
    if ended != 1:
        raise AccountError(_("This responsibility has already ended."))
    responsibility.ended_at = now
    responsibility.ended_by = actor
    event_record(
        actor=actor,
        action="accounts.responsibility_ended",
        target=locked,
        data={
            "responsibility": responsibility.pk,
            "user": responsibility.user_id,
            "name": str(responsibility.user),
            "role": responsibility.role,
        },
    )
    notification_create(
        recipient=responsibility.user,
        subject=_("You are no longer %(role)s for %(account)s")
        % {"role": _role_label(responsibility.role), "account": locked},
        body=_("%(actor)s ended your role as %(role)s for the official account %(account)s.")
        % {"actor": actor, "role": _role_label(responsibility.role), "account": locked},
        url=_account_url(locked),
    )
    return responsibility


# --- Follow-up reminders (Celery beat "accounts-follow-up-reminders") -----------------------


def _reminder_recipients(account: Account, stage: str) -> list[User]:
    """Responders (else backups, else owners) for the first reminder; owners (else the
    unit's leaders) for the escalation."""
    rows = [
        r
        for r in Responsibility.objects.filter(account=account, ended_at__isnull=True)
        .select_related("user")
        .order_by("id")
        if r.user.is_active
    ]

    def holders(role: ResponsibilityRole) -> list[User]:
        return [r.user for r in rows if r.role == role]

    owners = holders(ResponsibilityRole.OWNER)
    if stage == FollowUpStage.RESPONDERS:
        return holders(ResponsibilityRole.RESPONDER) or holders(ResponsibilityRole.BACKUP) or owners
    return owners or list(account.unit.leaders.filter(is_active=True))


def follow_up_reminder_claim(
    *, account_id: int, scheduled: datetime, stage: str, next_at: datetime | None
) -> bool:
    """Move the account's follow-up schedule from ``(scheduled, stage)`` (what the caller
    read) to the next stage at ``next_at``; True if this call did. A schedule that changed
    since it was read (a check-in started a new interval, another worker claimed it) is
    left as it is, and the caller sends nothing."""
    claimed = Account.objects.filter(
        pk=account_id,
        status=AccountStatus.ACTIVE,
        next_follow_up_reminder_at=scheduled,
        next_follow_up_stage=stage,
    ).update(next_follow_up_reminder_at=next_at, next_follow_up_stage=FollowUpStage.OWNER)
    return claimed == 1


def _follow_up_remind(*, account_id: int, now: datetime) -> FollowUpReminder | None:
    """Claim one account's due reminder by a conditional update, then send it.

    1. Read the schedule; it is due if ``next_follow_up_reminder_at`` has passed.
    2. Claim: move the schedule on (responders -> owner one interval later; owner -> none),
       only if it is unchanged, so two workers never both send it.
    3. Record the reminder row (unique per missed deadline and stage), notify, audit.
    """
    with transaction.atomic():
        account = Account.objects.select_related("unit").get(pk=account_id)
        scheduled = account.next_follow_up_reminder_at
        if (
            account.status != AccountStatus.ACTIVE
            or scheduled is None
            or scheduled > now
            or account.follow_up_due_at is None
        ):
            return None
        stage = account.next_follow_up_stage
        if stage == FollowUpStage.RESPONDERS:
            next_at: datetime | None = add_working_days(
                account.follow_up_due_at, account.follow_up_interval_days
            )
        else:
            next_at = None
        if not follow_up_reminder_claim(
            account_id=account.pk, scheduled=scheduled, stage=stage, next_at=next_at
        ):
            return None
        try:
            with transaction.atomic():
                reminder = FollowUpReminder.objects.create(
                    account=account, stage=stage, due_at=account.follow_up_due_at, sent_at=now
                )
        except IntegrityError:
            # Sent before for this deadline and stage; the claim above moved the schedule on.
            return None
        recipients = _reminder_recipients(account, stage)
        reminder.recipients.set(recipients)
        last = (
            _local(account.last_check_in_at)
            if account.last_check_in_at
            else _("never (registered %(date)s)") % {"date": _local(account.created_at)}
        )
        values = {
            "account": account,
            "days": account.follow_up_interval_days,
            "due": _local(account.follow_up_due_at),
            "last": last,
        }
        if stage == FollowUpStage.RESPONDERS:
            subject = _("Follow up %(account)s") % values
            body = (
                _(
                    "%(account)s is to be followed up every %(days)s working day(s), and was due "
                    "%(due)s. Last followed up: %(last)s. Open the account, see to it, and press "
                    "“Followed up”."
                )
                % values
            )
        else:
            subject = _("%(account)s has not been followed up") % values
            body = (
                _(
                    "You own %(account)s. It was due to be followed up %(due)s; the responders "
                    "were reminded, and it has still not been followed up. Last followed up: "
                    "%(last)s."
                )
                % values
            )
        notifications_create(
            recipients=recipients, subject=subject, body=body, url=_account_url(account)
        )
        event_record(
            actor=None,
            action="accounts.follow_up_reminder_sent",
            target=account,
            data={
                "stage": stage,
                "due_at": account.follow_up_due_at.isoformat(),
                "recipients": [user.pk for user in recipients],
            },
        )
        return reminder


def follow_up_reminder_send_one_due(*, now: datetime | None = None) -> FollowUpReminder | None:
    """Send the oldest due follow-up reminder; None when none is due.

    Nothing is sent on a day that is not a working day (weekends, Norwegian public
    holidays): a reminder that falls due then waits for the next working day.
    """
    now = now or timezone.now()
    if not is_working_day(now.astimezone(OSLO).date()):
        return None
    due_ids = (
        Account.objects.filter(
            status=AccountStatus.ACTIVE,
            next_follow_up_reminder_at__isnull=False,
            next_follow_up_reminder_at__lte=now,
        )
        .order_by("next_follow_up_reminder_at", "id")
        .values_list("id", flat=True)
    )
    for account_id in due_ids[:20]:
        # Another worker may claim an account first; then try the next one.
        reminder = _follow_up_remind(account_id=account_id, now=now)
        if reminder is not None:
            return reminder
    return None


def follow_up_reminders_send_due(*, now: datetime | None = None) -> int:
    """Send every due follow-up reminder, one claimed account at a time. Returns how many."""
    sent = 0
    while follow_up_reminder_send_one_due(now=now) is not None:
        sent += 1
    return sent
