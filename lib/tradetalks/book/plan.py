"""The plan (``book/plan.yml``): which notebook runs with which parameters, read and checked.

Every problem is reported at once (:class:`PlanError`), before any notebook runs.
"""
from __future__ import annotations

import datetime as _dt
import json
import keyword
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..paths import REPO_ROOT

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLAN_KEYS = {"defaults", "pages"}
_PAGE_KEYS = {"name", "template", "title", "parameters", "for_each", "parent"}
#: What a page can be repeated for: one page per row of the data (see tradetalks.analysis.queries.fan_out_items).
FOR_EACH = ("sticking_points", "rounds", "chronology", "sources")
_REQUIRED_PAGE_KEYS = ("name", "template", "title")


class PlanError(ValueError):
    """``plan.yml`` is invalid; ``str()`` lists every problem found."""

    def __init__(self, path: Path, problems: Sequence[str]):
        self.path = path
        self.problems = list(problems)
        super().__init__(
            f"{path}: invalid plan ({len(self.problems)} problem"
            f"{'s' if len(self.problems) != 1 else ''}):\n"
            + "\n".join(f"  - {p}" for p in self.problems)
        )


@dataclass(frozen=True)
class Page:
    name: str
    template: Path  # absolute
    title: str
    parameters: dict[str, Any]  # merged with the defaults, ready for papermill
    for_each: str | None = None  # a page template repeated per item of the data (see expand_pages)
    parent: str | None = None  # listed under this page in the table of contents


@dataclass(frozen=True)
class Plan:
    path: Path
    defaults: dict[str, Any]
    pages: list[Page] = field(default_factory=list)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, _dt.date))


def _plain(value: Any) -> Any:
    """Parameter value as papermill gets it: dates/datetimes become ISO strings."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _check_parameters(where: str, params: Any, problems: list[str]) -> dict[str, Any]:
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        problems.append(f"{where}: must be a mapping of name: value, got {type(params).__name__}")
        return {}
    out: dict[str, Any] = {}
    for key, value in params.items():
        if not isinstance(key, str) or not key.isidentifier() or keyword.iskeyword(key):
            problems.append(f"{where}: {key!r} is not a valid Python variable name")
            continue
        ok = _is_scalar(value) or (
            isinstance(value, list) and all(_is_scalar(v) for v in value)
        )
        if not ok:
            problems.append(
                f"{where}.{key}: values must be strings, numbers, booleans, dates, null "
                f"or lists of those, got {type(value).__name__}"
            )
            continue
        out[key] = _plain(value)
    return out


def _check_window(where: str, params: Mapping[str, Any], problems: list[str]) -> None:
    """window_start / window_end, when given, are calendar dates and not reversed."""
    days = {}
    for key in ("window_start", "window_end"):
        value = params.get(key)
        if value in (None, ""):
            continue
        try:
            days[key] = _dt.date.fromisoformat(str(value))
        except ValueError:
            problems.append(f"{where}: {key} {value!r} must be a date written YYYY-MM-DD (or empty)")
    if len(days) == 2 and days["window_end"] < days["window_start"]:
        problems.append(f"{where}: the window is reversed: window_end {days['window_end']} is before "
                        f"window_start {days['window_start']}")


def _template_parameter_names(template: Path) -> set[str] | None:
    """Names assigned in the template's ``parameters`` cell (None: no such cell). Read as plain JSON:
    nbformat's validation would import jsonschema, over a second of a build that may have nothing to do."""
    nb = json.loads(Path(template).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code" and "parameters" in (cell.get("metadata") or {}).get("tags", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            return set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=", source, flags=re.M))
    return None


