"""The shape the code keeps, read from its source (no app): pure rules, one writer."""

import ast
import re
from pathlib import Path

import pytest

from app.rules.audit import Outcome
from app.rules.states import Status

APP = Path(__file__).resolve().parents[2] / "app"
# What rules may import of the app: themselves, and French formatting (Babel only, no Flask).
PURE_APP_MODULES = ("app.rules", "app.formatting")


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, with the names it takes (``pkg.mod:name``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}:{alias.name}" for alias in node.names)
    return found


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(APP / "rules"), ids=lambda p: p.name)
def test_rules_import_nothing_of_the_app_nor_the_database(path):
    impure = {
        name
        for name in {n.replace("app:", "app.", 1) for n in _imports(path)} - {"app"}
        if name.split(":")[0].split(".")[0] in {"flask", "flask_login", "mongoengine", "bson"}
        or (name.startswith("app") and not name.startswith(PURE_APP_MODULES))
    }
    assert not impure, f"{path.relative_to(APP)} imports {sorted(impure)}"


def test_only_the_workflow_opens_the_writer_scope():
    writers = APP / "services" / "workflow"
    outside = [
        str(path.relative_to(APP))
        for path in _modules(APP)
        if writers not in path.parents
        and any(
            name.startswith("app.services.workflow._writer")
            or name.endswith(":workflow_write")
            or name.endswith(":claim_writer")
            or name.endswith(":_writing")
            or name.endswith(":_in_writer")
            for name in _imports(path)
        )
    ]
    assert outside == []


def _calls(path: Path, function: str) -> bool:
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "id", None) == function
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def test_the_writer_is_claimed_in_one_place():
    claims = [str(path.relative_to(APP)) for path in _modules(APP) if _calls(path, "claim_writer")]
    assert claims == ["services/workflow/_writer.py"]


# Templates see what the rules offer (labels, badges, "is pending", steps done), never a
# status or role code to compare: a code compared in a page is a rule living in the page.
_CODE_COMPARISON = re.compile(
    r"\b(status|role|count_status|kind)\s*((==|!=)\s*|in\s*\(\s*)[\"']|has_role\s*\("
)


# A stage's or an outcome's code written out in a page (a colour table keyed by status, a loop
# skipping the last stage) is the same rule in another form; a test id may share the word
# ("ok" is left out: it is also the health check's answer of CONTRACT.md).
_CODE_LITERAL = re.compile(
    r"(?<!data-testid=)[\"']("
    + "|".join(sorted({*Status, Outcome.REFUSED}, key=len, reverse=True))
    + r")[\"']"
)


@pytest.mark.parametrize(
    "path",
    sorted((APP / "templates").rglob("*.html")) + _modules(APP / "views"),
    ids=lambda p: str(p.relative_to(APP)),
)
@pytest.mark.parametrize("pattern", [_CODE_COMPARISON, _CODE_LITERAL], ids=["compared", "written"])
def test_no_status_role_or_outcome_code_in_views_and_templates(path, pattern):
    found = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if pattern.search(line)
    ]
    assert found == []


def test_the_code_literal_check_finds_what_it_is_for():
    assert _CODE_LITERAL.search('{% for s in stages if s != "acknowledged" %}')
    assert _CODE_LITERAL.search("    'list_validated': '#2f6f9f',")
    assert _CODE_LITERAL.search('{% if e.outcome == "refused" %}')
    assert not _CODE_LITERAL.search('<section data-testid="signed">')
    assert not _CODE_LITERAL.search('aria-labelledby="signed-title"')


def _method_calls(path: Path, method: str) -> bool:
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "attr", None) == method
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def test_lists_are_read_as_loaded_not_through_no_dereference():
    """``QuerySet.no_dereference()`` deep-copies the model's whole field table for every
    document it loads (mongoengine 0.29: 11 of the dashboard's 15 s at full scale): lists
    read their documents through ``app.models.base.as_loaded``."""
    callers = [str(p.relative_to(APP)) for p in _modules(APP) if _method_calls(p, "no_dereference")]
    assert callers == []


def test_downloads_are_named_in_one_place():
    """Every file the browser saves goes through ``app.views.downloads`` (its name encoded for
    any browser, never sniffed, never cached): no other module writes the header."""
    writers = [
        str(p.relative_to(APP))
        for p in _modules(APP)
        if "Content-Disposition" in p.read_text(encoding="utf-8")
    ]
    assert writers == ["views/downloads.py"]
