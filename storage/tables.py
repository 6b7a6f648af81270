"""The database schema. Changes here need an Alembic migration (storage/migrations)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """The one type of every point in time in the schema: written in UTC, read back aware.

    PostgreSQL stores `timestamptz`; SQLite has no time zones and hands back naive values
    (comparing one with the aware clock raised TypeError), so the value is stored as UTC wall
    time and UTC is attached when it is read. The processors also run in storage.fastsql's
    compiled statements, which reuse the column types' bind and result processors."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def as_utc(value: datetime) -> datetime:
    """Aware, in UTC. A naive value is taken to be UTC already (how SQLite holds them)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Stable constraint names, so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ProvinceRow(Base):
    __tablename__ = "provinces"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)


class CommuneRow(Base):
    __tablename__ = "communes"
    __table_args__ = (UniqueConstraint("province_id", "name_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    difficult_area: Mapped[bool] = mapped_column(Boolean, default=False)
    # How many villages the commune has (units import); NULL: not known yet.
    villages_total: Mapped[int | None] = mapped_column(Integer)
    # The study-promotion month (10/8–10/9) is announced to its registered households
    # (`hoctap units announce`). A server default only: code written before migration 0008
    # (its tests run on older schemas) inserts communes without it.
    announce_study_month: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # What the commune's papers print (`hoctap units papers`, bot/papers/settings.py); NULL:
    # the default ("HỘI KHUYẾN HỌC XÃ KIM LIÊN", decisions by the People's Committee).
    paper_parent_body: Mapped[str | None] = mapped_column(String(200))
    paper_issuing_body: Mapped[str | None] = mapped_column(String(200))
    paper_chair_name: Mapped[str | None] = mapped_column(String(200))
    # The signer's position, one printed line each, separated by "|" ("TM. BAN CHẤP HÀNH|CHỦ TỊCH").
    paper_signer_lines: Mapped[str | None] = mapped_column(String(200))
    # Who issues the recognition decision: "commune" (its People's Committee) or "village".
    paper_decision_by: Mapped[str | None] = mapped_column(String(20))
    paper_decision_body: Mapped[str | None] = mapped_column(String(200))
    paper_decision_signer_name: Mapped[str | None] = mapped_column(String(200))
    paper_decision_signer_lines: Mapped[str | None] = mapped_column(String(200))
    paper_place: Mapped[str | None] = mapped_column(String(100))


class VillageRow(Base):
    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("commune_id", "name_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    # Every household and clan of the village (units import), the base of every share;
    # NULL: not known yet (a share is then not given).
    households_total: Mapped[int | None] = mapped_column(Integer)
    clans_total: Mapped[int | None] = mapped_column(Integer)


class TargetRow(Base):
    """The share of subjects a commune aims to have recognised by a target year."""

    __tablename__ = "commune_targets"
    __table_args__ = (UniqueConstraint("commune_id", "target_year", "title"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    target_year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(20))
    share: Mapped[float] = mapped_column(Float)


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    phone: Mapped[str | None] = mapped_column(String(30))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ChannelIdentityRow(Base):
    """One person's account on one channel (a Telegram user, a Zalo user, the terminal)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    chat_id: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # No longer written: nothing needs the name a chat app shows (emptied by migration 0005).
    display_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class HouseholdRow(Base):
    __tablename__ = "households"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    head_name: Mapped[str] = mapped_column(String(200))
    head_name_key: Mapped[str] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When the household agreed to the personal-data notice (Nghị định 13/2023/NĐ-CP).
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A likely duplicate the collaborator merged into another household.
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("households.id"))


class ClanRow(Base):
    __tablename__ = "clans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    head_name: Mapped[str | None] = mapped_column(String(200))
    # Known count of member households, for clans whose households are not registered here.
    member_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ClanVillageRow(Base):
    __tablename__ = "clan_villages"
    clan_id: Mapped[int] = mapped_column(ForeignKey("clans.id"), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)


class ClanHouseholdRow(Base):
    __tablename__ = "clan_households"
    clan_id: Mapped[int] = mapped_column(ForeignKey("clans.id"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), primary_key=True)


class LearningUnitRow(Base):
    """An office, school, health station, People's Committee or enterprise of a commune, the
    subject of "Đơn vị học tập" (issue 15). Not an administrative unit (provinces, communes,
    villages: storage/places.py)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("commune_id", "name_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    # office | school | health | committee | enterprise | other (conversations.domain.UnitKind)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    # Every member of its staff, the base of the share holding "Công dân học tập"; NULL: not known.
    staff_total: Mapped[int | None] = mapped_column(Integer)
    # The head who self-assesses the unit and verifies its staff, once they opened their invite.
    head_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CitizenRow(Base):
    """A person assessed for "Công dân học tập": an adult member of a registered household or a
    member of a unit's staff. Named when invited; `person_id` once they opened the invite."""

    __tablename__ = "citizens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # The household's village (NULL for a unit's staff member).
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The year of birth the person gave when joining (0012); personal data, gone with /xoa.
    birth_year: Mapped[int | None] = mapped_column(Integer)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        # Once per subject, per title, per year (domain.md §3).
        UniqueConstraint("subject_kind", "subject_id", "title", "year", name="uq_assessment_once"),
        Index("ix_assessments_commune_year", "commune_id", "year", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(20))
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    clan_id: Mapped[int | None] = mapped_column(ForeignKey("clans.id"))
    # A person's form (subject "citizen"); `unit_id`: the unit assessed, or the unit whose
    # staff member the citizen is (whose head verifies it).
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    pack_id: Mapped[str] = mapped_column(String(100))
    pack_version: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    session: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    score: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    total: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    decision_number: Mapped[str | None] = mapped_column(String(100))
    decision_date: Mapped[date | None] = mapped_column(Date)


