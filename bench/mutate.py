"""Mutation testing of the rules and the verbs: ``make mutation`` (not part of ``make test``).

A small ``ast`` mutator, bounded for a 2-core machine:

1. Coverage pass (``coverage`` with one context per test, run once, cached): for every line of
   every target module, the tests that execute it, and how long each test takes.
2. Mutants: a flipped comparison, a dropped operand of ``and``/``or``, a dropped ``not``, a
   negated ``if``, a removed statement, a changed number or boolean, and for permission-like
   tables (a dict of frozensets of enum members) every member added to or removed from every
   row. A table mutant that leaves the table unchanged (adding what is there) is not a mutant.
3. Each mutant runs in a forked child of a process that imported the app and the tests once:
   the child executes the mutated module over the live one (functions keep their identity,
   only their code changes; new values replace the old ones wherever they were imported),
   then runs ``pytest -x`` on the tests that cover the mutated line, fastest first. A
   module-level line (a table, a constant) is covered by every test that covers the module.
4. A report per module: killed, survived, equivalent (``bench/mutation_equivalent.txt``, one
   line of reason each), and the score on non-equivalent mutants.

    python -m bench.mutate [--jobs 2] [--module app/rules/points.py ...] [--list-survivors]
"""

from __future__ import annotations

import argparse
import ast
import copy
import gc
import hashlib
import importlib
import json
import os
import select
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "instance" / "mutation"
EQUIVALENT_FILE = ROOT / "bench" / "mutation_equivalent.txt"
REPORT_FILE = ROOT / "bench" / "mutation_report.txt"

# The rules, and the verbs that sign, approve, edit school lists and articles.
DEFAULT_MODULES = [
    *sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "app" / "rules").rglob("*.py")
        if p.name != "__init__.py"
    ),
    "app/services/workflow/signing.py",
    "app/services/workflow/approval.py",
    "app/services/workflow/school_list.py",
    "app/services/workflow/text.py",
]
# The tests searched for coverage: those of the rules and the verbs (the page, browser and
# crawl tests are too slow to rerun per mutant on 2 cores; ``--tests`` widens the pool).
TEST_POOL = [
    "tests/unit",
    "tests/rules",
    "tests/access/test_rules.py",
    "tests/permissions/test_table.py",
    "tests/permissions/test_scoping.py",
    "tests/permissions/test_ressort_counterparts.py",
]
PYTEST_ARGS = ["-x", "-q", "-n", "0", "-p", "no:cacheprovider", "-p", "no:randomly"]


# --- mutants ------------------------------------------------------------------------------

_CMP_FLIP: dict[type, type] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_SYMBOL = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}


@dataclass
class Mutant:
    module: str  # path relative to the repo
    index: int  # position in the module's list of mutants
    line: int
    scope: str  # the top-level function, class or assigned name holding the mutant
    description: str
    key: str = ""  # stable name, for the equivalent list
    module_level: bool = False
    outcome: str = ""  # killed, survived, timeout, equivalent, no-tests, error
    seconds: float = 0.0


@dataclass
class _Site:
    """One place to mutate: a node (by path in the tree) and how to change it."""

    path: tuple[Any, ...]
    line: int
    description: str
    apply: Any  # (tree node) -> replacement node or None (removed)
    segment: str = ""
    # (live module) -> True when the mutant changes nothing (a table mutant adding what a row
    # holds or removing what it lacks): decided in the parent, without forking for it.
    noop: Any = None


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _iter_fields(node: ast.AST) -> Iterator[tuple[Any, ast.AST]]:
    for name, value in ast.iter_fields(node):
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield (name, i), item
        elif isinstance(value, ast.AST):
            yield (name, None), value


def _get(tree: ast.AST, path: tuple[Any, ...]) -> ast.AST:
    node = tree
    for name, i in path:
        node = getattr(node, name) if i is None else getattr(node, name)[i]
    return node


def _set(tree: ast.AST, path: tuple[Any, ...], new: ast.AST | None) -> None:
    parent = _get(tree, path[:-1])
    name, i = path[-1]
    if i is None:
        setattr(parent, name, new)
    elif new is None:
        getattr(parent, name)[i] = ast.Pass()
    else:
        getattr(parent, name)[i] = new


