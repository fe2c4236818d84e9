"""The layering rule: platform libraries stay in bot/transports/, SQL stays in storage/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
PLATFORM = {"telegram", "nio", "aiohttp"}
# The web server (member chat and dashboard) is aiohttp's by nature; chat platforms stay out.
WEB_SERVER = (("web",), ("dashboard",))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["groups", "moderation", "storage"])
def test_domain_and_storage_import_no_platform_and_not_bot(package: str) -> None:
    for path in _files(package):
        leaked = _imports(path) & (PLATFORM | {"bot"})
        assert not leaked, f"{path.relative_to(REPO)} imports {leaked}"


def test_platform_libraries_only_inside_transports() -> None:
    for path in _files("bot"):
        parts = path.relative_to(REPO / "bot").parts
        if "transports" in parts:
            continue
        allowed = {"aiohttp"} if parts[:1] in WEB_SERVER else set()
        leaked = _imports(path) & (PLATFORM - allowed)
        assert not leaked, f"{path.relative_to(REPO)} imports {leaked}"


@pytest.mark.parametrize("package", ["bot", "groups", "moderation"])
def test_sql_lives_only_in_storage(package: str) -> None:
    for path in _files(package):
        assert "sqlalchemy" not in _imports(path), f"{path.relative_to(REPO)} imports sqlalchemy"
