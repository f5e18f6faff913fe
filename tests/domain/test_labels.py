"""Every value of every domain enum has its own Chinese label (the console shows nothing else)."""

from __future__ import annotations

from domain import enums
from domain.enums import label


def test_every_enum_value_has_its_own_label() -> None:
    for enum in (enums.Classification, enums.Stage, enums.DiscoveryChannel, enums.TaskKind,
                 enums.Role, enums.NodeLevel, enums.Sex, enums.TaskStatus,
                 enums.DiscoveryCondition, enums.CaseOutcome, enums.CareService):
        for value in enum:
            text = label(value)
            assert text != value.value, f"{enum.__name__}.{value.name} has no label"
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_equal_values_of_different_enums_keep_their_own_labels() -> None:
    assert label(enums.Classification.OPEN) == "开放性救助"
    assert label(enums.TaskStatus.OPEN) == "待办"
    assert label(enums.Role.POLICE) != label(enums.DiscoveryChannel.POLICE)
