"""The import direction written in docs/architecture.md, checked on every module of ladle/.

Domain code (models, querysets, services, rules, pure algorithms) sits in layers: a module may
import its own app and the layers below it, never a layer above. Pages (views, forms, feeds,
template tags, urls, the API) sit above every domain layer and may read any of them; entry
points (the `ladle` command, management commands, demo content, settings) sit on top.
"""

import ast
from pathlib import Path

import ladle

ROOT = Path(ladle.__file__).parent

# Domain layers, lowest first. An app listed twice is an error; one missing fails the test.
DOMAIN_LAYERS = [
    ["ladle.lib"],
    ["ladle.site"],
    ["ladle.moderation", "ladle.notifications", "ladle.search"],
    ["ladle.accounts"],
    ["ladle.stories"],
    ["ladle.comments"],
    ["ladle.polls"],
    ["ladle.boxes", "ladle.api"],
    ["ladle.legacy", "ladle.jobs"],
]
PAGE_MODULES = ("views", "forms", "feeds", "urls", "templatetags", "admin", "context_processors")
ENTRY_POINTS = (
    "ladle.cli", "ladle.urls", "ladle.settings", "ladle.wsgi", "ladle.asgi", "ladle.demo",
    "ladle.ops",
)  # fmt: skip
# Modules of the project itself that every layer may use: they import no app of ours.
BASE = (
    "ladle.form_actions", "ladle.security", "ladle.config", "ladle.storage", "ladle.compression",
    "ladle.replica",
)  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every ladle module `path` imports, at the top or inside a function."""
    names = set()
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names.add(prefix)
            names |= {f"{prefix}.{alias.name}" for alias in node.names}
    return {n for n in names if n == "ladle" or n.startswith("ladle.")}


def layer_of(module: str) -> tuple[str, int]:
    """("entry" | "page" | "base" | "domain", rank) for a module of ladle/."""
    if module.startswith(ENTRY_POINTS) or ".management.commands" in module:
        return "entry", 100
    if module.startswith(BASE):
        return "base", -1
    parts = module.split(".")
    if len(parts) > 2 and parts[2] in PAGE_MODULES:
        return "page", 50
    for rank, layer in enumerate(DOMAIN_LAYERS):
        if any(module == app or module.startswith(app + ".") for app in layer):
            return "domain", rank
    if module == "ladle":
        return "base", -1
    raise AssertionError(f"{module} is in no layer: add it to docs/architecture.md and here")


def app_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def violations(modules: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in modules.items():
        kind, rank = layer_of(module)
        for target in targets:
            if app_of(target) == app_of(module) and kind == "domain":
                target_kind, _ = layer_of(target)
                if target_kind == "page":
                    found.append(f"{module} (domain) imports {target} (a page)")
                continue
            target_kind, target_rank = layer_of(target)
            if kind == "domain" and (target_kind != "base" and target_rank >= rank):
                found.append(f"{module} imports {target}, which is not below it")
            if kind == "base" and target_kind != "base":
                found.append(f"{module} is shared by every layer but imports {target}")
    return sorted(found)


def project_modules() -> dict[str, set[str]]:
    return {
        module_name(path): imported(path)
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_lower_layers_never_import_higher_ones():
    assert violations(project_modules()) == []


def test_the_check_catches_a_lower_app_importing_a_higher_one():
    """The first round's `accounts.models` imported comment display code: caught."""
    modules = {"ladle.accounts.models": {"ladle.comments.display"}}
    assert violations(modules) == [
        "ladle.accounts.models imports ladle.comments.display, which is not below it"
    ]
