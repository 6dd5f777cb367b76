"""Which form fields answer which of the guideline's registration questions.

The questions themselves come from the guideline version in force
(``policy_in_force().registration_questions``). A question listed here is answered by
model fields (the app needs those answers as data); any other question, including one a
later guideline version adds, is answered in free text stored in ``AccountRequest.answers``.
"""

from dataclasses import dataclass

from policy.parameters import RegistrationQuestion


@dataclass(frozen=True)
class QuestionFields:
    fields: tuple[str, ...]
    free_text: bool
    # Whether the free-text answer must be given before the request is submitted.
    required: bool = True


# Fields asked before the guideline's questions: what the profile is.
BASIC_FIELDS = ("unit", "platform", "name", "handle", "url", "not_case_handling")

QUESTION_FIELDS: dict[str, QuestionFields] = {
    "perception_and_focus": QuestionFields(("goals", "not_used_for"), free_text=True),
    "follow_up": QuestionFields(
        ("responsible_leader", "responders", "follow_up_interval_days"), free_text=False
    ),
    "mandate_and_resources": QuestionFields(("hours_per_week", "mandate"), free_text=False),
    "presentation": QuestionFields(
        ("contact_instance", "contact_person", "contact_title", "contact_email", "homepage"),
        free_text=False,
    ),
    "web_pages_updated": QuestionFields(("web_pages_updated", "web_pages_note"), free_text=False),
    "reputation_check": QuestionFields(("reputation_checked", "reputation_note"), free_text=False),
    # The rådmann's decision on this very request is the permission; the requester may
    # describe an earlier clarification, so the answer is optional.
    "radmann_permission": QuestionFields((), free_text=True, required=False),
}


def answer_field_name(key: str) -> str:
    return f"answer_{key}"


def question_fields(question: RegistrationQuestion) -> QuestionFields:
    return QUESTION_FIELDS.get(question.key, QuestionFields((), free_text=True))


def free_text_questions(
    questions: tuple[RegistrationQuestion, ...],
) -> list[RegistrationQuestion]:
    return [q for q in questions if question_fields(q).free_text]
