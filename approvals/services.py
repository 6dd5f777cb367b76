"""The request workflow. Every transition is guarded by its source status and made
race-safe by a conditional update; it writes its history row, an audit event and the
notifications it causes in the same transaction."""

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.selectors import accounts_active_with_handle
from accounts.services import account_close, account_create
from moskenes_social.audit.services import event_record
from moskenes_social.forms import reason_text
from moskenes_social.notifications.services import (
    notification_create,
    notifications_create,
    notifications_settle,
)
from moskenes_social.people.models import User
from moskenes_social.people.permissions import leads_unit
from moskenes_social.people.roles import Role
from moskenes_social.people.selectors import users_with_role
from policy.models import GuidelineVersion
from policy.parameters import RegistrationQuestion
from policy.selectors import policy_in_force, version_in_force
from policy.services import acknowledgement_create

from . import permissions
from .models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    AccountRequest,
    RequestKind,
    RequestStatus,
    RequestTransition,
)
from .questions import BASIC_FIELDS, QUESTION_FIELDS, answer_field_name, question_fields
from .selectors import approval_rule_of

# The model fields a requester may edit while the request is a draft or returned.
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    name
    for name in (
        *BASIC_FIELDS,
        *(field for spec in QUESTION_FIELDS.values() for field in spec.fields),
    )
    if name != "responders"
)
MIN_RESPONDERS = 2


class RequestError(ValidationError):
    """A refused change of a request, with a message for the user (Norwegian)."""


class RequestAlreadyDecidedError(RequestError):
    """A decision on a request that no longer awaits one (decided or withdrawn since the
    page was opened, or a second click): nothing was saved."""


def _record(
    *,
    request: AccountRequest,
    actor: User,
    old: str,
    new: RequestStatus,
    text: str = "",
    basis: Mapping[str, Any] | None = None,
) -> None:
    RequestTransition.objects.create(
        request=request, from_status=old, to_status=new, actor=actor, text=text
    )
    data: dict[str, Any] = {"from": old, "to": str(new), "kind": request.kind}
    if basis:
        data["guideline"] = dict(basis)
    event_record(actor=actor, action=f"request.{new}", target=request, reason=text, data=data)


def decision_basis(*, version: GuidelineVersion | None) -> dict[str, Any]:
    """What a decision rests on, for its audit event: the guideline version in force when
    it is taken (not the one the requester read) and the rule of that version that gives
    the rådmann the decision. The rule's title is kept, so the log reads it without a
    join; an adopted version never changes, so it stays true."""
    if version is None:
        return {}
    basis: dict[str, Any] = {"version": version.number, "version_id": version.pk}
    rule = approval_rule_of(version=version)
    if rule is not None:
        basis |= {"rule": rule.code, "rule_section": rule.section, "rule_title": rule.title}
    return basis


def _already_decided() -> RequestAlreadyDecidedError:
    return RequestAlreadyDecidedError(
        _("The request has already been decided or withdrawn; your decision was not saved.")
    )


def _move(
    *,
    request: AccountRequest,
    sources: Collection[RequestStatus],
    target: RequestStatus,
    **extra: Any,
) -> str:
    """Conditional update to ``target`` from one of ``sources``; returns the old status."""
    old = request.status
    if old not in sources:
        raise RequestError(_("The request cannot be changed in its current status."))
    changed = AccountRequest.objects.filter(id=request.pk, status=old).update(
        status=target, **extra
    )
    if changed != 1:
        raise RequestError(_("The request has been changed by someone else. Reload the page."))
    request.status = target
    for name, value in extra.items():
        setattr(request, name, value)
    return old


@transaction.atomic
def request_save_draft(
    *,
    actor: User,
    request: AccountRequest | None,
    values: Mapping[str, Any],
    responders: Iterable[User],
    answers: Mapping[str, str],
) -> AccountRequest:
    """Create or update a new-profile request as typed, complete or not.

    Only the requester may edit, and only while it is a draft or returned for changes.
    """
    if request is None:
        request = AccountRequest(requester=actor, kind=RequestKind.NEW_ACCOUNT)
    else:
        request = AccountRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in EDITABLE_STATUSES:
            raise RequestError(_("Only a draft or a returned request can be changed."))
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(request, name, values[name])
    request.answers = {key: text for key, text in answers.items() if text.strip()}
    try:
        with transaction.atomic():
            if request.pk is None:
                request.save()
                _record(request=request, actor=actor, old="", new=RequestStatus.DRAFT)
            else:
                request.save(update_fields=[*EDITABLE_FIELDS, "answers", "updated_at"])
    except IntegrityError:
        raise RequestError(
            {"handle": _("There is already an open request for this handle on this platform.")}
        ) from None
    request.responders.set(list(responders))
    return request