def _sites(tree: ast.Module, source: str, tables: dict[str, tuple[str, list[str]]]) -> list[_Site]:
    """Every mutation site of a module, in source order."""
    sites: list[_Site] = []

    def segment(node: ast.AST) -> str:
        text = ast.get_source_segment(source, node) or ""
        return " ".join(text.split())[:120]

    def visit(node: ast.AST, path: tuple[Any, ...], in_function: bool) -> None:
        for step, child in _iter_fields(node):
            child_path = (*path, step)
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            _site_of(child, child_path, node, step, inside)
            if isinstance(child, ast.JoinedStr):
                continue  # f-strings: messages
            visit(child, child_path, inside)

    def _site_of(node: ast.AST, path: tuple[Any, ...], parent: ast.AST, step, inside) -> None:
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                flip = _CMP_FLIP.get(type(op))
                if flip is None:
                    continue

                def apply(n: ast.Compare, k=k, flip=flip) -> ast.AST:
                    n.ops[k] = flip()
                    return n

                sites.append(
                    _Site(
                        path,
                        line,
                        f"`{_SYMBOL[type(op)]}` → `{_SYMBOL[flip]}`",
                        apply,
                        segment(node),
                    )
                )
        elif isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            for k in range(len(node.values)):

                def apply(n: ast.BoolOp, k=k) -> ast.AST:
                    rest = n.values[:k] + n.values[k + 1 :]
                    return rest[0] if len(rest) == 1 else ast.BoolOp(op=n.op, values=rest)

                sites.append(
                    _Site(
                        path,
                        line,
                        f"`{word}`: operand {k + 1} dropped",
                        apply,
                        segment(node.values[k]),
                    )
                )
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            sites.append(_Site(path, line, "`not` dropped", lambda n: n.operand, segment(node)))
        elif isinstance(node, ast.Constant) and not isinstance(parent, ast.JoinedStr):
            value = node.value
            if isinstance(value, bool):
                sites.append(
                    _Site(
                        path,
                        line,
                        f"`{value}` → `{not value}`",
                        lambda n: ast.Constant(not n.value),
                        segment(node),
                    )
                )
            elif isinstance(value, int | float) and not (
                isinstance(parent, ast.Subscript) and step == ("slice", None)
            ):
                sites.append(
                    _Site(
                        path,
                        line,
                        f"`{value!r}` → `{value + 1!r}`",
                        lambda n: ast.Constant(n.value + 1),
                        segment(node),
                    )
                )
        if isinstance(node, ast.If | ast.While | ast.IfExp) and inside:
            sites.append(
                _Site(
                    path,
                    line,
                    "condition negated",
                    _negate_test,
                    segment(node.test),
                )
            )
        if isinstance(node, ast.stmt) and inside and isinstance(parent, ast.stmt):
            removable = (
                ast.Expr,
                ast.Raise,
                ast.Assign,
                ast.AugAssign,
                ast.AnnAssign,
                ast.If,
                ast.For,
                ast.Continue,
                ast.Break,
            )
            if isinstance(node, removable) and not _is_docstring(node):
                sites.append(
                    _Site(path, line, "statement removed", lambda n: None, segment(node)[:60])
                )
            if (
                isinstance(node, ast.Return)
                and node.value is not None
                and not (isinstance(node.value, ast.Constant) and node.value.value is None)
            ):
                sites.append(
                    _Site(
                        path,
                        line,
                        "`return …` → `return None`",
                        lambda n: ast.Return(value=ast.Constant(None)),
                        segment(node)[:60],
                    )
                )
        # A table: a module-level dict whose values are frozensets of enum members.
        table = _assigned_name(parent) if isinstance(node, ast.Dict) and not inside else None
        if table in tables:
            enum_name, members = tables[table]
            for k, row_key in enumerate(node.keys):
                if row_key is not None:
                    for member in members:
                        for verb, op in (("added to", ast.BitOr()), ("removed from", ast.Sub())):

                            def apply(n: ast.Dict, k=k, e=enum_name, m=member, op=op) -> ast.AST:
                                extra = ast.Call(
                                    func=ast.Name("frozenset", ast.Load()),
                                    args=[
                                        ast.Set(
                                            elts=[
                                                ast.Attribute(
                                                    ast.Name(e, ast.Load()), m, ast.Load()
                                                )
                                            ]
                                        )
                                    ],
                                    keywords=[],
                                )
                                n.values[k] = ast.BinOp(left=n.values[k], op=op, right=extra)
                                return n

                            def noop(
                                module: Any,
                                t=table,
                                key=ast.unparse(row_key),
                                e=enum_name,
                                m=member,
                                adding=verb == "added to",
                            ) -> bool:
                                values = vars(module)
                                row = values[t][
                                    eval(key, values)
                                ]  # the row's key, as written in our source
                                return (getattr(values[e], m) in row) == adding

                            sites.append(
                                _Site(
                                    path,
                                    getattr(row_key, "lineno", line),
                                    f"table: {enum_name}.{member} {verb} {segment(row_key)}",
                                    apply,
                                    segment(row_key),
                                    noop,
                                )
                            )

    visit(tree, (), False)
    return sites


