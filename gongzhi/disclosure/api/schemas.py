"""Shapes shared by the open books API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class DisclosureAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class DisclosureQuestionOut(Schema):
    id: int
    item_id: int
    text: str
    asked_at: dt.datetime
    answer_due_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None = None
    flagged_at: dt.datetime | None = None


class ReviewOut(Schema):
    id: int
    verdict: str
    comment: str
    after_publication: bool
    created_at: dt.datetime
    rectification_id: int | None = None

    @staticmethod
    def resolve_rectification_id(obj) -> int | None:
        from ..models import Rectification

        return Rectification.objects.filter(review=obj).values_list("pk", flat=True).first()


class ItemOut(Schema):
    id: int
    community_id: int
    community_name: str
    kind: str
    kind_label: str
    timing: str
    timing_label: str
    title: str
    state: str
    state_label: str
    trigger_at: dt.datetime
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    due_at: dt.datetime
    published_at: dt.datetime | None = None
    is_late: bool
    version: int
    series_id: int | None = None
    supersedes_id: int | None = None
    correction_reason: str
    reference: str
    owner_id: int | None = None

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_timing_label(obj) -> str:
        return str(obj.get_timing_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class ItemDetailOut(ItemOut):
    body: str
    attachments: list[DisclosureAttachmentOut]
    versions: list[ItemOut]
    reviews: list[ReviewOut]
    questions: list[DisclosureQuestionOut]
    actions: list[str]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_versions(obj) -> list:
        return obj.version_list

    @staticmethod
    def resolve_reviews(obj) -> list:
        return obj.review_list

    @staticmethod
    def resolve_questions(obj) -> list:
        return obj.question_list
