"""The three layers import one way only (docs/architecture.md): the site (advocacy) may use the
features (campaigns) and the base; the features may use the base; the base uses neither.

Imports are read from the source, those inside functions included, and so are strings that name a
higher layer's module or model ("advocacy.HomePage"): Django and Wagtail resolve those at run
time, which is a dependency all the same. Migrations are history and keep the paths they were
written with (advocacy/blocks.py and campaigns/encryption.py keep those paths importable).
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = {"base": 0, "campaigns": 1, "advocacy": 2}
ROOT = Path(settings.BASE_DIR)
# A dotted name that starts with an app of ours: a module path or an "app.Model" label.
NAMED = re.compile(r"^(advocacy|base|campaigns)\.[A-Za-z_][\w.]*$")


def sources(root, package):
    for path in sorted((root / package).rglob("*.py")):
        if "migrations" not in path.relative_to(root).parts:
            yield path


def module_name(root, path):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def dependencies(root, path):
    """(line, name) for every module the file imports and every app name its strings give."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(root, path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            parts = [node.module] if node.module else []
            if node.level:
                above = package.split(".")
                parts = above[: len(above) - node.level + 1] + parts
            for alias in node.names:
                yield node.lineno, ".".join([*parts, alias.name])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if NAMED.match(node.value):
                yield node.lineno, node.value


def upward_imports(package, root=ROOT):
    layer = LAYERS[package]
    found = []
    for path in sources(root, package):
        for line, name in dependencies(root, path):
            top = name.split(".")[0]
            if LAYERS.get(top, -1) > layer:
                found.append(f"{path.relative_to(root)}:{line} uses {name}")
    return found


@pytest.mark.parametrize("package", ["base", "campaigns"])
def test_no_layer_imports_from_a_layer_above_it(package):
    assert upward_imports(package) == []


def test_the_check_sees_imports_in_functions_relative_imports_and_model_labels(tmp_path):
    (tmp_path / "campaigns" / "family_contact").mkdir(parents=True)
    (tmp_path / "campaigns" / "family_contact" / "probe.py").write_text(
        "from base import site_data\n"
        "from ..models import Appeal\n"
        "from ... import advocacy\n"
        "def later():\n"
        "    from advocacy.models import HomePage\n"
        "    return HomePage\n"
        "HOME = 'advocacy.HomePage'\n"
        "NOTE = 'see advocacy.HomePage'\n"
    )

    assert upward_imports("campaigns", root=tmp_path) == [
        "campaigns/family_contact/probe.py:3 uses advocacy",
        "campaigns/family_contact/probe.py:5 uses advocacy.models.HomePage",
        "campaigns/family_contact/probe.py:7 uses advocacy.HomePage",
    ]


def test_every_python_package_of_ours_is_in_a_layer():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "benchmarks"}
    }

    assert packages == set(LAYERS)