def _negate_test(node: ast.AST) -> ast.AST:
    node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
    return node


def _in_signature(func: ast.FunctionDef | ast.AsyncFunctionDef, line: int) -> bool:
    """A line of the decorators or the signature (defaults) runs at import time, in no test."""
    return line < func.body[0].lineno


def _scope_of(tree: ast.Module, line: int) -> tuple[str, bool]:
    """The top-level name holding ``line``, and whether the line runs at import time."""
    for stmt in tree.body:
        end = getattr(stmt, "end_lineno", stmt.lineno)
        if stmt.lineno <= line <= end:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                return stmt.name, _in_signature(stmt, line)
            if isinstance(stmt, ast.ClassDef):
                for sub in stmt.body:
                    sub_end = getattr(sub, "end_lineno", sub.lineno)
                    if (
                        isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef)
                        and sub.lineno <= line <= sub_end
                    ):
                        return f"{stmt.name}.{sub.name}", _in_signature(sub, line)
                return stmt.name, True
            names = [t.id for t in getattr(stmt, "targets", []) if isinstance(t, ast.Name)]
            target = getattr(stmt, "target", None)
            if isinstance(target, ast.Name):
                names.append(target.id)
            return ",".join(names) or f"line {stmt.lineno}", True
    return f"line {line}", True


def _assigned_name(stmt: ast.AST) -> str | None:
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    if isinstance(stmt, ast.Assign | ast.AnnAssign) and isinstance(targets[0], ast.Name):
        return targets[0].id
    return None


def _tables_of(module: types.ModuleType) -> dict[str, tuple[str, list[str]]]:
    """Module-level dicts of frozensets of one enum's members: {name: (enum name, members)}."""
    names = {
        v: k
        for k, v in sorted(vars(module).items(), key=lambda kv: -len(kv[0]))
        if isinstance(v, type)
    }
    found: dict[str, tuple[str, list[str]]] = {}
    for name, value in vars(module).items():
        if not isinstance(value, dict) or not value:
            continue
        rows = list(value.values())
        if not all(isinstance(r, frozenset) for r in rows):
            continue
        members = {x for r in rows for x in r}
        kinds = {type(x) for x in members}
        if len(kinds) == 1 and issubclass(next(iter(kinds)), Enum):
            enum = next(iter(kinds))
            if enum in names:
                found[name] = (names[enum], [m.name for m in enum])
    return found


def mutants_of(module_path: str) -> tuple[list[Mutant], list[Any]]:
    """The mutants of a module and, for each, a function building its mutated tree.

    The trees are built when a mutant runs, in its child: a thousand copies of a module's
    tree held by the parent (the permission table's mutants) weigh hundreds of megabytes,
    which every forked child then walks through its garbage collector."""
    source = (ROOT / module_path).read_text()
    tree = ast.parse(source)
    module = importlib.import_module(_module_name(module_path))
    sites = _sites(tree, source, _tables_of(module))
    mutants, builders = [], []
    occurrences: dict[str, int] = {}
    for index, site in enumerate(sites):
        scope, module_level = _scope_of(tree, site.line)
        base = f"{scope} | {site.description} | {site.segment}"
        occurrences[base] = occurrences.get(base, 0) + 1
        key = base if occurrences[base] == 1 else f"{base} | #{occurrences[base]}"
        mutant = Mutant(module_path, index, site.line, scope, site.description, key, module_level)
        if site.noop is not None and site.noop(module):
            mutant.outcome = "identical"
        mutants.append(mutant)
        builders.append(lambda site=site: _mutated(tree, site))
    return mutants, builders


def _mutated(tree: ast.Module, site: _Site) -> ast.Module:
    mutated = copy.deepcopy(tree)
    node = _get(mutated, site.path)
    _set(mutated, site.path, site.apply(node))
    ast.fix_missing_locations(mutated)
    return mutated


def _module_name(module_path: str) -> str:
    return module_path.removesuffix(".py").replace("/", ".")


# --- applying a mutant in a live process ----------------------------------------------------


