"""Post pages: the inbox, a post's page, registering by hand, triage, answer, close, remove,
reopen, and the account's integrations (ingest tokens, Facebook Page).

Views look the post or account up (404 to those who may not see its posts), call one
service and render or redirect. Whether someone may act is the services' decision
(``services._check_may_act``); a refusal there is a 403 with its message.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.lockout import crisis_covering, crisis_lockout_message
from accounts.models import (
    Account,
    FindingKind,
    IngestToken,
    Platform,
    PlatformConnection,
    Post,
    PostSource,
    PostStatus,
)
from accounts.models.posts import text_masked
from accounts.selectors import accounts_for_responder
from moskenes_social.audit.models import Event
from moskenes_social.forms import add_service_error
from moskenes_social.pagination import CappedPaginator
from moskenes_social.people.auth import request_user
from policy.selectors import policy_in_force

from . import permissions
from .forms import (
    AnswerForm,
    CloseForm,
    FacebookPageForm,
    InboxFilterForm,
    InstagramAccountForm,
    PageLockoutForm,
    PostRegisterForm,
    ReopenForm,
    ScreeningDismissForm,
    TokenCreateForm,
    TriageForm,
)
from .instagram import instagram_connect
from .outbox import platform_url
from .page_tasks import PageTasksError, page_users_set
from .rules import triage_rule
from .selectors import (
    accounts_with_posts_for,
    connection_for_page,
    page_lockout_people,
    page_users_initial,
    post_actions,
    post_answer_draft,
    post_events,
    post_for_page,
    post_reminders,
    post_sends_to_platform,
    posts_flagged,
    posts_inbox,
)
from .services import (
    PostError,
    ingest_token_create,
    ingest_token_revoke,
    integrations_check_may_manage,
    platform_connect,
    platform_disconnect,
    post_answer,
    post_check_may_act,
    post_close,
    post_may_act,
    post_register,
    post_remove_sensitive,
    post_reopen,
    post_screening_dismiss,
    post_triage,
)

# What the post page's log calls each audit action.
ACTION_LABELS = {
    "posts.post_received": gettext_lazy("Received"),
    "posts.post_triaged": gettext_lazy("Triaged"),
    "posts.post_answered": gettext_lazy("Answered"),
    "posts.post_closed": gettext_lazy("Closed without answer"),
    "posts.post_removed": gettext_lazy("Removed"),
    "posts.post_reopened": gettext_lazy("Reopened"),
    "posts.reminder_sent": gettext_lazy("Reminder sent"),
    "posts.post_screened": gettext_lazy("Marked as possibly sensitive by the screening"),
    "posts.post_screening_dismissed": gettext_lazy("Not sensitive (a false match)"),
}

PAGE_SIZE = 25


def _post(request: HttpRequest, post_id: int) -> Post:
    """The post, or 404 for whoever may not see its account's posts."""
    try:
        post = post_for_page(post_id=post_id)
    except Post.DoesNotExist as exc:
        raise Http404 from exc
    if not permissions.can_view_posts(request.user, post.account):
        raise Http404
    return post


def _acting_post(request: HttpRequest, post_id: int) -> Post:
    """The post, 404 to outsiders, 403 to those who may see but not act."""
    post = _post(request, post_id)
    # Refuses with the service's reason: not responsible, or locked out by a crisis.
    post_check_may_act(actor=request_user(request), account=post.account)
    return post


def _account(request: HttpRequest, account_id: int) -> Account:
    account = get_object_or_404(Account.objects.select_related("unit"), id=account_id)
    if not permissions.can_view_posts(request.user, account):
        raise Http404
    return account


def _data(request: HttpRequest) -> Any:
    """The submitted data for a form: bound on POST (even when empty), unbound on GET."""
    return request.POST if request.method == "POST" else None


def _event_label(event: Event) -> str:
    label = str(ACTION_LABELS.get(event.action, event.action))
    advice = event.data.get("advice")
    # A triage names the guideline's advice it led to: «Vurdert: svar på innlegget».
    if isinstance(advice, str) and advice:
        label = f"{label}: {advice[:1].lower()}{advice[1:]}"
    return label


