"""Deleting a household's personal data in memory: storage/privacy.py's `forget_household`,
step for step on the dicts (its docstring says what goes and what stays)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.media import PhotoFiles
from storage.memory.assessments import log
from storage.memory.data import Data
from storage.privacy import DELIVERED, KEPT_STATE, _strings, _usable, _words


def forget_household(
    data: Data,
    now: datetime,
    household_id: int,
    text_questions: Sequence[str],
    files: PhotoFiles | None = None,
) -> None:
    group = _merge_group(data, household_id)
    members = {i for i, c in data.citizens.items() if c["household_id"] in group}
    _forget(data, now, group, members, text_questions, files)


def forget_citizen(
    data: Data,
    now: datetime,
    citizen_id: int,
    text_questions: Sequence[str],
    files: PhotoFiles | None = None,
) -> None:
    _forget(data, now, set(), {citizen_id}, text_questions, files)


def _forget(
    data: Data,
    now: datetime,
    group: set[int],
    citizen_ids: set[int],
    text_questions: Sequence[str],
    files: PhotoFiles | None,
) -> None:
    households = [data.households[i] for i in sorted(group)]
    citizens = [data.citizens[i] for i in sorted(citizen_ids) if i in data.citizens]
    person_ids = {int(h["person_id"]) for h in households if h["person_id"] is not None}
    person_ids |= {int(c["person_id"]) for c in citizens if c["person_id"] is not None}
    people = [data.people[i] for i in person_ids if i in data.people]
    identities = [i for i in data.identities.values() if i["person_id"] in person_ids]
    names: set[str] = {h["head_name"] for h in households} | {p["name"] for p in people}
    names |= {h["phone"] or "" for h in households} | {p["phone"] or "" for p in people}
    names |= {i["display_name"] or "" for i in identities} | {c["name"] for c in citizens}
    secrets = names | _forget_assessments(data, now, group, set(text_questions), files, citizen_ids)

    _forget_outbox(data, group, person_ids, _usable(names))
    if households:
        commune_id = data.villages[households[0]["village_id"]]["commune_id"]
    else:
        commune_id = citizens[0]["commune_id"] if citizens else None
    # A free-text answer may be a place's name: every collaborator's screen shows those.
    places = {v["name"] for v in data.villages.values() if v["commune_id"] == commune_id}
    places |= {data.communes[commune_id]["name"]} if commune_id in data.communes else set()
    own_chats = {(str(i["channel"]), str(i["chat_id"])) for i in identities}
    _forget_screens(data, own_chats, commune_id, _usable(secrets - places))

    for h in households:
        h.update(head_name="", head_name_key="", phone=None, deleted_at=h["deleted_at"] or now)
    for citizen in citizens:
        citizen.update(
            name="", name_key="", birth_year=None, deleted_at=citizen["deleted_at"] or now
        )
    for person_id in person_ids:
        if person_id in data.people:
            data.people[person_id].update(name="", phone=None, disabled=True)
    for identity in identities:
        identity.update(person_id=None, display_name=None)


def _merge_group(data: Data, household_id: int) -> set[int]:
    """The household and every row merged with it, however the merges were chained."""
    households = data.households
    root = household_id
    ancestors = {root}
    while True:
        parent = households[root]["merged_into"] if root in households else None
        if parent is None or parent in ancestors:
            break
        root = int(parent)
        ancestors.add(root)
    group, frontier = set(ancestors), {root}
    while frontier:
        children = {i for i, h in households.items() if h["merged_into"] in frontier}
        frontier = children - group
        group |= children
    return group


def _forget_assessments(
    data: Data,
    now: datetime,
    group: set[int],
    text_questions: set[str],
    files: PhotoFiles | None = None,
    citizen_ids: set[int] | None = None,
) -> set[str]:
    removed: set[str] = set()
    for assessment_id, a in sorted(data.assessments.items()):
        if a["household_id"] not in group and a.get("citizen_id") not in (citizen_ids or set()):
            continue
        answers = dict(a["answers"] or {})
        session = dict(a["session"] or {})
        session_answers = dict(session.get("answers") or {})
        for question in text_questions:
            removed |= set(_strings(answers.pop(question, None)))
            removed |= set(_strings(session_answers.pop(question, None)))
        session["answers"] = session_answers
        removed |= set(_strings(list((session.pop("evidence", None) or {}).values())))
        removed |= set(_strings(a["comment"]))
        a.update(answers=answers, session=session, comment=None)

        for entry in data.log.values():
            if entry["assessment_id"] != assessment_id:
                continue
            if entry["field"] in text_questions:
                removed |= set(_strings(entry["old"])) | set(_strings(entry["new"]))
                entry.update(old=None, new=None)
            if entry["action"] == "status" and entry["note"] is not None:
                removed.add(entry["note"])
                entry["note"] = None
        photos = [i for i, e in data.evidence.items() if e["assessment_id"] == assessment_id]
        for evidence_id in photos:
            removed.add(data.evidence.pop(evidence_id)["file_ref"])
        copies = [i for i, p in data.stored_photos.items() if p["evidence_id"] in photos]
        names = [data.stored_photos.pop(i)["name"] for i in copies]
        if files is not None:
            files.delete(name for name in names if name is not None)
        log(
            data,
            {
                "assessment_id": assessment_id,
                "at": now,
                "actor_id": None,
                "channel": None,
                "action": "privacy",
                "field": None,
                "old": None,
                "new": None,
                "note": "deleted",
            },
        )
    return removed


def _forget_outbox(data: Data, group: set[int], person_ids: set[int], names: list[str]) -> None:
    words = _words(names) if names else None
    for row in data.outbox.values():
        payload: dict[str, Any] = dict(row["payload"] or {})
        about = payload.get("household_id")
        naming = (
            words is not None
            and row["kind"] == "notice"
            and about is None
            and words.search(str(payload.get("text", ""))) is not None
        )
        if about not in group and row["person_id"] not in person_ids and not naming:
            continue
        row["payload"] = {"channel": payload["channel"]} if "channel" in payload else {}
        row["last_error"] = None
        if row["status"] != DELIVERED:
            row["status"] = "cancelled"
        if row["person_id"] in person_ids:
            row["chat_id"] = None


def _forget_screens(
    data: Data, own_chats: set[tuple[str, str]], commune_id: int | None, secrets: list[str]
) -> None:
    in_commune: set[tuple[str, str]] = set()
    if commune_id is not None and secrets:
        for identity in data.identities.values():
            person = data.people.get(identity["person_id"] or 0)
            if person is not None and person["commune_id"] == commune_id:
                in_commune.add((str(identity["channel"]), str(identity["chat_id"])))
    for row in data.chat_states.values():
        chat = (row["channel"], row["chat_id"])
        shows = chat in in_commune and any(
            secret in text for text in _strings(row["state"]) for secret in secrets
        )
        if chat in own_chats or shows:
            kept = row["state"] or {}
            row["state"] = {key: kept[key] for key in KEPT_STATE if key in kept}