def _innermost(fn: Any) -> Any:
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def apply_mutant(module_name: str, tree: ast.Module) -> bool:
    """Execute the mutated module over the live one. False: nothing changed (not a mutant)."""
    module = sys.modules[module_name]
    old = dict(vars(module))
    code = compile(tree, module.__file__ or module_name, "exec")
    exec(code, vars(module))
    namespace = vars(module)
    replaced: dict[int, Any] = {}
    changed = False
    for name, new in list(namespace.items()):
        before = old.get(name, new)
        if before is new:
            continue
        if isinstance(before, types.FunctionType) and isinstance(new, types.FunctionType):
            inner_old, inner_new = _innermost(before), _innermost(new)
            # A default lives beside the code: a keyword-only one in __kwdefaults__.
            for attr in ("__code__", "__defaults__", "__kwdefaults__"):
                if getattr(inner_old, attr) != getattr(inner_new, attr):
                    changed = True
                    setattr(inner_old, attr, getattr(inner_new, attr))
            namespace[name] = before
            replaced[id(new)] = before
        elif isinstance(before, type) and isinstance(new, type):
            for attr, value in vars(new).items():
                value = getattr(value, "__func__", value)
                previous = vars(before).get(attr)
                previous = getattr(previous, "__func__", previous)
                if (
                    isinstance(value, types.FunctionType)
                    and isinstance(previous, types.FunctionType)
                    and previous.__code__ != value.__code__
                ):
                    changed = True
                    previous.__code__ = value.__code__
            namespace[name] = before
            replaced[id(new)] = before
    # Aliases (``A = Action``) point back at the kept objects.
    for name, new in list(namespace.items()):
        if id(new) in replaced:
            namespace[name] = replaced[id(new)]
    # Values (tables, constants): the new ones, wherever the old ones were imported.
    swaps: dict[int, tuple[Any, Any]] = {}
    for name, new in namespace.items():
        before = old.get(name)
        if name in old and before is not new and not isinstance(before, types.ModuleType):
            try:
                same = bool(before == new)
            except Exception:
                same = False
            if not same:
                changed = True
            swaps[id(before)] = (before, new)
    if swaps:
        for other in list(sys.modules.values()):
            values = getattr(other, "__dict__", None)
            if not isinstance(values, dict) or values is namespace:
                continue
            for attr, value in list(values.items()):
                hit = swaps.get(id(value))
                if hit is not None and hit[0] is value:
                    values[attr] = hit[1]
    return changed


# --- coverage pass --------------------------------------------------------------------------


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def coverage_map(modules: list[str], jobs: int) -> dict[str, Any]:
    """{module: {line: [test ids]}} and {test id: seconds}, cached on the sources' hash."""
    sources = [p for p in (ROOT / "app").rglob("*.py")] + [
        p for p in (ROOT / "tests").rglob("*.py")
    ]
    key = _fingerprint(sources) + hashlib.sha256(" ".join(TEST_POOL).encode()).hexdigest()[:6]
    OUT.mkdir(parents=True, exist_ok=True)
    cache = OUT / f"coverage-{key}.json"
    if cache.exists():
        data = json.loads(cache.read_text())
        if set(modules) <= set(data["lines"]):
            return data
    # Every default module's lines are kept, so that one module at a time reuses the pass.
    modules = sorted(set(modules) | set(DEFAULT_MODULES))
    print(f"Passe de couverture ({len(TEST_POOL)} dossiers de tests, {jobs} processus)…")
    files = sorted(
        str(p.relative_to(ROOT))
        for target in TEST_POOL
        for p in (
            (ROOT / target).rglob("test_*.py") if (ROOT / target).is_dir() else [ROOT / target]
        )
    )
    # The pass's files are this process's own: two runs side by side (another module, another
    # pool) would otherwise write one coverage database at once and record nothing usable.
    tag = f"{key}.{os.getpid()}"
    rc = OUT / f"coveragerc.{tag}"
    rc.write_text("[run]\ndynamic_context = test_function\nsource = app\nbranch = False\n")
    procs = []
    jobs = max(1, min(jobs, len(files)))
    for j in range(jobs):
        share = files[j::jobs]
        env = {**os.environ, "COVERAGE_FILE": str(OUT / f".coverage.{tag}.{j}")}
        durations = OUT / f"durations.{tag}.{j}.json"
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "coverage",
                    "run",
                    f"--rcfile={rc}",
                    "-m",
                    "pytest",
                    "-q",
                    "-n",
                    "0",
                    "-p",
                    "no:cacheprovider",
                    "-p",
                    "bench.mutation_plugin",
                    "-m",
                    "not browser",
                    *share,
                ],
                cwd=ROOT,
                env={**env, "EPOLES_MUTATION_DURATIONS": str(durations)},
                stdout=subprocess.DEVNULL,
            )
        )
    for proc in procs:
        proc.wait()
    import coverage

    lines: dict[str, dict[str, list[str]]] = {}
    durations: dict[str, float] = {}
    for j in range(jobs):
        part = json.loads((OUT / f"durations.{tag}.{j}.json").read_text())
        durations.update(part)
        data = coverage.CoverageData(basename=str(OUT / f".coverage.{tag}.{j}"))
        data.read()
        for module in modules:
            by_line = data.contexts_by_lineno(str(ROOT / module))
            target = lines.setdefault(module, {})
            for line, contexts in by_line.items():
                ids = target.setdefault(str(line), [])
                for context in contexts:
                    test = _context_to_test(context)
                    if test and test not in ids:
                        ids.append(test)
    result = {"lines": lines, "durations": durations}
    cache.write_text(json.dumps(result))
    return result


