"""A graded result (xếp loại) in the commune's lists: the stored score's grade is what the
result column says, "Khá" instead of "Đạt"; results without a grade read as before."""

from __future__ import annotations

import csv
import io

from sqlalchemy import update

from bot.bootstrap import App
from storage import tables as t
from tests.integration.test_reports_fixtures import seed


async def test_the_commune_list_shows_the_grade_reached(app: App) -> None:
    seeded = await seed(app.db)
    graded = seeded.assessment_ids["h4"]  # Phạm Thị Bốn: 85,5 points, passed
    async with app.db.session() as session:
        stored = (
            await session.execute(t.assessments.select().where(t.assessments.c.id == graded))
        ).one()
        score = dict(stored.score)
        score["grade"] = {"id": "kha", "name": {"vi": "Khá", "en": "Good"}, "threshold": 70.0}
        await session.execute(
            update(t.assessments).where(t.assessments.c.id == graded).values(score=score)
        )
        await session.commit()
    out = io.StringIO()
    await app.reports.export_csv(seeded.commune_id, 2026, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    result = rows[0].index("Kết quả sơ bộ")
    by_name = {r[4]: r for r in rows[1:]}
    assert by_name["Phạm Thị Bốn"][result] == "Khá"
    # The others were scored without grades: passed reads "Đạt" as before.
    assert by_name["Nguyễn Văn Một"][result] == "Đạt"
