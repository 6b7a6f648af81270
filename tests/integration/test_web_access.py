"""Getting into the web page (issue 16), on SQLite and PostgreSQL: one-time links (once, 15
minutes, stored as a hash), the signed session cookie (12 hours, every request re-reads the
person), Telegram Mini App initData (signature and age), `/web` in the chat, and /xoa."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.bootstrap import App, build_app
from bot.inbound import Inbound
from bot.rendering import Reply
from bot.settings import Settings
from bot.webaccess import HOME, token_hash
from storage import tables as t
from tests.conftest import FakeClock
from tests.integration.test_reports_fixtures import YEAR, Seeded, seed

TOKEN = "123456:WEB-TEST"
BASE = "https://hoctap.example.vn"


@pytest.fixture
async def web_app(database_url: str, clock: FakeClock) -> AsyncIterator[App]:
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url,
        telegram_bot_token=TOKEN,
        web_base_url=BASE,
        _env_file=None,
    )
    application = build_app(settings, clock=clock)
    yield application
    await application.close()


def init_data(user_id: int, auth_date: int, token: str = TOKEN, **extra: str) -> str:
    """initData as Telegram signs it (core.telegram.org/bots/webapps, "Validating data")."""
    fields = {
        "query_id": "AAH-test",
        "user": json.dumps({"id": user_id, "first_name": "Bình"}, ensure_ascii=False),
        "auth_date": str(auth_date),
        **extra,
    }
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def token_of(url: str) -> str:
    assert url.startswith(f"{BASE}/web/login/"), url
    return url.rsplit("/", 1)[1]


async def test_a_link_signs_in_once_within_15_minutes(web_app: App, clock: FakeClock) -> None:
    s: Seeded = await seed(web_app.db)
    url = await web_app.web.issue_link(s.chair_id)
    token = token_of(url)

    # Only the hash is stored: nothing in the table opens the page.
    async with web_app.db.session() as session:
        rows = (await session.execute(select(t.web_links))).mappings().all()
    assert len(rows) == 1
    assert rows[0]["token_hash"] == token_hash(token)
    assert all(token not in str(value) for value in rows[0].values())

    first = await web_app.web.redeem(token)
    assert first.state == "ok" and first.viewer is not None
    assert (first.viewer.person.id, first.viewer.role, first.target) == (s.chair_id, "chair", HOME)
    assert first.viewer.commune_id == s.commune_id and first.viewer.village_id is None
    again = await web_app.web.redeem(token)
    assert (again.state, again.viewer) == ("used", None)

    late = token_of(await web_app.web.issue_link(s.chair_id))
    clock.advance(minutes=15, seconds=1)
    assert (await web_app.web.redeem(late)).state == "expired"
    assert (await web_app.web.redeem("not-a-token-we-made")).state == "unknown"


async def test_a_link_for_someone_disabled_meanwhile_opens_nothing(web_app: App) -> None:
    s = await seed(web_app.db)
    token = token_of(await web_app.web.issue_link(s.collaborator_ids["lan"]))
    async with web_app.db.unit_of_work(web_app.service.clock()) as uow:
        await uow.people.set_disabled(s.collaborator_ids["lan"], True)
    assert (await web_app.web.redeem(token)).viewer is None


async def test_the_session_cookie_is_signed_lasts_12_hours_and_rereads_the_person(
    web_app: App, clock: FakeClock
) -> None:
    s = await seed(web_app.db)
    lan = s.collaborator_ids["lan"]
    cookie = web_app.web.sessions.issue(lan)
    viewer = await web_app.web.viewer(cookie)
    assert viewer is not None
    assert (viewer.role, viewer.village_id) == ("collaborator", s.village_ids["Thôn Hoàng Trù"])

    # Someone else's id under the same signature, or a changed signature: refused.
    body, signature = cookie.split(".")
    other = web_app.web.sessions.issue(s.chair_id).split(".")[0]
    assert await web_app.web.viewer(f"{other}.{signature}") is None
    assert await web_app.web.viewer(f"{body}.{signature[:-2]}AA") is None
    assert await web_app.web.viewer("") is None

    clock.advance(hours=11, minutes=59)
    assert await web_app.web.viewer(cookie) is not None
    async with web_app.db.unit_of_work(clock()) as uow:
        await uow.people.set_disabled(lan, True)
    assert await web_app.web.viewer(cookie) is None, "disabled: out at the next request"
    async with web_app.db.unit_of_work(clock()) as uow:
        await uow.people.set_disabled(lan, False)
    assert await web_app.web.viewer(cookie) is not None
    clock.advance(minutes=2)
    assert await web_app.web.viewer(cookie) is None, "12 hours: the session is over"


async def test_telegram_init_data_is_checked_for_signature_and_age(
    web_app: App, clock: FakeClock
) -> None:
    await seed(web_app.db)  # the chair is Telegram user 5001
    now = int(clock().timestamp())
    viewer = await web_app.web.telegram_login(init_data(5001, now - 30))
    assert viewer is not None and viewer.role == "chair"

    forged = init_data(5001, now - 30, token="654321:SOMEONE-ELSE")
    assert await web_app.web.telegram_login(forged) is None
    tampered = init_data(5001, now - 30).replace("5001", "5002", 1)
    assert await web_app.web.telegram_login(tampered) is None
    stale = init_data(5001, now - 3601)
    assert await web_app.web.telegram_login(stale) is None
    assert await web_app.web.telegram_login(init_data(777, now)) is None, "nobody we know"
    assert await web_app.web.telegram_login("") is None


async def test_web_in_the_chat_sends_a_link_bound_to_the_person(web_app: App) -> None:
    s = await seed(web_app.db)
    replies = await web_app.service.handle(
        Inbound("telegram", "5001", "5001", "text", text="/web", update_key="u1")
    )
    link = next(r for r in replies if f"{BASE}/web/login/" in r.text)
    url = next(w for w in link.text.split() if w.startswith(BASE))
    # On Telegram (https) also a button opening the page as a Mini App.
    [[button]] = link.buttons
    assert (button.url, button.web_app) == (f"{BASE}/web/app", True)
    result = await web_app.web.redeem(token_of(url))
    assert result.viewer is not None and result.viewer.person.id == s.chair_id


async def test_xoa_leaves_no_link_of_the_household(web_app: App, clock: FakeClock) -> None:
    s = await seed(web_app.db)
    async with web_app.db.unit_of_work(clock()) as uow:
        person = await uow.people.add("Đỗ Văn Tư", "household", commune_id=s.commune_id)
        household = await uow.households.add(
            s.village_ids["Thôn Sen 1"], "Đỗ Văn Tư", person_id=person.id
        )
        await uow.web.add_link("0" * 64, person.id, HOME, clock())
    async with web_app.db.unit_of_work(clock()) as uow:
        await uow.households.forget(household.id, [])
    async with web_app.db.session() as session:
        left = (await session.execute(select(t.web_links.c.person_id))).scalars().all()
    assert person.id not in left


def test_the_cookie_outlives_no_restart_when_a_secret_is_shared() -> None:
    """Two processes with the same token (or WEB_SECRET) read each other's cookies."""
    from bot.webaccess import Sessions, session_secret

    one = Settings(telegram_bot_token=TOKEN, _env_file=None)  # type: ignore[call-arg]
    two = Settings(telegram_bot_token=TOKEN, _env_file=None)  # type: ignore[call-arg]
    clock = FakeClock()
    cookie = Sessions(session_secret(one), 12, clock).issue(7)
    assert Sessions(session_secret(two), 12, clock).person(cookie) == 7
    other = Settings(web_secret="another", _env_file=None)  # type: ignore[call-arg]
    assert Sessions(session_secret(other), 12, clock).person(cookie) is None


