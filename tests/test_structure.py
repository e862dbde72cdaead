"""The package's structure: four floors whose imports only go down, no import circle, no private crossings.

Every import statement of the package, the scripts, the benchmarks and the notebooks is read
(function bodies included: an import inside a function is still a dependency):

* **floors** -- engines and readers (``dfslab/`` outside the three below) < ``dfslab/pipeline``
  < ``dfslab/studies`` < ``dfslab/app``; a module never imports from a floor above its own;
* **no circle** between the package's files;
* **no private crossing** -- a private module (``_name.py``) or a private name (``_name``) is only
  imported inside the subpackage that defines it; scripts, benchmarks and notebooks import public
  names only.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "dfslab"
FLOORS = {"pipeline": 2, "studies": 3, "app": 4}  # everything else in dfslab/: floor 1 (engines and readers)


def _module_files() -> dict[str, Path]:
    """dotted module name -> file, for every module of the package."""
    out = {}
    for f in PKG.rglob("*.py"):
        parts = list(f.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


MODULES = _module_files()


def _module_name(f: Path) -> str:
    parts = list(f.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, importer: str | None, is_pkg: bool):
    """(target module, imported name or None, line) for every import statement of ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = importer.split(".") if is_pkg else importer.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            for a in node.names:
                sub = f"{mod}.{a.name}"
                if sub in MODULES:  # "from pkg import submodule"
                    yield sub, None, node.lineno
                else:
                    yield mod, a.name, node.lineno


def _sources():
    """(label, importer module name or None, is package, parsed tree) of every file that is checked."""
    for f in sorted(PKG.rglob("*.py")):
        yield str(f.relative_to(ROOT)), _module_name(f), f.name == "__init__.py", ast.parse(f.read_text())
    for folder in ("scripts", "benchmarks"):
        for f in sorted((ROOT / folder).glob("*.py")):
            yield str(f.relative_to(ROOT)), None, False, ast.parse(f.read_text())
    for f in sorted(ROOT.rglob("*.ipynb")):
        if ".venv" in f.parts or ".ipynb_checkpoints" in f.parts:
            continue
        code = "\n".join("".join(c["source"]) for c in json.loads(f.read_text())["cells"] if c["cell_type"] == "code")
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
        yield str(f.relative_to(ROOT)), None, False, ast.parse(code)


def _unit(module: str) -> str:
    """The subpackage a module belongs to ("dfslab" for the package's top-level files)."""
    parts = module.split(".")
    if len(parts) >= 2 and (PKG / parts[1]).is_dir():
        return parts[1]
    return "dfslab"


def _floor(module: str) -> int:
    parts = module.split(".")
    if module == "dfslab.__main__":  # the program entry (python -m dfslab) is the app
        return 4
    return FLOORS.get(parts[1], 1) if len(parts) >= 2 else 1


def _private(s: str) -> bool:
    return s.startswith("_") and not (s.startswith("__") and s.endswith("__"))


def _edges():
    for label, importer, is_pkg, tree in _sources():
        for target, name, line in _imports(tree, importer, is_pkg):
            if target == "dfslab" or target.startswith("dfslab."):
                yield label, importer, target, name, line


def test_every_package_module_is_read():
    assert len(MODULES) > 40 and {"dfslab.pipeline", "dfslab.studies", "dfslab.app"} <= set(MODULES)


def test_imports_go_down_the_floors():
    bad = [f"{label}:{line} (floor {_floor(imp)}) imports {tgt} (floor {_floor(tgt)})"
           for label, imp, tgt, _, line in _edges()
           if imp is not None and imp != "dfslab" and _floor(tgt) > _floor(imp)]
    assert not bad, "imports that go up a floor:\n" + "\n".join(bad)


def test_no_import_circle():
    graph: dict[str, set] = {m: set() for m in MODULES}
    for _, imp, tgt, _, _ in _edges():
        if imp is not None and tgt in MODULES and tgt != imp:
            graph[imp].add(tgt)
    # Tarjan's strongly connected components: any component of two or more files is a circle
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not comps, "import circles:\n" + "\n".join(" -> ".join(c) for c in comps)


def test_no_private_module_or_name_crosses_a_subpackage():
    bad = []
    for label, imp, tgt, name, line in _edges():
        parts = tgt.split(".")
        for i, p in enumerate(parts[1:], 1):
            if _private(p):
                owner = parts[1] if i >= 2 else "dfslab"  # the subpackage the private module belongs to
                if imp is None or _unit(imp) != owner:
                    bad.append(f"{label}:{line} imports private module {tgt}")
                break
        else:
            if name and _private(name) and (imp is None or _unit(imp) != _unit(tgt)):
                bad.append(f"{label}:{line} imports private name {name} from {tgt}")
    assert not bad, f"{len(bad)} private crossings:\n" + "\n".join(bad)
