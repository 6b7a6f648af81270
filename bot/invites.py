"""Invites as an administrator hands them out: deep links for each channel and a QR code."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

import qrcode

from bot.bootstrap import App, utc_now
from bot.settings import Settings
from conversations.domain import Role
from storage.invites import Invite
from storage.places import PlaceError
from storage.uow import UnitOfWork


def links(settings: Settings, code: str) -> dict[str, str]:
    """How to open an invite on each channel. Zalo has no start payload: the code is typed."""
    return {
        "telegram": f"https://t.me/{settings.telegram_bot_username}?start={code}",
        "zalo": f"{settings.zalo_bot_link} (gửi mã {code})"
        if settings.zalo_bot_link
        else f"gửi mã {code}",
    }


def write_qr(settings: Settings, invite: Invite, directory: Path, caption: str = "") -> Path:
    """A QR code to print for a meeting, with the place and the code to type on Zalo below
    it (in DejaVu Sans, which ships with matplotlib and has every Vietnamese letter)."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"invite-{invite.role}-{invite.code}.png"
    code = qrcode.make(links(settings, invite.code)["telegram"], box_size=12).get_image()
    code = code.convert("RGB")
    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 28)
    lines = [line for line in (caption, f"Zalo: gửi mã {invite.code}") if line]
    sheet = Image.new("RGB", (code.width, code.height + 44 * len(lines) + 20), "white")
    sheet.paste(code, (0, 0))
    draw = ImageDraw.Draw(sheet)
    for i, line in enumerate(lines):
        width = draw.textlength(line, font=font)
        draw.text(((code.width - width) / 2, code.height + i * 44), line, fill="black", font=font)
    sheet.save(str(path))
    return path


def describe(settings: Settings, invite: Invite) -> str:
    uses = "nhiều lần" if invite.max_uses is None else f"{invite.uses}/{invite.max_uses} lần"
    expiry = f", hết hạn {invite.expires_at:%d/%m/%Y}" if invite.expires_at else ""
    revoked = ", ĐÃ THU HỒI" if invite.revoked_at else ""
    lines = [f"{invite.role} invite: {invite.code} ({uses}{expiry}{revoked})"]
    lines += [f"  {channel}: {link}" for channel, link in links(settings, invite.code).items()]
    return "\n".join(lines)


async def _find_place(
    uow: UnitOfWork, commune: str, village: str | None, province: str | None = None
) -> tuple[int, int | None]:
    try:
        found, _ = await uow.places.find_commune(commune, province)
        if village is None:
            return found.id, None
        return found.id, (await uow.places.find_village(found, village)).id
    except PlaceError as err:
        raise SystemExit(str(err)) from None


async def create(app: App, args: argparse.Namespace) -> int:
    role: Role = args.role
    async with app.db.unit_of_work(utc_now()) as uow:
        commune_id, village_id = await _find_place(uow, args.commune, args.village, args.province)
        place = (
            await uow.places.village(village_id)
            if village_id
            else await uow.places.commune(commune_id)
        )
        caption = place.name if place else ""
        unit_id: int | None = None
        if role in ("unit_head", "citizen"):
            # Issue 15: a unit's head, or its staff (one code for all of them).
            if not args.unit:
                raise SystemExit(f"--role {role} needs --unit (the unit's name)")
            unit = await uow.subjects.find_unit(commune_id, args.unit)
            if unit is None:
                raise SystemExit(f"no unit “{args.unit}” in the commune: import it first")
            unit_id, caption = unit.id, unit.name
        if role == "village_head" and village_id is None:
            raise SystemExit("--role village_head needs --village")
        expires = utc_now() + timedelta(days=args.days) if args.days else None
        multi = args.multi_use or role in ("household", "citizen")
        invite = await uow.invites.add(
            role,
            commune_id,
            village_id=village_id,
            unit_id=unit_id,
            max_uses=None if multi else 1,
            expires_at=expires,
        )
    print(describe(app.settings, invite))
    if not args.no_qr:
        print(f"  QR: {write_qr(app.settings, invite, Path(args.qr_dir), caption)}")
    return 0