# --- The inbox ------------------------------------------------------------------------------


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Posts on the user's accounts: open ones most urgent first, overdue marked."""
    user = request_user(request)
    accounts = accounts_with_posts_for(user=user)
    form = InboxFilterForm(request.GET or None, accounts=accounts)
    account: Account | None = None
    account_search = ""
    category = ""
    status = PostStatus.OPEN.value
    if form.is_valid():
        account = form.cleaned_data["konto"]
        account_search = form.cleaned_data.get("sok", "")
        category = form.cleaned_data["kategori"]
        status = form.cleaned_data["status"] or PostStatus.OPEN.value
    posts = posts_inbox(
        user=user,
        accounts=accounts,
        account=account,
        account_search=account_search,
        category=category,
        status=status,
    )
    page = CappedPaginator(posts, PAGE_SIZE).get_page(request.GET.get("side"))
    # Possibly sensitive posts stand first, above the list, until someone decides.
    flagged = (
        posts_flagged(user=user, accounts=accounts, account=account, account_search=account_search)
        if status == PostStatus.OPEN
        else []
    )
    now = timezone.now()
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "posts/inbox.html",
        {
            "form": form,
            "page": page,
            "rows": [(post, post.is_overdue(now)) for post in page.object_list],
            "flagged_rows": [(post, post.is_overdue(now)) for post in flagged],
            "status": PostStatus(status),
            "filtered": bool(account or account_search or category),
            "filter_query": query.urlencode(),
            "has_accounts": form.has_accounts,
            "can_register": accounts_for_responder(user=user).exists(),
        },
    )


# --- A post ---------------------------------------------------------------------------------


@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post(request, post_id)
    user = request_user(request)
    may_act = post_may_act(actor=user, account=post.account)
    crisis = crisis_covering(account=post.account)
    policy = policy_in_force()
    rule = (
        triage_rule(category=post.category, expects_answer=post.expects_answer, policy=policy)
        if post.category
        else None
    )
    flagged = post.is_flagged
    return render(
        request,
        "posts/post_detail.html",
        {
            "post": post,
            "findings": _findings_shown(post),
            "can_dismiss": may_act and flagged,
            "overdue": post.is_overdue(),
            "rule": rule,
            "may_act": may_act,
            # Crisis mode: why the buttons are missing, or the crisis team's one-step answer.
            "crisis_lockout": crisis_lockout_message() if crisis and not may_act else "",
            "can_answer_official": bool(
                crisis and may_act and post.is_open and not (rule and rule.removes) and not flagged
            ),
            "can_answer": may_act and post.is_open and not (rule and rule.removes) and not flagged,
            "can_close": may_act and post.is_open and not (rule and rule.removes) and not flagged,
            "can_remove": may_act and post.status != PostStatus.REMOVED,
            "can_reopen": may_act and post.status in (PostStatus.ANSWERED, PostStatus.CLOSED),
            "reminders": list(post_reminders(post=post)),
            "actions": post_actions(post=post),
            "on_platform": may_act and post_sends_to_platform(post=post),
            "comment_url": platform_url(post.account.platform, post.platform_id)
            if post.source == PostSource.FACEBOOK
            else "",
            "events": [(e, _event_label(e)) for e in post_events(post=post)],
        },
    )


@dataclass(frozen=True)
class _FindingShown:
    """One finding as responders see it: what kind, the matched text masked."""

    label: str
    masked: str
    confidence: str


def _findings_shown(post: Post) -> list[_FindingShown]:
    findings = post.findings if isinstance(post.findings, list) else []
    shown = []
    for finding in findings:
        start, end = finding.get("start"), finding.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        kind = finding.get("kind")
        label = FindingKind(kind).label if kind in FindingKind.values else str(kind)
        excerpt = post.text[start:end]
        shown.append(
            _FindingShown(
                label=str(label),
                masked=text_masked(excerpt, [{"start": 0, "end": len(excerpt)}]),
                confidence=str(finding.get("confidence", "")),
            )
        )
    return shown


def _post_form_page(
    request: HttpRequest, post: Post, form: Any, *, title: str, submit: str, danger: bool = False
) -> HttpResponse:
    return render(
        request,
        "posts/form_page.html",
        {
            "post": post,
            "form": form,
            "page_title": title,
            "submit_label": submit,
            "danger": danger,
        },
    )


