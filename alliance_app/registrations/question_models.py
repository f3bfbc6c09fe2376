"""Questions an event asks its delegates (the 参会回执) and the delegates' answers.

A question removed after it was answered is only marked removed: its answers
stay, and exports still show them."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import TimestampMixin, UTCDateTime
from ..core.enums import StrEnum, enum_column_type
from ..extensions import db


class QuestionKind(StrEnum):
    text = "text"
    textarea = "textarea"
    choice = "choice"
    multichoice = "multichoice"
    boolean = "boolean"
    number = "number"
    date = "date"
    datetime = "datetime"


class QuestionFormat(StrEnum):
    """A check beyond the kind, for text answers."""
    none = "none"
    cn_ric = "cn_ric"      # 居民身份证号: check digit, masked except on the hotel list
    cn_uscc = "cn_uscc"    # 统一社会信用代码 (the invoice's 税号)


class EventQuestion(TimestampMixin, db.Model):
    __tablename__ = "event_questions"
    __audited__ = True
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[Optional[str]] = mapped_column(String(200))
    help_text: Mapped[Optional[str]] = mapped_column(String(500))
    kind: Mapped[QuestionKind] = mapped_column(enum_column_type(QuestionKind, "question_kind"))
    format: Mapped[QuestionFormat] = mapped_column(enum_column_type(QuestionFormat, "question_format"),
                                                   default=QuestionFormat.none,
                                                   server_default=QuestionFormat.none.value)
    # [{"value", "label", "label_en"}] for choice and multichoice
    choices: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Delegate categories that see it; empty: everyone.
    categories: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    preset: Mapped[Optional[str]] = mapped_column(String(40))
    removed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    def __str__(self) -> str:
        return self.label

    def label_for(self, language: str | None) -> str:
        return self.label_en if language == "en" and self.label_en else self.label

    def choice_label(self, value: Any, language: str | None) -> str:
        for choice in self.choices or ():
            if choice.get("value") == value:
                if language == "en" and choice.get("label_en"):
                    return choice["label_en"]
                return choice.get("label") or str(value)
        return str(value)

    def applies_to(self, category) -> bool:
        return not self.categories or str(category) in self.categories


class RegistrationAnswer(db.Model):
    """One answer; `text` is its plain form, compared by the list's filter and
    counted by the logistics pages in SQL."""
    __tablename__ = "registration_answers"
    __table_args__ = (UniqueConstraint("registration_id", "question_id"),
                      Index("ix_registration_answers_question_text", "question_id", "text"))

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("event_questions.id", ondelete="CASCADE"))
    value: Mapped[Any] = mapped_column(JSON)
    text: Mapped[Optional[str]] = mapped_column(String(500))

    question: Mapped[EventQuestion] = relationship()
