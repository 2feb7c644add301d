"""The code keeps its shape: roles are named in one place, permission decisions are made by one
gate, every app is a component whose declarations hold together, and the import contracts hold.

These tests read the source (`ast`, templates as text) and the live component registry; they do
not run the application. Each failure lists file:line of every offence, so the list is the work
left to do.

Which files may name roles. Roles are named only in `gongzhi/accounts/roles.py` (the `Role` enum
and its groups), in the apps' `permissions.py` (the rules: who may do what) and in
`gongzhi/core/permissions.py` (the platform's own rules). Everywhere else under `gongzhi/`
(tests and migrations aside) the following are offences (test a):

1. a string constant equal to a value of `Role` ("grid_worker", "resident", …);
2. a comparison or membership test with a role on either side: a `.role` read (`user.role`,
   `getattr(user, "role")`) or a `Role.X` member compared with `==`/`!=`/`is`/`in`/`not in`;
3. a query lookup on the role: a keyword `role=`, `role__in=`, `…__role=` or `…__role__in=` in a
   query call (`.filter/.exclude/.get/.get_or_create/.update_or_create`, `Q(...)`);
   `…__role…` lookups count in any call;
4. a `Role.X` member anywhere but in the files that create users (below).

Not offences, although they spell a role value: translated text (`_("resident")`), relation names
(`related_name="resident"`), members of other choices (`MediatorKind.GRID_WORKER = "grid_worker"`),
strings equal to a model field's name (`Person.party_member`), and comparisons with another
vocabulary of roles (`member.role in AllianceRole.values`: an alliance member's, not a user's).
Creating users of a role is data, not a check: a `role=` keyword outside a query call (creating a
user, `user_create(role=Role.X)`, or another model's `role` field) is not a lookup; in demo loaders
(`*/demo.py`), the benchmark data (`gongzhi/benchdata/`), the accounts services that create users (`gongzhi/accounts/services.py`)
and the user model that declares the role field and its default (`gongzhi/accounts/models.py`)
`Role.X` values are data, but a string literal still counts (rule 1)
and comparisons stay offences there too. Templates (`gongzhi/**/templates/**/*.html`) contain no role
comparison (`.role ==`, `.role in`, `role == …`) and no quoted role value.

Private permission helpers (test b): a function outside those files whose body reads `.role`
decides access by role, which the gate (`core.permissions.can`) does; it fails the test. A body
that reads `.is_superuser` is listed as a warning (printed, not failed): superusers are the gate's
business too, but some reads are legitimate (the admin's own checks).
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from gongzhi.accounts.roles import Role
from gongzhi.core import components, permissions
from gongzhi.core.workflow import Workflow

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "gongzhi"
ROLE_VALUES = frozenset(r.value for r in Role)
ROLE_FILES = {"gongzhi/accounts/roles.py", "gongzhi/core/permissions.py"}
CREATION_FILES = re.compile(r"^gongzhi/(\w+/demo\.py|benchdata/.*|accounts/services\.py|accounts/models\.py)$")
ROLE_LOOKUP = re.compile(r"^(\w+__)?role(__in)?$")


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _may_name_roles(rel: str) -> bool:
    return rel in ROLE_FILES or rel.endswith("/permissions.py")


def source_files() -> Iterator[tuple[str, ast.Module]]:
    """Every non-test, non-migration Python module under gongzhi/, parsed."""
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = _relative(path)
        parts = rel.split("/")
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


# What a user is called in the code: `user.role`, `actor.role`, `request.user.role`, `request.auth.role`,
# `self.role` (in the User model). `payload.role` (a dispute party's role), `member.role` (a role in an
# alliance) are other vocabularies.
USER_NAMES = {"user", "actor", "u", "self", "requester", "assignee", "staff", "on_behalf_of"}
USER_ATTRIBUTES = {"user", "auth", "actor", "requester", "assignee", "on_behalf_of"}


def _is_user(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id in USER_NAMES) or (
        isinstance(node, ast.Attribute) and node.attr in USER_ATTRIBUTES
    )


def _is_role_read(node: ast.AST) -> bool:
    """A user's role read: `user.role` (not assigned) or `getattr(user, "role"[, default])`."""
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return isinstance(node.ctx, ast.Load) and _is_user(node.value)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and _is_user(node.args[0])
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value == "role"
    )


def _is_role_member(node: ast.AST) -> bool:
    """`Role.X` (or `roles.Role.X`)."""
    if not isinstance(node, ast.Attribute) or node.attr not in Role.names:
        return False
    base = node.value
    return (isinstance(base, ast.Name) and base.id == "Role") or (isinstance(base, ast.Attribute) and base.attr == "Role")


def _role_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ROLE_VALUES


TRANSLATED = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
NAMING_KEYWORDS = {"related_name", "related_query_name", "verbose_name", "verbose_name_plural"}
LOOKUP_CALLS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q"}


