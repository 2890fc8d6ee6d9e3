"""One-command build of the report book.

``python -m tradetalks.build`` (or :func:`main` / :func:`build`) does, in order:

1. validate the data (``tradetalks.load.load_dataset``) -- stop with exit code 1 on
   ``DataValidationError``;
2. make a fresh staging folder and copy the book's ``_config.yml``, ``_static/`` and
   ``*.md`` into it, plus ``_static/vega-bundle.js`` (:func:`tradetalks.render.write_vega_bundle`);
3. execute every page of ``book/plan.yml`` with papermill, in parallel processes;
4. tag the cells for a code-free report (parameters cells removed, inputs hidden) and
   write ``_toc.yml`` from the plan;
5. ``jupyter-book build <staging> --builder html -W -n --keep-going``;
6. publish by swapping folders: ``<out>/html`` (the site) and ``<out>/notebooks``
   (the executed notebooks, for nbval).  Until this last step nothing published is
   touched, so a failed build leaves the previous site as it was.

Exit codes of :func:`main` (and the integer :func:`build` returns on failure):
1 data invalid, 2 plan invalid, 3 a notebook failed, 4 jupyter-book failed,
5 publishing failed.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import datetime as _dt
import fcntl
import json
import keyword
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

__all__ = [
    "REPO_ROOT",
    "DEFAULT_PLAN",
    "EXIT_OK",
    "EXIT_DATA",
    "EXIT_PLAN",
    "EXIT_NOTEBOOK",
    "EXIT_BOOK",
    "EXIT_PUBLISH",
    "PlanError",
    "Page",
    "Plan",
    "load_plan",
    "postprocess_notebook",
    "toc_yaml",
    "build",
    "main",
]

from tradetalks.cache import PageCache, data_fingerprint, page_key

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PLAN = REPO_ROOT / "book" / "plan.yml"

EXIT_OK = 0
EXIT_DATA = 1
EXIT_PLAN = 2
EXIT_NOTEBOOK = 3
EXIT_BOOK = 4
EXIT_PUBLISH = 5

#: Folder (inside staging) that holds the executed notebooks; also their toc prefix.
GENERATED = "generated"
#: Seconds a single cell may run before papermill gives up.
CELL_TIMEOUT = 600
KERNEL_NAME = "python3"
#: Times a page's kernel may fail to start (a port clash between parallel workers) before the build gives up.
KERNEL_START_ATTEMPTS = 3

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLAN_KEYS = {"defaults", "pages"}
_PAGE_KEYS = {"name", "template", "title", "parameters", "for_each", "parent"}
#: What a page can be repeated for: one page per row of the data (see tradetalks.queries.fan_out_items).
FOR_EACH = ("sticking_points", "rounds")
_REQUIRED_PAGE_KEYS = ("name", "template", "title")
# Tags that already decide how a cell's input is shown; such cells are left alone.
_INPUT_TAGS = {"remove-cell", "remove-input", "hide-cell", "hide-input"}


# --------------------------------------------------------------------------- #
# The plan
# --------------------------------------------------------------------------- #
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


def _template_parameter_names(template: Path) -> set[str] | None:
    """Names assigned in the template's ``parameters`` cell (None: no such cell)."""
    import nbformat

    nb = nbformat.read(str(template), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            try:
                from papermill import inspect_notebook

                return set(inspect_notebook(str(template)))
            except Exception:  # pragma: no cover - fall back to a plain scan
                return set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=", cell.source, flags=re.M))
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


# --------------------------------------------------------------------------- #
# Notebook post-processing and the toc
# --------------------------------------------------------------------------- #
def _add_tag(cell: Any, tag: str) -> None:
    tags = list(cell.metadata.get("tags", []))
    if tag not in tags:
        tags.append(tag)
    cell.metadata["tags"] = tags


def postprocess_notebook(nb: Any, *, title: str | None = None) -> Any:
    """Tag cells so the page reads as a report (in place; returns ``nb``).

    * the ``parameters`` cell and papermill's ``injected-parameters`` cell: ``remove-cell``;
    * every other code cell: ``remove-input``, unless it already has one of
      ``remove-cell``/``remove-input``/``hide-cell``/``hide-input``;
    * if no markdown cell has a level-1 heading, ``# <title>`` is inserted first,
      so every page has a title.
    """
    import nbformat

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        if tags & {"parameters", "injected-parameters"}:
            _add_tag(cell, "remove-cell")
        elif not tags & _INPUT_TAGS:
            _add_tag(cell, "remove-input")

    if title:
        has_h1 = any(
            cell.cell_type == "markdown" and re.search(r"^#\s+\S", cell.source, flags=re.M)
            for cell in nb.cells
        )
        if not has_h1:
            heading = nbformat.v4.new_markdown_cell(f"# {title}")
            heading.pop("id", None)
            if nb.nbformat == 4 and nb.nbformat_minor >= 5:
                heading["id"] = "tradetalks-title"
            nb.cells.insert(0, heading)
    return nb


def expand_pages(pages: Sequence[Page]) -> list[Page]:
    """Replace each ``for_each`` page by one page per item of its data (in the data's order).

    The entry's ``name`` becomes a prefix (``point`` -> ``point-rare-earths``); ``{id}`` and
    ``{title}`` in its title and string parameters are filled in for each item.
    """
    from tradetalks.load import load_cached
    from tradetalks.queries import fan_out_items

    out: list[Page] = []
    for page in pages:
        if page.for_each is None:
            out.append(page)
            continue
        ds = load_cached(page.parameters.get("data_dir") or None)
        for item_id, item_title in fan_out_items(ds, page.for_each, page.parameters):
            fill = lambda v: v.replace("{id}", item_id).replace("{title}", item_title) if isinstance(v, str) else v
            out.append(Page(name=f"{page.name}-{item_id}", template=page.template, title=fill(page.title),
                            parameters={k: fill(v) for k, v in page.parameters.items()}, parent=page.parent))
    return out


def toc_yaml(pages: Sequence[Page]) -> str:
    """``_toc.yml`` (jb-book): the first page is the root, the rest are chapters; pages with a
    ``parent`` are sections under that chapter."""
    import yaml

    toc: dict[str, Any] = {
        "format": "jb-book",
        "root": f"{GENERATED}/{pages[0].name}",
    }
    chapters: dict[str, dict[str, Any]] = {}
    for p in pages[1:]:
        entry = {"file": f"{GENERATED}/{p.name}", "title": p.title}
        if p.parent is not None and p.parent in chapters:
            chapters[p.parent].setdefault("sections", []).append(entry)
        else:
            chapters[p.name] = entry
    if chapters:
        toc["chapters"] = list(chapters.values())
    return "# Generated by tradetalks.build from the plan -- do not edit.\n" + yaml.safe_dump(
        toc, sort_keys=False, allow_unicode=True
    )


# --------------------------------------------------------------------------- #
# Steps
# --------------------------------------------------------------------------- #
def _err(*lines: str) -> None:
    print("\n".join(lines), file=sys.stderr, flush=True)


def _resolve_data_dir(value: Any, root: Path) -> Path | None:
    if value in (None, ""):
        return None
    p = Path(str(value)).expanduser()
    return p if p.is_absolute() else (root / p).resolve()


def _validate_data(data_dirs: Sequence[Path | None]) -> str | None:
    """Run the project's loader on every data folder; return the problems or None."""
    from tradetalks.load import load_dataset
    from tradetalks.validate import DataValidationError

    messages = []
    for data_dir in data_dirs:
        try:
            load_dataset(data_dir)
        except DataValidationError as exc:
            messages.append(f"Data validation failed: {exc}")
    return "\n\n".join(messages) if messages else None


def _execute_page(
    template: str, output: str, parameters: dict[str, Any], cwd: str, timeout: int, log: str | None = None
) -> dict[str, Any]:
    """Run one page with papermill (in a worker process); never raises.

    If ``log`` is given, this process's stdout/stderr -- inherited by the kernel --
    go to that file, so kernel chatter does not interleave with the progress lines.
    """
    start = time.perf_counter()
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    try:
        import papermill as pm

        for attempt in range(KERNEL_START_ATTEMPTS):
            try:
                pm.execute_notebook(
                    template,
                    output,
                    parameters=parameters,
                    kernel_name=KERNEL_NAME,
                    cwd=cwd,
                    progress_bar=False,
                    log_output=False,
                    execution_timeout=timeout,
                )
                break
            except RuntimeError as exc:
                # Kernels started at the same moment in parallel workers can pick the same
                # free TCP port ("Address already in use"); the kernel then dies before it
                # answers. No cell has run yet, so starting it again is safe.
                if "Kernel died before replying to kernel_info" not in str(exc) or attempt + 1 == KERNEL_START_ATTEMPTS:
                    raise
                print(f"kernel failed to start ({exc}); retrying", file=sys.stderr, flush=True)
    except Exception as exc:  # report everything to the parent as plain data
        info: dict[str, Any] = {
            "ok": False,
            "seconds": time.perf_counter() - start,
            "ename": getattr(exc, "ename", type(exc).__name__),
            "evalue": getattr(exc, "evalue", str(exc)),
            "cell_index": getattr(exc, "cell_index", None),
            "exec_count": getattr(exc, "exec_count", None),
            "source": getattr(exc, "source", None),
        }
        return info
    return {"ok": True, "seconds": time.perf_counter() - start}


def _template_cell_index(template: Path, source: str | None) -> int | None:
    if source is None:
        return None
    import nbformat

    try:
        nb = nbformat.read(str(template), as_version=4)
    except Exception:
        return None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source == source:
            return i
    return None


def _describe_failure(page: Page, info: Mapping[str, Any], root: Path) -> str:
    try:
        shown = page.template.relative_to(root)
    except ValueError:
        shown = page.template
    lines = [f"FAILED: page {page.name!r}, notebook {shown}"]
    if info.get("source") is not None:
        idx = _template_cell_index(page.template, info["source"])
        where = f"cell {idx} of the template" if idx is not None else f"cell {info.get('cell_index')} of the executed notebook"
        lines.append(f"  {where} (0-based; execution count {info.get('exec_count')}):")
        head = info["source"].splitlines()[:8]
        lines += [f"    | {line}" for line in head]
        if len(info["source"].splitlines()) > 8:
            lines.append("    | ...")
    lines.append(f"  {info.get('ename')}: {info.get('evalue')}")
    return "\n".join(lines)


def _run_pages(pages: Sequence[Page], generated: Path, root: Path, jobs: int, timeout: int,
               cache: PageCache | None = None, keys: Mapping[str, str] | None = None,
               stats: list[dict[str, Any]] | None = None) -> str | None:
    """Execute all pages (reusing cached ones); print progress; return a failure description or None."""
    total = len(pages)
    logs = generated.parent / "logs"
    logs.mkdir(exist_ok=True)
    stats = stats if stats is not None else []
    done = 0
    to_run = []
    for page in pages:
        hit = cache.get(keys[page.name]) if cache is not None and keys else None
        if hit is None:
            to_run.append(page)
            continue
        shutil.copy2(hit, generated / f"{page.name}.ipynb")
        done += 1
        stats.append({"name": page.name, "seconds": 0.0, "cached": True})
        print(f"[{done}/{total}] {page.name} unchanged (cached)", flush=True)
    pages = to_run
    if not pages:
        return None
    workers = max(1, min(jobs, len(pages)))
    ctx = multiprocessing.get_context("spawn")
    failure: str | None = None
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {
            pool.submit(
                _execute_page,
                str(page.template),
                str(generated / f"{page.name}.ipynb"),
                page.parameters,
                str(root),
                timeout,
                str(logs / f"{page.name}.log"),
            ): page
            for page in pages
        }
        try:
            for fut in cf.as_completed(futures):
                page = futures[fut]
                try:
                    info = fut.result()
                except Exception as exc:  # worker crashed
                    info = {"ok": False, "ename": type(exc).__name__, "evalue": str(exc)}
                done += 1
                if info["ok"]:
                    print(f"[{done}/{total}] {page.name} {info['seconds']:.1f}s", flush=True)
                    stats.append({"name": page.name, "seconds": round(info["seconds"], 3), "cached": False})
                    if cache is not None and keys:
                        cache.put(keys[page.name], generated / f"{page.name}.ipynb")
                else:
                    print(f"[{done}/{total}] {page.name} FAILED", flush=True)
                    failure = _describe_failure(page, info, root)
                    break
        finally:
            if failure is not None:
                for fut in futures:
                    fut.cancel()
    return failure


def _jupyter_book_command(source: Path) -> list[str]:
    runner = (
        "import sys; from jupyter_book.cli.main import main; "
        "sys.argv[0] = 'jupyter-book'; sys.exit(main())"
    )
    return [
        sys.executable, "-c", runner,
        "build", str(source), "--builder", "html", "-W", "-n", "--keep-going",
    ]


def _run_jupyter_book(staging: Path) -> tuple[int, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env["NO_COLOR"] = "1"
    proc = subprocess.run(
        _jupyter_book_command(staging),
        cwd=str(staging),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    return proc.returncode, _ANSI_RE.sub("", proc.stdout)


_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _summarise_book_log(log: str) -> str:
    """The warning/error lines of a jupyter-book log, then its last lines."""
    lines = log.rstrip().splitlines()
    problems = [ln for ln in lines if re.search(r"\b(WARNING|ERROR|CRITICAL|SEVERE)\b|Traceback|Error:", ln)]
    out = []
    if problems:
        out.append("Problems reported:")
        out += [f"  {ln}" for ln in problems[:60]]
        if len(problems) > 60:
            out.append(f"  ... and {len(problems) - 60} more")
        out.append("")
    out.append("Last lines of the log:")
    out += [f"  {ln}" for ln in lines[-15:]]
    return "\n".join(out)


def _publish(pairs: Sequence[tuple[Path, Path]]) -> None:
    """Move each new folder into place; the old one is renamed aside first, then deleted.

    If anything fails, the folders already swapped are swapped back.
    """
    token = f"{os.getpid()}-{time.time_ns()}"
    swapped: list[tuple[Path, Path | None]] = []
    try:
        for new, final in pairs:
            old: Path | None = None
            if final.exists():
                old = final.with_name(f".{final.name}.old-{token}")
                final.rename(old)
            try:
                new.rename(final)
            except BaseException:
                if old is not None:
                    old.rename(final)
                raise
            swapped.append((final, old))
    except BaseException:
        for final, old in reversed(swapped):
            with contextlib.suppress(OSError):
                aside = final.with_name(f".{final.name}.failed-{token}")
                final.rename(aside)
                if old is not None:
                    old.rename(final)
                shutil.rmtree(aside, ignore_errors=True)
        raise
    for _final, old in swapped:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _build_lock(out: Path) -> Iterator[None]:
    """One build per output folder at a time (released automatically if we die)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Another build is running in {out}; waiting for it ...", flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _stage_book(book_dir: Path, staging: Path) -> None:
    from tradetalks.render import write_vega_bundle

    shutil.copy2(book_dir / "_config.yml", staging / "_config.yml")
    static = book_dir / "_static"
    if static.is_dir():
        shutil.copytree(static, staging / "_static", ignore=shutil.ignore_patterns("vega-bundle.js"))
    for md in sorted(book_dir.glob("*.md")):
        shutil.copy2(md, staging / md.name)
    write_vega_bundle(staging / "_static")


def _site_key(page_keys: Mapping[str, str], book_dir: Path, pages: Sequence[Page]) -> str:
    """Everything the published site depends on: every page's key, the table of contents, the book's files."""
    import hashlib

    h = hashlib.sha256(json.dumps(sorted(page_keys.items())).encode())
    h.update(toc_yaml(pages).encode())
    for f in sorted([book_dir / "_config.yml", *(book_dir / "_static").rglob("*"), *book_dir.glob("*.md")]):
        if f.is_file():
            h.update(str(f.relative_to(book_dir)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _read_stats(out_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((out_dir / "build-stats.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_stats(out_dir: Path, site_key: str, page_stats: list[dict[str, Any]], execute_seconds: float,
                 book_seconds: float, total_seconds: float) -> None:
    """``<out>/build-stats.json``: what the last successful build executed and reused, and its timings."""
    (out_dir / "build-stats.json").write_text(json.dumps({
        "site_key": site_key,
        "pages": page_stats,
        "executed": sum(not st["cached"] for st in page_stats),
        "cached": sum(st["cached"] for st in page_stats),
        "execute_seconds": round(execute_seconds, 3), "book_seconds": round(book_seconds, 3),
        "total_seconds": round(total_seconds, 3),
    }, indent=2) + "\n", encoding="utf-8")


def _stage_data(data_dir: Path | None, staging: Path) -> None:
    """Publish the book's data folder (schema, CSV files, README) with the site, under ``_static/data/``."""
    from tradetalks.paths import resolve_data_dir

    source = data_dir if data_dir is not None else resolve_data_dir(None)
    target = staging / "_static" / "data"
    target.mkdir(parents=True, exist_ok=True)
    for f in sorted(source.iterdir()):
        if f.is_file() and f.suffix in (".csv", ".json", ".md"):
            shutil.copy2(f, target / f.name)


# --------------------------------------------------------------------------- #
# build() and main()
# --------------------------------------------------------------------------- #
def build(
    plan_path: str | os.PathLike[str] = DEFAULT_PLAN,
    *,
    jobs: int | None = None,
    out: str | os.PathLike[str] | None = None,
    keep_staging: bool = False,
    force: bool = False,
    book_dir: str | os.PathLike[str] | None = None,
    root: str | os.PathLike[str] | None = None,
    timeout: int = CELL_TIMEOUT,
) -> Path | int:
    """Build the book; return the published ``index.html`` or a non-zero exit code.

    plan_path     the plan (default ``<repo>/book/plan.yml``).
    jobs          parallel papermill processes (default ``os.cpu_count()``).
    out           output root (default ``<book_dir>/_build``): the site goes to
                  ``<out>/html``, executed notebooks to ``<out>/notebooks``.
    keep_staging  keep the staging folder (also on failure) for inspection.
    force         execute every notebook even if its cached result is still valid.
    book_dir      folder with ``_config.yml``, ``_static/`` and extra ``*.md``
                  (default: the plan's folder).
    root          folder that template paths and relative ``data_dir`` values are
                  relative to, and the notebooks' working directory (default: the repo).
    timeout       seconds a single cell may run.
    """
    if multiprocessing.parent_process() is not None and multiprocessing.current_process().name.startswith(
        ("SpawnProcess", "ForkServerProcess")
    ):
        # A script without `if __name__ == "__main__":` is re-imported by every
        # worker process; building again there would wait forever on the lock.
        raise RuntimeError(
            "tradetalks.build.build() was called inside a worker process: guard the "
            "calling script with `if __name__ == \"__main__\":`"
        )
    started = time.perf_counter()
    root_dir = Path(root).resolve() if root is not None else REPO_ROOT
    plan_file = Path(plan_path).resolve()
    book = Path(book_dir).resolve() if book_dir is not None else plan_file.parent
    out_dir = Path(out).resolve() if out is not None else book / "_build"
    jobs = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)

    # 0. the plan (cheap, and needed to know which data folders to validate)
    try:
        plan = load_plan(plan_file, root=root_dir)
    except PlanError as exc:
        _err(str(exc))
        return EXIT_PLAN
    if not (book / "_config.yml").is_file():
        _err(f"{book / '_config.yml'} not found")
        return EXIT_PLAN

    # 1. the data
    data_dirs: list[Path | None] = []
    for page in plan.pages:
        d = _resolve_data_dir(page.parameters.get("data_dir"), root_dir)
        if d not in data_dirs:
            data_dirs.append(d)
    problems = _validate_data(data_dirs)
    if problems:
        _err(problems, "", "Build stopped: fix the data first. Nothing was built or published.")
        return EXIT_DATA
    print(f"data ok ({len(data_dirs)} folder{'s' if len(data_dirs) != 1 else ''})", flush=True)

    # Pass data_dir to the notebooks as an absolute path (they also run under nbval,
    # from another working directory); "" keeps meaning "the repository's data folder".
    pages = []
    for page in plan.pages:
        params = dict(page.parameters)
        d = _resolve_data_dir(params.get("data_dir"), root_dir)
        if d is not None:
            params["data_dir"] = str(d)
        pages.append(Page(page.name, page.template, page.title, params, page.for_each, page.parent))
    try:
        pages = expand_pages(pages)
    except ValueError as exc:  # e.g. a for_each page whose filter names an unknown item
        _err(f"{plan_file}: {exc}")
        return EXIT_PLAN
    duplicates = sorted({p.name for p in pages if [q.name for q in pages].count(p.name) > 1})
    if duplicates:
        _err(f"{plan_file}: pages would share a file name: {', '.join(duplicates)}")
        return EXIT_PLAN

    with _build_lock(out_dir):
        # A page is keyed by its template, parameters, data, the lib's code and package versions.
        cache = PageCache(out_dir / "cache")
        data_fps: dict[str, str] = {}
        keys = {}
        for page in pages:
            d = page.parameters.get("data_dir") or ""
            data_fps.setdefault(d, data_fingerprint(d))
            keys[page.name] = page_key(page.template, page.parameters, data_fps[d])
        # Nothing changed since the last published build (pages, book config, static files): done.
        site_key = _site_key(keys, book, pages)
        if not force and _read_stats(out_dir).get("site_key") == site_key and (out_dir / "html" / "index.html").is_file():
            print(f"nothing changed since the last build: {len(pages)} pages up to date", flush=True)
            _write_stats(out_dir, site_key, [{"name": p.name, "seconds": 0.0, "cached": True} for p in pages],
                         0.0, 0.0, time.perf_counter() - started)
            print(out_dir / "html" / "index.html", flush=True)
            return out_dir / "html" / "index.html"
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=out_dir))
        ok = False
        try:
            # 2. staging
            _stage_book(book, staging)
            _stage_data(_resolve_data_dir(plan.defaults.get("data_dir"), root_dir), staging)
            generated = staging / GENERATED
            generated.mkdir()

            # 3. execute (or reuse cached pages: see the keys above)
            page_stats: list[dict[str, Any]] = []
            t_exec = time.perf_counter()
            failure = _run_pages(pages, generated, root_dir, jobs, timeout,
                                 cache=None if force else cache, keys=keys, stats=page_stats)
            if force and not failure:
                for page in pages:
                    cache.put(keys[page.name], generated / f"{page.name}.ipynb")
            execute_seconds = time.perf_counter() - t_exec
            if failure:
                _err(failure, "", "Build stopped. The published site was not changed.")
                if keep_staging:
                    _err(f"Staging kept for inspection: {staging}")
                return EXIT_NOTEBOOK

            # 4. post-process + toc
            import nbformat

            for page in pages:
                path = generated / f"{page.name}.ipynb"
                nb = nbformat.read(str(path), as_version=4)
                postprocess_notebook(nb, title=page.title)
                nbformat.write(nb, str(path))
            (staging / "_toc.yml").write_text(toc_yaml(pages), encoding="utf-8")

            # 5. jupyter-book
            t0 = time.perf_counter()
            code, log = _run_jupyter_book(staging)
            (staging / "jupyter-book.log").write_text(log, encoding="utf-8")
            if code != 0:
                _err(
                    f"jupyter-book build failed (exit code {code}; warnings are errors here).",
                    _summarise_book_log(log),
                    "",
                    "Build stopped. The published site was not changed.",
                )
                if keep_staging:
                    _err(f"Staging kept for inspection: {staging} (full log: jupyter-book.log)")
                return EXIT_BOOK
            book_seconds = time.perf_counter() - t0
            print(f"jupyter-book build {book_seconds:.1f}s", flush=True)

            # 6. publish
            html = staging / "_build" / "html"
            if not (html / "index.html").is_file():
                _err(f"jupyter-book produced no {html / 'index.html'}; nothing published.")
                return EXIT_BOOK
            try:
                _publish([(html, out_dir / "html"), (generated, out_dir / "notebooks")])
            except OSError as exc:
                _err(f"Publishing failed: {exc}. The previous site was restored.")
                return EXIT_PUBLISH
            ok = True
            cache.prune(set(keys.values()))
            order = {p.name: i for i, p in enumerate(pages)}
            page_stats.sort(key=lambda st: order[st["name"]])
            _write_stats(out_dir, site_key, page_stats, execute_seconds, book_seconds, time.perf_counter() - started)
        finally:
            if keep_staging and ok:
                print(f"staging kept: {staging}", flush=True)
            if not keep_staging:
                shutil.rmtree(staging, ignore_errors=True)

    index = out_dir / "html" / "index.html"
    print(f"built {len(pages)} pages in {time.perf_counter() - started:.1f}s", flush=True)
    print(index, flush=True)
    return index


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tradetalks build",
        description="Validate the data, execute the notebooks of the plan and build the book.",
    )
    parser.add_argument("--plan", default=str(DEFAULT_PLAN), help="plan file (default: %(default)s)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1,
        help="notebooks executed in parallel (default: %(default)s)",
    )
    parser.add_argument(
        "--out", default=None,
        help="output root; the site goes to OUT/html, notebooks to OUT/notebooks "
        "(default: the plan's folder/_build)",
    )
    parser.add_argument("--keep-staging", action="store_true", help="keep the staging folder")
    parser.add_argument("--force", action="store_true",
                        help="execute every notebook, ignoring cached results (they are refreshed)")
    args = parser.parse_args(argv)
    result = build(args.plan, jobs=args.jobs, out=args.out, keep_staging=args.keep_staging, force=args.force)
    return EXIT_OK if isinstance(result, Path) else int(result)


if __name__ == "__main__":
    sys.exit(main())
