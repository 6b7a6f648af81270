"""The chair's digest against the seeded commune (numbers in test_reports_fixtures), on SQLite
and PostgreSQL: counts, shares of every household (the imported totals) and rounding, the
targets of the current period, villages without a total, a commune without targets, the chart,
and the /baocao entry points."""

from __future__ import annotations

import io

from PIL import Image

from bot.bootstrap import App
from bot.reports import digest_replies, parse_period, report_callback, report_command
from bot.reports.periods import on_demand
from conversations.domain import Person
from storage.progress import Counts
from storage.uow import UnitOfWork
from tests.integration.test_reports_fixtures import NOW, seed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def _person(app: App, person_id: int) -> Person:
    async with app.db.session() as s:
        person = await UnitOfWork(s, NOW).people.get(person_id)
    assert person is not None
    return person


async def test_progress_counts_per_village_and_period(app: App) -> None:
    seeded = await seed(app.db)
    reports = app.reports
    progress = await reports.progress(seeded.commune_id, on_demand("week", NOW, reports.tz))

    by_name = {v.name: v for v in progress.villages}
    assert list(by_name) == ["Thôn Hoàng Trù", "Thôn Sen 1", "Thôn Sen 2", "Thôn Mới"]
    assert by_name["Thôn Hoàng Trù"].households == Counts(8, 7, 6, 5, 3)
    assert by_name["Thôn Sen 1"].households == Counts(5, 4, 3, 2, 2)
    # The deleted and the merged household (and their assessments) are not counted.
    assert by_name["Thôn Sen 2"].households == Counts(3, 2, 1, 0, 0)
    assert by_name["Thôn Mới"].households == Counts()
    assert progress.households == Counts(16, 13, 10, 7, 5)
    assert progress.households_period == Counts(1, 2, 1, 1, 2)
    assert by_name["Thôn Hoàng Trù"].households_period == Counts(0, 1, 0, 1, 2)

    assert progress.counts("clan") == Counts(2, 2, 1, 1, 1)
    assert progress.counts_period("clan") == Counts(0, 1, 0, 0, 0)
    assert progress.counts("village").registered == 4
    assert progress.targets[(2030, "household")] == 80.0
    # The imported totals: every household and clan of each village, villages of the commune.
    assert by_name["Thôn Hoàng Trù"].households_total == 30
    assert by_name["Thôn Mới"].clans_total == 1
    assert progress.total("household") == 80
    assert progress.total("clan") == 8
    assert progress.total("village") == 4
    assert progress.without_total("household") == []

    assert progress.waiting_total == 2
    assert [w.name for w in progress.waiting] == ["Lê Văn Sáu", "Đỗ Thị Mười Hai"]
    assert [c.name for c in progress.collaborators] == ["Lê Văn Hùng", "Phạm Thị Hoa"]
    assert progress.collaborators[1].last_active is None


