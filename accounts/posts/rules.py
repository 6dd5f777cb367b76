"""What the guideline version in force says follows from a post's category.

- A category the guideline always answers (v1: complaint, factual error) must be answered.
- A topic not to comment decides by its action: sensitive information is removed (not
  answered), rumours and speculation are closed without comment, reorganisation, economy
  and budget are answered by pointing to the official statements, internal matters are
  checked with the nearest leader before answering.
- Anything else is answered if it expects an answer, and closed if it does not.

The keys come from the guideline's rule parameters, so a later version that changes a
topic's action changes what triage does without a code change.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from policy.parameters import PolicyParameters, TopicAction


class Outcome(models.TextChoices):
    ANSWER = "answer", _("Answer the post")
    REFER_OFFICIAL = "refer_official", _("Answer by referring to the official statements")
    CHECK_WITH_LEADER = "check_with_leader", _("Check with your nearest leader, then answer")
    REMOVE = "remove", _("Remove the post; do not answer it")
    NOT_COMMENTED = "not_commented", _("Close the post without comment")
    NO_ANSWER = "no_answer", _("Close the post: it does not expect an answer")


@dataclass(frozen=True)
class TriageRule:
    """What follows from a category: the outcome, whether an answer is required no matter
    what the responder thinks, and the guideline rule that says so."""

    outcome: Outcome
    answer_required: bool
    rule_code: str = ""
    rule_title: str = ""

    @property
    def closes(self) -> bool:
        return self.outcome in (Outcome.NOT_COMMENTED, Outcome.NO_ANSWER)

    @property
    def removes(self) -> bool:
        return self.outcome == Outcome.REMOVE


_TOPIC_OUTCOMES = {
    TopicAction.REMOVE: Outcome.REMOVE,
    TopicAction.NO_COMMENT: Outcome.NOT_COMMENTED,
    TopicAction.REFER_OFFICIAL: Outcome.REFER_OFFICIAL,
    TopicAction.CHECK_WITH_LEADER: Outcome.CHECK_WITH_LEADER,
}


def triage_rule(*, category: str, expects_answer: bool, policy: PolicyParameters) -> TriageRule:
    """What the guideline says follows from ``category`` (and, where the guideline leaves
    it open, from whether the post expects an answer)."""
    if category in policy.always_answer:
        return TriageRule(outcome=Outcome.ANSWER, answer_required=True)
    topic = policy.topics.get(category)
    if topic is not None:
        outcome = _TOPIC_OUTCOMES[TopicAction(topic.action)]
        return TriageRule(
            outcome=outcome,
            answer_required=outcome in (Outcome.REFER_OFFICIAL, Outcome.CHECK_WITH_LEADER),
            rule_code=topic.rule_code,
            rule_title=topic.title,
        )
    if expects_answer:
        return TriageRule(outcome=Outcome.ANSWER, answer_required=False)
    return TriageRule(outcome=Outcome.NO_ANSWER, answer_required=False)
