"""Writes of the guideline: drafts and their rules, adoption, discarding, acknowledgement.

Only a draft changes. Every service that edits a draft locks the version row and checks
that it is still a draft, so an edit never lands in a version adopted meanwhile; every
transition is a conditional update that must change exactly one row.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from moskenes_social.audit.services import event_record
from moskenes_social.notifications.services import notifications_create
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from moskenes_social.worktime import OSLO

from .errors import ParameterError, PolicyError
from .models import (
    ADOPTED_STATUSES,
    Acknowledgement,
    Guideline,
    GuidelineVersion,
    Rule,
    RuleCategory,
    VersionStatus,
)
from .parameters import (
    parse_rule_parameters,
    parse_version_parameters,
    policy_parameters_build,
    version_parameters_to_json,
)
from .permissions import can_acknowledge, can_edit_guideline

_CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Rules are renumbered in two steps through this offset, so the unique (version, order)
# constraint never sees two rules on the same place mid-statement.
_ORDER_OFFSET = 1_000_000


def _require_editor(actor: User) -> None:
    if not can_edit_guideline(actor):
        raise PermissionDenied(_("Only the chief executive can edit the guideline."))


def _locked_draft(version: GuidelineVersion) -> GuidelineVersion:
    """The version row, locked for the rest of the transaction; refuse if not a draft."""
    locked = GuidelineVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise PolicyError(
            _("Version %(number)d is no longer a draft and cannot be changed.")
            % {"number": locked.number}
        )
    return locked


def _today() -> date:
    return timezone.now().astimezone(OSLO).date()


# --- drafts ---------------------------------------------------------------------------


@transaction.atomic
def version_draft_create(*, actor: User, source: GuidelineVersion) -> GuidelineVersion:
    """Start a draft as a copy of an adopted version (normally the one in force)."""
    _require_editor(actor)
    # Lock the guideline so two drafts never get the same number.
    guideline = Guideline.objects.select_for_update().get(pk=source.guideline_id)
    source = GuidelineVersion.objects.get(pk=source.pk)
    if source.status not in ADOPTED_STATUSES:
        raise PolicyError(_("A draft can only be copied from an adopted version."))
    existing = GuidelineVersion.objects.filter(guideline=guideline, status=VersionStatus.DRAFT)
    draft_number = existing.values_list("number", flat=True).first()
    if draft_number is not None:
        raise PolicyError(
            _("Version %(number)d is already a draft. Finish or discard it first.")
            % {"number": draft_number}
        )
    highest = GuidelineVersion.objects.filter(guideline=guideline).aggregate(n=Max("number"))["n"]
    try:
        with transaction.atomic():
            draft = GuidelineVersion.objects.create(
                guideline=guideline,
                number=(highest or 0) + 1,
                status=VersionStatus.DRAFT,
                parameters=source.parameters,
            )
    except IntegrityError as error:
        raise PolicyError(_("Another draft was started at the same time.")) from error
    Rule.objects.bulk_create(
        Rule(
            version=draft,
            code=rule.code,
            section=rule.section,
            section_title=rule.section_title,
            heading=rule.heading,
            title=rule.title,
            text=rule.text,
            category=rule.category,
            parameters=rule.parameters,
            order=rule.order,
        )
        for rule in source.rules.order_by("order")
    )
    event_record(
        actor=actor,
        action="policy.version_draft_create",
        target=draft,
        data={"number": draft.number, "source": source.number},
    )
    return draft


def _clean_rule_fields(
    *,
    version: GuidelineVersion,
    section: str,
    section_title: str,
    heading: str,
    title: str,
    text: str,
    category: str,
    parameters: Mapping[str, Any],
    exclude: Rule | None = None,
) -> dict[str, Any]:
    """Validate a rule's fields against its version; return them ready to store."""
    section, section_title = section.strip(), section_title.strip()
    title, text, heading = title.strip(), text.strip(), heading.strip()
    if not section or not section_title:
        raise PolicyError(_("A rule needs a section and a section title."))
    if not title or not text:
        raise PolicyError(_("A rule needs a title and a text."))
    if category not in RuleCategory.values:
        raise PolicyError(_("Unknown rule category: %(category)s.") % {"category": category})
    others = Rule.objects.filter(version=version, section=section)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    known_title = others.values_list("section_title", flat=True).first()
    if known_title is not None and known_title != section_title:
        raise PolicyError(
            _("Section %(section)s is called «%(title)s» in this version.")
            % {"section": section, "title": known_title}
        )
    params = parse_rule_parameters(category=category, raw=dict(parameters))
    if category == RuleCategory.CRISIS:
        # Who leads in a crisis is a version parameter; the crisis rule repeats it.
        leaders = parse_version_parameters(version.parameters).crisis_leader_roles
        if set(params.get("leader_roles", [])) != {role.value for role in leaders}:
            params["leader_roles"] = [role.value for role in Role if role in leaders]
    return {
        "section": section,
        "section_title": section_title,
        "heading": heading,
        "title": title,
        "text": text,
        "category": category,
        "parameters": params,
    }


