"""screening questions per visit type (yes-no, text, choice; required or not) and the
answers kept with each visit

Revision ID: 0026_screening_questions
Revises: 0025_receipt_messages
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_screening_questions"
down_revision: str | None = "0025_receipt_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_type_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("choices", sa.String(length=400), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('yes-no', 'text', 'choice')",
                           name=op.f("ck_screening_question_kind_code")),
        sa.ForeignKeyConstraint(["appointment_type_id"], ["appointment_type.id"],
                                name=op.f("fk_screening_question_appointment_type_id_appointment_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_question")),
    )  # fmt: skip
    op.create_index("ix_screening_question_type_position", "screening_question",
                    ["appointment_type_id", "position"])  # fmt: skip
    op.create_table(
        "screening_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=400), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"],
                                name=op.f("fk_screening_answer_appointment_id_appointment")),
        sa.ForeignKeyConstraint(["question_id"], ["screening_question.id"],
                                name=op.f("fk_screening_answer_question_id_screening_question")),
        sa.ForeignKeyConstraint(["answered_by_id"], ["app_user.id"],
                                name=op.f("fk_screening_answer_answered_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_answer")),
        sa.UniqueConstraint("appointment_id", "question_id",
                            name=op.f("uq_screening_answer_visit")),
    )  # fmt: skip
    op.create_index(op.f("ix_screening_answer_appointment_id"), "screening_answer",
                    ["appointment_id"])  # fmt: skip


def downgrade() -> None:
    op.drop_index(op.f("ix_screening_answer_appointment_id"), table_name="screening_answer")
    op.drop_table("screening_answer")
    op.drop_index("ix_screening_question_type_position", table_name="screening_question")
    op.drop_table("screening_question")
