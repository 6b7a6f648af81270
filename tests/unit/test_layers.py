"""The layers, read from the imports of every module: the core (`conversations`) imports
neither storage nor bot; storage imports the core, never bot; a channel imports neither storage
nor another channel; the outbox imports no channel; the reports never import the bootstrap that
wires them. Imports inside
functions and under TYPE_CHECKING count too: they are how cycles used to hide."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = ("bot.telegram", "bot.zalo", "bot.console", "bot.web")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, root: Path) -> set[str]:
    """Every module `path` imports, absolute, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _modules(package: str, root: Path) -> list[Path]:
    return sorted((root / package.replace(".", "/")).rglob("*.py"))


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _offending(package: str, forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    return [
        f"{path.relative_to(root)} imports {name}"
        for path in _modules(package, root)
        for name in sorted(_imports(path, root))
        if any(_within(name, f) for f in forbidden)
    ]


def test_the_core_imports_neither_storage_nor_bot() -> None:
    assert _offending("conversations", ("storage", "bot")) == []


def test_storage_imports_the_core_never_bot() -> None:
    assert _offending("storage", ("bot",)) == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_channel_imports_neither_storage_nor_another_channel(channel: str) -> None:
    others = tuple(c for c in CHANNELS if c != channel)
    assert _offending(channel, ("storage", *others)) == []


def test_the_outbox_imports_no_channel() -> None:
    # Channels import bot.outbox.delivery (what every channel shares); the outbox reaches a
    # channel only through the `Channel` it is given by the bootstrap.
    assert _offending("bot.outbox", (*CHANNELS, "bot.bootstrap", "bot.channels")) == []


def test_the_notices_are_the_services_not_the_reports() -> None:
    assert _offending("bot.notices", ("bot.reports", "bot.outbox")) == []


def test_only_the_bootstrap_wires_the_reports_never_the_reverse() -> None:
    assert _offending("bot.reports", ("bot.bootstrap",)) == []


def test_the_flows_never_import_the_router_nor_the_service() -> None:
    # The router knows every screen and the service runs the router: a flow importing either
    # is the cycle that imports inside functions used to hide. A flow says what comes next by
    # returning it (bot/flows/context.py's `Outcome`).
    flows = [
        line
        for line in _offending("bot.flows", ("bot.flows.router", "bot.service"))
        if not line.startswith("bot/flows/router.py ")
    ]
    assert flows == []


def test_only_the_service_runs_the_router() -> None:
    users = {line.split(" imports ")[0] for line in _offending("bot", ("bot.flows.router",))}
    assert users == {"bot/service.py"}


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    # The check itself: an import inside a function is found, relative imports resolved.
    (tmp_path / "conversations").mkdir()
    (tmp_path / "conversations" / "probe.py").write_text(
        "def f():\n    from ..storage import db\n    import bot.service\n"
    )
    assert _offending("conversations", ("storage", "bot"), tmp_path) == [
        "conversations/probe.py imports bot.service",
        "conversations/probe.py imports storage",
        "conversations/probe.py imports storage.db",
    ]
