"""The web page in a real browser (issue 16): Debian's Chromium driven by Playwright, against
the page served by the bot's own aiohttp server, on a seeded commune (the reports' fixture:
Kim Liên, 80 households, 5 recognised) with a scored form and its evidence photo, on SQLite
and, when TEST_DATABASE_URL is set, on PostgreSQL.

The clock is the tests' FakeClock, so links expire when the test says. Set
HOCTAP_WEB_SCREENSHOT=path to keep a screenshot of the overview at 360×740 (docs/web-overview.png).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from aiohttp import web
from PIL import Image
from playwright.async_api import Browser, Page, async_playwright

from bot.bootstrap import App, build_app
from bot.reports import formatting as fmt
from bot.settings import Settings
from conversations.scoring import score
from tests.conftest import BACKENDS, FakeClock, migrated_database
from tests.integration.test_reports_fixtures import YEAR, Seeded, add_assessment, seed
from tests.integration.test_web_access import init_data
from tests.support.botprocess import free_port

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "123456:WEB-BROWSER"
PHOTO_SIZE = (64, 48)


@dataclass
class Site:
    app: App
    clock: FakeClock
    base: str
    seeded: Seeded
    # A scored household form of Thôn Sen 1 with an evidence photo, and one of Hoàng Trù.
    form_id: int
    other_form_id: int

    async def link(self, person_id: int) -> str:
        return await self.app.web.issue_link(person_id)


def _answers(app: App) -> dict[str, Any]:
    """Every question of the household pack answered: the first option, "yes", 2."""
    pack = app.packs.current("household")
    answers: dict[str, Any] = {}
    for q in pack.questions():
        if q.type == "text":
            answers[q.name] = "Nguyễn Văn Mười Ba" if q.name == "head_name" else "Thôn Sen 1"
        elif q.type in ("integer", "decimal"):
            answers[q.name] = 2
        elif q.type == "select_multiple":
            answers[q.name] = [q.choices[0].value]
        else:
            answers[q.name] = q.choices[0].value
    return answers


async def _scored_form_with_photo(app: App, s: Seeded, png: bytes) -> int:
    pack = app.packs.current("household")
    answers = _answers(app)
    result = score(pack, answers)
    async with app.db.session() as session:
        from storage.uow import UnitOfWork

        uow = UnitOfWork(session, app.service.clock())
        household = await uow.households.add(s.village_ids["Thôn Sen 1"], "Nguyễn Văn Mười Ba")
        form_id = await add_assessment(
            session,
            title="household",
            subject_id=household.id,
            commune_id=s.commune_id,
            village_id=s.village_ids["Thôn Sen 1"],
            status="submitted",
            passed=result.passed,
            actor=s.collaborator_ids["lan"],
            submitted=2,
        )
        from storage import tables as t

        await session.execute(
            t.assessments.update()
            .where(t.assessments.c.id == form_id)
            .values(
                answers=answers,
                score=result.model_dump(mode="json"),
                total=result.total,
                pack_id=pack.id,
                pack_version=pack.version,
                year=YEAR,
                comment="Thiếu ảnh góc học tập",
            )
        )
        await uow.assessments.log(
            form_id,
            s.chair_id,
            "telegram",
            "status",
            "status",
            "verified",
            "returned",
            "Thiếu ảnh góc học tập",
        )
        await uow.assessments.add_evidence(form_id, "study_corner", "telegram", "photo-file-1")
        await session.commit()

    async def download(file_ref: str) -> bytes:
        assert file_ref == "photo-file-1"
        return png

    app.downloads["telegram"] = download
    assert await app.photo_fetcher().run_once() == 1
    return form_id


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", PHOTO_SIZE, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(params=BACKENDS)
async def site(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Site]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    clock = FakeClock()
    async with migrated_database(request, request.param) as url:
        settings = Settings(  # type: ignore[call-arg]
            database_url=url,
            telegram_bot_token=TOKEN,
            web_base_url=base,
            evidence_dir=tmp_path / "evidence",
            _env_file=None,
        )
        app = build_app(settings, clock=clock)
        seeded = await seed(app.db)
        form_id = await _scored_form_with_photo(app, seeded, _png())
        other = seeded.assessment_ids["h1"]  # Thôn Hoàng Trù
        server = web.Application()
        app.web_site().register(server)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield Site(app, clock, base, seeded, form_id, other)
        finally:
            await runner.cleanup()
            await app.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def _page(browser: Browser, width: int = 360, height: int = 740, **kw: Any) -> Page:
    context = await browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True, **kw
    )
    return await context.new_page()


async def _no_horizontal_scroll(page: Page) -> None:
    widths = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url}: scrollWidth {widths[0]} > {widths[1]}"


async def test_a_chair_signs_in_with_a_link_and_sees_the_digests_numbers(
    site: Site, browser: Browser
) -> None:
    page = await _page(browser)
    response = await page.goto(await site.link(site.seeded.chair_id))
    assert response is not None and response.status == 200
    assert page.url == f"{site.base}/web/"

    # The digest /baocao sends now, and the same figures on the page.
    [digest] = await site.app.reports.on_demand(
        site.seeded.commune_id, "week", "vi", buttons=False, chart=False
    )
    ratio, share = re.findall(r"(\d[\d.]*/\d[\d.]*) hộ, (\d[\d,]*%)", digest.text)[0]
    household = page.locator('[data-title="household"]')
    assert await household.locator(".ratio").inner_text() == ratio == "5/80"
    assert await household.locator(".share").inner_text() == share
    body = await page.inner_text("main")
    assert "Lê Văn Sáu" in body  # waiting over a week, as the digest lists
    assert "Phạm Thị Hoa" in body  # a collaborator without activity
    chart = await page.evaluate("document.querySelector('img.chart').naturalWidth")
    assert chart > 0, "the chart PNG loaded"
    await _no_horizontal_scroll(page)
    if target := os.environ.get("HOCTAP_WEB_SCREENSHOT"):
        await page.screenshot(path=target, full_page=True)


async def test_the_overview_fits_a_360_px_phone_without_sideways_scrolling(
    site: Site, browser: Browser
) -> None:
    page = await _page(browser, 360, 740)
    await page.goto(await site.link(site.seeded.chair_id))
    for path in (
        "/web/",
        f"/web/c/{site.seeded.commune_id}/forms",
        f"/web/forms/{site.form_id}",
        f"/web/c/{site.seeded.commune_id}/downloads",
    ):
        response = await page.goto(site.base + path)
        assert response is not None and response.status == 200, path
        await _no_horizontal_scroll(page)


async def test_lists_search_without_diacritics_and_open_a_form_with_its_photo(
    site: Site, browser: Browser
) -> None:
    page = await _page(browser)
    await page.goto(await site.link(site.seeded.chair_id))
    await page.click(f'a[href="/web/c/{site.seeded.commune_id}/forms"]')
    await page.fill('input[name="q"]', "nguyen van")
    await page.click('form.filters button[type="submit"]')
    names = await page.locator("ul.formlist .name").all_inner_texts()
    assert names and all(n.startswith("Nguyễn Văn") for n in names), names
    assert "Nguyễn Văn Mười Ba" in names
    # Every title can be chosen, whatever forms this page happens to show.
    options = page.locator('select[name="title"] option')
    titles = [await options.nth(i).get_attribute("value") for i in range(await options.count())]
    assert titles == ["", "household", "clan", "village", "citizen", "unit"]

    # Sorted by points, highest first, and paged by 50: 14 forms fit one page.
    await page.goto(f"{site.base}/web/c/{site.seeded.commune_id}/forms?sort=total&desc=1")
    assert await page.locator("ul.formlist li").count() == int(
        re.findall(r"\d+", await page.inner_text("p.count"))[0]
    )

    await page.goto(f"{site.base}/web/c/{site.seeded.commune_id}/forms?q=muoi+ba")
    await page.click("text=Nguyễn Văn Mười Ba")
    assert page.url == f"{site.base}/web/forms/{site.form_id}"
    text = await page.inner_text("main")
    pack = site.app.packs.current("household")
    result = score(pack, _answers(site.app))
    total = f"Tổng: {fmt.points(result.total)}/{fmt.points(result.max_total)} điểm"
    assert total in text
    first = pack.criteria[0].indicators[0]
    [scored] = [i for c in result.criteria for i in c.indicators if i.id == first.id]
    shown = await page.inner_text(f'[data-indicator="{first.id}"] .pts')
    assert shown.startswith(f"{fmt.points(scored.points)}/{fmt.points(first.max_points)} điểm")
    assert "(tạm tính)" in text  # provisional indicators are marked where they stand
    assert "Thiếu ảnh góc học tập" in text  # the comment, and in the history
    assert "Trần Văn Bình" in text  # who returned it
    img = page.locator(".photos img")
    await img.scroll_into_view_if_needed()  # loaded lazily, as on 3G
    await img.evaluate("i => i.complete || new Promise(r => i.addEventListener('load', r))")
    size = await img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert tuple(size) == PHOTO_SIZE, "the evidence photo, served by the bot"


async def test_the_chair_downloads_the_xlsx_list(site: Site, browser: Browser) -> None:
    page = await _page(browser)
    await page.goto(await site.link(site.seeded.chair_id))
    await page.goto(f"{site.base}/web/c/{site.seeded.commune_id}/downloads")
    async with page.expect_download() as info:
        await page.click(f'a[href$="list-{YEAR}.xlsx"]')
    download = await info.value
    assert download.suggested_filename == f"danh-sach-kim-lien-{YEAR}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    assert "Nguyễn Văn Mười Ba" in cells

    # The recognition dossier of the households recognised this year: its papers in a ZIP.
    async with page.expect_download() as info:
        await page.click(f'a[href$="dossier-{YEAR}-household.zip"]')
    dossier = await info.value
    with zipfile.ZipFile(Path(await dossier.path())) as archive:
        names = archive.namelist()
        assert any(n.endswith(".docx") for n in names) and any(n.endswith(".pdf") for n in names)
        pdf = next(n for n in names if n.endswith(".pdf"))
        assert archive.read(pdf).startswith(b"%PDF")


async def test_an_administrator_sees_the_province_against_targets_without_names(
    site: Site, browser: Browser
) -> None:
    async with site.app.db.unit_of_work(site.clock()) as uow:
        admin = await uow.people.add("Hoàng Văn Quản", "admin")
    page = await _page(browser)
    await page.goto(await site.link(admin.id))
    assert page.url == f"{site.base}/web/province"
    kim_lien = page.locator("section.card", has_text="Kim Liên")
    assert "5/80" in await kim_lien.inner_text()
    assert "Đồng Văn" in await page.inner_text("main")
    async with page.expect_download() as info:
        await page.click(f'a[href$="-{YEAR}.xlsx"]')
    rollup = openpyxl.load_workbook(io.BytesIO(Path(await (await info.value).path()).read_bytes()))
    cells = {str(c.value) for sheet in rollup for row in sheet.iter_rows() for c in row}
    assert any("Kim Liên" in c for c in cells)
    assert "Lê Văn Sáu" not in cells

    # The commune's figures, but no household's name: the chat never shows them to an admin.
    await page.goto(f"{site.base}/web/c/{site.seeded.commune_id}/")
    text = await page.inner_text("main")
    assert "5/80" in text and "Lê Văn Sáu" not in text
    for path in (f"/web/forms/{site.form_id}", f"/web/c/{site.seeded.commune_id}/forms"):
        response = await page.goto(site.base + path)
        assert response is not None and response.status == 403, path


async def test_a_reused_or_expired_link_is_refused_with_how_to_get_a_new_one(
    site: Site, browser: Browser
) -> None:
    page = await _page(browser)
    link = await site.link(site.seeded.chair_id)
    await page.goto(link)
    fresh = await _page(browser)  # another browser, as if the link was forwarded
    response = await fresh.goto(link)
    assert response is not None and response.status == 410
    assert "đã được dùng" in await fresh.inner_text("main")
    assert "/web" in await fresh.inner_text("main")

    late = await site.link(site.seeded.chair_id)
    site.clock.advance(minutes=16)
    response = await fresh.goto(late)
    assert response is not None and response.status == 410
    assert "hết hạn" in await fresh.inner_text("main")
    response = await fresh.goto(f"{site.base}/web/")
    assert response is not None and response.status == 401


async def test_a_collaborator_sees_their_village_and_gets_403_on_another(
    site: Site, browser: Browser
) -> None:
    page = await _page(browser)
    hung = site.seeded.collaborator_ids["hung"]  # Thôn Sen 2
    lan = site.seeded.collaborator_ids["lan"]  # Thôn Hoàng Trù
    await page.goto(await site.link(lan))
    villages = await page.locator("table.villages tbody td:first-child").all_inner_texts()
    assert villages == ["Thôn Hoàng Trù"], "the overview of their own village only"
    assert await page.locator("[data-title]").count() == 0
    response = await page.goto(f"{site.base}/web/forms/{site.other_form_id}")
    assert response is not None and response.status == 200, "Lan's own village"
    response = await page.goto(f"{site.base}/web/forms/{site.form_id}")
    assert response is not None and response.status == 403, "a form of Thôn Sen 1"
    photo = await page.goto(f"{site.base}/web/forms/{site.form_id}/photos/0")
    assert photo is not None and photo.status == 403
    await page.goto(f"{site.base}/web/c/{site.seeded.commune_id}/forms?village=0")
    villages = await page.locator('select[name="village"] option').all_inner_texts()
    assert villages == ["Thôn Hoàng Trù"]
    listed = await page.locator("ul.formlist .meta").all_inner_texts()
    assert any("Hoàng Trù" in m for m in listed)
    assert not any(v in m for m in listed for v in ("Sen 1", "Sen 2", "Thôn Mới")), listed
    files = await page.goto(f"{site.base}/web/c/{site.seeded.commune_id}/list-{YEAR}.xlsx")
    assert files is not None and files.status == 403, "the commune's list is the chair's"

    other = await _page(browser)
    await other.goto(await site.link(hung))
    response = await other.goto(f"{site.base}/web/c/{site.seeded.other_commune_id}/")
    assert response is not None and response.status in (403, 404)


async def test_the_mini_app_signs_in_with_telegrams_init_data_and_takes_its_colours(
    site: Site, browser: Browser
) -> None:
    now = int(site.clock().timestamp())
    theme = quote('{"bg_color":"#17212b","text_color":"#f5f5f5","button_color":"#5288c1"}')
    page = await _page(browser)
    good = quote(init_data(5001, now - 10, token=TOKEN))
    await page.goto(f"{site.base}/web/app#tgWebAppData={good}&tgWebAppThemeParams={theme}")
    await page.wait_for_url(f"{site.base}/web/")
    assert "Kim Liên" in await page.inner_text("h1")
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)", "Telegram's bg_color"

    for init in (
        init_data(5001, now - 10, token="999:SOMEONE-ELSE"),  # forged
        init_data(5001, now - 7200, token=TOKEN),  # stale
    ):
        refused = await _page(browser)
        await refused.goto(f"{site.base}/web/app#tgWebAppData={quote(init)}")
        await refused.wait_for_selector("#tg-login:not([hidden])")
        assert "Chưa đăng nhập được" in await refused.inner_text("#tg-login")
        response = await refused.goto(f"{site.base}/web/")
        assert response is not None and response.status == 401
