"""Bad input: every kind of mistake is reported with file, line, column, value and what was expected."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tradetalks import DataValidationError, load_dataset
from tradetalks.cli import main as cli_main
from tradetalks.paths import DEFAULT_DATA_DIR


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path, needle):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def problems_of(data_dir):
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_dir)
    return info.value.problems, str(info.value)


def test_repository_data_is_valid():
    ds = load_dataset()
    assert len(ds.events) == 47


def test_malformed_csv_unclosed_quote(data_copy):
    path = data_copy / "actors.csv"
    n = line_of(path, "marco-rubio")
    edit(path, 'marco-rubio,Marco Rubio', 'marco-rubio,"Marco Rubio')
    problems, text = problems_of(data_copy)
    assert any(p.file == "actors.csv" and "well-formed CSV" in p.expected for p in problems), text
    assert "actors.csv" in text


def test_row_with_wrong_number_of_fields(data_copy):
    path = data_copy / "sticking_points.csv"
    n = line_of(path, "trade-imbalance")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("extra-point,Extra,tariffs\n")
    problems, text = problems_of(data_copy)
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert any(p.file == "sticking_points.csv" and p.line == last and "4 fields" in p.expected and "found 3" in p.expected
               for p in problems), text


def test_missing_column(data_copy):
    path = data_copy / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header[4] == "type"
    import csv, io
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for r in rows:
        w.writerow(r[:4] + r[5:])
    path.write_text(out.getvalue(), encoding="utf-8")
    problems, text = problems_of(data_copy)
    assert any(p.file == "events.csv" and p.line == 1 and p.column == "type" and "a column named 'type'" in p.expected
               for p in problems), text
    assert "events.csv, line 1, column 'type'" in text


def test_duplicate_id(data_copy):
    path = data_copy / "actors.csv"
    edit(path, "marco-rubio,Marco Rubio", "scott-bessent,Marco Rubio")
    n = line_of(path, "scott-bessent,Marco Rubio")
    first = line_of(path, "scott-bessent,Scott Bessent")
    problems, text = problems_of(data_copy)
    dup = [p for p in problems if p.file == "actors.csv" and p.column == "id"]
    assert len(dup) == 1, text
    assert dup[0].line == n and dup[0].value == "scott-bessent" and f"already used on line {first}" in dup[0].expected
    # the renamed row broke links elsewhere too: all reported in the same error
    assert any(p.file == "event_actors.csv" and p.value == "marco-rubio" for p in problems), text


def test_unknown_id_in_link_table(data_copy):
    path = data_copy / "event_actors.csv"
    edit(path, "2025-05-28-student-visas,marco-rubio", "2025-05-28-student-visas,nobody-at-all")
    n = line_of(path, "nobody-at-all")
    problems, text = problems_of(data_copy)
    assert any(p.file == "event_actors.csv" and p.line == n and p.column == "actor_id" and p.value == "nobody-at-all"
               and p.expected == "an existing id in actors.csv" for p in problems), text


def test_bad_date(data_copy):
    path = data_copy / "events.csv"
    edit(path, "2025-05-13-ascend-guidance,2025-05-13,", "2025-05-13-ascend-guidance,2025-05-32,")
    n = line_of(path, "2025-05-32")
    problems, text = problems_of(data_copy)
    assert any(p.file == "events.csv" and p.line == n and p.column == "start_date" and p.value == "2025-05-32"
               and "YYYY-MM-DD" in p.expected for p in problems), text
    assert f"events.csv, line {n}, column 'start_date': value '2025-05-32': expected a calendar date written YYYY-MM-DD" in text


def test_end_before_start(data_copy):
    path = data_copy / "events.csv"
    edit(path, "2025-05-10-geneva-talks,2025-05-10,2025-05-11,", "2025-05-10-geneva-talks,2025-05-10,2025-05-09,")
    n = line_of(path, "2025-05-10-geneva-talks")
    problems, text = problems_of(data_copy)
    assert any(p.line == n and p.column == "end_date" and p.value == "2025-05-09"
               and "on or after the start date 2025-05-10" in p.expected for p in problems), text


def test_date_outside_window(data_copy):
    path = data_copy / "events.csv"
    edit(path, "2025-01-20-inauguration,2025-01-20,", "2025-01-20-inauguration,2024-12-31,")
    problems, text = problems_of(data_copy)
    assert any(p.column == "start_date" and p.value == "2024-12-31" and "window 2025-01-20 to 2025-11-10" in p.expected
               for p in problems), text


def test_unknown_category_value(data_copy):
    path = data_copy / "events.csv"
    edit(path, ",day,talks_round,", ",day,tea_party,")
    problems, text = problems_of(data_copy)
    hit = [p for p in problems if p.column == "type" and p.value == "tea_party"]
    assert hit and hit[0].expected.startswith("one of milestone, tariff_action"), text


def test_unknown_status_value(data_copy):
    path = data_copy / "event_sticking_points.csv"
    edit(path, ",negotiated,", ",kinda-sorted,")
    problems, text = problems_of(data_copy)
    assert any(p.file == "event_sticking_points.csv" and p.column == "status" and p.value == "kinda-sorted" for p in problems), text


def test_status_on_unknown_sticking_point(data_copy):
    path = data_copy / "event_sticking_points.csv"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("2025-05-10-geneva-talks,currency-manipulation,raised,,\n")
    problems, text = problems_of(data_copy)
    assert any(p.column == "sticking_point_id" and p.value == "currency-manipulation"
               and p.expected == "an existing id in sticking_points.csv" for p in problems), text


def test_event_with_no_source(data_copy):
    path = data_copy / "event_sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [l for l in lines if not l.startswith("2025-06-11-bessent-testifies,")]
    assert len(kept) == len(lines) - 2  # both of its sources
    path.write_text("".join(kept), encoding="utf-8")
    n = line_of(data_copy / "events.csv", "2025-06-11-bessent-testifies")
    problems, text = problems_of(data_copy)
    assert any(p.file == "events.csv" and p.line == n and p.value == "2025-06-11-bessent-testifies"
               and "at least one existing source" in p.expected for p in problems), text


def test_duplicate_alias_across_actors(data_copy):
    path = data_copy / "actor_aliases.csv"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("mr bessent,howard-lutnick,variant,,\n")
    problems, text = problems_of(data_copy)
    hit = [p for p in problems if p.file == "actor_aliases.csv" and p.column == "alias"]
    assert any("one actor only" in p.expected and "scott-bessent" in p.expected for p in hit), text


def test_alias_equal_to_other_actors_name(data_copy):
    with open(data_copy / "actor_aliases.csv", "a", encoding="utf-8") as fh:
        fh.write("Howard Lutnick,scott-bessent,variant,,\n")
    problems, text = problems_of(data_copy)
    assert any("not the name of another actor (howard-lutnick)" in p.expected for p in problems), text


def test_tariff_steps_out_of_order(data_copy):
    path = data_copy / "tariff_steps.csv"
    edit(path, "us-fentanyl-20,2025-03-04,", "us-fentanyl-20,2025-02-03,")
    n = line_of(path, "us-fentanyl-20")
    problems, text = problems_of(data_copy)
    assert any(p.file == "tariff_steps.csv" and p.line == n and "in date order" in p.expected for p in problems), text


def test_suspended_needs_expiry(data_copy):
    path = data_copy / "event_sticking_points.csv"
    edit(path, "suspended,2025-08-12,", "suspended,,")
    problems, text = problems_of(data_copy)
    assert any(p.column == "expires" and "suspension ends" in p.expected for p in problems), text


def test_non_utf8_file(data_copy):
    path = data_copy / "actors.csv"
    raw = path.read_bytes().replace("Marco Rubio".encode(), "Marco Rubi\xf3".encode("latin-1"))
    path.write_bytes(raw)
    n = line_of_bytes(raw, b"Rubi\xf3")
    problems, text = problems_of(data_copy)
    assert any(p.file == "actors.csv" and p.line == n and "UTF-8" in p.expected for p in problems), text


def line_of_bytes(raw, needle):
    return raw[: raw.index(needle)].count(b"\n") + 1


def test_missing_data_folder(tmp_path):
    problems, text = problems_of(tmp_path / "no-such-folder")
    assert len(problems) == 1 and "an existing data folder" in problems[0].expected
    assert "no-such-folder" in text


def test_missing_table_file(data_copy):
    (data_copy / "statements.csv").unlink()
    problems, text = problems_of(data_copy)
    assert any(p.file == "statements.csv" and "to exist" in p.expected for p in problems), text


def test_all_problems_reported_at_once(data_copy):
    edit(data_copy / "events.csv", ",day,talks_round,", ",day,tea_party,")
    edit(data_copy / "tariff_steps.csv", "us-fentanyl-20,2025-03-04,", "us-fentanyl-20,2025-02-03,")
    edit(data_copy / "actors.csv", "marco-rubio,Marco Rubio,,united_states", "marco-rubio,Marco Rubio,,mars")
    problems, text = problems_of(data_copy)
    files = {p.file for p in problems}
    assert {"events.csv", "tariff_steps.csv", "actors.csv"} <= files, text


def test_html_and_script_load_as_plain_text(data_copy):
    hostile = '<script>alert("x")</script> <b>bold</b> [link](javascript:alert(1)) {{ glue }}'
    import csv, io
    path = data_copy / "events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][5] = hostile  # title of the first event
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    ds = load_dataset(data_copy)
    assert ds.events.loc[ds.events["id"] == rows[1][0], "title"].iloc[0] == hostile


def test_cli_validate_ok(capsys):
    assert cli_main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "is valid" in out and "events                   47" in out and "Window declared: 2025-01-20 to 2025-11-10" in out


def test_cli_validate_errors(data_copy, capsys):
    edit(data_copy / "events.csv", ",day,talks_round,", ",day,tea_party,")
    assert cli_main(["validate", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "tea_party" in err and "events.csv, line" in err


def test_cli_runs_as_installed_command(tmp_path):
    # from an unrelated working directory: the package is installed, not found by path
    result = subprocess.run([sys.executable, "-m", "tradetalks", "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout
