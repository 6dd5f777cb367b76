"""Comparison of two guideline versions, rule by rule, with the changed words marked."""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .display import describe_rule_parameters, describe_version_parameters
from .models import GuidelineVersion, Rule, RuleCategory
from .rendering import markdown_plain_text

Kind = Literal["added", "removed", "changed", "unchanged"]

# Words, runs of whitespace and single punctuation marks: the units of a text diff.
_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]")


def words_diff_html(old: str, new: str) -> SafeString:
    """``new`` with words removed from ``old`` in <del> and words added in <ins>.

    ``words_diff_html("a b", "a c")`` is ``a <del>…b</del><ins>…c</ins>`` where ``…`` is a
    visually hidden "removed:"/"added:" for screen readers.

    Everything is HTML-escaped; only the <del>/<ins> marks are markup.
    """
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    # Screen readers do not announce <del>/<ins>; a hidden word says what happened.
    removed = format_html('<span class="visually-hidden">{} </span>', _("removed:"))
    added = format_html('<span class="visually-hidden">{} </span>', _("added:"))
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}{}</del>", removed, "".join(a[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}{}</ins>", added, "".join(b[b1:b2])))
    return format_html_join("", "{}", ((part,) for part in parts))


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def html(self) -> SafeString:
        return words_diff_html(self.old, self.new)


@dataclass(frozen=True)
class RuleDiff:
    code: str
    kind: Kind
    old: Rule | None
    new: Rule | None
    changes: tuple[FieldChange, ...] = ()
    moved: bool = False

    @property
    def rule(self) -> Rule:
        rule = self.new or self.old
        assert rule is not None  # noqa: S101 - a diff always has one side
        return rule


@dataclass(frozen=True)
class VersionComparison:
    old: GuidelineVersion
    new: GuidelineVersion
    rules: list[RuleDiff]
    parameters: list[FieldChange]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.parameters) or any(d.kind != "unchanged" for d in self.rules)


def _params_text(rule: Rule) -> str:
    return "\n".join(
        f"{label}: {value}" for label, value in describe_rule_parameters(rule.parameters)
    )


def _rule_fields(rule: Rule) -> list[tuple[str, str, str]]:
    """(label, value as stored, value as shown) of each field of a rule. The text is shown
    as read, since the Markdown's marks (``**bold**``) would show as raw signs; a change of
    emphasis alone is still a change."""
    category = RuleCategory(rule.category).label if rule.category in RuleCategory.values else ""
    section = f"{rule.section}. {rule.section_title}"
    parameters = _params_text(rule)
    return [
        (_("Section"), section, section),
        (_("Heading"), rule.heading, rule.heading),
        (_("Title"), rule.title, rule.title),
        (_("Text"), rule.text, markdown_plain_text(rule.text)),
        (_("Category"), str(category), str(category)),
        (_("Parameters"), parameters, parameters),
    ]


def rule_changes(old: Rule, new: Rule) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(label=label, old=shown_before, new=shown_after)
        for (label, before, shown_before), (_label, after, shown_after) in zip(
            _rule_fields(old), _rule_fields(new), strict=True
        )
        if before != after
    )


def rules_compare(old_rules: Sequence[Rule], new_rules: Sequence[Rule]) -> list[RuleDiff]:
    """Every rule of either version once, in the new version's order.

    Removed rules stand where they stood in the old version. A rule is the same rule in
    both versions if it has the same code, wherever it stands.
    """
    old_by_code = {rule.code: rule for rule in old_rules}
    new_by_code = {rule.code: rule for rule in new_rules}
    old_codes, new_codes = list(old_by_code), list(new_by_code)
    result: list[RuleDiff] = []
    matcher = difflib.SequenceMatcher(None, old_codes, new_codes, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        for code in old_codes[a1:a2] if op in ("delete", "replace") else []:
            if code not in new_by_code:
                result.append(RuleDiff(code=code, kind="removed", old=old_by_code[code], new=None))
        for code in new_codes[b1:b2]:
            new = new_by_code[code]
            old = old_by_code.get(code)
            if old is None:
                result.append(RuleDiff(code=code, kind="added", old=None, new=new))
                continue
            changes = rule_changes(old, new)
            moved = op != "equal"
            result.append(
                RuleDiff(
                    code=code,
                    kind="changed" if changes or moved else "unchanged",
                    old=old,
                    new=new,
                    changes=changes,
                    moved=moved,
                )
            )
    return result


def parameters_compare(old: GuidelineVersion, new: GuidelineVersion) -> list[FieldChange]:
    before = dict(describe_version_parameters(old.parameters))
    after = dict(describe_version_parameters(new.parameters))
    labels = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(label=label, old=before.get(label, ""), new=after.get(label, ""))
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ]


def versions_compare(*, old: GuidelineVersion, new: GuidelineVersion) -> VersionComparison:
    """Compare two versions (two queries for the rules)."""
    diffs = rules_compare(list(old.rules.order_by("order")), list(new.rules.order_by("order")))
    counts = {
        kind: sum(1 for d in diffs if d.kind == kind)
        for kind in ("added", "removed", "changed", "unchanged")
    }
    return VersionComparison(
        old=old, new=new, rules=diffs, parameters=parameters_compare(old, new), counts=counts
    )
