"""Crisis pages: start (with a confirmation step), update the message, end, history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import add_service_error
from moskenes_social.people.models import User

from . import permissions
from .forms import CrisisEndForm, CrisisMessageForm, CrisisStartForm
from .models import CrisisPeriod
from .selectors import (
    accounts_not_closed,
    crises_history,
    crisis_active,
    crisis_for_page,
    crisis_message_current,
    people_to_notify,
)
from .services import CrisisError, crisis_end, crisis_message_update, crisis_start


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - LoginRequiredMiddleware guarantees it
    return user


def _crisis(request: HttpRequest, crisis_id: int) -> CrisisPeriod:
    """The crisis with its versions and accounts, or 404 for whoever may not see it."""
    if not permissions.can_view_crises(request.user):
        raise Http404
    try:
        return crisis_for_page(crisis_id=crisis_id)
    except CrisisPeriod.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def crisis_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_crises(request.user):
        raise PermissionDenied
    return render(
        request,
        "crisis/crisis_list.html",
        {
            "crises": list(crises_history()),
            "can_start": permissions.can_start_crisis(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def crisis_start_view(request: HttpRequest) -> HttpResponse:
    """Two posts: the form, then a page that says what will happen and starts it. "Go back
    and change" on that page posts the same data back to the form."""
    if not permissions.can_start_crisis(request.user):
        raise PermissionDenied
    active = crisis_active()
    if request.method != "POST" or active is not None:
        return render(request, "crisis/start.html", {"form": CrisisStartForm(), "active": active})
    data = request.POST.copy()
    editing = data.pop("edit", None) is not None
    if editing:
        data.pop("confirmed", None)
    form = CrisisStartForm(data)
    if not editing and form.is_valid():
        cleaned = form.cleaned_data
        if not cleaned["confirmed"]:
            return _confirm_page(request, form)
        try:
            crisis = crisis_start(
                actor=_user(request),
                reason=cleaned["reason"],
                message_text=cleaned["message_text"],
                message_link=cleaned["message_link"],
                covers_all_accounts=cleaned["covers_all_accounts"],
                accounts=cleaned["accounts"],
            )
        except CrisisError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Crisis mode is active."))
            return redirect("crisis:detail", crisis_id=crisis.pk)
    return render(request, "crisis/start.html", {"form": form, "active": active})


def _confirm_page(request: HttpRequest, form: CrisisStartForm) -> HttpResponse:
    """What will happen: which accounts, how many people are told, who may answer."""
    data = form.cleaned_data
    chosen = [account.pk for account in data["accounts"]]
    if data["covers_all_accounts"]:
        accounts = list(accounts_not_closed())
    else:
        accounts = list(data["accounts"])
    recipients = people_to_notify(
        covers_all_accounts=data["covers_all_accounts"], account_ids=chosen
    )
    return render(
        request,
        "crisis/start_confirm.html",
        {"form": form, "data": data, "accounts": accounts, "recipients_count": len(recipients)},
    )


@require_GET
def crisis_detail(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    versions = list(crisis.messages.all())
    return render(
        request,
        "crisis/crisis_detail.html",
        {
            "crisis": crisis,
            "versions": versions,
            "current": versions[0] if versions else None,
            "accounts": list(crisis.accounts.all()),
            "can_update": permissions.can_update_crisis(request.user, crisis),
            "can_end": permissions.can_end_crisis(request.user, crisis),
        },
    )


@require_http_methods(["GET", "POST"])
def crisis_update_view(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    if not permissions.can_update_crisis(request.user, crisis):
        raise PermissionDenied
    current = crisis_message_current(crisis=crisis)
    initial = {"text": current.text, "link": current.link} if current else {}
    form = CrisisMessageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            crisis_message_update(actor=_user(request), crisis=crisis, **form.cleaned_data)
        except CrisisError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The official message is updated."))
            return redirect("crisis:detail", crisis_id=crisis.pk)
    return render(request, "crisis/update.html", {"form": form, "crisis": crisis})


@require_http_methods(["GET", "POST"])
def crisis_end_view(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    if not permissions.can_end_crisis(request.user, crisis):
        raise PermissionDenied
    form = CrisisEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            crisis_end(actor=_user(request), crisis=crisis, summary=form.cleaned_data["summary"])
        except CrisisError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Crisis mode has ended."))
            return redirect("crisis:detail", crisis_id=crisis.pk)
    return render(request, "crisis/end.html", {"form": form, "crisis": crisis})