class AssessmentLogRow(Base):
    """Append-only: every answer and every change of status, with who and when."""

    __tablename__ = "assessment_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(100))
    old: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new: Mapped[Any] = mapped_column(JSONType, nullable=True)
    note: Mapped[str | None] = mapped_column(Text)


class EvidenceRow(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    question: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    # A Telegram file id or a Zalo photo URL: the photo stays on the channel's servers.
    file_ref: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StoredPhotoRow(Base):
    """An evidence photo's copy in the bot's photo store (issue 13), so exports and the
    recognition dossier can include it and it outlives the chat. Written with its evidence row;
    the photo fetcher fills `name` (the file's opaque name in EVIDENCE_DIR) once it has it,
    trying again after `next_at` while `attempts` are left."""

    __tablename__ = "stored_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), unique=True)
    name: Mapped[str | None] = mapped_column(String(100), unique=True)
    size: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    stored_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))


class ChatStateRow(Base):
    """Where each chat is: which menu, which assessment in progress."""

    __tablename__ = "chat_states"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcessedUpdateRow(Base):
    """Updates already applied, recorded in the same transaction as their effect."""

    __tablename__ = "processed_updates"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class InviteRow(Base):
    """A deep link / QR code that binds whoever opens it to a role and a place."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Deep-link payload: Telegram allows 64 characters of A-Za-z0-9_-.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    # What the invite is for (issue 15): a unit's head or staff, a household's adult member
    # (a citizen already named by whoever invited them).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    # None: any number of uses (a village household QR code); 1: a personal invite.
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InviteAttemptRow(Base):
    """A wrong invite code typed or opened in a chat, so guessing codes is limited across
    processes and restarts. Only the channel, the chat and the time: nothing about the person."""

    __tablename__ = "invite_attempts"
    __table_args__ = (Index("ix_invite_attempts_chat", "channel", "chat_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


# --- Reports and outbox (issue 5) ---


class OutboxRow(Base):
    """One push to one person (a digest, a reminder), sent by the outbox worker.

    `key` makes creation idempotent: every scheduler tick, bot process and restart computes
    the same key for the same recipient and period, and a second insert is a no-op.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    # What to render at send time (period bounds, assessment ids...), not the message itself.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # pending -> sending -> sent | failed | unreachable | cancelled (nothing left to say);
    # back to pending for a retry.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Messages of this push already confirmed sent, so a retry resumes after them.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    channel: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DraftReminderRow(Base):
    """Which idle-draft reminders were queued, so each draft gets at most N of them."""

    __tablename__ = "draft_reminders"
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DigestScheduleRow(Base):
    """An administrator's choice of when a commune's chairs get digests (else the defaults)."""

    __tablename__ = "digest_schedules"
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # 0 = Monday, as datetime.weekday().
    weekday: Mapped[int] = mapped_column(Integer, default=0)
    # Local time "HH:MM" (Asia/Ho_Chi_Minh).
    at_time: Mapped[str] = mapped_column(String(5), default="07:00")
    # Daily digests between these days ("DD/MM", inclusive): study-promotion month.
    daily_from: Mapped[str | None] = mapped_column(String(5))
    daily_to: Mapped[str | None] = mapped_column(String(5))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebLinkRow(Base):
    """A one-time link into the web page (`/web`, `hoctap web-link`, a Zalo download), bound
    to one person. Only a hash of the token is kept: a copy of the database opens nothing."""

    __tablename__ = "web_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # The page the link opens after signing in (a path of the web page).
    target: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# --- the Core tables the repositories write their statements against (storage/sql.py) ---


def _table(row: type[Base]) -> Table:
    return cast(Table, row.__table__)


provinces = _table(ProvinceRow)
communes = _table(CommuneRow)
villages = _table(VillageRow)
targets = _table(TargetRow)
people = _table(PersonRow)
identities = _table(ChannelIdentityRow)
households = _table(HouseholdRow)
clans = _table(ClanRow)
clan_villages = _table(ClanVillageRow)
clan_households = _table(ClanHouseholdRow)
units = _table(LearningUnitRow)
citizens = _table(CitizenRow)
assessments = _table(AssessmentRow)
assessment_log = _table(AssessmentLogRow)
evidence = _table(EvidenceRow)
stored_photos = _table(StoredPhotoRow)
chat_states = _table(ChatStateRow)
processed_updates = _table(ProcessedUpdateRow)
invites = _table(InviteRow)
invite_attempts = _table(InviteAttemptRow)
outbox = _table(OutboxRow)
draft_reminders = _table(DraftReminderRow)
digest_schedules = _table(DigestScheduleRow)
web_links = _table(WebLinkRow)
