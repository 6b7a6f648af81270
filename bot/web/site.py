"""The web page's HTTP side: routes, the session cookie, server-rendered templates.

Everything it shows comes from `bot.webview.WebView`, and who is signed in from
`bot.webaccess.WebAccess` (re-read on every request); this module only turns them into HTML
and files. Nothing comes from a CDN and nothing is built: a Jinja2 template per page, one
stylesheet and one small script (the Telegram theme and the Mini App sign-in), all served here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from aiohttp import web

from bot.i18n import Translator
from bot.reports import formatting as fmt
from bot.webaccess import COOKIE, HOME, Viewer, WebAccess
from bot.webview import STATUSES, TITLES, Forbidden, NotFound, WebView

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Page = Callable[[web.Request, Viewer], Awaitable[web.StreamResponse]]


class WebSite:
    def __init__(self, access: WebAccess, view: WebView, translator: Translator) -> None:
        self.access = access
        self.view = view
        self.t = translator
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=jinja2.select_autoescape(("html",)),
            undefined=jinja2.StrictUndefined,
        )

    # --- wiring ---------------------------------------------------------------------------

    def register(self, app: web.Application) -> None:
        r = app.router
        r.add_get("/web", self._redirect_home)
        r.add_get("/web/", self._signed(self.home))
        r.add_get("/web/app", self.mini_app)
        r.add_get("/web/login/{token}", self.login)
        r.add_post("/web/telegram", self.telegram)
        r.add_post("/web/logout", self.logout)
        r.add_get("/web/downloads", self._signed(self.home_downloads))
        r.add_get(r"/web/c/{commune:\d+}/", self._signed(self.overview))
        r.add_get(r"/web/c/{commune:\d+}/chart.png", self._signed(self.chart))
        r.add_get(r"/web/c/{commune:\d+}/forms", self._signed(self.forms))
        r.add_get(r"/web/c/{commune:\d+}/downloads", self._signed(self.downloads))
        r.add_get(r"/web/c/{commune:\d+}/list-{year:\d{4}}.xlsx", self._signed(self.xlsx))
        r.add_get(
            r"/web/c/{commune:\d+}/dossier-{year:\d{4}}-{title:[a-z]+}.zip",
            self._signed(self.dossier),
        )
        r.add_get(r"/web/forms/{form:\d+}", self._signed(self.form))
        r.add_get(r"/web/forms/{form:\d+}/photos/{n:\d+}", self._signed(self.photo))
        r.add_get("/web/province", self._signed(self.province))
        r.add_get(
            r"/web/province/{province:\d+}-{year:\d{4}}.xlsx", self._signed(self.province_xlsx)
        )
        r.add_static("/web/static", HERE / "static", append_version=True)

    # --- rendering ------------------------------------------------------------------------

    def _lang(self, request: web.Request) -> str:
        """Before anyone is signed in: Vietnamese, whatever the phone's browser says (the
        person's own language is known only once they are)."""
        return self.t.default

    def render(
        self,
        request: web.Request,
        template: str,
        lang: str,
        status: int = 200,
        viewer: Viewer | None = None,
        **context: Any,
    ) -> web.Response:
        def say(message_id: str, **args: Any) -> str:
            return self.t(lang, message_id, **args)

        def title_name(kind: str) -> str:
            # The reports' name of a title; a title added later may not have one yet.
            for message_id in (f"report-title-{kind}", f"paper-title-{kind}"):
                try:
                    return self.t(lang, message_id)
                except KeyError:
                    continue
            return kind

        def url(path: str, **query: Any) -> str:
            pairs = {k: v for k, v in query.items() if v not in (None, "", False)}
            return f"{path}?{urlencode(pairs)}" if pairs else path

        html = self.templates.get_template(template).render(
            _=say,
            title_name=title_name,
            n=lambda value: fmt.number(value, lang),
            pts=lambda value: fmt.points(value, lang),
            lang=lang,
            viewer=viewer,
            url=url,
            quote=quote,
            **context,
        )
        response = web.Response(text=html, status=status, content_type="text/html")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        # Only this server's own script, stylesheet and pictures (no inline code at all).
        response.headers["Content-Security-Policy"] = CSP
        return response

    def message(
        self,
        request: web.Request,
        lang: str,
        status: int,
        title: str,
        body: str,
        viewer: Viewer | None = None,
        mini_app: bool = False,
    ) -> web.Response:
        return self.render(
            request,
            "message.html",
            lang,
            status,
            viewer,
            title=self.t(lang, title),
            body=self.t(lang, body),
            mini_app=mini_app,
        )

    def _secure(self, request: web.Request) -> bool:
        forwarded = request.headers.get("X-Forwarded-Proto", "")
        return request.secure or forwarded == "https" or self.access.base_url.startswith("https:")

    def _signed_in(
        self,
        request: web.Request,
        response: web.StreamResponse,
        person_id: int,
        *,
        embedded: bool = False,
    ) -> None:
        secure = self._secure(request)
        response.set_cookie(
            COOKIE,
            self.access.sessions.issue(person_id),
            max_age=self.access.sessions.max_age,
            path="/web",
            httponly=True,
            secure=secure,
            # Telegram Web shows a Mini App in an iframe, where only SameSite=None cookies
            # go along (and those must be Secure); everywhere else Lax.
            samesite="None" if embedded and secure else "Lax",
        )

    def _signed(self, page: Page) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Every page: the person read again (role, disabled), else the sign-in page."""

        async def handler(request: web.Request) -> web.StreamResponse:
            viewer = await self.access.viewer(request.cookies.get(COOKIE))
            if viewer is None:
                lang = self._lang(request)
                return self.message(
                    request, lang, 401, "web-signin-title", "web-signin-body", mini_app=True
                )
            try:
                return await page(request, viewer)
            except Forbidden:
                return self.message(
                    request, viewer.lang, 403, "web-forbidden-title", "web-forbidden-body", viewer
                )
            except NotFound:
                return self.message(
                    request, viewer.lang, 404, "web-notfound-title", "web-notfound-body", viewer
                )

        return handler

    # --- getting in -----------------------------------------------------------------------

    async def _redirect_home(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(HOME)

    async def mini_app(self, request: web.Request) -> web.StreamResponse:
        """Where Telegram opens the Mini App: the script posts the initData it was given."""
        return self.message(
            request, self._lang(request), 200, "web-signin-title", "web-miniapp-body", mini_app=True
        )

    async def login(self, request: web.Request) -> web.StreamResponse:
        result = await self.access.redeem(request.match_info["token"])
        if result.viewer is None:
            lang = self._lang(request)
            body = "web-link-used" if result.state == "used" else "web-link-expired"
            if result.state == "unknown":
                body = "web-link-unknown"
            return self.message(request, lang, 410, "web-link-title", body)
        response = web.HTTPSeeOther(result.target)
        self._signed_in(request, response, result.viewer.person.id)
        raise response

    async def telegram(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        init_data = form.get("init_data")
        viewer = await self.access.telegram_login(init_data if isinstance(init_data, str) else "")
        if viewer is None:
            return web.json_response({"ok": False}, status=403)
        response = web.json_response({"ok": True, "next": HOME})
        self._signed_in(request, response, viewer.person.id, embedded=True)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        response = self.message(
            request, self._lang(request), 200, "web-logout-title", "web-signin-body"
        )
        response.del_cookie(COOKIE, path="/web")
        return response

    # --- pages ----------------------------------------------------------------------------

    async def home(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        if viewer.commune_id is None:
            raise web.HTTPFound("/web/province")
        return await self._overview(request, viewer, viewer.commune_id)

    async def overview(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        return await self._overview(request, viewer, int(request.match_info["commune"]))

    async def _overview(
        self, request: web.Request, viewer: Viewer, commune_id: int
    ) -> web.StreamResponse:
        data = await self.view.overview(viewer, commune_id)
        return self.render(
            request,
            "overview.html",
            viewer.lang,
            viewer=viewer,
            o=data,
            lists=viewer.role != "admin",
            downloads=self.view.may_download(viewer, commune_id),
        )

    async def chart(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        png = await self.view.chart(viewer, int(request.match_info["commune"]))
        return web.Response(
            body=png, content_type="image/png", headers={"Cache-Control": "private, max-age=300"}
        )

    async def forms(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        commune_id = int(request.match_info["commune"])
        q = request.query

        def number(name: str) -> int | None:
            value = q.get(name, "")
            return int(value) if value.isdecimal() and len(value) < 10 else None

        filters = {
            "village": q.get("village", ""),
            "status": q.get("status", ""),
            "title": q.get("title", ""),
            "q": q.get("q", "")[:100],
            "sort": q.get("sort", "name"),
            "desc": "1" if q.get("desc") == "1" else "",
        }
        listing = await self.view.forms(
            viewer,
            commune_id,
            village=number("village"),
            status=filters["status"] or None,
            title=filters["title"] or None,
            search=filters["q"],
            sort=filters["sort"],
            descending=bool(filters["desc"]),
            page=number("page") or 1,
        )
        return self.render(
            request,
            "forms.html",
            viewer.lang,
            viewer=viewer,
            listing=listing,
            commune_id=commune_id,
            filters=filters,
            statuses=STATUSES,
            titles=TITLES,
        )

    async def form(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        data = await self.view.form(viewer, int(request.match_info["form"]))
        return self.render(request, "form.html", viewer.lang, viewer=viewer, f=data)

    async def photo(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        data = await self.view.photo(
            viewer, int(request.match_info["form"]), int(request.match_info["n"])
        )
        kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        return web.Response(
            body=data, content_type=kind, headers={"Cache-Control": "private, max-age=3600"}
        )

    async def home_downloads(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        if viewer.commune_id is None:
            raise web.HTTPFound("/web/province")
        return await self._downloads(request, viewer, viewer.commune_id)

    async def downloads(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        return await self._downloads(request, viewer, int(request.match_info["commune"]))

    async def _downloads(
        self, request: web.Request, viewer: Viewer, commune_id: int
    ) -> web.StreamResponse:
        await self.view.check_commune(viewer, commune_id)
        if not self.view.may_download(viewer, commune_id):
            raise Forbidden
        year = self.view.reports.year()
        return self.render(
            request,
            "downloads.html",
            viewer.lang,
            viewer=viewer,
            commune_id=commune_id,
            years=(year, year - 1),
            dossiers=await self.view.dossier_titles(commune_id, year),
        )

    async def xlsx(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        file = await self.view.export_xlsx(
            viewer, int(request.match_info["commune"]), int(request.match_info["year"])
        )
        return _attachment(file.filename, file.data, XLSX)

    async def dossier(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        m = request.match_info
        file = await self.view.dossier(viewer, int(m["commune"]), int(m["year"]), m["title"])
        return _attachment(file.filename, file.data, "application/zip")

    async def province(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        wanted = request.query.get("id", "")
        chosen = int(wanted) if wanted.isdecimal() and len(wanted) < 10 else None
        data = await self.view.province(viewer, chosen)
        return self.render(request, "province.html", viewer.lang, viewer=viewer, p=data)

    async def province_xlsx(self, request: web.Request, viewer: Viewer) -> web.StreamResponse:
        m = request.match_info
        file = await self.view.province_xlsx(viewer, int(m["province"]), int(m["year"]))
        return _attachment(file.filename, file.data, XLSX)


def _attachment(filename: str, data: bytes, kind: str) -> web.Response:
    return web.Response(
        body=data,
        headers={
            "Content-Type": kind,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