async def test_a_file_zalo_cannot_send_comes_as_a_one_time_download_link(web_app: App) -> None:
    from bot.webaccess import DOWNLOADS, make_document_link
    from tests.unit.test_zalo_channel import FakeClient, channel

    s = await seed(web_app.db)
    async with web_app.db.unit_of_work(web_app.service.clock()) as uow:
        identity = await uow.chats.identity("zalo", "z-chair", "z-chair")
        await uow.chats.bind(identity.id, s.chair_id)
    client = FakeClient()
    zalo = channel(client, web_app.translator, chats=web_app.chats)
    zalo.document_link = make_document_link(web_app.web, web_app.translator)
    files = [Reply("Danh sách", document=("ds.xlsx", b"x"))]
    await zalo.send("z-chair", files)
    [text] = client.texts()
    assert text.startswith("Danh sách\n\nZalo chưa gửi được tệp “ds.xlsx”. Xin tải tệp")
    url = text.split()[-1]
    result = await web_app.web.redeem(token_of(url))
    assert result.viewer is not None and result.viewer.person.id == s.chair_id
    assert result.target == DOWNLOADS

    # A chat of nobody who may open the page: the old note, no link.
    await zalo.send("z-stranger", files)
    assert "nhờ quản trị viên" in client.texts()[-1]


async def test_the_cookie_is_httponly_samesite_and_secure_behind_https(web_app: App) -> None:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    s = await seed(web_app.db)
    server = web.Application()
    web_app.web_site().register(server)
    async with TestClient(TestServer(server)) as http:
        token = token_of(await web_app.web.issue_link(s.chair_id))
        response = await http.get(f"/web/login/{token}", allow_redirects=False)
        assert (response.status, response.headers["Location"]) == (303, "/web/")
        cookie = response.headers["Set-Cookie"]
        for part in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/web", "Max-Age=43200"):
            assert part in cookie, cookie
        # Without the cookie: the sign-in page, telling how to get a link.
        page = await http.get("/web/", cookies={})
        assert page.status == 401 and "/web" in await page.text()


async def test_the_page_speaks_the_language_the_person_chose_in_the_chat(web_app: App) -> None:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    s = await seed(web_app.db)
    server = web.Application()
    web_app.web_site().register(server)
    async with TestClient(TestServer(server)) as http:
        cookie = {"hoctap_web": web_app.web.sessions.issue(s.chair_id)}
        page = await (await http.get("/web/", cookies=cookie)).text()
        assert "Danh sách phiếu" in page and 'lang="vi"' in page
        async with web_app.db.unit_of_work(web_app.service.clock()) as uow:
            identity = await uow.chats.identity("telegram", "5001", "5001")
            await uow.chats.set_locale(identity.id, "en")
        page = await (await http.get("/web/", cookies=cookie)).text()
        assert "Forms" in page and 'lang="en"' in page and "5/80" in page


async def test_the_downloads_offer_a_dossier_only_for_titles_with_live_forms(web_app: App) -> None:
    """A dossier of households deleted with /xoa (or merged away) would be empty: the
    downloads page does not offer it (the dossier's own count decides)."""
    seeded = await seed(web_app.db)
    view = web_app.view
    assert await view.dossier_titles(seeded.commune_id, YEAR) == ["clan", "household"]
    async with web_app.db.session() as session:
        await session.execute(t.households.update().values(deleted_at=web_app.reports.now()))
        await session.commit()
    assert await view.dossier_titles(seeded.commune_id, YEAR) == ["clan"]
