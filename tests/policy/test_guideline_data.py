"""The guideline data file against the adopted guideline document.

`policy/data/guideline-v1.yaml` is what the app reads; the markdown beside it
(`policy/data/veileder-sosiale-medier-moskenes-2015.md`, a verbatim copy of the
shared guideline) is the text AMU adopted. These tests check
that nothing of the document was left out or reworded, and that the data has the
shape the app relies on (categories, registration questions, topics, parameters).

No database and no Django settings are needed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from moskenes_social.people.roles import Role

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_FILE = REPO_ROOT / "policy" / "data" / "guideline-v1.yaml"
# A verbatim copy of the adopted document, kept in the repository so this never skips.
GUIDELINE_MD = REPO_ROOT / "policy" / "data" / "veileder-sosiale-medier-moskenes-2015.md"

CATEGORIES = frozenset(
    {
        "principle",
        "registration_requirement",
        "conduct",
        "answering_duty",
        "topic_not_to_comment",
        "crisis",
        "private_use",
    }
)
REGISTRATION_QUESTION_KEYS = frozenset(
    {
        "purpose",
        "target_groups",
        "perception_and_focus",
        "web_pages_updated",
        "reputation_check",
        "channel_fit",
        "radmann_permission",
        "regulations_allow",
        "mandate_and_resources",
        "follow_up",
        "presentation",
    }
)
TOPIC_ACTIONS = {
    "sensitive": "remove",
    "rumours": "no_comment",
    "other_municipalities": "no_comment",
    "reorganisation_economy_budget": "refer_official",
    "internal": "check_with_leader",
}
# Role names are the Django group names of ``people.roles.Role``.
CRISIS_LEADER_ROLES = [Role.MAYOR.value, Role.CRISIS_LEADER.value]

CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SNAKE_CASE_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
CLOCK_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


# --- text helpers ------------------------------------------------------------


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def strip_emphasis(text: str) -> str:
    """Drop markdown `*`/`**` emphasis markers; «» and quotes are kept."""
    return text.replace("*", "")


def normalise(text: str) -> str:
    """Comparable form: no emphasis, collapsed whitespace, case-folded."""
    return collapse_whitespace(strip_emphasis(text)).casefold()


def normalise_heading(text: str) -> str:
    """A heading without bullet glyphs and without a trailing colon."""
    return normalise(text.replace("•", "")).rstrip(":").strip()


def split_sentences(text: str) -> list[str]:
    # Split only where a new sentence visibly starts, so "bl.a. taushetsplikt"
    # and "f.eks. vanlige" stay whole.
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«\"*])", collapse_whitespace(text))
    return [part for part in parts if part]


# --- the markdown document ---------------------------------------------------

HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
BULLET_RE = re.compile(r"^-\s+(.*)$")
BOLD_LEAD_RE = re.compile(r"^\*\*(.+?)\*\*\s*(.*)$", re.DOTALL)
SECTION_RE = re.compile(r"^(\d+)\.\s+(.+)$")


@dataclass
class Document:
    title: str = ""
    front_matter: list[str] = field(default_factory=list)
    # (number, title) of "## 1. ..." style headings.
    sections: list[tuple[str, str]] = field(default_factory=list)
    # Headings below the title, including bold paragraph leads, as written.
    headings: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    # Paragraph bodies, with a bold lead (a heading) removed.
    paragraphs: list[str] = field(default_factory=list)
    # Bullets and paragraph bodies in document order.
    blocks: list[str] = field(default_factory=list)


def _raw_blocks(markdown: str) -> list[tuple[str, str]]:
    """(kind, text) for each heading, bullet and paragraph, in order.

    A bullet runs on over following lines until a blank line or the next bullet
    or heading; a paragraph runs until a blank line.
    """
    blocks: list[tuple[str, str]] = []
    kind = ""
    lines: list[str] = []

    def flush() -> None:
        nonlocal kind, lines
        if lines:
            blocks.append((kind, "\n".join(lines)))
        kind, lines = "", []

    for line in markdown.splitlines():
        heading = HEADING_RE.match(line)
        bullet = BULLET_RE.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            blocks.append(("h" + str(len(heading.group(1))), heading.group(2)))
        elif bullet:
            flush()
            kind, lines = "bullet", [bullet.group(1)]
        elif lines:
            lines.append(line)
        else:
            kind, lines = "paragraph", [line]
    flush()
    return blocks


def parse_guideline(markdown: str) -> Document:
    doc = Document()
    in_front_matter = True
    for kind, text in _raw_blocks(markdown):
        if kind == "h1":
            doc.title = text
            continue
        if kind.startswith("h"):
            in_front_matter = False
            section = SECTION_RE.match(strip_emphasis(text).strip())
            if section:
                doc.sections.append((section.group(1), section.group(2)))
            doc.headings.append(text)
        elif in_front_matter:
            doc.front_matter.append(text)
        elif kind == "bullet":
            doc.bullets.append(text)
            doc.blocks.append(text)
        else:
            lead = BOLD_LEAD_RE.match(text)
            if lead:
                doc.headings.append(lead.group(1))
                text = lead.group(2)
            if text.strip():
                doc.paragraphs.append(text)
                doc.blocks.append(text)
    return doc


# --- fixtures ----------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    loaded = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{DATA_FILE} must hold a mapping"
    return loaded


@pytest.fixture(scope="module")
def rules(data: dict[str, Any]) -> list[dict[str, Any]]:
    loaded = data["rules"]
    assert isinstance(loaded, list) and loaded, "rules must be a non-empty list"
    assert all(isinstance(rule, dict) for rule in loaded)
    return loaded


@pytest.fixture(scope="module")
def document() -> Document:
    return parse_guideline(GUIDELINE_MD.read_text(encoding="utf-8"))


def rule_params(rule: dict[str, Any]) -> dict[str, Any]:
    params = rule.get("parameters") or {}
    assert isinstance(params, dict), f"{rule.get('code')}: parameters must be a mapping"
    return params


def rules_of(rules: list[dict[str, Any]], category: str) -> list[dict[str, Any]]:
    return [rule for rule in rules if rule["category"] == category]


def first_rule_containing(needle: str, rule_texts: list[str]) -> int | None:
    for index, text in enumerate(rule_texts):
        if needle in text:
            return index
    return None


# --- shape of the data file --------------------------------------------------


def test_guideline_and_version_metadata(data: dict[str, Any]) -> None:
    assert data["guideline"] == {
        "slug": "veileder-sosiale-medier",
        "title": "Veileder for bruk av sosiale medier",
    }
    version = data["version"]
    assert version["number"] == 1
    assert version["adopted_by"] == "AMU"
    assert version["adopted_on"] == dt.date(2015, 12, 14)
    assert version["effective_from"] == dt.date(2015, 12, 14)
    assert isinstance(version["change_summary"], str) and version["change_summary"].strip()


def test_rules_have_the_required_fields(rules: list[dict[str, Any]]) -> None:
    for rule in rules:
        code = rule.get("code")
        for key in ("code", "section", "section_title", "title", "text"):
            assert isinstance(rule.get(key), str) and rule[key].strip(), f"{code}: {key}"
        assert isinstance(rule.get("heading"), str), f"{code}: heading must be a string"
        assert rule["section"] in {"1", "2", "3"}, f"{code}: section {rule['section']!r}"
        rule_params(rule)


def test_each_section_has_a_single_title(rules: list[dict[str, Any]]) -> None:
    titles: dict[str, set[str]] = {}
    for rule in rules:
        titles.setdefault(rule["section"], set()).add(rule["section_title"])
    assert {section: len(names) for section, names in titles.items()} == {
        "1": 1,
        "2": 1,
        "3": 1,
    }


def test_sections_appear_in_order(rules: list[dict[str, Any]]) -> None:
    sections = [int(rule["section"]) for rule in rules]
    assert sections == sorted(sections)


def test_rule_codes_are_unique_lowercase_slugs(rules: list[dict[str, Any]]) -> None:
    codes = [rule["code"] for rule in rules]
    duplicates = [code for code, count in Counter(codes).items() if count > 1]
    assert not duplicates, f"duplicate codes: {duplicates}"
    bad = [code for code in codes if not CODE_RE.match(code)]
    assert not bad, f"codes must be lowercase ascii slugs: {bad}"


def test_categories_are_from_the_allowed_set(rules: list[dict[str, Any]]) -> None:
    unknown = {
        rule["code"]: rule["category"] for rule in rules if rule["category"] not in CATEGORIES
    }
    assert not unknown


def test_every_category_occurs(rules: list[dict[str, Any]]) -> None:
    assert {rule["category"] for rule in rules} == CATEGORIES


def test_registration_requirements_ask_unique_questions(rules: list[dict[str, Any]]) -> None:
    keys: list[str] = []
    for rule in rules:
        question = rule_params(rule).get("question")
        if rule["category"] != "registration_requirement":
            assert question is None, f"{rule['code']}: only registration rules ask questions"
            continue
        assert isinstance(question, dict), f"{rule['code']}: question missing"
        assert SNAKE_CASE_RE.match(question.get("key", "")), f"{rule['code']}: key"
        assert isinstance(question.get("label"), str) and question["label"].strip()
        assert isinstance(question.get("help"), str) and question["help"].strip()
        keys.append(question["key"])
    duplicates = [key for key, count in Counter(keys).items() if count > 1]
    assert not duplicates, f"duplicate question keys: {duplicates}"
    assert REGISTRATION_QUESTION_KEYS <= set(keys), REGISTRATION_QUESTION_KEYS - set(keys)


def test_topics_not_to_comment_have_their_keys_and_actions(
    rules: list[dict[str, Any]],
) -> None:
    topics: dict[str, str] = {}
    for rule in rules_of(rules, "topic_not_to_comment"):
        topic = rule_params(rule).get("topic")
        assert isinstance(topic, dict), f"{rule['code']}: topic missing"
        assert topic["key"] not in topics, f"duplicate topic key {topic['key']}"
        topics[topic["key"]] = topic["action"]
    assert topics == TOPIC_ACTIONS


def test_answering_duty_names_the_deadline_parameter(data: dict[str, Any]) -> None:
    rules: list[dict[str, Any]] = data["rules"]
    with_deadline = [rule for rule in rules if "deadline_parameter" in rule_params(rule)]
    assert len(with_deadline) == 1
    rule = with_deadline[0]
    assert rule["category"] == "answering_duty"
    assert rule["text"].startswith("Alle innlegg der det forventes svar skal snarest besvares")
    params = rule_params(rule)
    assert params["always_answer"] == ["complaint", "factual_error"]
    assert params["deadline_parameter"] == "answer_deadline_working_hours"
    assert params["deadline_parameter"] in data["parameters"]


def test_crisis_rule_names_the_crisis_leaders(data: dict[str, Any]) -> None:
    crisis = rules_of(data["rules"], "crisis")
    assert crisis
    assert any(rule["text"].startswith("Ved kriser skal") for rule in crisis)
    for rule in crisis:
        assert rule_params(rule)["leader_roles"] == CRISIS_LEADER_ROLES
    assert data["parameters"]["crisis_leader_roles"] == CRISIS_LEADER_ROLES


def test_role_names_are_group_names_of_the_roles(data: dict[str, Any]) -> None:
    approvals = [
        rule_params(rule)["approval_role"]
        for rule in data["rules"]
        if "approval_role" in rule_params(rule)
    ]
    assert approvals == [Role.CHIEF_EXECUTIVE.value]
    assert {Role(name) for name in data["parameters"]["crisis_leader_roles"]} == {
        Role.MAYOR,
        Role.CRISIS_LEADER,
    }


def test_version_parameters_have_sane_types(data: dict[str, Any]) -> None:
    params = data["parameters"]
    deadline = params["answer_deadline_working_hours"]
    assert isinstance(deadline, (int, float)) and not isinstance(deadline, bool)
    assert deadline > 0

    start, end = params["working_day_start"], params["working_day_end"]
    assert isinstance(start, str) and CLOCK_RE.match(start), start
    assert isinstance(end, str) and CLOCK_RE.match(end), end
    assert start < end

    stages = params["reminder_stages"]
    assert isinstance(stages, list) and stages
    assert [stage["code"] for stage in stages] == ["due", "escalation"]
    hours = [stage["after_working_hours"] for stage in stages]
    assert all(isinstance(h, (int, float)) and not isinstance(h, bool) for h in hours)
    assert hours == sorted(hours) and hours[0] >= 0
    assert [stage["notify"] for stage in stages] == ["responders", "owner"]

    roles = params["crisis_leader_roles"]
    assert isinstance(roles, list) and all(isinstance(role, str) for role in roles)


# --- the data file against the document --------------------------------------


def test_front_matter_matches_guideline_and_version(
    data: dict[str, Any], document: Document
) -> None:
    assert normalise(document.title) == normalise(data["guideline"]["title"])
    front = collapse_whitespace(" ".join(document.front_matter))
    assert data["version"]["adopted_by"] in front
    assert data["version"]["adopted_on"].strftime("%d.%m.%Y") in front


def test_every_section_of_the_document_is_in_the_data(
    rules: list[dict[str, Any]], document: Document
) -> None:
    in_data = {(rule["section"], normalise(rule["section_title"])) for rule in rules}
    in_document = {(number, normalise(title)) for number, title in document.sections}
    assert in_document == in_data


def test_every_heading_of_the_document_is_in_the_data(
    rules: list[dict[str, Any]], document: Document
) -> None:
    names: set[str] = set()
    for rule in rules:
        for key in ("section_title", "heading", "title"):
            names.add(normalise_heading(rule[key]))
        # A title may be led by its sub-heading, as in "Formål: målgrupper".
        names.add(normalise_heading(rule["title"].split(":", 1)[0]))
    missing = []
    for heading in document.headings:
        section = SECTION_RE.match(strip_emphasis(heading).strip())
        name = section.group(2) if section else heading
        if normalise_heading(name) not in names:
            missing.append(heading)
    assert not missing, f"headings not in any rule: {missing}"


def test_every_bullet_of_the_document_is_in_some_rule(
    rules: list[dict[str, Any]], document: Document
) -> None:
    texts = [normalise(rule["text"]) for rule in rules]
    missing = [b for b in document.bullets if first_rule_containing(normalise(b), texts) is None]
    assert not missing, f"bullets not in any rule: {missing}"


def test_every_bullet_is_a_rule_of_its_own(rules: list[dict[str, Any]], document: Document) -> None:
    texts = {normalise(rule["text"]) for rule in rules}
    merged = [b for b in document.bullets if normalise(b) not in texts]
    assert not merged, f"bullets that are not a rule of their own: {merged}"


def test_every_sentence_of_the_document_is_in_some_rule(
    rules: list[dict[str, Any]], document: Document
) -> None:
    texts = [normalise(rule["text"]) for rule in rules]
    missing = [
        sentence
        for paragraph in document.paragraphs
        for sentence in split_sentences(paragraph)
        if first_rule_containing(normalise(sentence), texts) is None
    ]
    assert not missing, f"sentences not in any rule: {missing}"


def test_rule_texts_are_verbatim_from_the_document(
    rules: list[dict[str, Any]], document: Document
) -> None:
    # Exact wording, typos and emphasis included; only whitespace may differ.
    blocks = [collapse_whitespace(block) for block in document.blocks]
    reworded = [
        rule["code"]
        for rule in rules
        if not any(collapse_whitespace(rule["text"]) in block for block in blocks)
    ]
    assert not reworded, f"rules whose text is not verbatim from the document: {reworded}"


def test_rules_follow_document_order(rules: list[dict[str, Any]], document: Document) -> None:
    texts = [normalise(rule["text"]) for rule in rules]
    positions: list[tuple[int, str]] = []
    for block in document.blocks:
        for sentence in split_sentences(block):
            index = first_rule_containing(normalise(sentence), texts)
            if index is not None:
                positions.append((index, sentence))
    out_of_order = [
        later
        for earlier, later in zip(positions, positions[1:], strict=False)
        if later[0] < earlier[0]
    ]
    assert not out_of_order, f"text placed before earlier text: {out_of_order}"
