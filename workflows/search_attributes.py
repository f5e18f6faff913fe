"""Custom search attributes of case workflows: never personal data (they are not encrypted)."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("RescueStage")
"""Stage of the case (domain.enums.Stage value)."""
CLASSIFICATION = SearchAttributeKey.for_keyword("RescueClassification")
"""Classification, empty until admission."""
NODE = SearchAttributeKey.for_keyword("RescueNode")
"""Id of the responsible station node."""
OVERDUE = SearchAttributeKey.for_bool("RescueOverdue")
"""True while a task of the case is past its deadline."""

ALL = (STAGE, CLASSIFICATION, NODE, OVERDUE)

# The type names the dev server's --search-attribute flag and the operator API expect.
TYPE_NAMES = {STAGE: "Keyword", CLASSIFICATION: "Keyword", NODE: "Keyword", OVERDUE: "Bool"}
