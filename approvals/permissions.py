"""One predicate per decision about requests."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from moskenes_social.people.permissions import leads_unit
from moskenes_social.people.roles import Role, has_role, user_roles

from .models import EDITABLE_STATUSES, OPEN_STATUSES, AccountRequest, RequestStatus

AnyUser = AbstractBaseUser | AnonymousUser


def can_create_request(user: AnyUser) -> bool:
    """Any member of staff with a role may ask for a new profile."""
    return bool(user_roles(user))


def can_view_request(user: AnyUser, request: AccountRequest) -> bool:
    """The requester, the rådmann, and the leaders of the request's unit."""
    if user.pk == request.requester_id or has_role(user, Role.CHIEF_EXECUTIVE):
        return True
    return leads_unit(user, request.unit_id)


def can_edit_request(user: AnyUser, request: AccountRequest) -> bool:
    return user.pk == request.requester_id and request.status in EDITABLE_STATUSES


def can_withdraw_request(user: AnyUser, request: AccountRequest) -> bool:
    return user.pk == request.requester_id and request.status in OPEN_STATUSES


def can_decide(user: AnyUser, request: AccountRequest) -> bool:
    """Only the rådmann decides, and only a submitted request."""
    return has_role(user, Role.CHIEF_EXECUTIVE) and request.status == RequestStatus.SUBMITTED


def can_see_queue(user: AnyUser) -> bool:
    return has_role(user, Role.CHIEF_EXECUTIVE)