async def test_digest_text_for_a_phone(app: App) -> None:
    seeded = await seed(app.db)
    reports = app.reports
    replies = await reports.on_demand(seeded.commune_id, "week", "vi", buttons=True, chart=False)
    assert len(replies) == 1
    text = replies[0].text
    lines = text.splitlines()

    assert lines[0] == "📊 Báo cáo khuyến học — Kim Liên"
    assert lines[1] == "7 ngày qua: 15/11/2026 – 22/11/2026"
    # It leads with the target of the current period: in 2026, 2030's (2025 is past).
    assert lines[4] == "🎯 Mục tiêu đến 2030: 80% hộ, 75% dòng họ"
    assert "Mục tiêu 2025" not in text and "70%" not in text
    for expected in [
        "Tổng số hộ của xã: 80",
        "Đăng ký trên bot: 16 (+1)",
        "Đã đánh giá: 13 (+2)",
        "Đạt sơ bộ: 10 (+1)",
        "Đã xác nhận: 7 (+1)",
        "Được công nhận: 5 (+2)",
        # Of every household of the commune, not of the 16 registered in the bot; 5/80 =
        # 6,25%: rounded half up (banker's rounding would say 6,2%).
        "Tỷ lệ công nhận: 5/80 hộ, 6,3%",
        # Registration progress, a figure of its own.
        "Tỷ lệ đăng ký trên bot: 16/80 hộ, 20%",
        # 80% of 80 = 64 households, 5 recognised.
        "Mục tiêu 2030: 80%, còn thiếu 59 hộ",
        # Clans in a few lines, the share of every clan of the commune.
        "Đăng ký trên bot: 2",
        "Đã đánh giá: 2 (+1) · công nhận: 1",
        "Tỷ lệ công nhận: 1/8 dòng họ, 12,5%",
        # 75% of 8 = 6 clans, 1 recognised.
        "Mục tiêu 2030: 75%, còn thiếu 5 dòng họ",
        "⏳ Chờ xác nhận quá 7 ngày: 2 phiếu",
        "• Lê Văn Sáu (Thôn Hoàng Trù): 10 ngày",
        "• Đỗ Thị Mười Hai (Thôn Sen 1): 9 ngày",
        "💤 Cộng tác viên chưa có hoạt động từ 15/11/2026:",
        "• Lê Văn Hùng (Thôn Sen 2), lần cuối 23/10/2026",
        "• Phạm Thị Hoa (Thôn Mới), chưa có hoạt động",
    ]:
        assert expected in lines, expected
    # Furthest behind first (measured against the 2030 target: 2025 is past), each village
    # against all its households; at 0% the bigger village first.
    behind = lines.index("⚠️ Thôn còn chậm (hộ được công nhận/tổng số hộ):")
    assert lines[behind + 1 : behind + 4] == [
        "• Thôn Sen 2: 0/15 hộ, 0%",
        "• Thôn Mới: 0/10 hộ, 0%",
        "• Thôn Sen 1: 2/25 hộ, 8%",
    ]
    # Short enough for one Zalo message (2000) and short lines for a phone.
    assert len(text) < 2000
    assert max(len(line) for line in lines) <= 60
    data = [b.data for row in replies[0].buttons for b in row]
    assert f"x:e:{seeded.commune_id}:2026" in data
    assert all(len(d.encode()) <= 64 for d in data)


async def test_digest_in_english_and_for_the_year(app: App) -> None:
    seeded = await seed(app.db)
    reports = app.reports
    [reply] = await reports.on_demand(seeded.commune_id, "year", "en", buttons=False, chart=False)
    lines = reply.text.splitlines()
    assert lines[1] == "Year 2026, to 09:00 on 22/11/2026"
    assert lines[3] == "🎯 Target by 2030: 80% of households, 75% of clans"
    assert "Share recognised: 5/80 households, 6.3%" in lines
    assert "Share registered in the bot: 16/80 households, 20%" in lines
    assert "Target 2030: 80%, 59 more households needed" in lines
    assert "Target 2030: 75%, 5 more clans needed" in lines
    # The whole year: no "(+n)" for the period.
    assert "Registered in the bot: 16" in lines
    # No buttons on this channel: the text says how to ask for another period.
    assert reply.buttons == ()
    assert "/report" in lines[-1]


async def test_commune_without_targets(app: App) -> None:
    seeded = await seed(app.db)
    reports = app.reports
    replies = await reports.on_demand(
        seeded.other_commune_id, "week", "vi", buttons=False, chart=True
    )
    text = replies[0].text
    # No number of households imported: said so, with what is registered as a count, never
    # as a share of the village (1 of 2 registered would read "50%").
    assert "Tỷ lệ công nhận của xã: chưa tính được" in text
    assert "• Chưa có số hộ của Bản Phố Cáo: 2 hộ đăng ký trên bot" in text
    assert "%" not in text
    assert "Xã chưa đặt mục tiêu. Vui lòng nhờ quản trị viên nhập mục tiêu." in text
    assert "Mục tiêu 20" not in text
    assert "👪 Dòng họ học tập: chưa có dòng họ nào đăng ký." in text
    # Without a total no village can be measured: nobody is "behind".
    assert "Thôn còn chậm" not in text
    assert "Chờ xác nhận" not in text
    png = replies[1].photo
    assert png is not None and png.startswith(PNG_MAGIC)