def request_missing(*, request: AccountRequest) -> dict[str, str]:
    """What a new-profile request lacks before it can be submitted: field -> message."""
    questions = policy_in_force().registration_questions
    missing: dict[str, str] = {}
    required = _("This must be answered before the request is submitted.")
    for name in ("unit", "platform", "name", "handle"):
        if not getattr(request, name):
            missing[name] = required
    if not request.not_case_handling:
        missing["not_case_handling"] = _(
            "Confirm that the profile will not be used for case handling."
        )
    for question in questions:
        spec = question_fields(question)
        if spec.free_text and spec.required and not request.answers.get(question.key, "").strip():
            missing[answer_field_name(question.key)] = required
        for name in spec.fields:
            problem = _missing_structured(request, name, question)
            if problem:
                missing[name] = problem
    return missing


def _missing_structured(
    request: AccountRequest, name: str, question: RegistrationQuestion
) -> str | None:
    required = _("This must be answered before the request is submitted.")
    if name == "responders":
        if request.pk is None or request.responders.count() < MIN_RESPONDERS:
            return _("Name at least two people who will answer on the municipality's behalf.")
        return None
    if (
        name == "responsible_leader"
        and request.responsible_leader is not None
        and not leads_unit(request.responsible_leader, request.unit_id)
    ):
        return _("The responsible leader must be a leader of the profile's unit.")
    if name == "web_pages_updated" and not request.web_pages_updated:
        return _("The unit's web pages must be up to date before the profile is created.")
    if name == "reputation_checked" and not request.reputation_checked:
        return _("The reputation check must be done before the profile is created.")
    value = getattr(request, name)
    if value in (None, "") or (name in {"follow_up_interval_days", "hours_per_week"} and not value):
        return required
    return None


@transaction.atomic
def request_submit(*, actor: User, request: AccountRequest, acknowledged: bool) -> AccountRequest:
    """Submit a complete request to the rådmann (draft or returned -> submitted).

    Raises RequestError with a message per missing field; nothing typed is lost, since the
    caller saved the draft first. Submitting acknowledges the guideline version in force.
    """
    if request.requester_id != actor.pk:
        raise RequestError(_("Only the requester can submit the request."))
    version = version_in_force()
    missing = request_missing(request=request)
    if not acknowledged:
        missing["acknowledge"] = _(
            "Confirm that you have read the guideline before you submit the request."
        )
    if (
        request.handle
        and accounts_active_with_handle(platform=request.platform, handle=request.handle).exists()
    ):
        missing["handle"] = _("An active official account with this handle exists already.")
    if missing:
        raise RequestError(missing)
    old = _move(
        request=request,
        sources=EDITABLE_STATUSES,
        target=RequestStatus.SUBMITTED,
        submitted_at=timezone.now(),
        guideline_version=version,
    )
    if version is not None:
        acknowledgement_create(user=actor, version=version)
    _record(request=request, actor=actor, old=old, new=RequestStatus.SUBMITTED)
    _notify_chief_executives(request)
    return request


def _notify_chief_executives(request: AccountRequest) -> None:
    notifications_create(
        recipients=users_with_role(Role.CHIEF_EXECUTIVE),
        subject=_("New request awaits your decision: %(name)s") % {"name": request},
        body=_("%(requester)s has submitted a request.") % {"requester": request.requester},
        url=reverse("approvals:decide", args=[request.pk]),
    )


def _settle_chief_executives(request: AccountRequest) -> None:
    """The request no longer awaits a decision: its notice to the rådmann is done."""
    notifications_settle(
        recipients=users_with_role(Role.CHIEF_EXECUTIVE),
        url=reverse("approvals:decide", args=[request.pk]),
    )


