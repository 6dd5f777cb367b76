"""Account pages: list, account page, responsibility, follow-up, the rådmann's overview, and
the public register (no login)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.crisis.selectors import crisis_banner_of
from accounts.posts.selectors import account_posts_section
from moskenes_social.audit.models import Event
from moskenes_social.forms import add_service_error
from moskenes_social.people.auth import request_user
from moskenes_social.people.models import User

from . import permissions
from .forms import (
    AccountEditForm,
    AccountFilterForm,
    AccountRegisterExistingForm,
    ReasonForm,
    RegisterSearchForm,
    ResponsibilityAssignForm,
    ResponsibilityDateForm,
)
from .models import Account, Platform, Responsibility, ResponsibilityRole
from .register import (
    REGISTER_CACHE_SECONDS,
    REGISTER_PAGE_SIZE,
    RegisterEntry,
    register_count,
    register_entries,
    register_json_body,
    register_page_entries,
)
from .selectors import (
    account_coverage,
    account_events,
    account_events_latest,
    account_with_open_responsibilities,
    accounts_below_coverage,
    accounts_follow_up_overdue,
    accounts_list,
    responsibilities_history,
    responsibilities_on_date,
)
from .services import (
    AccountError,
    account_check_in,
    account_register_existing,
    account_resume,
    account_suspend,
    account_update,
    responsibility_assign,
    responsibility_end,
)

# The account page shows the latest changes (``ACCOUNT_PAGE_EVENTS``); its log page shows
# them all, a page at a time.
LOG_PAGE_SIZE = 50

# What the account page's log calls each audit action.
ACTION_LABELS = {
    "accounts.account_created": gettext_lazy("Registered"),
    "accounts.account_registered_existing": gettext_lazy("Registered as an existing account"),
    "accounts.account_updated": gettext_lazy("Changed"),
    "accounts.account_checked_in": gettext_lazy("Followed up"),
    "accounts.account_suspended": gettext_lazy("Suspended"),
    "accounts.account_resumed": gettext_lazy("Resumed"),
    "accounts.account_closed": gettext_lazy("Closed"),
    "accounts.responsibility_assigned": gettext_lazy("Responsibility given"),
    "accounts.responsibility_ended": gettext_lazy("Responsibility ended"),
    "accounts.follow_up_reminder_sent": gettext_lazy("Follow-up reminder sent"),
}


def _event_label(event: Event) -> str:
    label = str(ACTION_LABELS.get(event.action, event.action))
    name, role = event.data.get("name"), event.data.get("role")
    if name and role in ResponsibilityRole.values:
        label = f"{label}: {name} ({ResponsibilityRole(role).label.lower()})"
    return label


def _account(request: HttpRequest, account_id: int) -> Account:
    """The account, or 404 for whoever may not see it."""
    account = get_object_or_404(Account.objects.select_related("unit"), id=account_id)
    if not permissions.can_view_account(request.user, account):
        raise Http404
    return account


def _form_page(
    request: HttpRequest, form: Any, *, title: str, submit: str, account: Account | None = None
) -> HttpResponse:
    return render(
        request,
        "accounts/form_page.html",
        {"form": form, "page_title": title, "submit_label": submit, "account": account},
    )


@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "unit_name": form.cleaned_data["unit"],
            "platform": form.cleaned_data["platform"],
            "status": form.cleaned_data["status"],
            "responsible": request_user(request) if form.cleaned_data["mine"] else None,
        }
    page = Paginator(accounts_list(**filters), 25).get_page(request.GET.get("side"))
    rows = [(account, account_coverage(account=account)) for account in page.object_list]
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "accounts/account_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filter_query": query.urlencode(),
            "filtered": any(filters.values()),
            "can_register_existing": permissions.can_register_existing(request.user),
        },
    )


@require_GET
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    try:
        account = account_with_open_responsibilities(account_id=account_id)
    except Account.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    if not permissions.can_view_account(user, account):
        raise Http404
    date_form = ResponsibilityDateForm(request.GET if "dato" in request.GET else None)
    on_date = None
    if date_form.is_valid():
        on_date = list(
            responsibilities_on_date(account=account, day=date_form.cleaned_data["dato"])
        )
    can_view_history = permissions.can_view_account_history(user, account)
    events, more_events = None, False
    if can_view_history:
        recent, more_events = account_events_latest(account=account)
        events = [(e, _event_label(e)) for e in recent]
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "coverage": account_coverage(account=account),
            "open_responsibilities": account.open_responsibilities,  # type: ignore[attr-defined]
            "history": responsibilities_history(account=account),
            "date_form": date_form,
            "on_date": on_date,
            "events": events,
            "more_events": more_events,
            "overdue": account.follow_up_overdue(),
            "can_assign": permissions.can_assign(user, account) and not account.is_closed,
            "can_edit": permissions.can_edit_account(user, account),
            "can_check_in": permissions.can_check_in(user, account),
            "can_suspend": permissions.can_suspend(user, account),
            # The closing request is the approvals app's page; linked by URL name only.
            "can_request_closing": permissions.can_request_closing(user, account),
            "posts_section": account_posts_section(
                user=user, account=account, crisis_active=crisis_banner_of(request) is not None
            )
            if isinstance(user, User)
            else None,
        },
    )


@require_GET
def account_log(request: HttpRequest, account_id: int) -> HttpResponse:
    """Every change to the account, newest first, 50 a page; the account page shows the
    latest ten."""
    account = _account(request, account_id)
    if not permissions.can_view_account_history(request.user, account):
        raise PermissionDenied(
            _(
                "Only the rådmann, communication staff, the unit's leaders and those "
                "responsible for the account can read its log."
            )
        )
    page = Paginator(account_events(account=account), LOG_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "accounts/account_log.html",
        {
            "account": account,
            "page": page,
            "events": [(e, _event_label(e)) for e in page.object_list],
        },
    )


@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    if not permissions.can_edit_account(request.user, account):
        raise PermissionDenied
    form = AccountEditForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            account_update(actor=request_user(request), account=account, **form.cleaned_data)
        except AccountError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The account is updated."))
            return redirect("accounts:detail", account_id=account.pk)
    return _form_page(
        request,
        form,
        title=_("Change %(account)s") % {"account": account},
        submit=_("Save"),
        account=account,
    )


@require_http_methods(["GET", "POST"])
def account_register_existing_view(request: HttpRequest) -> HttpResponse:
    if not permissions.can_register_existing(request.user):
        raise PermissionDenied
    form = AccountRegisterExistingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = account_register_existing(actor=request_user(request), **data)
        except AccountError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The account is registered."))
            return redirect("accounts:detail", account_id=account.pk)
    return _form_page(
        request,
        form,
        title=_("Register an existing account"),
        submit=_("Register the account"),
    )


@require_http_methods(["GET", "POST"])
def responsibility_assign_view(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    if not permissions.can_assign(request.user, account):
        raise PermissionDenied
    form = ResponsibilityAssignForm(
        request.POST or None, initial={"role": request.GET.get("rolle")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            responsibility = responsibility_assign(
                actor=request_user(request),
                account=account,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except AccountError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s for %(account)s.")
                % {
                    "name": responsibility.user,
                    "role": responsibility.get_role_display().lower(),
                    "account": account.name,
                },
            )
            return redirect("accounts:detail", account_id=account.pk)
    return _form_page(
        request,
        form,
        title=_("Give responsibility for %(account)s") % {"account": account},
        submit=_("Assign"),
        account=account,
    )


@require_POST
def responsibility_end_view(request: HttpRequest, responsibility_id: int) -> HttpResponse:
    responsibility = get_object_or_404(
        Responsibility.objects.select_related("account__unit", "user"), id=responsibility_id
    )
    account = responsibility.account
    if not permissions.can_view_account(request.user, account):
        raise Http404
    if not permissions.can_assign(request.user, account):
        raise PermissionDenied
    try:
        responsibility_end(actor=request_user(request), responsibility=responsibility)
    except AccountError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s is no longer %(role)s for %(account)s.")
            % {
                "name": responsibility.user,
                "role": responsibility.get_role_display().lower(),
                "account": account.name,
            },
        )
    return redirect("accounts:detail", account_id=account.pk)


@require_POST
def account_check_in_view(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    if not permissions.can_check_in(request.user, account):
        raise PermissionDenied
    try:
        account_check_in(actor=request_user(request), account=account)
    except AccountError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registered as followed up."))
    return redirect("accounts:detail", account_id=account.pk)


@require_http_methods(["GET", "POST"])
def account_suspend_view(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    if not permissions.can_suspend(request.user, account):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_suspend(
                actor=request_user(request), account=account, reason=form.cleaned_data["reason"]
            )
        except AccountError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The account is suspended."))
            return redirect("accounts:detail", account_id=account.pk)
    return _form_page(
        request,
        form,
        title=_("Suspend %(account)s") % {"account": account},
        submit=_("Suspend the account"),
        account=account,
    )


@require_POST
def account_resume_view(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    if not permissions.can_suspend(request.user, account):
        raise PermissionDenied
    try:
        account_resume(actor=request_user(request), account=account)
    except AccountError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The account is in use again."))
    return redirect("accounts:detail", account_id=account.pk)


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The rådmann's overview: accounts below coverage and accounts behind on follow-up."""
    if not permissions.can_view_overview(request.user):
        raise PermissionDenied
    below = [(a, account_coverage(account=a)) for a in accounts_below_coverage()]
    return render(
        request,
        "accounts/overview.html",
        {"below": below, "overdue": list(accounts_follow_up_overdue())},
    )