def _shift(version: GuidelineVersion, *, from_order: int, by: int) -> None:
    """Move every rule at ``from_order`` or later ``by`` places, without order clashes."""
    later = Rule.objects.filter(version=version, order__gte=from_order)
    later.update(order=F("order") + _ORDER_OFFSET)
    Rule.objects.filter(version=version, order__gte=_ORDER_OFFSET).update(
        order=F("order") - _ORDER_OFFSET + by
    )


@transaction.atomic
def rule_add(
    *,
    actor: User,
    version: GuidelineVersion,
    code: str,
    section: str,
    section_title: str,
    heading: str,
    title: str,
    text: str,
    category: str,
    parameters: Mapping[str, Any],
    position: int | None = None,
) -> Rule:
    """Add a rule to a draft.

    ``position`` is the 1-based place among the version's rules; by default the rule goes
    last in its section (or last of all, for a new section).
    """
    _require_editor(actor)
    version = _locked_draft(version)
    code = code.strip()
    if not _CODE_RE.match(code):
        raise PolicyError(_("The code must be lowercase letters, digits and hyphens."))
    if Rule.objects.filter(version=version, code=code).exists():
        raise PolicyError(_("This version already has a rule with code %(code)s.") % {"code": code})
    fields = _clean_rule_fields(
        version=version,
        section=section,
        section_title=section_title,
        heading=heading,
        title=title,
        text=text,
        category=category,
        parameters=parameters,
    )
    orders = list(Rule.objects.filter(version=version).order_by("order"))
    if position is not None:
        if not 1 <= position <= len(orders) + 1:
            raise PolicyError(_("The position is outside the list of rules."))
        order = orders[position - 1].order if position <= len(orders) else _next_order(orders)
    else:
        in_section = [rule.order for rule in orders if rule.section == fields["section"]]
        order = max(in_section) + 1 if in_section else _next_order(orders)
    _shift(version, from_order=order, by=1)
    rule = Rule.objects.create(version=version, code=code, order=order, **fields)
    event_record(
        actor=actor,
        action="policy.rule_add",
        target=rule,
        data={"version": version.number, "code": code},
    )
    return rule


def _next_order(rules: Sequence[Rule]) -> int:
    return rules[-1].order + 1 if rules else 1


@transaction.atomic
def rule_change(
    *,
    actor: User,
    rule: Rule,
    section: str,
    section_title: str,
    heading: str,
    title: str,
    text: str,
    category: str,
    parameters: Mapping[str, Any],
) -> Rule:
    """Change a rule of a draft. Its code stays: that is how versions are compared."""
    _require_editor(actor)
    version = _locked_draft(rule.version)
    rule = Rule.objects.get(pk=rule.pk, version=version)
    fields = _clean_rule_fields(
        version=version,
        section=section,
        section_title=section_title,
        heading=heading,
        title=title,
        text=text,
        category=category,
        parameters=parameters,
        exclude=rule,
    )
    before = {name: getattr(rule, name) for name in fields}
    changed = [name for name, value in fields.items() if before[name] != value]
    if not changed:
        return rule
    moved_section = fields["section"] != rule.section
    for name in changed:
        setattr(rule, name, fields[name])
    rule.save(update_fields=changed)
    if moved_section:
        # Keep a section's rules together: the rule goes last in its new section.
        _renumber_with_rule_last_in_section(version, rule)
    event_record(
        actor=actor,
        action="policy.rule_change",
        target=rule,
        data={
            "version": version.number,
            "code": rule.code,
            "changed": changed,
            "before": {name: before[name] for name in changed},
        },
    )
    return rule


def _renumber_with_rule_last_in_section(version: GuidelineVersion, rule: Rule) -> None:
    rules = [r for r in Rule.objects.filter(version=version).order_by("order") if r.pk != rule.pk]
    in_section = [i for i, r in enumerate(rules) if r.section == rule.section]
    index = in_section[-1] + 1 if in_section else len(rules)
    rules.insert(index, rule)
    _renumber(version, [r.pk for r in rules])


def _renumber(version: GuidelineVersion, pks: Sequence[int]) -> None:
    """Give the version's rules the orders 1, 2, ... in the order of ``pks``."""
    Rule.objects.filter(version=version).update(order=F("order") + _ORDER_OFFSET)
    for index, pk in enumerate(pks, start=1):
        Rule.objects.filter(pk=pk, version=version).update(order=index)