def load_plan(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> Plan:
    """Read and validate ``plan.yml``; raise :class:`PlanError` listing every problem.

    Templates are resolved against ``root`` (default: the repository root).
    """
    import yaml

    path = Path(path).resolve()
    root_dir = Path(root).resolve() if root is not None else REPO_ROOT
    if not path.is_file():
        raise PlanError(path, [f"plan file not found: {path}"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PlanError(path, [f"not valid YAML: {exc}"]) from None

    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise PlanError(path, ["the plan must be a mapping with keys 'defaults' and 'pages'"])
    for key in sorted(set(data) - _PLAN_KEYS, key=str):
        problems.append(f"unknown top-level key {key!r} (allowed: {', '.join(sorted(_PLAN_KEYS))})")

    defaults = _check_parameters("defaults", data.get("defaults"), problems)

    pages_data = data.get("pages")
    if not isinstance(pages_data, list) or not pages_data:
        problems.append("'pages' must be a non-empty list")
        pages_data = []

    pages: list[Page] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(pages_data):
        where = f"pages[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping, got {type(entry).__name__}")
            continue
        if isinstance(entry.get("name"), str):
            where = f"pages[{i}] ({entry['name']})"
        for key in sorted(set(entry) - _PAGE_KEYS, key=str):
            problems.append(f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(_PAGE_KEYS))})")
        missing = [k for k in _REQUIRED_PAGE_KEYS if k not in entry]
        for key in missing:
            problems.append(f"{where}: missing required key {key!r}")

        name = entry.get("name")
        if "name" in entry:
            if not isinstance(name, str) or not _NAME_RE.match(name):
                problems.append(
                    f"{where}: name {name!r} must be lowercase letters, digits, '-' or '_' "
                    "(it becomes the file name)"
                )
            elif name in seen:
                problems.append(f"{where}: duplicate name {name!r} (also pages[{seen[name]}])")
            else:
                seen[name] = i

        title = entry.get("title")
        if "title" in entry and (not isinstance(title, str) or not title.strip()):
            problems.append(f"{where}: title must be a non-empty string")

        for_each = entry.get("for_each")
        if for_each is not None and for_each not in FOR_EACH:
            problems.append(f"{where}: for_each {for_each!r} must be one of {', '.join(FOR_EACH)}")
        parent = entry.get("parent")
        if parent is not None and parent not in seen:
            problems.append(f"{where}: parent {parent!r} must name a page listed before it")

        template = entry.get("template")
        template_path: Path | None = None
        if "template" in entry:
            if not isinstance(template, str) or not template.strip():
                problems.append(f"{where}: template must be a path string")
            else:
                template_path = (root_dir / template).resolve()
                if template_path.suffix != ".ipynb":
                    problems.append(f"{where}: template {template!r} must be a .ipynb notebook")
                    template_path = None
                elif not template_path.is_file():
                    problems.append(f"{where}: template {template!r} not found (looked for {template_path})")
                    template_path = None

        params = _check_parameters(f"{where}.parameters", entry.get("parameters"), problems)

        if template_path is not None:
            try:
                declared = _template_parameter_names(template_path)
            except Exception as exc:  # unreadable notebook
                problems.append(f"{where}: cannot read template {template!r}: {exc}")
                declared = set()
            if declared is None:
                problems.append(f"{where}: template {template!r} has no code cell tagged 'parameters'")
            else:
                for key in sorted(set(params) - declared):
                    problems.append(
                        f"{where}.parameters: {key!r} is not defined in the parameters cell of {template!r}"
                    )

        _check_window(where, {**defaults, **params}, problems)

        if not missing and template_path is not None and isinstance(name, str):
            pages.append(
                Page(
                    name=name,
                    template=template_path,
                    title=str(title).strip(),
                    parameters={**defaults, **params},
                    for_each=for_each,
                    parent=parent,
                )
            )

    if problems:
        raise PlanError(path, problems)
    return Plan(path=path, defaults=defaults, pages=pages)


def expand_pages(pages: Sequence[Page]) -> list[Page]:
    """Replace each ``for_each`` page by one page per item of its data (in the data's order).

    The entry's ``name`` becomes a prefix (``point`` -> ``point-rare-earths``); ``{id}`` and
    ``{title}`` in its title and string parameters are filled in for each item.
    """
    from ..analysis.queries import fan_out_items
    from ..data import load_cached

    out: list[Page] = []
    for page in pages:
        if page.for_each is None:
            out.append(page)
            continue
        ds = load_cached(page.parameters.get("data_dir") or None)
        for item_id, item_title in fan_out_items(ds, page.for_each, page.parameters):
            def fill(v, item_id=item_id, item_title=item_title):
                return v.replace("{id}", item_id).replace("{title}", item_title) if isinstance(v, str) else v
            out.append(Page(name=f"{page.name}-{item_id}", template=page.template, title=fill(page.title),
                            parameters={k: fill(v) for k, v in page.parameters.items()}, parent=page.parent))
    return out
