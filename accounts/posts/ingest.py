"""Posts from outside: the JSON ingest API (per account, token auth) and the Facebook Page
webhook. The only two views without login and without CSRF: callers are machines that
prove themselves by a token or a signature instead.

Both are idempotent on the platform's id (``services.post_ingest``) and refuse bad input
with a status and a Norwegian message: a missing token 401, a wrong token or signature
403, an unknown account 404, malformed JSON 400, an oversize body 413. The webhook
answers 200 to anything it does not understand (with a log line): Meta retries every
other answer, and a payload that cannot become a post will not improve by repetition.
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Account, AccountStatus, Platform, PostSource
from moskenes_social.bounds import in_window, parse_aware_time, storable_text
from moskenes_social.worktime import OSLO
from policy.selectors import policy_of_version

from .selectors import CommentTarget, accounts_of_object, comment_target, ingest_token_find
from .services import PostError, ingest_token_mark_used, post_ingest, post_platform_event

logger = logging.getLogger(__name__)

API_FIELDS = {"id", "author", "text", "url", "posted_at"}


class BodyTooLarge(Exception):
    pass


def _error(status: int, message: str, **extra: Any) -> JsonResponse:
    # A message may quote the caller (an unknown field's name): a lone surrogate in it
    # would make the answer itself fail to encode.
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return JsonResponse(
        {"error": message, **extra}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _read_body(request: HttpRequest) -> bytes:
    """The raw body, refusing (``BodyTooLarge``) more than ``INGEST_MAX_BODY_BYTES``: by
    the declared length before reading, and by what arrives while reading (a chunked
    body declares none)."""
    limit: int = settings.INGEST_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BodyTooLarge
    if not request.META.get("CONTENT_LENGTH") and request.META.get("wsgi.input_terminated"):
        # A chunked body has no length. The server (granian, gunicorn) says by this WSGI
        # extension that its input ends where the body does, so it is read directly:
        # Django's own stream reads nothing without a length.
        body: bytes = request.META["wsgi.input"].read(limit + 1)
    else:
        body = request.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge
    return body


_INVALID = object()


def _json(body: bytes) -> Any:
    """The parsed body, or ``_INVALID``: not JSON, not UTF-8, or nested deeper than
    Python's recursion limit (``[`` 100,000 times fits in the size limit)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return _INVALID


def _too_large() -> JsonResponse:
    return _error(
        413,
        _("The body is larger than %(max)d bytes.") % {"max": settings.INGEST_MAX_BODY_BYTES},
    )


# --- The ingest API -------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiPost:
    platform_id: str
    author: str
    text: str
    url: str
    posted_at: datetime


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _parse_api_post(data: object) -> ApiPost:
    """Check the JSON object strictly; raise ``ValueError`` with a Norwegian message."""
    if not isinstance(data, dict):
        raise ValueError(_("The body must be a JSON object."))
    unknown = sorted(set(data) - API_FIELDS)
    if unknown:
        raise ValueError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    for name in sorted(API_FIELDS):
        value = data.get(name)
        if isinstance(value, str) and not storable_text(value):
            raise ValueError(
                _("«%(field)s» contains a character that cannot be stored (NUL or a surrogate).")
                % {"field": name}
            )
    platform_id = data.get("id")
    if isinstance(platform_id, int) and not isinstance(platform_id, bool):
        platform_id = str(platform_id)
    if not isinstance(platform_id, str) or not platform_id.strip() or len(platform_id) > 200:
        raise ValueError(_("«id» must be the post's id on the platform (text, at most 200)."))
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(_("«text» must be the post's text."))
    author = data.get("author", "")
    if not isinstance(author, str) or len(author) > 200:
        raise ValueError(_("«author» must be a name of at most 200 characters."))
    url = data.get("url", "")
    if not isinstance(url, str) or len(url) > 500:
        raise ValueError(_("«url» must be a link of at most 500 characters."))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValueError(_("«url» is not a valid http(s) link.")) from None
    posted_at = parse_aware_time(data.get("posted_at"))
    if posted_at is None:
        raise ValueError(
            _("«posted_at» must be a time in ISO 8601 with a time zone, e.g. %(example)s.")
            % {"example": "2026-11-25T09:30:00+01:00"}
        )
    return ApiPost(
        platform_id=platform_id.strip(),
        author=author.strip(),
        text=text,
        url=url,
        posted_at=posted_at,
    )


