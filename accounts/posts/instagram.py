"""Instagram professional accounts, connected through Instagram Login.

Why Instagram Login and not the Facebook Page's token: a school's or a service's Instagram
account often has no Facebook Page of the municipality's behind it, and an Instagram
token reaches that one account only, with nothing of a Page's. The price is its life: a
token is good for 60 days. The owner pastes a short-lived token (one hour, from the app
dashboard's token generator or the Instagram Login flow); the app exchanges it for a
long-lived one (``GET /access_token``, ``ig_exchange_token``), checks whose it is
(``GET /me``), subscribes to the account's comments (``POST /me/subscribed_apps``) and
stores it encrypted with its expiry. Beat refreshes it (``GET /refresh_access_token``)
once fewer than ``INSTAGRAM_TOKEN_REFRESH_DAYS`` are left; a refusal tells the owner,
and a token that has expired disconnects the account, as code 190 does on Facebook. The
account page shows when the token expires.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    ConnectionStatus,
    Platform,
    PlatformConnection,
)
from accounts.selectors import account_owners
from moskenes_social.audit.services import event_record
from moskenes_social.bounds import storable_text
from moskenes_social.notifications.services import notifications_create
from moskenes_social.people.models import User

from .crypto import token_decrypt, token_encrypt
from .graph import ErrorKind, Graph, GraphError
from .services import (
    MAX_ACCESS_TOKEN_LENGTH,
    PostError,
    access_token_check,
    integrations_check_may_manage,
    platform_disconnect,
)

logger = logging.getLogger(__name__)

# Meta's long-lived tokens: 60 days; an answer claiming more is taken as this.
TOKEN_DAYS_MAX = 60


def _refusal(exc: GraphError) -> str:
    if exc.kind == ErrorKind.TOKEN:
        return _("Instagram does not accept the token: it is wrong, expired or revoked.")
    if exc.kind == ErrorKind.PERMISSION:
        return _(
            "The token lacks a permission (Instagram says: %(message)s). It needs "
            "instagram_business_basic and instagram_business_manage_comments."
        ) % {"message": exc.message or exc.code}
    if exc.kind in (ErrorKind.THROTTLED, ErrorKind.TRANSIENT):
        return _("Instagram did not answer now. Try again in a few minutes.")
    return _("Instagram refused the connection: %(message)s") % {"message": exc.message or exc.code}


def _expiry(data: dict[str, object], now: datetime) -> tuple[str, datetime] | None:
    """The long-lived token and its expiry from an exchange or refresh answer."""
    token, seconds = data.get("access_token"), data.get("expires_in")
    if not isinstance(token, str) or not token or len(token) > MAX_ACCESS_TOKEN_LENGTH:
        return None
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds <= 0:
        return None
    return token, now + min(timedelta(seconds=seconds), timedelta(days=TOKEN_DAYS_MAX))


def instagram_connect(*, actor: User, account: Account, user_id: str, token: str) -> Account:
    """Connect an Instagram account with a short-lived token (see the module's text). The
    Graph API is called before the transaction that stores anything."""
    integrations_check_may_manage(actor=actor, account=account)
    user_id, token = user_id.strip(), token.strip()
    if account.platform != Platform.INSTAGRAM:
        raise PostError({"user_id": _("Only an Instagram account can be connected here.")})
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 64:
        raise PostError({"user_id": _("An Instagram account id consists of digits only.")})
    access_token_check(token)
    if not settings.INSTAGRAM_APP_SECRET:
        raise PostError(
            _("The app has no Instagram app secret (INSTAGRAM_APP_SECRET). Ask the operator.")
        )
    now = timezone.now()
    try:
        exchanged = Graph(token=token, object_id=user_id, instagram=True).ig_exchange(
            settings.INSTAGRAM_APP_SECRET
        )
        long_lived = _expiry(exchanged.data, now)
        if long_lived is None:
            raise PostError({"token": _("Instagram gave no long-lived token for this one.")})
        graph = Graph(token=long_lived[0], object_id=user_id, instagram=True)
        me = graph.ig_me()
        if str(me.data.get("user_id")) != user_id:
            raise PostError({"token": _("The token belongs to another Instagram account.")})
        graph.ig_subscribe()
    except GraphError as exc:
        raise PostError({"token": _refusal(exc)}) from None
    username = me.data.get("username")
    name = username[:200] if isinstance(username, str) and storable_text(username) else ""
    try:
        with transaction.atomic():
            PlatformConnection.objects.update_or_create(
                account=account,
                defaults={
                    "object_id": user_id,
                    "name": name,
                    "token_encrypted": token_encrypt(long_lived[0]),
                    "token_expires_at": long_lived[1],
                    "status": ConnectionStatus.CONNECTED,
                    "connected_by": actor,
                    "connected_at": now,
                    "disconnected_at": None,
                    "disconnect_reason": "",
                    "usage_percent": 0,
                    "paused_until": None,
                },
            )
            event_record(
                actor=actor,
                action="posts.platform_connected",
                target=account,
                data={"instagram_user_id": user_id, "name": name},
            )
    except IntegrityError:
        raise PostError(
            {"user_id": _("Another account is already connected to this Instagram account.")}
        ) from None
    return account


def _tell_owners(account: Account, subject: str) -> None:
    url = reverse("accounts:detail", kwargs={"account_id": account.pk}) + "#integrations"
    notifications_create(recipients=account_owners(account=account), subject=subject, url=url)


def instagram_token_refresh(*, connection: PlatformConnection) -> bool:
    """Refresh one connection's token; True if it has a new expiry. Expired (or refused
    as invalid): the account is disconnected and its owners told."""
    account = connection.account
    token = token_decrypt(connection.token_encrypted)
    now = timezone.now()
    expired = connection.token_expires_at is not None and connection.token_expires_at <= now
    refreshed = None
    error: GraphError | None = None
    if token is not None and not expired:
        try:
            answer = Graph(token=token, object_id=connection.object_id, instagram=True).ig_refresh()
            refreshed = _expiry(answer.data, now)
        except GraphError as exc:
            error = exc
    if refreshed is not None:
        with transaction.atomic():
            PlatformConnection.objects.filter(
                pk=connection.pk, status=ConnectionStatus.CONNECTED
            ).update(token_encrypted=token_encrypt(refreshed[0]), token_expires_at=refreshed[1])
            event_record(
                actor=None,
                action="posts.platform_token_refreshed",
                target=account,
                data={"expires_at": refreshed[1].isoformat()},
            )
        return True
    if token is None or expired or (error is not None and error.kind == ErrorKind.TOKEN):
        with transaction.atomic():
            if platform_disconnect(actor=None, account=account, reason="token"):
                _tell_owners(
                    account,
                    _(
                        "Instagram no longer accepts the token of %(account)s. Connect the "
                        "account again with a new token."
                    )
                    % {"account": account.name},
                )
        return False
    # Instagram did not answer, or refused for another reason: beat tries again in six
    # hours, and the account page shows the expiry meanwhile.
    logger.warning("instagram token of account %s not refreshed: %s", account.pk, error)
    return False


def instagram_tokens_refresh() -> int:
    """Beat "instagram-tokens-refresh": refresh the tokens that expire within
    ``INSTAGRAM_TOKEN_REFRESH_DAYS``; returns how many were refreshed."""
    soon = timezone.now() + timedelta(days=settings.INSTAGRAM_TOKEN_REFRESH_DAYS)
    due = PlatformConnection.objects.filter(
        status=ConnectionStatus.CONNECTED,
        account__platform=Platform.INSTAGRAM,
        token_expires_at__lt=soon,
    ).select_related("account")
    return sum(instagram_token_refresh(connection=connection) for connection in due)