def _exempt_literals(tree: ast.Module) -> set[int]:
    """ids of string constants that are not roles although they spell one: translated text
    (`_("resident")`), the name of a relation (`related_name="resident"`), and the members of other
    choices (`MediatorKind.GRID_WORKER = "grid_worker"`: a class whose bases end in "Choices")."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in TRANSLATED:
                exempt.update(id(n) for a in node.args for n in ast.walk(a))
            for keyword in node.keywords:
                if keyword.arg in NAMING_KEYWORDS:
                    exempt.update(id(n) for n in ast.walk(keyword.value))
        elif isinstance(node, ast.ClassDef) and any(ast.unparse(b).endswith("Choices") for b in node.bases):
            for statement in node.body:
                if isinstance(statement, ast.Assign):
                    exempt.update(id(n) for n in ast.walk(statement.value))
    return exempt


def _other_roles(node: ast.AST) -> bool:
    """An operand naming another vocabulary of roles (`AllianceRole.values`, `PartyRole.X`): the
    role of an alliance member or a dispute party, not a user's role."""
    return any(isinstance(n, ast.Name) and n.id.endswith("Role") and n.id != "Role" for n in ast.walk(node))


def _field_names() -> set[str]:
    """Names of the fields models declare (`Person.party_member`; reverse relations such as
    `User.resident` do not count): a string naming a field is not a role."""
    from django.apps import apps

    return {f.name for model in apps.get_models() for f in (*model._meta.concrete_fields, *model._meta.many_to_many)}


def role_offences(files=None) -> list[str]:
    offences = []
    fields = _field_names() & ROLE_VALUES
    for rel, tree in files if files is not None else source_files():
        if _may_name_roles(rel):
            continue
        exempt = _exempt_literals(tree)
        creation = bool(CREATION_FILES.match(rel))
        compared = {id(o) for n in ast.walk(tree) if isinstance(n, ast.Compare) for o in (n.left, *n.comparators)}
        for node in ast.walk(tree):
            if _is_role_member(node) and not creation and id(node) not in compared:
                offences.append(f"{rel}:{node.lineno}: role named {ast.unparse(node)}")
            if _role_literal(node) and id(node) not in exempt and node.value not in fields:
                offences.append(f"{rel}:{node.lineno}: role literal {node.value!r}")
            elif isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                if any(_is_role_read(o) or _is_role_member(o) for o in operands) and not any(map(_other_roles, operands)):
                    offences.append(f"{rel}:{node.lineno}: role comparison {ast.unparse(node)[:80]}")
            elif isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                for keyword in node.keywords:
                    if not (keyword.arg and ROLE_LOOKUP.match(keyword.arg)):
                        continue
                    if name not in LOOKUP_CALLS and keyword.arg == "role":
                        # Not a query: creating a user (a literal value is reported by rule 1) or
                        # another model's "role" field.
                        continue
                    offences.append(f"{rel}:{keyword.value.lineno}: role lookup {keyword.arg}={ast.unparse(keyword.value)[:60]}")
    return sorted(set(offences), key=_by_file_line)


def _by_file_line(entry: str):
    rel, line, _rest = entry.split(":", 2)
    return rel, int(line)


