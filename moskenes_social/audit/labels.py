"""What the log page calls each audit action, in Norwegian.

Events store a stable code (``"request.approved"``); people read a label. The table is
data only (the audit app imports no other app), so an app that adds an action adds its
label here; an action without one shows its code.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Event

ACTION_LABELS: dict[str, Promise] = {
    # The guideline (policy)
    "policy.version_draft_create": _("Draft started"),
    "policy.version_parameters_update": _("Parameters changed"),
    "policy.rule_add": _("Rule added"),
    "policy.rule_change": _("Rule changed"),
    "policy.rule_move": _("Rules reordered"),
    "policy.rules_reorder": _("Rules reordered"),
    "policy.rule_remove": _("Rule removed"),
    "policy.version_adopt": _("Version adopted"),
    "policy.version_discard": _("Draft discarded"),
    "policy.acknowledgement_create": _("Confirmed having read the guideline"),
    # Requests to the rådmann (approvals): "request.<new status>"
    "request.draft": _("Request saved as a draft"),
    "request.submitted": _("Request sent to the rådmann"),
    "request.approved": _("Request approved"),
    "request.rejected": _("Request rejected"),
    "request.returned": _("Request returned for changes"),
    "request.withdrawn": _("Request withdrawn"),
    # Accounts
    "accounts.account_created": _("Account created"),
    "accounts.account_registered_existing": _("Existing account registered"),
    "accounts.account_updated": _("Account changed"),
    "accounts.account_checked_in": _("Account followed up"),
    "accounts.account_suspended": _("Account suspended"),
    "accounts.account_resumed": _("Account in use again"),
    "accounts.account_closed": _("Account closed"),
    "accounts.responsibility_assigned": _("Responsibility given"),
    "accounts.responsibility_ended": _("Responsibility ended"),
    "accounts.follow_up_reminder_sent": _("Follow-up reminder sent"),
    # Crisis mode (accounts.crisis)
    "accounts.crisis_started": _("Crisis mode started"),
    "accounts.crisis_message_updated": _("Official message updated"),
    "accounts.crisis_ended": _("Crisis mode ended"),
    # Posts
    "posts.post_received": _("Post received"),
    "posts.post_triaged": _("Post triaged"),
    "posts.post_answered": _("Post answered"),
    "posts.post_closed": _("Post closed without answer"),
    "posts.post_removed": _("Post removed (sensitive information)"),
    "posts.post_reopened": _("Post reopened"),
    "posts.reminder_sent": _("Reminder sent"),
    "posts.facebook_page_set": _("Facebook Page changed"),
    "posts.post_answer_failed": _("Answer not sent: the post awaits an answer again"),
    "posts.post_removal_requested": _("Removal from Facebook asked for"),
    "posts.post_removed_on_platform": _("Post removed on the platform"),
    "posts.post_answered_on_platform": _("Answered directly on Facebook"),
    "posts.post_edited_on_platform": _("Edited by its author on the platform"),
    "posts.post_screened": _("Post marked as possibly sensitive by the screening"),
    "posts.post_screening_dismissed": _("Post marked as not sensitive (a false match)"),
    # Facebook Pages and Instagram accounts alike (the event's data names which).
    "posts.platform_connected": _("Connected on the platform"),
    "posts.platform_disconnected": _("Disconnected on the platform"),
    "posts.platform_token_refreshed": _("Access token renewed"),
    "posts.platform_action_done": _("Done on Facebook"),
    "posts.platform_action_failed": _("Not done on Facebook"),
    "posts.platform_action_held": _("Held back by the crisis"),
    "posts.platform_action_released": _("Released by the crisis team"),
    "posts.platform_action_cancelled": _("Cancelled by the crisis team"),
    "posts.page_users_set": _("Crisis lockout on the Facebook Page set up"),
    "posts.page_tasks_removed": _("Page tasks taken away by the crisis"),
    "posts.page_tasks_restored": _("Page tasks given back after the crisis"),
    "posts.page_tasks_restore_failed": _("Page tasks not given back yet"),
    "posts.media_comments_chosen": _("Instagram posts chosen for comments off"),
    "posts.media_comments_off": _("Comments turned off on an Instagram post by the crisis"),
    "posts.media_comments_on": _("Comments on again on an Instagram post after the crisis"),
    "posts.media_comments_failed": _("Comments on an Instagram post not changed yet"),
    "posts.ingest_token_created": _("Ingest token created"),
    "posts.ingest_token_revoked": _("Ingest token revoked"),
    # People
    "people.login_lock_lifted": _("Login lock lifted"),
}

# Responsibility events name the person and the role (``data["name"]``, ``data["role"]``).
ROLE_WORDS: dict[str, Promise] = {
    "owner": _("Owner"),
    "responder": _("Responder"),
    "backup": _("Backup"),
}


def event_label(event: Event) -> str:
    """The action in words, with the person and role it concerned when the event has them."""
    label = str(ACTION_LABELS.get(event.action, event.action))
    name, role = event.data.get("name"), event.data.get("role")
    if isinstance(name, str) and name and role in ROLE_WORDS:
        label = f"{label}: {name} ({str(ROLE_WORDS[role]).lower()})"
    # A triage names the guideline's advice it led to (``data["advice"]``), not as a reason:
    # «Innlegg vurdert: svar på innlegget».
    advice = event.data.get("advice")
    if isinstance(advice, str) and advice:
        label = f"{label}: {advice[:1].lower()}{advice[1:]}"
    return label


def event_basis(event: Event) -> str:
    """The guideline a decision rested on, as its event recorded it (``data["guideline"]``:
    the version in force and the rule applied), in words; "" for an event without one."""
    basis = event.data.get("guideline")
    if not isinstance(basis, dict) or not isinstance(basis.get("version"), int):
        return ""
    title, section = basis.get("rule_title"), basis.get("rule_section")
    if isinstance(title, str) and title and isinstance(section, str):
        return gettext("Guideline version %(number)s, section %(section)s: %(rule)s") % {
            "number": basis["version"],
            "section": section,
            "rule": title,
        }
    return gettext("Guideline version %(number)s") % {"number": basis["version"]}