async def test_chair_gets_digest_and_chart_on_demand(app: App) -> None:
    seeded = await seed(app.db)
    chair = await _person(app, seeded.chair_id)
    replies = await digest_replies(app.reports, chair, "month", "vi")
    assert replies[0].text.splitlines()[1] == "Tháng 11/2026, tính đến 09:00 ngày 22/11/2026"
    chart = replies[1]
    assert chart.text == "Tỷ lệ công nhận theo danh hiệu và theo thôn, năm 2026"
    assert chart.photo is not None and chart.photo.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(chart.photo))
    image.verify()
    assert image.format == "PNG"
    assert image.size[0] >= 1000  # sharp on a phone

    lan = await _person(app, seeded.collaborator_ids["lan"])
    [refusal] = await digest_replies(app.reports, lan, "week", "vi")
    assert refusal.text.startswith("Dạ, báo cáo chỉ dành cho Chủ tịch")


async def test_report_command_and_buttons(app: App) -> None:
    seeded = await seed(app.db)
    chair = await _person(app, seeded.chair_id)
    assert parse_period("/baocao") == "week"
    assert parse_period("/baocao tháng") == "month"
    assert parse_period("/baocao Nam") == "year"
    assert parse_period("/report day") == "day"
    assert parse_period("/baocao hôm qua") is None

    replies = await report_command(app.reports, chair, "/baocao năm", "vi", buttons=False)
    assert replies[0].text.splitlines()[1].startswith("Năm 2026")
    assert len(replies) == 1  # no chart where the channel has no buttons (Zalo)
    [unknown] = await report_command(app.reports, chair, "/baocao abc", "vi")
    assert "“/baocao tháng”" in unknown.text

    [document] = await report_callback(app.reports, chair, f"x:e:{seeded.commune_id}:2026", "vi")
    assert document.document is not None
    name, data = document.document
    assert name == "danh-sach-kim-lien-2026.xlsx"
    assert data[:2] == b"PK"  # a zip: XLSX
    [summary] = await report_callback(app.reports, chair, f"x:s:{seeded.commune_id}:2026", "vi")
    assert summary.document is not None and summary.document[0].startswith("bao-cao-nam-")
    assert "15/11/2026" in summary.text
    day = await report_callback(app.reports, chair, f"x:d:{seeded.commune_id}:day", "vi")
    assert day[0].text.splitlines()[1] == "24 giờ qua, đến 09:00 ngày 22/11/2026"

    # Another commune's report, or a malformed button: refused.
    [refused] = await report_callback(
        app.reports, chair, f"x:e:{seeded.other_commune_id}:2026", "vi"
    )
    assert refused.text.startswith("Dạ, báo cáo chỉ dành")
    [stale] = await report_callback(app.reports, chair, "x:zz", "vi")
    assert "nút này không còn dùng được nữa" in stale.text


async def test_report_hook_answers_inside_the_chat_service(app: App) -> None:
    """/baocao through the real ChatService: the hook reads in the service's own transaction
    (on SQLite a second one would wait for the first forever)."""
    import asyncio

    from bot.reports import make_report_hook
    from tests.support.chat import Chat

    seeded = await seed(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, NOW)
        identity = await uow.chats.identity("console", "chair", "chair")
        await uow.chats.bind(identity.id, seeded.chair_id)
    app.service.report_hook = make_report_hook(app.reports)
    chat = Chat(app, "chair")
    shown = await asyncio.wait_for(chat.say("/baocao tháng"), timeout=30)
    assert shown.startswith("📊 Báo cáo khuyến học — Kim Liên\nTháng 11/2026")
    assert "Tỷ lệ công nhận: 5/80 hộ, 6,3%" in shown
    # The console has no buttons and takes no photos: text only, with the typed alternatives.
    assert len(chat.last_replies) == 1 and "“/baocao năm”" in shown
    unknown = await asyncio.wait_for(chat.say("/baocao hôm kia"), timeout=30)
    assert unknown.startswith("Dạ, chưa rõ kỳ báo cáo.")