TEMPLATE_ROLE = re.compile(
    r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\brole\s*(==|!=)|(==|!=|\bin\b)\s*\w*\.role\b|['\"](" + "|".join(sorted(ROLE_VALUES)) + r")['\"]"
)


def template_offences() -> list[str]:
    offences = []
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for tag in re.findall(r"{%.*?%}|{{.*?}}", line):
                if TEMPLATE_ROLE.search(tag):
                    offences.append(f"{_relative(path)}:{number}: {tag.strip()[:80]}")
    return offences


def test_roles_are_named_only_in_roles_and_permissions():
    offences = role_offences() + template_offences()
    assert not offences, (
        f"{len(offences)} places name a role outside gongzhi/accounts/roles.py and the permissions.py files "
        "(ask core.permissions.can(user, action, obj) instead):\n" + "\n".join(offences)
    )


def test_the_role_rules_catch_what_they_describe():
    """The checker itself, on a made-up module: what it must catch, and what it must let pass."""
    source = '''
from django.utils.translation import gettext_lazy as _
if user.role == "grid_worker": pass
if getattr(user, "role", None) in STAFF: pass
if actor.role != Role.DISTRICT_ADMIN: pass
User.objects.filter(role__in=roles)
cases = Case.objects.filter(requester__role=x)
label = _("resident")
owner = models.ForeignKey(User, related_name="resident", on_delete=None)
if member.role in AllianceRole.values: pass
DisputeParty.objects.create(role=role)
'''
    found = role_offences([("gongzhi/x/views.py", ast.parse(source))])
    lines = sorted({int(entry.split(":")[1]) for entry in found})
    assert lines == [3, 4, 5, 6, 7], found
    assert role_offences([("gongzhi/x/demo.py", ast.parse("user_create(role=Role.RESIDENT)"))]) == []
    assert role_offences([("gongzhi/x/views.py", ast.parse("user_create(role=Role.RESIDENT)"))])
    assert TEMPLATE_ROLE.search('{% if user.role == "resident" %}')
    assert TEMPLATE_ROLE.search("{% if request.user.role in staff_roles %}")
    assert TEMPLATE_ROLE.search("{% if 'inspector' == kind %}")
    assert not TEMPLATE_ROLE.search("{{ user.get_role_display }}")


def helper_reads() -> tuple[list[str], list[str]]:
    """(functions that read .role, functions that read .is_superuser), outside the files that may."""
    role_helpers, superuser_reads = [], []
    for rel, tree in source_files():
        if _may_name_roles(rel):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            # The function's own body, not the bodies of functions nested in it (walked separately).
            own = []
            stack = list(node.body)
            while stack:
                child = stack.pop()
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    continue
                own.append(child)
                stack.extend(ast.iter_child_nodes(child))
            if any(_is_role_read(n) for n in own):
                role_helpers.append(f"{rel}:{node.lineno}: {node.name}()")
            if any(isinstance(n, ast.Attribute) and n.attr == "is_superuser" for n in own):
                superuser_reads.append(f"{rel}:{node.lineno}: {node.name}()")
    return role_helpers, superuser_reads


def test_no_private_permission_helper_outside_permissions():
    role_helpers, superuser_reads = helper_reads()
    if superuser_reads:
        print(f"\n(warning) {len(superuser_reads)} functions outside permissions.py read .is_superuser:\n"
              + "\n".join(superuser_reads))
    assert not role_helpers, (
        f"{len(role_helpers)} functions outside permissions.py decide by the user's role (.role); make each a "
        "Rule/relation in the app's permissions.py and ask the gate:\n" + "\n".join(role_helpers)
    )


# ---------------------------------------------------------------------------------------------
# Components


def _gongzhi_apps() -> list[str]:
    return [name for name in settings.INSTALLED_APPS if name.startswith("gongzhi.")]


def test_every_app_is_a_component():
    from django.apps import apps

    missing = [
        name for name in _gongzhi_apps()
        if not isinstance(getattr(next(c for c in apps.get_app_configs() if c.name == name), "component", None),
                          components.Component)
    ]
    assert not missing, f"These apps declare no Component on their AppConfig: {missing}"


def test_navigation_names_declared_actions():
    declared = permissions.rules()
    wrong = [
        f"{item.url_name}: {item.permission or '(no permission)'}"
        for item in components.navigation()
        if item.permission not in declared
    ]
    assert not wrong, "Navigation entries must name a declared gate action:\n" + "\n".join(wrong)


def declared_workflows() -> list[tuple[str, Workflow]]:
    found = []
    for config, _component in components.installed():
        module = components.optional_module(f"{config.name}.workflow")
        if module is None:
            continue
        for name, value in vars(module).items():
            if isinstance(value, Workflow):
                found.append((f"{config.name}.workflow.{name}", value))
    return found


def test_every_transition_has_a_declared_action():
    declared = permissions.rules()
    wrong = [
        f"{where}: {t.action} → {workflow.permission(t.action)}"
        for where, workflow in declared_workflows()
        for t in workflow.transitions
        if workflow.permission(t.action) not in declared
    ]
    assert not wrong, "Workflow transitions whose gate action no permissions.py declares:\n" + "\n".join(wrong)


def _code_text() -> str:
    chunks = []
    for path in PACKAGE.rglob("*"):
        if path.suffix not in (".py", ".html") or "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.name == "permissions.py":
            continue
        chunks.append(path.read_text(encoding="utf-8"))
    return "\n".join(chunks)


def test_declared_actions_are_used():
    """A warning list (printed, never failing): actions no code outside permissions.py names. An
    action may be used through a workflow's default permission ("<app>.<transition>"), so those
    count as used."""
    text = _code_text()
    through_workflows = {w.permission(t.action) for _where, w in declared_workflows() for t in w.transitions}
    unused = [a for a in permissions.rules() if a not in through_workflows and f'"{a}"' not in text
              and f"'{a}'" not in text]
    if unused:
        print(f"\n(warning) {len(unused)} declared actions no code names: {', '.join(sorted(unused))}")


# ---------------------------------------------------------------------------------------------
# Import contracts


def _lint_imports() -> str | None:
    candidate = Path(sys.executable).with_name("lint-imports")
    if candidate.exists():
        return str(candidate)
    return shutil.which("lint-imports")


def test_import_contracts():
    """The contracts of pyproject.toml ([tool.importlinter]): the app layers, no app importing
    another app's api/views/admin, benchdata imported by nothing but itself."""
    if importlib.util.find_spec("importlinter") is None:
        pytest.fail("import-linter is not installed (it is a dev dependency: pip install -e '.[dev]')")
    command = _lint_imports()
    assert command, "lint-imports not found beside the Python running the tests"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([command, "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


# ---------------------------------------------------------------------------------------------
# Today


def test_today_is_the_sites_day():
    """`date.today()` is the server process's day, which differs from the site's (TIME_ZONE,
    Asia/Shanghai) for eight hours of every UTC day: a date typed as "tomorrow" passed as today,
    and tests failed only in the evening. Code and tests ask `django.utils.timezone.localdate()`."""
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = _relative(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "today"
                    and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "date"):
                offences.append(f"{rel}:{node.lineno}")
    assert not offences, "date.today() instead of timezone.localdate():\n" + "\n".join(offences)