@transaction.atomic
def rule_remove(*, actor: User, rule: Rule) -> None:
    """Remove a rule from a draft."""
    _require_editor(actor)
    version = _locked_draft(rule.version)
    rule = Rule.objects.get(pk=rule.pk, version=version)
    event_record(
        actor=actor,
        action="policy.rule_remove",
        target=version,
        data={"version": version.number, "code": rule.code, "title": rule.title},
    )
    rule.delete()


@transaction.atomic
def rule_move(*, actor: User, rule: Rule, direction: Literal["up", "down"]) -> bool:
    """Swap a rule of a draft with its neighbour. False if it is already first/last."""
    _require_editor(actor)
    version = _locked_draft(rule.version)
    rule = Rule.objects.get(pk=rule.pk, version=version)
    rules = Rule.objects.filter(version=version)
    neighbour = (
        rules.filter(order__lt=rule.order).order_by("-order").first()
        if direction == "up"
        else rules.filter(order__gt=rule.order).order_by("order").first()
    )
    if neighbour is None:
        return False
    mine, theirs = rule.order, neighbour.order
    Rule.objects.filter(pk=rule.pk).update(order=mine + _ORDER_OFFSET)
    Rule.objects.filter(pk=neighbour.pk).update(order=mine)
    Rule.objects.filter(pk=rule.pk).update(order=theirs)
    event_record(
        actor=actor,
        action="policy.rule_move",
        target=rule,
        data={"version": version.number, "code": rule.code, "direction": direction},
    )
    return True


@transaction.atomic
def rules_reorder(*, actor: User, version: GuidelineVersion, codes: Sequence[str]) -> None:
    """Put a draft's rules in the order of ``codes``, which must name each rule once."""
    _require_editor(actor)
    version = _locked_draft(version)
    by_code = {
        code: pk for code, pk in Rule.objects.filter(version=version).values_list("code", "pk")
    }
    if sorted(codes) != sorted(by_code):
        raise PolicyError(_("The new order must name every rule of the version once."))
    _renumber(version, [by_code[code] for code in codes])
    event_record(
        actor=actor,
        action="policy.rules_reorder",
        target=version,
        data={"version": version.number, "codes": list(codes)},
    )


@transaction.atomic
def version_parameters_update(
    *, actor: User, version: GuidelineVersion, parameters: Mapping[str, Any]
) -> GuidelineVersion:
    """Replace a draft's version parameters after strict validation.

    The crisis rules repeat who leads in a crisis; they follow the new value.
    """
    _require_editor(actor)
    version = _locked_draft(version)
    parsed = parse_version_parameters(dict(parameters))
    stored = version_parameters_to_json(parsed)
    before = version.parameters
    if parse_version_parameters(before) == parsed:
        return version
    updated = GuidelineVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
        parameters=stored
    )
    if updated != 1:
        raise PolicyError(_("The version changed meanwhile; try again."))
    for rule in Rule.objects.filter(version=version, category=RuleCategory.CRISIS):
        leaders = set(rule.parameters.get("leader_roles", []))
        if leaders != set(stored["crisis_leader_roles"]):
            rule.parameters = {**rule.parameters, "leader_roles": stored["crisis_leader_roles"]}
            rule.save(update_fields=["parameters"])
    version.parameters = stored
    event_record(
        actor=actor,
        action="policy.version_parameters_update",
        target=version,
        data={"number": version.number, "before": before, "after": stored},
    )
    return version


def _check_adoptable(version: GuidelineVersion) -> None:
    """A version is adopted only if the app can read it: rules, sections, parameters."""
    rules = list(version.rules.order_by("order"))
    if not rules:
        raise PolicyError(_("A version without rules cannot be adopted."))
    seen: list[str] = []
    for rule in rules:
        if seen and rule.section != seen[-1] and rule.section in seen:
            raise PolicyError(
                _("The rules of section %(section)s must stand together.")
                % {"section": rule.section}
            )
        if not seen or seen[-1] != rule.section:
            seen.append(rule.section)
    try:
        policy_parameters_build(
            version_id=version.pk,
            version_number=version.number,
            parameters=version.parameters,
            rules=rules,
        )
    except ParameterError as error:
        raise PolicyError(
            _("The version cannot be adopted: %(error)s") % {"error": error}
        ) from error


