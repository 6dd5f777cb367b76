from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Account
from accounts.permissions import can_request_closing, can_view_account
from moskenes_social.forms import add_service_error
from moskenes_social.people.auth import request_user
from policy.selectors import policy_in_force

from . import permissions
from .forms import (
    AccountRequestForm,
    ArchiveFilterForm,
    ClosingDecisionForm,
    ClosingRequestForm,
    DecisionForm,
)
from .models import AccountRequest, RequestKind, RequestStatus
from .selectors import (
    request_with_history,
    requests_awaiting_decision,
    requests_decided,
    requests_of,
)
from .services import (
    RequestAlreadyDecidedError,
    RequestError,
    closing_request_submit,
    request_decide,
    request_save_draft,
    request_submit,
    request_withdraw,
)


def _get_visible(request: HttpRequest, request_id: int) -> AccountRequest:
    """The request if the user may see it; 404 otherwise (its existence is private)."""
    try:
        account_request = request_with_history(request_id=request_id)
    except AccountRequest.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_request(request.user, account_request):
        raise Http404
    return account_request


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(requests_of(user=request_user(request)), 25).get_page(request.GET.get("side"))
    return render(
        request,
        "approvals/request_list.html",
        {"page": page, "can_create": permissions.can_create_request(request.user)},
    )


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_request(request.user):
        raise PermissionDenied(_("Only staff with a role can ask for a new profile."))
    return _request_form(request, None)


@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, request_id: int) -> HttpResponse:
    account_request = _get_visible(request, request_id)
    if not permissions.can_edit_request(request.user, account_request):
        raise PermissionDenied(_("Only the requester can change a draft or a returned request."))
    return _request_form(request, account_request)


def _request_form(request: HttpRequest, account_request: AccountRequest | None) -> HttpResponse:
    """Save as typed ("Lagre utkast"), or save and submit ("Send til rådmannen").

    Saving and submitting are one transaction: a refused submit saves nothing, and the
    form shows what was typed with the errors.
    """
    policy = policy_in_force()
    form = AccountRequestForm(
        request.POST or None,
        instance=account_request or AccountRequest(),
        questions=policy.registration_questions,
        version_number=policy.version_number,
    )
    if request.method == "POST" and form.is_valid():
        user = request_user(request)
        submit = "submit" in request.POST
        try:
            with transaction.atomic():
                saved = request_save_draft(
                    actor=user,
                    request=account_request,
                    values=form.values(),
                    responders=form.cleaned_data.get("responders") or [],
                    answers=form.answers(),
                )
                if submit:
                    request_submit(
                        actor=user, request=saved, acknowledged=form.cleaned_data["acknowledge"]
                    )
        except RequestError as error:
            add_service_error(form, error)
        else:
            if not submit:
                messages.success(request, _("The draft is saved."))
                return redirect("approvals:edit", saved.pk)
            messages.success(request, _("The request is sent to the rådmann."))
            return redirect("approvals:detail", saved.pk)
    return render(
        request,
        "approvals/request_form.html",
        {"form": form, "account_request": account_request, "policy": policy},
    )


@require_GET
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    account_request = _get_visible(request, request_id)
    return render(
        request,
        "approvals/request_detail.html",
        {
            "r": account_request,
            "answers": _answers(account_request),
            "can_edit": permissions.can_edit_request(request.user, account_request),
            "can_withdraw": permissions.can_withdraw_request(request.user, account_request),
            "can_decide": permissions.can_decide(request.user, account_request),
        },
    )


def _answers(account_request: AccountRequest) -> list[tuple[str, str]]:
    policy = policy_in_force()
    return [
        (q.label, account_request.answers.get(q.key, ""))
        for q in policy.registration_questions
        if q.key in account_request.answers
    ]


@require_POST
def request_withdraw_view(request: HttpRequest, request_id: int) -> HttpResponse:
    account_request = _get_visible(request, request_id)
    if not permissions.can_withdraw_request(request.user, account_request):
        raise PermissionDenied(_("Only the requester can withdraw an undecided request."))
    try:
        request_withdraw(actor=request_user(request), request=account_request)
    except RequestError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("approvals:detail", account_request.pk)


@require_http_methods(["GET", "POST"])
def request_decide_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """The rådmann's decision. A decision sent from a page opened before the request was
    decided or withdrawn (or sent twice by a double click) is refused: 409 Conflict and a
    page that says so and what the request is now, nothing changed."""
    account_request = _get_visible(request, request_id)
    if not permissions.can_see_queue(request.user):
        raise PermissionDenied(_("Only the rådmann decides requests."))
    form_class = (
        ClosingDecisionForm if account_request.kind == RequestKind.CLOSING else DecisionForm
    )
    form = form_class(request.POST or None)
    if request.method == "POST":
        if not permissions.can_decide(request.user, account_request):
            return _decide_page(request, account_request, form, conflict=True)
        if form.is_valid():
            try:
                request_decide(
                    actor=request_user(request),
                    request=account_request,
                    decision=RequestStatus(form.cleaned_data["decision"]),
                    text=form.cleaned_data["text"],
                )
            except RequestAlreadyDecidedError:
                # Decided by another window between our read and our update: read it again.
                fresh = _get_visible(request, request_id)
                return _decide_page(request, fresh, form, conflict=True)
            except RequestError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your decision is saved."))
                return redirect("approvals:queue")
    return _decide_page(request, account_request, form, conflict=False)


def _decide_page(
    request: HttpRequest, account_request: AccountRequest, form: DecisionForm, *, conflict: bool
) -> HttpResponse:
    transitions = list(account_request.transitions.all())
    closing = account_request.kind == RequestKind.CLOSING
    return render(
        request,
        "approvals/closing_decide.html" if closing else "approvals/request_decide.html",
        {
            "r": account_request,
            "form": form,
            "answers": _answers(account_request),
            "policy": policy_in_force(),
            "can_decide": permissions.can_decide(request.user, account_request),
            "conflict": conflict,
            "last_transition": transitions[-1] if transitions else None,
        },
        status=409 if conflict else 200,
    )


@require_GET
def request_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_queue(request.user):
        raise PermissionDenied(_("Only the rådmann sees the queue of requests."))
    page = Paginator(requests_awaiting_decision(), 50).get_page(request.GET.get("side"))
    return render(request, "approvals/request_queue.html", {"page": page})


@require_GET
def request_archive(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_queue(request.user):
        raise PermissionDenied(_("Only the rådmann sees the archive of decided requests."))
    form = ArchiveFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = filters.get("unit")
    requests = requests_decided(
        unit_id=unit.pk if unit else None,
        platform=filters.get("platform", ""),
        status=filters.get("status", ""),
        text=filters.get("text", ""),
    )
    page = Paginator(requests, 50).get_page(request.GET.get("side"))
    return render(request, "approvals/request_archive.html", {"page": page, "form": form})


@require_http_methods(["GET", "POST"])
def closing_request_create(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("unit"), pk=account_id)
    if not can_view_account(request.user, account):
        raise Http404
    if not can_request_closing(request.user, account):
        raise PermissionDenied(_("Only the owner or a leader of the unit can ask to close it."))
    form = ClosingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = closing_request_submit(
                actor=request_user(request),
                account=account,
                reason=form.cleaned_data["closing_reason"],
            )
        except RequestError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The request to close the account is sent."))
            return redirect("approvals:detail", created.pk)
    return render(request, "approvals/closing_form.html", {"form": form, "account": account})