@transaction.atomic
def request_decide(
    *, actor: User, request: AccountRequest, decision: RequestStatus, text: str
) -> AccountRequest:
    """The rådmann approves, rejects or returns a submitted request, once.

    Rejecting or returning requires a reason (one that shows something). Approving a
    new-profile request creates the official account with its responsibilities; approving
    a closing request closes the account. Two simultaneous decisions, or a double click:
    the conditional update lets only one through, and the other gets
    ``RequestAlreadyDecidedError``. Anyone but the rådmann is refused
    (``PermissionDenied``), whoever calls. The audit event records the guideline version
    in force and the rule applied (``decision_basis``).
    """
    if not permissions.can_decide(actor, request):
        if not permissions.can_see_queue(actor):
            raise PermissionDenied(_("Only the rådmann decides requests."))
        raise _already_decided()
    text = reason_text(text)
    if decision not in (RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.RETURNED):
        raise RequestError(_("Unknown decision."))
    if decision == RequestStatus.RETURNED and request.kind == RequestKind.CLOSING:
        # A closing request has nothing to change: it is closed or refused.
        raise RequestError(
            {"decision": _("A request to close an account is approved or rejected.")}
        )
    if decision != RequestStatus.APPROVED and not text:
        raise RequestError({"text": _("Give a reason when you reject or return a request.")})
    basis = decision_basis(version=version_in_force())
    try:
        old = _move(
            request=request,
            sources=[RequestStatus.SUBMITTED],
            target=decision,
            decided_at=timezone.now(),
            decided_by=actor,
            decision_text=text,
        )
    except RequestError:
        raise _already_decided() from None
    if decision == RequestStatus.APPROVED:
        if request.kind == RequestKind.NEW_ACCOUNT:
            account = _create_account(actor=actor, request=request)
            AccountRequest.objects.filter(id=request.pk).update(account=account)
            request.account = account
        elif request.account is not None:
            account_close(actor=actor, account=request.account, reason=request.closing_reason)
    _record(request=request, actor=actor, old=old, new=decision, text=text, basis=basis)
    _settle_chief_executives(request)
    messages = {
        RequestStatus.APPROVED: _("Your request has been approved: %(name)s"),
        RequestStatus.REJECTED: _("Your request has been rejected: %(name)s"),
        RequestStatus.RETURNED: _("Your request has been returned for changes: %(name)s"),
    }
    notification_create(
        recipient=request.requester,
        subject=messages[decision] % {"name": request},
        body=text,
        url=reverse("approvals:detail", args=[request.pk]),
    )
    return request


def _create_account(*, actor: User, request: AccountRequest) -> Account:
    assert request.unit is not None  # noqa: S101 - a submitted request is complete
    return account_create(
        actor=actor,
        unit=request.unit,
        platform=request.platform,
        name=request.name,
        handle=request.handle,
        url=request.url,
        contact_instance=request.contact_instance,
        contact_person=request.contact_person,
        contact_title=request.contact_title,
        contact_email=request.contact_email,
        homepage=request.homepage,
        follow_up_interval_days=request.follow_up_interval_days or 1,
        origin_note=_("Approved by the rådmann in request %(id)s.") % {"id": request.pk},
        owner=request.responsible_leader,
        responders=list(request.responders.all()),
    )


@transaction.atomic
def request_withdraw(*, actor: User, request: AccountRequest) -> AccountRequest:
    """The requester withdraws an undecided request."""
    if request.requester_id != actor.pk:
        raise RequestError(_("Only the requester can withdraw the request."))
    old = _move(request=request, sources=OPEN_STATUSES, target=RequestStatus.WITHDRAWN)
    _record(request=request, actor=actor, old=old, new=RequestStatus.WITHDRAWN)
    _settle_chief_executives(request)
    return request


@transaction.atomic
def closing_request_submit(*, actor: User, account: Account, reason: str) -> AccountRequest:
    """Ask the rådmann to close an official account (the owner or a leader of its unit)."""
    reason = reason_text(reason)
    if not reason:
        raise RequestError({"closing_reason": _("Say why the account should be closed.")})
    request = AccountRequest(
        kind=RequestKind.CLOSING,
        status=RequestStatus.SUBMITTED,
        requester=actor,
        account=account,
        unit=account.unit,
        platform=account.platform,
        name=account.name,
        handle=account.handle,
        url=account.url,
        closing_reason=reason,
        submitted_at=timezone.now(),
        # No guideline version: asking to close acknowledges nothing, and the request
        # page must not say that the requester has read a version they have not.
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise RequestError(_("There is already an open request to close this account.")) from None
    _record(request=request, actor=actor, old="", new=RequestStatus.SUBMITTED, text=reason)
    _notify_chief_executives(request)
    return request