@require_http_methods(["GET", "POST"])
def post_register_view(request: HttpRequest) -> HttpResponse:
    """Register by hand a post seen on an account one answers for."""
    user = request_user(request)
    # The accounts the user answers for (any responsibility on an active account).
    accounts = accounts_for_responder(user=user)
    form = PostRegisterForm(_data(request), accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = post_register(
                actor=user,
                account=data["account"],
                author=data["author"],
                text=data["text"],
                url=data["url"],
                posted_at=data["posted_at"],
                platform_id=data["platform_id"],
            )
        except PostError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The post is registered."))
            return redirect("posts:detail", post_id=post.pk)
    return render(
        request,
        "posts/register.html",
        {"form": form, "has_accounts": accounts.exists()},
    )


@require_http_methods(["GET", "POST"])
def post_triage_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _acting_post(request, post_id)
    initial = {
        "category": post.category or None,
        "expects_answer": "yes" if post.expects_answer else "no",
    }
    form = TriageForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post_triage(
                actor=request_user(request),
                post=post,
                category=form.cleaned_data["category"],
                expects_answer=form.cleaned_data["expects_answer"],
            )
        except PostError as exc:
            add_service_error(form, exc)
        else:
            if post.status == PostStatus.CLOSED:
                messages.success(
                    request,
                    _("The post is triaged and closed: %(reason)s.")
                    % {"reason": post.get_close_reason_display().lower()},
                )
            else:
                messages.success(request, _("The post is triaged."))
            return redirect("posts:detail", post_id=post.pk)
    return _post_form_page(
        request, post, form, title=_("Triage the post"), submit=_("Save the triage")
    )


@require_http_methods(["GET", "POST"])
def post_answer_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _acting_post(request, post_id)
    on_platform = post_sends_to_platform(post=post)
    form = AnswerForm(
        _data(request), on_platform=on_platform, initial={"text": post_answer_draft(post=post)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            post_answer(
                actor=request_user(request),
                post=post,
                text=form.cleaned_data["text"],
                url=form.cleaned_data.get("url", ""),
            )
        except PostError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The answer is on its way to %(platform)s.")
                % {"platform": post.account.get_platform_display()}
                if on_platform
                else _("The answer is recorded."),
            )
            return redirect("posts:detail", post_id=post.pk)
    title = (
        _("Answer on %(platform)s") % {"platform": post.account.get_platform_display()}
        if on_platform
        else _("Record the answer")
    )
    submit = _("Send the answer") if on_platform else _("Record the answer")
    return _post_form_page(request, post, form, title=title, submit=submit)


@require_http_methods(["GET", "POST"])
def post_close_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _acting_post(request, post_id)
    form = CloseForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            post_close(
                actor=request_user(request),
                post=post,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except PostError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The post is closed without answer."))
            return redirect("posts:detail", post_id=post.pk)
    return _post_form_page(
        request, post, form, title=_("Close without answer"), submit=_("Close the post")
    )


@require_http_methods(["GET", "POST"])
def post_remove_view(request: HttpRequest, post_id: int) -> HttpResponse:
    """Confirm, then remove a post with sensitive information (from Facebook too, where the
    account is connected)."""
    post = _acting_post(request, post_id)
    on_platform = post_sends_to_platform(post=post)
    if request.method == "POST":
        try:
            post_remove_sensitive(actor=request_user(request), post=post)
        except PostError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _(
                    "The comment is being removed from Facebook; then the post's text is "
                    "deleted from the app."
                )
                if on_platform
                else _("The removal is recorded, and the post's text is deleted from the app."),
            )
        return redirect("posts:detail", post_id=post.pk)
    return render(request, "posts/remove_confirm.html", {"post": post, "on_platform": on_platform})


@require_http_methods(["GET", "POST"])
def post_screening_dismiss_view(request: HttpRequest, post_id: int) -> HttpResponse:
    """Mark a post the screening marked as not sensitive (a false match), with a reason;
    where it was hidden on the platform, it is shown again."""
    post = _acting_post(request, post_id)
    form = ScreeningDismissForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            post_screening_dismiss(
                actor=request_user(request), post=post, reason=form.cleaned_data["reason"]
            )
        except PostError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The post is marked as not sensitive."))
            return redirect("posts:detail", post_id=post.pk)
    return _post_form_page(
        request,
        post,
        form,
        title=_("Not sensitive: a false match"),
        submit=_("Mark as not sensitive"),
    )


@require_http_methods(["GET", "POST"])
def post_reopen_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _acting_post(request, post_id)
    form = ReopenForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            post_reopen(actor=request_user(request), post=post, reason=form.cleaned_data["reason"])
        except PostError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The post is open again, with a new deadline."))
            return redirect("posts:detail", post_id=post.pk)
    return _post_form_page(request, post, form, title=_("Reopen the post"), submit=_("Reopen"))


# --- The account's integrations -------------------------------------------------------------


def _account_url(account: Account) -> str:
    return reverse("accounts:detail", kwargs={"account_id": account.pk}) + "#integrations"


@require_http_methods(["GET", "POST"])
def token_create_view(request: HttpRequest, account_id: int) -> HttpResponse:
    """Create an ingest token and show it, once."""
    account = _account(request, account_id)
    user = request_user(request)
    integrations_check_may_manage(actor=user, account=account)
    form = TokenCreateForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = ingest_token_create(
                actor=user, account=account, name=form.cleaned_data["name"]
            )
        except PostError as exc:
            add_service_error(form, exc)
        else:
            response = render(
                request,
                "posts/token_created.html",
                {
                    "account": account,
                    "token": token,
                    "raw_token": raw,
                    "endpoint": request.build_absolute_uri(
                        reverse("posts:ingest", kwargs={"account_id": account.pk})
                    ),
                },
            )
            # The token is shown this once: keep it out of every cache.
            add_never_cache_headers(response)
            return response
    return render(
        request,
        "posts/account_form_page.html",
        {
            "account": account,
            "form": form,
            "page_title": _("New token for %(account)s") % {"account": account.name},
            "submit_label": _("Create the token"),
        },
    )


@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(IngestToken.objects.select_related("account__unit"), id=token_id)
    account = token.account
    if not permissions.can_view_posts(request.user, account):
        raise Http404
    try:
        ingest_token_revoke(actor=request_user(request), token=token)
    except PostError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect(_account_url(account))


@dataclass(frozen=True)
class _Connecting:
    """What differs between connecting a Facebook Page and an Instagram account."""

    form: type[FacebookPageForm] | type[InstagramAccountForm]
    connect: Callable[..., Account]
    template: str
    title: Any
    connected: Any
    disconnected: Any
    # The form's first field's value: the id connected now.
    initial: Callable[[Account, PlatformConnection | None], str]
    # Only accounts of this platform have the page (404 for the others); None: any.
    platform: str | None = None


_FACEBOOK = _Connecting(
    form=FacebookPageForm,
    connect=platform_connect,
    template="posts/facebook_page.html",
    title=gettext_lazy("Facebook Page of %(account)s"),
    connected=gettext_lazy("The Facebook Page is connected."),
    disconnected=gettext_lazy("The app no longer acts on the Facebook Page."),
    initial=lambda account, _connection: account.facebook_page_id or "",
)
_INSTAGRAM = _Connecting(
    form=InstagramAccountForm,
    connect=instagram_connect,
    template="posts/instagram_account.html",
    title=gettext_lazy("Instagram account of %(account)s"),
    connected=gettext_lazy("The Instagram account is connected."),
    disconnected=gettext_lazy("The app no longer acts on the Instagram account."),
    initial=lambda _account, connection: connection.object_id if connection else "",
    platform=Platform.INSTAGRAM,
)


def _connection_page(request: HttpRequest, account_id: int, how: _Connecting) -> HttpResponse:
    """Connect the account on its platform with a token (the form's fields are the
    service's arguments), or disconnect it."""
    account = _account(request, account_id)
    user = request_user(request)
    integrations_check_may_manage(actor=user, account=account)
    if how.platform is not None and account.platform != how.platform:
        raise Http404
    connection = connection_for_page(account=account)
    if request.method == "POST" and "disconnect" in request.POST:
        if platform_disconnect(actor=user, account=account):
            messages.success(request, str(how.disconnected))
        return redirect(_account_url(account))
    field = next(iter(how.form.base_fields))
    form = how.form(_data(request), initial={field: how.initial(account, connection)})
    if request.method == "POST" and form.is_valid():
        try:
            how.connect(actor=user, account=account, **form.cleaned_data)
        except PostError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, str(how.connected))
            return redirect(_account_url(account))
    return render(
        request,
        how.template,
        {
            "account": account,
            "connection": connection,
            "form": form,
            "page_title": str(how.title) % {"account": account.name},
            "submit_label": _("Connect"),
        },
    )


@require_http_methods(["GET", "POST"])
def facebook_page_view(request: HttpRequest, account_id: int) -> HttpResponse:
    """Connect the account to its Facebook Page with a Page access token, or disconnect it."""
    return _connection_page(request, account_id, _FACEBOOK)


@require_http_methods(["GET", "POST"])
def page_lockout_view(request: HttpRequest, account_id: int) -> HttpResponse:
    """The crisis lockout on the Facebook Page: its Business portfolio and the people's
    business-scoped ids, so that a crisis takes their posting and moderating away."""
    account = _account(request, account_id)
    user = request_user(request)
    integrations_check_may_manage(actor=user, account=account)
    connection = connection_for_page(account=account)
    if connection is None or not connection.is_connected:
        messages.error(request, _("Connect the Facebook Page first."))
        return redirect("posts:facebook_page", account_id=account.pk)
    form = PageLockoutForm(
        _data(request),
        people=page_lockout_people(account=account),
        initial={"business_id": connection.business_id, **page_users_initial(account=account)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            page_users_set(
                actor=user,
                account=account,
                business_id=form.cleaned_data["business_id"],
                scoped_ids=form.scoped_ids(),
            )
        except PageTasksError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The crisis lockout on the Facebook Page is saved."))
            return redirect(_account_url(account))
    return render(
        request,
        "posts/page_lockout.html",
        {
            "account": account,
            "connection": connection,
            "form": form,
            "page_title": _("Crisis lockout on the Facebook Page of %(account)s")
            % {"account": account.name},
            "submit_label": _("Save"),
        },
    )


@require_http_methods(["GET", "POST"])
def instagram_account_view(request: HttpRequest, account_id: int) -> HttpResponse:
    """Connect the account to its Instagram professional account, or disconnect it."""
    return _connection_page(request, account_id, _INSTAGRAM)
