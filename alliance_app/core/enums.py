"""Enum column helper: values stored as plain snake_case strings with a CHECK."""
import enum

from sqlalchemy import Enum


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return self.value


def enum_column_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