@csrf_exempt
@login_not_required
@require_POST
def ingest_api(request: HttpRequest, account_id: int) -> JsonResponse:
    """``POST`` one post as JSON to an account, with ``Authorization: Bearer <token>``.

    201 with the post's number and due time when stored, 200 when the id was stored before
    (nothing changes).
    """
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return _error(404, _("No such account."))
    raw_token = _bearer(request)
    if raw_token is None:
        response = _error(401, _("Give the account's token as «Authorization: Bearer …»."))
        response["WWW-Authenticate"] = 'Bearer realm="innlegg"'
        return response
    token = ingest_token_find(raw=raw_token)
    if token is None or token.account_id != account.pk:
        return _error(403, _("The token is not valid for this account."))
    try:
        body = _read_body(request)
    except BodyTooLarge:
        return _too_large()
    data = _json(body)
    if data is _INVALID:
        return _error(400, _("The body is not valid JSON."))
    try:
        parsed = _parse_api_post(data)
    except ValueError as exc:
        return _error(400, str(exc))
    if account.status != AccountStatus.ACTIVE:
        return _error(409, _("The account is not active and takes no posts."))
    try:
        post, created = post_ingest(
            account=account,
            platform_id=parsed.platform_id,
            author=parsed.author,
            text=parsed.text,
            url=parsed.url,
            posted_at=parsed.posted_at,
            source=PostSource.API,
        )
    except PostError as exc:
        return _error(400, " ".join(exc.messages))
    ingest_token_mark_used(token=token)
    return JsonResponse(
        {
            "post": post.pk,
            "created": created,
            "status": post.status,
            "due_at": post.due_at.astimezone(OSLO).isoformat(),
        },
        status=201 if created else 200,
    )


# --- The Facebook Page webhook --------------------------------------------------------------


def _signature_valid(body: bytes, header: str, secret: str) -> bool:
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def _created_time(value: object) -> datetime | None:
    """Facebook sends ``created_time`` as Unix seconds (sometimes as ISO 8601 text). None
    for anything else, and for a time outside the window (before 2004, in the future):
    the comment is then taken as written when it arrived."""
    created: datetime | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            created = datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            created = None
    else:
        created = parse_aware_time(value)
    if created is not None and not in_window(created):
        logger.info("facebook webhook: created_time %r outside the window; taken as now", value)
        return None
    return created


