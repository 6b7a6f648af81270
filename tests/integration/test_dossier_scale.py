"""A recognition dossier for a commune of hundreds of households: the eight files in seconds."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from bot.bootstrap import App
from bot.papers.dossier import dossier_files, pack_lookup
from conversations.scoring import score
from storage import tables as t
from tests.integration.test_dossier import TODAY, _docx, _pdf_text
from tests.integration.test_reports_fixtures import NOW


async def test_a_dossier_of_three_hundred_households_takes_seconds(app: App) -> None:
    """300 households proposed, each with a full form: the eight files in seconds of CPU (about
    3 s measured; the bound leaves room for slow machines), every household in the forms."""
    pack = app.packs.current("household")
    answers: dict[str, Any] = {}
    for question in pack.questions():
        if question.name == "members":
            answers[question.name] = 4
        elif question.type == "integer":
            answers[question.name] = 2
        elif question.type == "select_multiple":
            answers[question.name] = [question.choices[0].value]
        elif question.choices:
            answers[question.name] = question.choices[0].value
        elif question.type == "text":
            answers[question.name] = "Hộ"
    result = score(pack, answers).model_dump(mode="json")
    async with app.db.unit_of_work(NOW) as uow:
        province = await uow.places.ensure_province("Nghệ An")
        commune = await uow.places.ensure_commune(province.id, "Kim Liên", difficult_area=False)
        villages = [
            (await uow.places.ensure_village(commune.id, f"Thôn Sen {i}")).id for i in range(1, 6)
        ]
        lan = await uow.people.add("Nguyễn Thị Lan", "collaborator", commune_id=commune.id)
    async with app.db.session() as session:
        households = [
            {
                "village_id": villages[i % 5],
                "head_name": f"Nguyễn Văn Hộ {i:03d}",
                "head_name_key": f"nguyen van ho {i:03d}",
                "created_at": NOW,
            }
            for i in range(300)
        ]
        await session.execute(t.households.insert(), households)
        rows = (await session.execute(select(t.households.c.id, t.households.c.village_id))).all()
        await session.execute(
            t.assessments.insert(),
            [
                {
                    "title": "household",
                    "subject_kind": "household",
                    "subject_id": hid,
                    "household_id": hid,
                    "commune_id": commune.id,
                    "village_id": vid,
                    "year": 2026,
                    "pack_id": pack.id,
                    "pack_version": pack.version,
                    "status": "proposed",
                    "answers": answers,
                    "session": {},
                    "score": result,
                    "total": result["total"],
                    "passed": result["passed"],
                    "created_by": lan.id,
                    "created_at": NOW,
                    "updated_at": NOW,
                    "submitted_at": NOW,
                    "verified_by": lan.id,
                    "verified_at": NOW,
                }
                for hid, vid in rows
            ],
        )
    cpu = time.process_time()
    async with app.db.unit_of_work(NOW) as uow:
        files = await dossier_files(
            uow,
            commune.id,
            2026,
            "household",
            today=TODAY,
            packs=pack_lookup(app.packs),
            photos=None,
        )
    assert time.process_time() - cpu < 30
    forms = _docx(files[4])
    assert [p.text for p in forms.paragraphs].count("PHIẾU TỰ ĐÁNH GIÁ") == 300
    text = _pdf_text(files[3])
    assert "Nguyễn Văn Hộ 000" in text and "Nguyễn Văn Hộ 299" in text