async def list_invites(app: App, args: argparse.Namespace) -> int:
    async with app.db.unit_of_work(utc_now()) as uow:
        commune_id, _ = await _find_place(uow, args.commune, None, args.province)
        for invite in await uow.invites.of_commune(commune_id):
            print(describe(app.settings, invite))
    return 0


async def poster(app: App, args: argparse.Namespace) -> int:
    """An A4 poster (PDF) per village for the village meeting: bot/papers/poster.py."""
    from zoneinfo import ZoneInfo

    from bot.papers.poster import (
        PosterContent,
        commune_in_sentence,
        poster_filename,
        poster_pdf,
        village_invites,
    )

    now = utc_now()
    async with app.db.unit_of_work(now) as uow:
        commune_id, village_id = await _find_place(uow, args.commune, args.village, args.province)
        commune = await uow.places.commune_name(commune_id)
        found = await village_invites(uow, commune_id, village_id)
    if not found:
        raise SystemExit(f"{commune} has no village yet (hoctap units import).")
    year = now.astimezone(ZoneInfo(app.settings.timezone)).year
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)

    def say(message_id: str, **values: object) -> str:
        return app.reports.t(args.lang, message_id, **values)

    for item in found:
        content = PosterContent(
            commune=commune_in_sentence(commune),
            village=item.village,
            year=year,
            code=item.invite.code,
            telegram_link=links(app.settings, item.invite.code)["telegram"],
            zalo_link=app.settings.zalo_bot_link,
            collaborators=item.collaborators,
        )
        path = out / poster_filename(commune, item.village)
        path.write_bytes(poster_pdf(content, say))
        print(f"{path}: {item.village}, code {item.invite.code}")
    return 0


async def revoke(app: App, args: argparse.Namespace) -> int:
    async with app.db.unit_of_work(utc_now()) as uow:
        done = await uow.invites.revoke(args.code)
    print("Đã thu hồi." if done else "Không có mã mời nào như vậy đang hiệu lực.")
    return 0 if done else 1


def register(sub: Any, with_app: Any) -> None:
    invite = sub.add_parser("invite", help="invite links and QR codes").add_subparsers(
        dest="invite_command", required=True
    )
    make = invite.add_parser("create", help="create an invite and print its links")
    make.add_argument(
        "--role",
        required=True,
        choices=["collaborator", "chair", "household", "village_head", "unit_head", "citizen"],
        help="citizen: a unit's staff (a household's adults are invited from its chat)",
    )
    make.add_argument("--commune", required=True)
    make.add_argument("--village")
    make.add_argument("--unit", help="the unit (--role unit_head or citizen)")
    make.add_argument("--province", help="when two provinces have a commune of that name")
    make.add_argument("--multi-use", action="store_true", help="a QR code for a whole meeting")
    make.add_argument("--days", type=int, default=0, help="expire after this many days")
    make.add_argument("--qr-dir", default="invites", help="where to write the QR code PNG")
    make.add_argument("--no-qr", action="store_true")
    make.set_defaults(handler=with_app(create))
    listing = invite.add_parser("list", help="the commune's invites")
    listing.add_argument("--commune", required=True)
    listing.add_argument("--province")
    listing.set_defaults(handler=with_app(list_invites))
    sheet = invite.add_parser("poster", help="an A4 PDF poster per village for the meeting")
    sheet.add_argument("--commune", required=True)
    sheet.add_argument("--village", help="only this village (every village by default)")
    sheet.add_argument("--province", help="when two provinces have a commune of that name")
    sheet.add_argument("--output", default="posters", help="folder to write the PDFs to")
    sheet.add_argument("--lang", choices=("vi", "en"), default="vi")
    sheet.set_defaults(handler=with_app(poster))
    cancel = invite.add_parser("revoke", help="revoke an invite code")
    cancel.add_argument("code")
    cancel.set_defaults(handler=with_app(revoke))