def _context_to_test(context: str) -> str | None:
    """``tests.unit.test_x.TestA.test_b`` → ``tests/unit/test_x.py::TestA::test_b``."""
    if not context:
        return None
    parts = context.split(".")
    for cut in range(len(parts), 0, -1):
        path = ROOT.joinpath(*parts[:cut]).with_suffix(".py")
        if path.is_file():
            rest = parts[cut:]
            if not rest:
                return None
            return "::".join([str(path.relative_to(ROOT)), *rest])
    return None


# --- running ----------------------------------------------------------------------------


def _tests_for(mutant: Mutant, cov: dict[str, Any]) -> list[str]:
    lines = cov["lines"].get(mutant.module, {})
    if mutant.module_level:
        tests = {t for ids in lines.values() for t in ids}
    else:
        tests = set(lines.get(str(mutant.line), []))
    durations = cov["durations"]
    return sorted(tests, key=lambda t: (durations.get(t, 1.0), t))


def _run_child(module_name: str, build: Any, tests: list[str]) -> int:
    """In the forked child: mutate, run pytest, exit with its code (99: not a mutant)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        try:
            if not apply_mutant(module_name, build()):
                return 99
        except Exception:
            return 1  # the mutated module does not even load: killed
        import pytest

        return int(pytest.main([*PYTEST_ARGS, *tests]))
    except BaseException:
        return 98


def run(
    modules: list[str], jobs: int, list_survivors: bool, scopes: list[str] | None = None
) -> int:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("EPOLES_TODAY", "2026-09-15")
    cov = coverage_map(modules, jobs)
    equivalent = _read_equivalent()
    all_mutants: list[tuple[Mutant, Any]] = []
    for module in modules:
        mutants, builders = mutants_of(module)
        all_mutants.extend(
            (m, b)
            for m, b in zip(mutants, builders, strict=True)
            if _selected(m.scope, scopes or [])
        )
    # Import the app and every test file once: the children fork from here.
    import pytest  # noqa: F401

    import app  # noqa: F401

    needed = {t.split("::")[0] for m, _ in all_mutants for t in _tests_for(m, cov)}
    for path in sorted(needed):
        try:
            importlib.import_module(path.removesuffix(".py").replace("/", "."))
        except Exception as exc:
            print(f"(import de {path} : {exc})")
    # What is loaded now stays out of the children's garbage collections: without this, each
    # child walks (and so copies, page by page) the whole imported app and its tests.
    gc.collect()
    gc.freeze()
    pending = list(all_mutants)
    running: dict[int, tuple[Mutant, float, float]] = {}
    done: list[Mutant] = []
    started = time.monotonic()
    total = len(pending)
    while pending or running:
        while pending and len(running) < jobs:
            mutant, build = pending.pop(0)
            if mutant.outcome == "identical":
                done.append(mutant)
                continue
            if mutant.key in equivalent.get(mutant.module, {}):
                mutant.outcome = "equivalent"
                done.append(mutant)
                continue
            tests = _tests_for(mutant, cov)
            if not tests:
                mutant.outcome = "survived"  # no test executes this line
                mutant.description += " (aucun test n'exécute cette ligne)"
                done.append(mutant)
                continue
            budget = 30 + 4 * sum(cov["durations"].get(t, 1.0) for t in tests)
            pid = os.fork()
            if pid == 0:
                os._exit(_run_child(_module_name(mutant.module), build, tests))
            running[pid] = (mutant, time.monotonic(), budget)
        pid, status = os.waitpid(-1, os.WNOHANG) if running else (0, 0)
        if pid == 0:
            now = time.monotonic()
            for child, (mutant, since, budget) in list(running.items()):
                if now - since > budget:
                    os.kill(child, 9)
                    os.waitpid(child, 0)
                    mutant.outcome, mutant.seconds = "timeout", now - since
                    done.append(mutant)
                    del running[child]
            select.select([], [], [], 0.05)
            continue
        mutant, since, _ = running.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        mutant.seconds = time.monotonic() - since
        mutant.outcome = {0: "survived", 1: "killed", 99: "identical"}.get(code, "error")
        if mutant.outcome == "error":
            mutant.description += f" (pytest : code {code})"
        if mutant.outcome in ("survived", "error"):  # said at once: a stopped run still tells
            print(f"  survivant : {mutant.module}:{mutant.line} :: {mutant.key}")
        done.append(mutant)
        if len(done) % 25 == 0:
            print(f"  {len(done)}/{total} mutants ({time.monotonic() - started:.0f} s)")
    return _report(
        modules, done, equivalent, time.monotonic() - started, list_survivors, scopes or []
    )


def _selected(scope: str, scopes: list[str]) -> bool:
    """``--scope NAME`` keeps only the named top-level names, ``--scope '!NAME'`` drops one."""
    wanted = [s for s in scopes if not s.startswith("!")]
    return (not wanted or scope in wanted) and "!" + scope not in scopes


def _read_equivalent() -> dict[str, dict[str, str]]:
    """``module :: key :: reason`` lines (``#`` comments)."""
    found: dict[str, dict[str, str]] = {}
    if not EQUIVALENT_FILE.exists():
        return found
    for raw in EQUIVALENT_FILE.read_text().splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        module, key, reason = (part.strip() for part in raw.split(" :: ", 2))
        found.setdefault(module, {})[key] = reason
    return found


def _report(
    modules: list[str],
    done: list[Mutant],
    equivalent: dict[str, dict[str, str]],
    seconds: float,
    list_survivors: bool,
    scopes: list[str],
) -> int:
    lines = [
        f"Mutation testing — {len(done)} mutants, {seconds:.0f} s",
        "",
        f"{'module':<44} {'tués':>5} {'surv.':>5} {'équiv.':>6} {'score':>7}",
    ]
    survivors: list[str] = []
    for module in modules:
        mine = [m for m in done if m.module == module and m.outcome != "identical"]
        killed = sum(m.outcome in ("killed", "timeout") for m in mine)
        equiv = sum(m.outcome == "equivalent" for m in mine)
        survived = [m for m in mine if m.outcome in ("survived", "error")]
        counted = killed + len(survived)
        score = f"{100 * killed / counted:.1f} %" if counted else "—"
        lines.append(f"{module:<44} {killed:>5} {len(survived):>5} {equiv:>6} {score:>7}")
        for m in sorted(survived, key=lambda m: m.line):
            survivors.append(f"{module}:{m.line}  {m.outcome}  {module} :: {m.key}")
        unused = {  # a listed equivalent the code no longer has (of the names mutated)
            key
            for key in set(equivalent.get(module, {})) - {m.key for m in mine}
            if _selected(key.split(" | ", 1)[0], scopes)
        }
        for key in sorted(unused):
            survivors.append(f"{module}  (équivalent listé mais introuvable) {key}")
    text = "\n".join(lines)
    if list_survivors or survivors:
        text += "\n\nSurvivants :\n" + "\n".join(survivors)
    print(text)
    REPORT_FILE.write_text(text + "\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--module", action="append", help="un module (chemin), répétable")
    parser.add_argument("--list-survivors", action="store_true")
    parser.add_argument("--tests", action="append", help="dossiers de tests de la passe")
    parser.add_argument(
        "--scope",
        action="append",
        help="ne muter que ce nom de premier niveau (fonction, table) ; !NOM l'exclut",
    )
    args = parser.parse_args()
    if args.tests:
        TEST_POOL[:] = args.tests
    modules = args.module or os.environ.get("MUTATION_MODULES", "").split() or DEFAULT_MODULES
    return run(modules, args.jobs, args.list_survivors, args.scope)


if __name__ == "__main__":
    sys.exit(main())
