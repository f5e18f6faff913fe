"""Classification rules (分类救助): which kind of rescue a person may get.

Pure functions: the workflow, the API and the console all ask these, and unit tests pin them.
"""

from __future__ import annotations

from datetime import date

from domain.enums import Classification
from domain.person import PersonDetails
from domain.policy import Policy


class ClassificationError(ValueError):
    """The chosen classification is not allowed for this person."""


def is_minor(person: PersonDetails, today: date, policy: Policy) -> bool:
    return person.age_on(today) < policy.adult_age


def required_classification(
    person: PersonDetails, today: date, policy: Policy
) -> Classification | None:
    """The classification the rules impose, or None when the caseworker may choose freely."""
    if is_minor(person, today, policy) or not person.has_civil_capacity:
        return Classification.PROTECTIVE
    return None


def classify(
    person: PersonDetails, chosen: Classification | None, today: date, policy: Policy
) -> Classification:
    """Final classification: the rules first, then the caseworker's choice, then the default.

    Raises ClassificationError with a message a caseworker can act on when the choice breaks
    a rule (a minor, or a person without civil capacity, is always protective).
    """
    required = required_classification(person, today, policy)
    if required is not None:
        if chosen is not None and chosen != required:
            who = "未成年人" if is_minor(person, today, policy) else "无民事行为能力或限制民事行为能力人员"
            raise ClassificationError(f"{who}必须实行保护性救助，不能选择其他救助类型")
        return required
    if chosen is not None:
        return chosen
    if person.cannot_care_for_self:
        return Classification.ASSISTING
    return Classification.OPEN
