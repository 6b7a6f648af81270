"""The `hoctap` command: run the bot, chat in the terminal, manage packs and the database."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.bootstrap import App, build_app
from bot.packs import provisional_note, source_lines
from bot.settings import Settings
from conversations.pack_files import PackError, load_pack
from conversations.scoring import score
from storage.db import upgrade

Handler = Callable[[argparse.Namespace], int]


def _with_app(run: Callable[[App, argparse.Namespace], Any]) -> Handler:
    """Migrate, build the app, run an async command, close the app."""

    def handler(args: argparse.Namespace) -> int:
        settings = Settings()
        upgrade(settings.database_url)

        async def main() -> int:
            app = build_app(settings)
            try:
                return int(await run(app, args) or 0)
            finally:
                await app.close()

        return asyncio.run(main())

    return handler


async def _demo(app: App, args: argparse.Namespace) -> int:
    from bot.demo import ensure_demo
    from bot.invites import describe

    demo = await ensure_demo(app.db, examples=None if args.no_examples else app.service)
    print(f"Demo commune ready (id {demo.commune_id}, villages {list(demo.village_ids)}).")
    if demo.examples:
        forms = ", ".join(f"{title} {name}" for title, name in demo.examples)
        print(f"Example forms, submitted and waiting to be checked: {forms}.")
    for invite in demo.invites.values():
        print(describe(app.settings, invite))
    print("Terminal chat (as the demo collaborator): hoctap chat")
    # Issue 15: the village head, the unit's head and its staff are other people.
    print("As someone else: hoctap chat --user <any name>, then type an invite code above")
    return 0


async def _chat(app: App, args: argparse.Namespace) -> int:
    from bot.console.chat import run_console
    from bot.demo import ensure_demo_for_terminal

    # A fresh checkout gets something to talk to; a deployment (a token set) never does.
    await ensure_demo_for_terminal(app.db, app.settings, examples=app.service)
    await run_console(app.service, user=args.user)
    return 0


async def _run(app: App, args: argparse.Namespace) -> int:
    from bot.channels import run_channels

    return await run_channels(app)


def _db_upgrade(args: argparse.Namespace) -> int:
    settings = Settings()
    upgrade(settings.database_url)
    print("Database is up to date.")
    return 0


def _db_backup(args: argparse.Namespace) -> int:
    from storage.db import backup_sqlite

    settings = Settings()
    try:
        backup_sqlite(settings.database_url, Path(args.file))
    except ValueError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"Backed up to {args.file}.")
    return 0


def _pack_validate(args: argparse.Namespace) -> int:
    status = 0
    for file in args.files:
        try:
            pack = load_pack(file)
        except PackError as err:
            print(err, file=sys.stderr)
            status = 1
        except OSError as err:
            print(f"{file}: {err}", file=sys.stderr)
            status = 1
        else:
            note = provisional_note(pack)
            questions = len(pack.questions())
            print(
                f"{file}: OK ({pack.key}, {questions} questions, {pack.max_total:g} points{note})"
            )
            if args.sources:
                print("\n".join(source_lines(pack)))
    return status


def _pack_score(args: argparse.Namespace) -> int:
    try:
        pack = load_pack(args.pack)
    except PackError as err:
        print(err, file=sys.stderr)
        return 1
    answers = json.loads(Path(args.answers).read_text(encoding="utf-8"))
    if not isinstance(answers, dict):
        print(
            f"{args.answers}: expected a JSON object of answers by question name", file=sys.stderr
        )
        return 1
    unknown = sorted(set(answers) - {q.name for q in pack.questions()})
    if unknown:
        print(f"{args.answers}: unknown questions: {', '.join(unknown)}", file=sys.stderr)
        return 1
    result = score(pack, answers, difficult_area=args.difficult_area)
    print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


# Modules that add their own subcommands: each has `register(sub, with_app)`.
REGISTRARS: list[str] = [
    "bot.invites",
    "bot.admin.cli",
    "bot.reports.cli",
    "bot.papers.cli",
    "bot.webcli",
]


def parser() -> argparse.ArgumentParser:
    import importlib

    root = argparse.ArgumentParser(prog="hoctap", description="hoctap-bot")
    sub = root.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="run every channel whose token is set (else the terminal chat)")
    run = sub.choices["run"]
    run.set_defaults(handler=_with_app(_run))

    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default="local", help="terminal user id (default: local)")
    chat.set_defaults(handler=_with_app(_chat))

    demo = sub.add_parser("demo", help="create the demo commune")
    demo.add_argument(
        "--no-examples",
        action="store_true",
        help="without the example form of each of the five titles",
    )
    demo.set_defaults(handler=_with_app(_demo))

    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(handler=_db_upgrade)
    backup = db.add_parser("backup", help="consistent online backup of the SQLite database")
    backup.add_argument("file")
    backup.set_defaults(handler=_db_backup)

    pack = sub.add_parser("pack", help="criteria packs").add_subparsers(
        dest="pack_command", required=True
    )
    validate = pack.add_parser("validate", help="check pack files, naming every problem")
    validate.add_argument("files", nargs="+")
    validate.add_argument(
        "--sources",
        action="store_true",
        help="list each indicator as confirmed or provisional, with where its text came from",
    )
    validate.set_defaults(handler=_pack_validate)
    scoring = pack.add_parser("score", help="score a JSON object of answers offline")
    scoring.add_argument("pack")
    scoring.add_argument("answers")
    scoring.add_argument("--difficult-area", action="store_true")
    scoring.set_defaults(handler=_pack_score)
    # After the built-in commands, so a registrar can extend one of them (`pack import`).
    for module in REGISTRARS:
        importlib.import_module(module).register(sub, _with_app)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