@transaction.atomic
def version_adopt(
    *,
    actor: User,
    version: GuidelineVersion,
    adopted_by: str,
    adopted_on: date,
    effective_from: date,
    change_summary: str,
) -> GuidelineVersion:
    """Record that a body adopted a draft; supersede the version before it; notify staff.

    1. Lock the guideline and the draft; check the body, dates and summary.
    2. Check the draft can be read by the app (rules, sections, parameters).
    3. draft -> adopted by a conditional update; adopted -> superseded for the others.
    4. Audit event; a notification to every user with a role to read and acknowledge.
    """
    _require_editor(actor)
    Guideline.objects.select_for_update().get(pk=version.guideline_id)
    version = _locked_draft(version)
    adopted_by, change_summary = adopted_by.strip(), change_summary.strip()
    if not adopted_by:
        raise PolicyError(_("Say which body adopted the version."))
    if not change_summary:
        raise PolicyError(_("Summarise what the version changes."))
    if adopted_on > _today():
        raise PolicyError(_("The adoption date cannot be in the future."))
    if effective_from < adopted_on:
        raise PolicyError(_("A version cannot be in force before it was adopted."))
    latest = (
        GuidelineVersion.objects.filter(
            guideline_id=version.guideline_id, status__in=ADOPTED_STATUSES
        )
        .order_by("-effective_from", "-number")
        .first()
    )
    if latest is not None and latest.effective_from and effective_from < latest.effective_from:
        raise PolicyError(
            _("Version %(number)d is in force from %(date)s; a new version cannot start earlier.")
            % {"number": latest.number, "date": date_format(latest.effective_from, "j. F Y")}
        )
    _check_adoptable(version)
    updated = GuidelineVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
        status=VersionStatus.ADOPTED,
        adopted_by=adopted_by,
        adopted_on=adopted_on,
        effective_from=effective_from,
        change_summary=change_summary,
        recorded_by=actor,
        adopted_at=timezone.now(),
    )
    if updated != 1:
        raise PolicyError(_("The version changed meanwhile; try again."))
    superseded = list(
        GuidelineVersion.objects.filter(
            guideline_id=version.guideline_id, status=VersionStatus.ADOPTED
        )
        .exclude(pk=version.pk)
        .values_list("number", flat=True)
    )
    GuidelineVersion.objects.filter(
        guideline_id=version.guideline_id, status=VersionStatus.ADOPTED
    ).exclude(pk=version.pk).update(status=VersionStatus.SUPERSEDED)
    version = GuidelineVersion.objects.select_related("guideline").get(pk=version.pk)
    event_record(
        actor=actor,
        action="policy.version_adopt",
        target=version,
        reason=change_summary,
        data={
            "number": version.number,
            "adopted_by": adopted_by,
            "adopted_on": adopted_on.isoformat(),
            "effective_from": effective_from.isoformat(),
            "superseded": superseded,
        },
    )
    _notify_adoption(version)
    return version


def _notify_adoption(version: GuidelineVersion) -> None:
    recipients = User.objects.filter(is_active=True, groups__name__in=Role.values).distinct()
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "number": version.number,
            "body": version.adopted_by,
            "date": date_format(version.effective_from, "j. F Y") if version.effective_from else "",
            "summary": version.change_summary,
        }
        subject = _("New version of the guideline: version %(number)d") % values
        body = (
            _(
                "%(body)s has adopted version %(number)d of the guideline, in force from "
                "%(date)s.\n\nWhat changes: %(summary)s\n\nRead it and confirm that you "
                "have read it."
            )
            % values
        )
    notifications_create(
        recipients=recipients,
        subject=subject,
        body=body,
        url=reverse("policy:version_detail", kwargs={"number": version.number}),
    )


@transaction.atomic
def version_discard(
    *, actor: User, version: GuidelineVersion, reason: str = ""
) -> GuidelineVersion:
    """Give up a draft. It is kept, read-only, as a record of what was proposed."""
    _require_editor(actor)
    version = _locked_draft(version)
    updated = GuidelineVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
        status=VersionStatus.DISCARDED
    )
    if updated != 1:
        raise PolicyError(_("The version changed meanwhile; try again."))
    version = GuidelineVersion.objects.select_related("guideline").get(pk=version.pk)
    event_record(
        actor=actor,
        action="policy.version_discard",
        target=version,
        reason=reason,
        data={"number": version.number},
    )
    return version


# --- acknowledgement ------------------------------------------------------------------


@transaction.atomic
def acknowledgement_create(*, user: User, version: GuidelineVersion) -> Acknowledgement:
    """Record that ``user`` has read ``version``. Idempotent: a second call returns the first."""
    if not can_acknowledge(user, version):
        raise PolicyError(_("Only an adopted version can be acknowledged."))
    existing = Acknowledgement.objects.filter(user=user, version=version).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acknowledgement = Acknowledgement.objects.create(user=user, version=version)
    except IntegrityError:
        # A double click raced us; the first one counts.
        return Acknowledgement.objects.get(user=user, version=version)
    event_record(
        actor=user,
        action="policy.acknowledgement_create",
        target=version,
        data={"number": version.number},
    )
    return acknowledgement
