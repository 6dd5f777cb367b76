"""Crisis pages: start (with a confirmation step), update the message, end, history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.lockout import crisis_covering
from accounts.models import Account, CrisisPeriod, Platform, PlatformAction, Post
from accounts.posts.delivery import platform_action_release
from accounts.posts.media_comments import (
    MediaError,
    crisis_instagram_connections,
    crisis_media,
    media_comments_off,
)
from accounts.posts.outbox import acts_on_platform, connection_of
from accounts.posts.permissions import sees_all_posts
from accounts.posts.selectors import actions_held
from accounts.posts.services import PostError
from moskenes_social.forms import add_service_error
from moskenes_social.people.auth import request_user

from . import permissions
from .forms import CrisisEndForm, CrisisMessageForm, CrisisStartForm, MediaCommentsOffForm
from .selectors import (
    accounts_not_closed,
    crises_history,
    crisis_active,
    crisis_for_page,
    crisis_inbox,
    crisis_media_changes,
    crisis_message_current,
    crisis_page_task_changes,
    crisis_post_rows,
    crisis_post_stats,
    crisis_posts,
    crisis_publications,
    official_answer_text,
    people_to_notify,
)
from .services import (
    CrisisError,
    crisis_end,
    crisis_message_update,
    crisis_post_answer_official,
    crisis_start,
)

PAGE_SIZE = 25


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
                actor=request_user(request),
                reason=cleaned["reason"],
                message_text=cleaned["message_text"],
                message_link=cleaned["message_link"],
                covers_all_accounts=cleaned["covers_all_accounts"],
                accounts=cleaned["accounts"],
                publish_to=cleaned["publish_to"],
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
    page = Paginator(crisis_posts(crisis=crisis), PAGE_SIZE).get_page(request.GET.get("side"))
    can_update = permissions.can_update_crisis(request.user, crisis)
    return render(
        request,
        "crisis/crisis_detail.html",
        {
            "crisis": crisis,
            "versions": versions,
            "current": versions[0] if versions else None,
            "accounts": list(crisis.accounts.all()),
            "page": page,
            "post_rows": crisis_post_rows(posts=list(page.object_list), versions=versions),
            "stats": crisis_post_stats(crisis=crisis, versions=versions),
            "publications": crisis_publications(crisis=crisis),
            "task_changes": crisis_page_task_changes(crisis=crisis),
            "media_changes": crisis_media_changes(crisis=crisis),
            "instagram_connections": (
                crisis_instagram_connections(crisis=crisis) if can_update else []
            ),
            "can_update": can_update,
            "shows_text": sees_all_posts(request.user),
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
            crisis_message_update(actor=request_user(request), crisis=crisis, **form.cleaned_data)
        except CrisisError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The official message is updated."))
            return redirect("crisis:detail", crisis_id=crisis.pk)
    return render(request, "crisis/update.html", {"form": form, "crisis": crisis})


@require_http_methods(["GET", "POST"])
def crisis_media_view(request: HttpRequest, crisis_id: int, account_id: int) -> HttpResponse:
    """The crisis team turns comments off on chosen posts of a covered Instagram account."""
    crisis = _crisis(request, crisis_id)
    if not permissions.can_update_crisis(request.user, crisis):
        raise PermissionDenied
    account = get_object_or_404(Account, pk=account_id, platform=Platform.INSTAGRAM)
    actor = request_user(request)
    context: dict[str, object] = {"crisis": crisis, "account": account}
    try:
        media = crisis_media(actor=actor, crisis=crisis, account=account)
    except MediaError as exc:
        return render(request, "crisis/media.html", {**context, "error": exc.message})
    # Bound on every POST: nothing ticked is an error, not a fresh form.
    data = request.POST if request.method == "POST" else None
    form = MediaCommentsOffForm(data, media=media)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = media_comments_off(
                actor=actor, crisis=crisis, account=account, media_ids=form.cleaned_data["posts"]
            )
        except MediaError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Comments are being turned off on %(n)d post.",
                    "Comments are being turned off on %(n)d posts.",
                    chosen,
                )
                % {"n": chosen},
            )
            return redirect(reverse("crisis:detail", args=[crisis.pk]) + "#crisis-instagram")
    already_off = [item for item in media if not item.comments_enabled]
    return render(
        request, "crisis/media.html", {**context, "form": form, "already_off": already_off}
    )


@require_http_methods(["GET", "POST"])
def crisis_end_view(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    if not permissions.can_end_crisis(request.user, crisis):
        raise PermissionDenied
    form = CrisisEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            crisis_end(
                actor=request_user(request), crisis=crisis, summary=form.cleaned_data["summary"]
            )
        except CrisisError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Crisis mode has ended."))
            return redirect("crisis:detail", crisis_id=crisis.pk)
    return render(request, "crisis/end.html", {"form": form, "crisis": crisis})


# --- The crisis team's inbox ----------------------------------------------------------------


@require_GET
def crisis_inbox_view(request: HttpRequest) -> HttpResponse:
    """Every open post on the covered accounts, the most urgent first, for the crisis team
    to answer with the official message in one step or with their own text."""
    if not permissions.can_use_crisis_inbox(request.user):
        raise PermissionDenied
    crisis = crisis_active()
    current = crisis_message_current(crisis=crisis) if crisis is not None else None
    posts = crisis_inbox(crisis=crisis) if crisis is not None else Post.objects.none()
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("side"))
    now = timezone.now()
    return render(
        request,
        "crisis/inbox.html",
        {
            "crisis": crisis,
            "current": current,
            "page": page,
            "rows": [(post, post.is_overdue(now)) for post in page.object_list],
            "held": actions_held(),
        },
    )


@require_POST
def crisis_action_settle_view(request: HttpRequest, action_id: int) -> HttpResponse:
    """Send (``decision=send``) or cancel what a crisis held back."""
    if not permissions.can_use_crisis_inbox(request.user):
        raise PermissionDenied
    action = get_object_or_404(
        PlatformAction.objects.select_related("account", "post"), id=action_id
    )
    send = request.POST.get("decision") == "send"
    if platform_action_release(actor=request_user(request), action=action, send=send):
        messages.success(
            request,
            _("It is on its way to Facebook.") if send else _("It is cancelled and not sent."),
        )
    else:
        messages.error(request, _("Someone decided on it already."))
    return redirect("crisis:inbox")


@require_http_methods(["GET", "POST"])
def crisis_answer_official_view(request: HttpRequest, post_id: int) -> HttpResponse:
    """GET: confirm, saying where the official message will appear (as the Page's reply on
    Facebook, or recorded in the app only). POST: answer one post with it, then back to
    where the button was."""
    # The role first: to anyone outside the crisis team, a post that exists and one that
    # does not answer alike (403), so the page tells no outsider which posts exist.
    if not permissions.can_use_crisis_inbox(request.user):
        raise PermissionDenied
    post = get_object_or_404(Post.objects.select_related("account__unit"), id=post_id)
    next_url = request.POST.get("next", "") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "GET":
        crisis = crisis_covering(account=post.account)
        message = crisis_message_current(crisis=crisis) if crisis is not None else None
        if message is None or not post.is_open:
            messages.error(request, _("No crisis covers this post now; answer it as usual."))
            return redirect("posts:detail", post_id=post.pk)
        connection = connection_of(post.account)
        return render(
            request,
            "crisis/answer_official_confirm.html",
            {
                "post": post,
                "text": official_answer_text(message=message),
                "on_platform": acts_on_platform(post, connection),
                "connection": connection,
                "next": next_url,
            },
        )
    try:
        crisis_post_answer_official(actor=request_user(request), post=post)
    except (CrisisError, PostError) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Post %(number)s on %(account)s is answered with the official message.")
            % {"number": post.pk, "account": post.account.name},
        )
    if next_url:
        return redirect(next_url)
    return redirect("posts:detail", post_id=post.pk)