def _text(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _comment_url(value: dict[str, Any]) -> str:
    post = value.get("post")
    permalink = post.get("permalink_url") if isinstance(post, dict) else None
    if isinstance(permalink, str) and permalink.startswith("https://"):
        return permalink[:500]
    post_id = value.get("post_id")
    if isinstance(post_id, str) and post_id.replace("_", "").isdigit():
        return f"https://www.facebook.com/{post_id}"
    return ""


@dataclass(frozen=True)
class PlatformComment:
    """A citizen's new comment: on a Facebook Page or an Instagram account (``page_id``)."""

    page_id: str
    platform_id: str
    author: str
    text: str
    url: str
    posted_at: datetime | None
    # The comment it replies to: its thread.
    parent_id: str = ""


@dataclass(frozen=True)
class FeedEvent:
    """A feed change on a stored post rather than a new one: the Page's own reply (our
    answer's echo, or an answer given directly on Facebook), a citizen's edit, a removal."""

    page_id: str
    verb: str  # "page_reply", "edited", "remove"
    comment_id: str
    parent_id: str
    message: str


def _feed_change(page_id: str, change: object) -> PlatformComment | FeedEvent | None:
    """A new comment by someone else than the page, or an event on a stored one; None
    (logged) for anything else. Reads the payload only."""
    if not isinstance(change, dict) or change.get("field") != "feed":
        return None
    value = change.get("value")
    if not isinstance(value, dict) or value.get("item") != "comment":
        return None
    verb = value.get("verb")
    sender = value.get("from")
    sender_id = sender.get("id") if isinstance(sender, dict) else None
    comment_id = value.get("comment_id")
    message = value.get("message")
    if not isinstance(comment_id, str) or not comment_id or not storable_text(comment_id):
        logger.info("facebook webhook: page %s sent a comment without id; ignored", page_id)
        return None
    comment_id = comment_id[:200].strip()
    parent_id = value.get("parent_id")
    parent_id = (
        parent_id[:200].strip() if isinstance(parent_id, str) and storable_text(parent_id) else ""
    )
    text = message if isinstance(message, str) and storable_text(message) else ""
    if verb == "remove":
        return FeedEvent(page_id, "remove", comment_id, parent_id, "")
    if str(sender_id) == page_id:
        if verb == "add" and parent_id and text.strip():
            # The page's own comment: our answer's echo, or an answer given on Facebook.
            return FeedEvent(page_id, "page_reply", comment_id, parent_id, text)
        return None
    if verb == "edited":
        return FeedEvent(page_id, "edited", comment_id, parent_id, text) if text.strip() else None
    if verb != "add":
        return None
    author = _text(sender.get("name") if isinstance(sender, dict) else "", 200)
    url = _comment_url(value)
    if not isinstance(message, str):
        logger.info("facebook webhook: page %s sent a comment without id or text; ignored", page_id)
        return None
    if not all(storable_text(part) for part in (message, author, url)):
        logger.warning(
            "facebook webhook: a comment on page %s has characters that cannot be stored; ignored",
            page_id,
        )
        return None
    if not message.strip():
        # A sticker or photo without words: nothing to answer in the app.
        logger.info("facebook webhook: comment %s has no text; ignored", comment_id)
        return None
    return PlatformComment(
        page_id=page_id,
        # As ``post_ingest`` stores it, so that a replay is recognised before it.
        platform_id=comment_id,
        author=author,
        text=message,
        url=url,
        posted_at=_created_time(value.get("created_time")),
        # A reply to the post itself names the post as its parent: no thread of comments.
        parent_id=parent_id if parent_id != value.get("post_id") else "",
    )


def _feed_changes(payload: dict[str, Any]) -> tuple[list[PlatformComment], list[FeedEvent]]:
    comments: list[PlatformComment] = []
    events: list[FeedEvent] = []
    for entry in payload["entry"]:
        page_id = entry.get("id") if isinstance(entry, dict) else None
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if (
            not isinstance(page_id, str)
            or not storable_text(page_id)
            or not isinstance(changes, list)
        ):
            logger.info("facebook webhook: an entry without page id or changes; ignored")
            continue
        for change in changes:
            found = _feed_change(page_id, change)
            if isinstance(found, PlatformComment):
                comments.append(found)
            elif found is not None:
                events.append(found)
    return comments, events


def _new_comments(
    platform: Platform, comments: list[PlatformComment]
) -> list[tuple[CommentTarget, PlatformComment]]:
    """The comments to store, with their targets: those on an active official account's
    page that it does not have yet. One query a comment; a replay ends here."""
    new = []
    for comment in comments:
        target = comment_target(
            platform=platform, object_id=comment.page_id, comment_id=comment.platform_id
        )
        if target is None:
            logger.warning(
                "%s webhook: %s is not an official account; ignored", platform, comment.page_id
            )
            continue
        if target.account.status != AccountStatus.ACTIVE:
            logger.info(
                "%s webhook: %s belongs to an inactive account; ignored",
                platform,
                comment.page_id,
            )
            continue
        if not target.stored:
            new.append((target, comment))
    return new


def _handshake(request: HttpRequest, verify: str) -> HttpResponse:
    """The subscription handshake: the challenge back if the verify token matches."""
    given = request.GET.get("hub.verify_token", "")
    if (
        verify
        and request.GET.get("hub.mode") == "subscribe"
        and hmac.compare_digest(given.encode(), verify.encode())
    ):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return _error(403, _("The verification token does not match."))


def _signed_payload(request: HttpRequest, secret: str) -> dict[str, Any] | JsonResponse:
    """The delivery's JSON object, or the answer refusing it (413, 403, 400)."""
    try:
        body = _read_body(request)
    except BodyTooLarge:
        return _too_large()
    if not _signature_valid(body, request.headers.get("X-Hub-Signature-256", ""), secret):
        return _error(403, _("The signature does not match."))
    payload = _json(body)
    if payload is _INVALID:
        return _error(400, _("The body is not valid JSON."))
    if not isinstance(payload, dict):
        return _error(400, _("The body must be a JSON object."))
    return payload


def _store_comments(
    platform: Platform, comments: list[PlatformComment], events: list[FeedEvent]
) -> int:
    """Store the new comments and apply the events; returns how many posts were created."""
    created = 0
    now = datetime.now(tz=UTC)
    source = PostSource.INSTAGRAM if platform == Platform.INSTAGRAM else PostSource.FACEBOOK
    for target, comment in _new_comments(platform, comments):
        # Each comment is stored whole (the post and its audit event) or not at all, on
        # its own: one refused is logged and skipped, and the others of the delivery stay
        # (Meta would retry the delivery for 36 hours, in vain). Should the database fail,
        # the 500 makes Meta deliver again, and what was stored is recognised as a replay.
        try:
            with transaction.atomic():
                _post, was_created = post_ingest(
                    account=target.account,
                    policy=policy_of_version(
                        version_id=target.policy_version_id,
                        adopted_at=target.policy_version_adopted_at,
                    ),
                    source=source,
                    platform_id=comment.platform_id,
                    author=comment.author,
                    text=comment.text,
                    url=comment.url,
                    posted_at=comment.posted_at or now,
                    parent_platform_id=comment.parent_id,
                )
        except PostError as exc:
            logger.info("%s webhook: comment refused: %s", platform, " ".join(exc.messages))
            continue
        created += int(was_created)
    for event in events:
        # Ordinary queries: these are few beside new comments (an answer, an edit).
        account = (
            accounts_of_object(platform, event.page_id).filter(status=AccountStatus.ACTIVE).first()
        )
        if account is None:
            continue
        with transaction.atomic():
            post_platform_event(
                account=account,
                verb=event.verb,
                comment_id=event.comment_id,
                parent_id=event.parent_id,
                message=event.message,
            )
    return created


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def facebook_webhook(request: HttpRequest) -> HttpResponse:
    """GET: the subscription handshake. POST: signed event deliveries.

    A delivery costs one query for each comment in it (its account, whether the comment
    is stored, the guideline version in force); a replay ends there. Only new comments
    open a transaction, one each: the post and its audit event (``post_ingest``).
    """
    if request.method == "GET":
        return _handshake(request, settings.FACEBOOK_VERIFY_TOKEN)
    payload = _signed_payload(request, settings.FACEBOOK_APP_SECRET)
    if isinstance(payload, JsonResponse):
        return payload
    if payload.get("object") != "page" or not isinstance(payload.get("entry"), list):
        logger.info(
            "facebook webhook: object %r is not a page feed; ignored", payload.get("object")
        )
        return JsonResponse({"created": 0})
    comments, events = _feed_changes(payload)
    return JsonResponse({"created": _store_comments(Platform.FACEBOOK, comments, events)})


# --- Instagram ------------------------------------------------------------------------------


def _instagram_change(user_id: str, change: object) -> PlatformComment | FeedEvent | None:
    """A citizen's new comment, or the account's own reply (our answer's echo, or one
    given directly on Instagram); None (logged) for anything else. Instagram sends new
    comments only: no edits, no removals."""
    if not isinstance(change, dict) or change.get("field") != "comments":
        return None
    value = change.get("value")
    if not isinstance(value, dict):
        return None
    comment_id, text = value.get("id"), value.get("text")
    if not isinstance(comment_id, str) or not comment_id or not storable_text(comment_id):
        logger.info("instagram webhook: %s sent a comment without id; ignored", user_id)
        return None
    comment_id = comment_id[:200].strip()
    sender = value.get("from")
    sender_id = sender.get("id") if isinstance(sender, dict) else None
    username = _text(sender.get("username") if isinstance(sender, dict) else "", 200)
    parent_id = value.get("parent_id")
    parent_id = (
        parent_id[:200].strip() if isinstance(parent_id, str) and storable_text(parent_id) else ""
    )
    if not isinstance(text, str) or not storable_text(text) or not storable_text(username):
        logger.info("instagram webhook: comment %s cannot be stored; ignored", comment_id)
        return None
    if str(sender_id) == user_id:
        if parent_id and text.strip():
            return FeedEvent(user_id, "page_reply", comment_id, parent_id, text)
        return None
    if not text.strip():
        logger.info("instagram webhook: comment %s has no text; ignored", comment_id)
        return None
    return PlatformComment(
        page_id=user_id,
        platform_id=comment_id,
        author=username,
        text=text,
        url="",
        posted_at=None,
        parent_id=parent_id,
    )


def _instagram_changes(
    payload: dict[str, Any],
) -> tuple[list[PlatformComment], list[FeedEvent]]:
    comments: list[PlatformComment] = []
    events: list[FeedEvent] = []
    for entry in payload["entry"]:
        user_id = entry.get("id") if isinstance(entry, dict) else None
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if (
            not isinstance(user_id, str)
            or not storable_text(user_id)
            or not isinstance(changes, list)
        ):
            logger.info("instagram webhook: an entry without account id or changes; ignored")
            continue
        for change in changes:
            found = _instagram_change(user_id, change)
            if isinstance(found, PlatformComment):
                comments.append(found)
            elif found is not None:
                events.append(found)
    return comments, events


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def instagram_webhook(request: HttpRequest) -> HttpResponse:
    """Instagram's comments (object ``instagram``, field ``comments``), signed with the
    Instagram app's secret; otherwise as ``facebook_webhook``."""
    if request.method == "GET":
        return _handshake(request, settings.INSTAGRAM_VERIFY_TOKEN)
    payload = _signed_payload(request, settings.INSTAGRAM_APP_SECRET)
    if isinstance(payload, JsonResponse):
        return payload
    if payload.get("object") != "instagram" or not isinstance(payload.get("entry"), list):
        logger.info("instagram webhook: object %r is not instagram; ignored", payload.get("object"))
        return JsonResponse({"created": 0})
    comments, events = _instagram_changes(payload)
    return JsonResponse({"created": _store_comments(Platform.INSTAGRAM, comments, events)})
