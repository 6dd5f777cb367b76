"""Pages of the guideline: read, history, compare, acknowledge; the rådmann's draft editor.

Views look the version up (404 if it does not exist), check the permission (403 for a
member without the right), call one service, and render or redirect.
"""

from typing import Any, Literal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from moskenes_social.people.auth import request_user
from moskenes_social.worktime import OSLO

from . import services
from .diff import versions_compare
from .display import describe_rule_parameters, describe_version_parameters, outline
from .errors import PolicyError
from .forms import AdoptForm, CompareForm, RuleForm, VersionParametersForm
from .models import GuidelineVersion, Rule
from .permissions import (
    can_edit_guideline,
    can_read_version,
    can_see_acknowledgements,
)
from .selectors import (
    acknowledgements_of,
    user_has_acknowledged,
    version_draft,
    version_get,
    version_in_force,
    versions_history,
)


def _version_or_404(request: HttpRequest, number: int) -> GuidelineVersion:
    version = version_get(number=number)
    if version is None:
        raise Http404
    if not can_read_version(request.user, version):
        raise PermissionDenied
    return version


def _draft_for_editor(request: HttpRequest, number: int) -> GuidelineVersion:
    if not can_edit_guideline(request.user):
        raise PermissionDenied
    version = version_get(number=number)
    if version is None or not version.is_draft:
        raise Http404
    return version


# --- reading --------------------------------------------------------------------------


def _guideline_page(
    request: HttpRequest, version: GuidelineVersion | None, *, current: bool
) -> HttpResponse:
    in_force = version_in_force()
    context: dict[str, Any] = {
        "version": version,
        "is_current": current,
        "in_force": in_force,
        "can_edit": can_edit_guideline(request.user),
        "draft": version_draft() if can_edit_guideline(request.user) else None,
    }
    if version is not None:
        context.update(
            {
                "sections": outline(version.rules.order_by("order")),
                "parameters": describe_version_parameters(version.parameters),
                "acknowledged": user_has_acknowledged(user=request.user, version=version),
                "in_force_now": in_force is not None and in_force.pk == version.pk,
            }
        )
    return render(request, "policy/guideline.html", context)


@require_GET
def guideline_current(request: HttpRequest) -> HttpResponse:
    """The guideline in force, readable like the document."""
    return _guideline_page(request, version_in_force(), current=True)


@require_GET
def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    return _guideline_page(request, _version_or_404(request, number), current=False)