# --- The public register --------------------------------------------------------------------


def _matches(entry: RegisterEntry, query: str) -> bool:
    query = query.casefold().lstrip("@")
    return query in entry.name.casefold() or query in entry.handle.casefold()


@require_GET
@login_not_required
def register(request: HttpRequest) -> HttpResponse:
    """Every active official account, for anyone to check that an account is really the
    municipality's. Served from the cache, a page at a time: no database query when it is
    current."""
    form = RegisterSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page: Page[Any]
    if query:
        shown = [e for e in register_entries() if _matches(e, query)]
        page = Paginator(shown, REGISTER_PAGE_SIZE).get_page(request.GET.get("side"))
        entries = list(page.object_list)
        total = len(shown)
    else:
        total = register_count()
        # Only the numbers are paginated here; the entries of a page have a cache entry
        # of their own.
        page = Paginator(range(total), REGISTER_PAGE_SIZE).get_page(request.GET.get("side"))
        entries = register_page_entries(number=page.number) if total else []
    rows = [(entry, Platform(entry.platform).label) for entry in entries]
    response = render(
        request,
        "accounts/register.html",
        {
            "rows": rows,
            "form": form,
            "query": query,
            "total": total,
            "page": page,
            "pagination_query": urlencode({"q": query}) if query else "",
        },
    )
    if not request.user.is_authenticated:
        patch_cache_control(response, public=True, max_age=REGISTER_CACHE_SECONDS)
    return response


@require_GET
@login_not_required
def register_json(request: HttpRequest) -> HttpResponse:
    """The register as JSON, the same entries as the page (all of them)."""
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(
        register_json_body(compressed=compressed), content_type="application/json"
    )
    if compressed:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=REGISTER_CACHE_SECONDS)
    return response