async def test_report_button_with_a_year_or_id_out_of_range_is_a_stale_button(app: App) -> None:
    """Forged report buttons (a year past the calendar, a 30-digit id, a digit int() cannot
    read) are refused like any old button, through the chat service, instead of crashing."""
    from bot.reports import make_report_hook
    from tests.support.chat import Chat

    seeded = await seed(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, NOW)
        identity = await uow.chats.identity("telegram", "77", "77")
        await uow.chats.bind(identity.id, seeded.chair_id)
    app.service.report_hook = make_report_hook(app.reports)
    stale_text = app.translator("vi", "report-button-stale")
    chat = Chat(app, "77", channel="telegram")
    commune = seeded.commune_id
    for data in (
        f"x:e:{commune}:99999",
        f"x:s:{commune}:{'9' * 30}",
        f"x:e:{commune}:2027x",
        f"x:e:{commune}:²⁰²⁶",
        f"x:e:{commune}:1999",
        f"x:e:{'9' * 30}:2026",
        f"x:d:{'1' * 12}:week",
        "x:e:²:2026",
    ):
        assert await chat.send("callback", data=data) == stale_text, data
    # The buttons the bot itself makes still work.
    await chat.send("callback", data=f"x:e:{commune}:2026")
    [document] = chat.last_replies
    assert document.document is not None and document.document[0].endswith("-2026.xlsx")

    # An administrator of no commune may see every commune: a forged id must still not reach
    # the database.
    admin = Person(id=999, name="Quản trị", role="admin")
    for data in (f"x:e:{'9' * 30}:2026", f"x:d:{2**31}:week", f"x:s:{commune}:{10**6}"):
        [refused] = await report_callback(app.reports, admin, data, "vi")
        assert refused.text == stale_text, data


async def test_digest_leads_with_the_year_target_and_names_a_village_without_total(
    app: App,
) -> None:
    """The commune's own 2026 target leads, before 2030's; a village whose number of
    households was never imported is named, its registered households given as a count, and
    the commune's share is not given (a share over the other villages would pass for it)."""
    from sqlalchemy import update

    from storage.tables import VillageRow

    seeded = await seed(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, NOW)
        await uow.places.set_target(seeded.commune_id, 2026, "household", 30.0)
        await s.execute(
            update(VillageRow)
            .where(VillageRow.id == seeded.village_ids["Thôn Sen 1"])
            .values(households_total=None)
        )
    [reply] = await app.reports.on_demand(
        seeded.commune_id, "year", "vi", buttons=True, chart=False
    )
    lines = reply.text.splitlines()
    assert lines[3:5] == [
        "🎯 Mục tiêu năm 2026 của xã: 30% hộ",
        "🎯 Mục tiêu đến 2030: 80% hộ, 75% dòng họ",
    ]
    assert "Tỷ lệ công nhận của xã: chưa tính được" in lines
    assert "• Chưa có số hộ của Thôn Sen 1: 5 hộ đăng ký trên bot" in lines
    assert "Mục tiêu 2026: 30%, chưa tính được số còn thiếu" in lines
    assert "Tổng số hộ của xã" not in reply.text
    # Villages with a total are still measured against it (the year's own target, 30%).
    behind = lines.index("⚠️ Thôn còn chậm (hộ được công nhận/tổng số hộ):")
    assert lines[behind + 1 : behind + 4] == [
        "• Thôn Sen 2: 0/15 hộ, 0%",
        "• Thôn Mới: 0/10 hộ, 0%",
        "• Thôn Hoàng Trù: 3/30 hộ, 10%",
    ]
    assert not any("Thôn Sen 1:" in line and "%" in line for line in lines)
    # Clans are all known: still a share.
    assert "Tỷ lệ công nhận: 1/8 dòng họ, 12,5%" in lines