@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    can_edit = can_edit_guideline(request.user)
    versions = list(versions_history(include_drafts=can_edit))
    # Each version is compared with the adopted version before it.
    adopted = [v.number for v in versions if v.is_adopted]
    rows = [(v, next((n for n in adopted if n < v.number), None)) for v in versions]
    return render(
        request,
        "policy/version_list.html",
        {
            "rows": rows,
            "in_force": version_in_force(),
            "can_edit": can_edit,
            "draft": next((v for v in versions if v.is_draft), None),
            "today": timezone.now().astimezone(OSLO).date(),
        },
    )


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Two versions side by side, rule by rule (``?old=1&new=2``)."""
    can_edit = can_edit_guideline(request.user)
    versions = list(versions_history(include_drafts=can_edit))
    data = request.GET if "old" in request.GET or "new" in request.GET else None
    form = CompareForm(data, versions=versions)
    if data is None:
        # Default: the version in force against the one before it (or the open draft).
        in_force = version_in_force()
        newest = versions[0] if versions else None
        new = newest if newest is not None and newest.is_draft else in_force
        older = [v for v in versions if new is not None and v.number < new.number and v.is_adopted]
        if new is not None and older:
            form = CompareForm({"old": older[0].number, "new": new.number}, versions=versions)
    comparison = None
    if form.is_bound and form.is_valid():
        by_number = {v.number: v for v in versions}
        comparison = versions_compare(
            old=by_number[form.cleaned_data["old"]], new=by_number[form.cleaned_data["new"]]
        )
    return render(
        request,
        "policy/compare.html",
        {
            "form": form,
            "comparison": comparison,
            "has_versions": len(versions) > 1,
            "can_edit": can_edit,
            "draft": next((v for v in versions if v.is_draft), None),
        },
    )


# --- acknowledgement ------------------------------------------------------------------


@require_POST
def acknowledge(request: HttpRequest, number: int) -> HttpResponse:
    version = _version_or_404(request, number)
    try:
        services.acknowledgement_create(user=request_user(request), version=version)
    except PolicyError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Thank you. You have confirmed that you have read version %(number)d.")
            % {"number": version.number},
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("policy:current")


@require_GET
def acknowledgement_list(request: HttpRequest, number: int) -> HttpResponse:
    version = _version_or_404(request, number)
    if not can_see_acknowledgements(request.user, version):
        raise PermissionDenied
    statuses = acknowledgements_of(version=version)
    return render(
        request,
        "policy/acknowledgement_list.html",
        {
            "version": version,
            "acknowledged": [s for s in statuses if s.acknowledged_at is not None],
            "pending": [s for s in statuses if s.acknowledged_at is None],
            "total": len(statuses),
        },
    )


# --- the draft editor -----------------------------------------------------------------


@require_POST
def draft_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_guideline(request.user):
        raise PermissionDenied
    source = version_in_force()
    if source is None:
        raise Http404
    try:
        draft = services.version_draft_create(actor=request_user(request), source=source)
    except PolicyError as error:
        messages.error(request, str(error))
        return redirect("policy:version_list")
    messages.success(
        request,
        _("Draft version %(number)d is a copy of version %(source)d. Edit it, then adopt it.")
        % {"number": draft.number, "source": source.number},
    )
    return redirect("policy:draft_edit", number=draft.number)


@require_GET
def draft_edit(request: HttpRequest, number: int) -> HttpResponse:
    version = _draft_for_editor(request, number)
    rules = list(version.rules.order_by("order"))
    return render(
        request,
        "policy/draft_edit.html",
        {
            "version": version,
            "rules": [(rule, describe_rule_parameters(rule.parameters)) for rule in rules],
            "parameters": describe_version_parameters(version.parameters),
            "in_force": version_in_force(),
        },
    )


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "policy/form_page.html", context)


@require_http_methods(["GET", "POST"])
def draft_parameters(request: HttpRequest, number: int) -> HttpResponse:
    version = _draft_for_editor(request, number)
    form = VersionParametersForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_parameters_update(
                actor=request_user(request),
                version=version,
                parameters=form.cleaned_data["parameters"],
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The parameters are saved."))
            return redirect("policy:draft_edit", number=version.number)
    return _form_page(
        request,
        {
            "form": form,
            "version": version,
            "page_title": _("Parameters of draft version %(number)d") % {"number": number},
            "submit_label": _("Save parameters"),
        },
    )


@require_http_methods(["GET", "POST"])
def rule_add(request: HttpRequest, number: int) -> HttpResponse:
    version = _draft_for_editor(request, number)
    form = RuleForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = services.rule_add(
                actor=request_user(request),
                version=version,
                code=data["code"],
                section=data["section"],
                section_title=data["section_title"],
                heading=data["heading"],
                title=data["title"],
                text=data["text"],
                category=data["category"],
                parameters=data["parameters"],
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The rule «%(title)s» is added.") % {"title": rule.title})
            return redirect(_rule_url(rule))
    return _form_page(
        request,
        {
            "form": form,
            "version": version,
            "page_title": _("New rule in draft version %(number)d") % {"number": number},
            "submit_label": _("Add rule"),
        },
    )


def _rule_url(rule: Rule) -> str:
    return reverse("policy:draft_edit", kwargs={"number": rule.version.number}) + f"#{rule.anchor}"


def _rule_of_draft(request: HttpRequest, number: int, code: str) -> Rule:
    version = _draft_for_editor(request, number)
    return get_object_or_404(Rule.objects.select_related("version"), version=version, code=code)


@require_http_methods(["GET", "POST"])
def rule_change(request: HttpRequest, number: int, code: str) -> HttpResponse:
    rule = _rule_of_draft(request, number, code)
    form = RuleForm(request.POST or None, version=rule.version, rule=rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_change(
                actor=request_user(request),
                rule=rule,
                section=data["section"],
                section_title=data["section_title"],
                heading=data["heading"],
                title=data["title"],
                text=data["text"],
                category=data["category"],
                parameters=data["parameters"],
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The rule «%(title)s» is saved.") % {"title": data["title"]}
            )
            return redirect(_rule_url(rule))
    return _form_page(
        request,
        {
            "form": form,
            "version": rule.version,
            "rule": rule,
            "page_title": _("Change the rule «%(title)s»") % {"title": rule.title},
            "submit_label": _("Save rule"),
        },
    )


@require_POST
def rule_remove(request: HttpRequest, number: int, code: str) -> HttpResponse:
    rule = _rule_of_draft(request, number, code)
    try:
        services.rule_remove(actor=request_user(request), rule=rule)
    except PolicyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The rule «%(title)s» is removed.") % {"title": rule.title})
    return redirect("policy:draft_edit", number=number)


@require_POST
def rule_move(request: HttpRequest, number: int, code: str) -> HttpResponse:
    rule = _rule_of_draft(request, number, code)
    direction: Literal["up", "down"] = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.rule_move(actor=request_user(request), rule=rule, direction=direction)
    except PolicyError as error:
        messages.error(request, str(error))
        return redirect("policy:draft_edit", number=number)
    return redirect(_rule_url(rule))


@require_http_methods(["GET", "POST"])
def version_adopt(request: HttpRequest, number: int) -> HttpResponse:
    version = _draft_for_editor(request, number)
    today = timezone.now().astimezone(OSLO).date()
    form = AdoptForm(
        request.POST or None,
        initial={"adopted_by": "AMU", "adopted_on": today, "effective_from": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            adopted = services.version_adopt(
                actor=request_user(request), version=version, **form.cleaned_data
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Version %(number)d is adopted. Everyone with a role is asked to read it.")
                % {"number": adopted.number},
            )
            return redirect("policy:version_detail", number=adopted.number)
    in_force = version_in_force()
    return _form_page(
        request,
        {
            "form": form,
            "version": version,
            "in_force": in_force,
            "comparison": versions_compare(old=in_force, new=version) if in_force else None,
            "page_title": _("Adopt draft version %(number)d") % {"number": number},
            "submit_label": _("Record the adoption"),
        },
    )


@require_POST
def version_discard(request: HttpRequest, number: int) -> HttpResponse:
    version = _draft_for_editor(request, number)
    try:
        services.version_discard(actor=request_user(request), version=version)
    except PolicyError as error:
        messages.error(request, str(error))
        return redirect("policy:draft_edit", number=number)
    messages.success(request, _("Draft version %(number)d is discarded.") % {"number": number})
    return redirect("policy:version_list")
