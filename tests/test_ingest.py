"""`tradetalks ingest`: exact dates, names and conflicts from the five seed articles and from trap articles
of our own (tests/fixtures/ingest/), and `--apply` on temporary copies of the data (never on data/)."""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from tradetalks.data import load_dataset
from tradetalks.ingest import main
from tradetalks.ingest.dates import find_dates
from tradetalks.ingest.names import ActorIndex
from tradetalks.paths import DEFAULT_DATA_DIR, REPO_ROOT

SEEDS = REPO_ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
#: Publication dates: seed-000 states its own; the others are undated (see data/sources.csv).
PUBLISHED = {"000": None, "001": "2025-06-05", "002": "2025-06-06", "003": "2025-10-27", "004": "2025-06-10"}


# ---------------------------------------------------------------------------- helpers

def seed_file(tmp_path: Path, n: str) -> Path:
    found = sorted(SEEDS.glob(f"{n}_*.txt"))
    if not found:
        pytest.fail(f"seed article {n} not found in {SEEDS} (the project keeps them in ../shared/seeds)")
    target = tmp_path / found[0].name
    shutil.copyfile(found[0], target)
    return target


def fixture_file(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def ingest(capsys, article: Path, *args: str) -> dict:
    """Run ingest and return the review it wrote (next to the article)."""
    status, out, err = run(capsys, article, *args)
    assert status == 0, err
    review = article.with_name(article.stem + ".review.yaml")
    assert str(review) in out
    return yaml.safe_load(review.read_text(encoding="utf-8"))


def ingest_seed(capsys, tmp_path: Path, n: str, *extra: str) -> dict:
    args = ["--source-id", f"seed-{n}"] + (["--published", PUBLISHED[n]] if PUBLISHED[n] else [])
    return ingest(capsys, seed_file(tmp_path, n), *args, *extra)


def dates(review: dict, phrase: str) -> list[dict]:
    return [d for d in review["dates"] if d["phrase"] == phrase]


def rows(review: dict, table: str) -> list[dict]:
    return [r for r in review["rows"] if r["table"] == table]


def data_copy(tmp_path: Path, name: str = "data") -> Path:
    target = tmp_path / name
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def rewrite_csv(path: Path, change) -> None:
    """Rewrite a data CSV through ``change(header, rows) -> rows`` in the files' own CSV style."""
    with path.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    header, body = records[0], change(records[0], records[1:])
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + body)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def corrected_data(tmp_path: Path) -> Path:
    """A copy of the data in which 'reached a preliminary consensus' is Li Chenggang's, from a source that says so,
    and no discrepancy records seed-003's attribution yet."""
    data = data_copy(tmp_path, "corrected")
    rewrite_csv(data / "discrepancies.csv",
                lambda h, body: [r for r in body if not (r[1] == "seed-003" and "preliminary consensus" in ",".join(r))])

    def fix(h, body):
        for r in body:
            if "preliminary consensus" in r[h.index("text")]:
                r[h.index("id")] = "st-li-preliminary-consensus"
                r[h.index("actor_id")] = r[h.index("source_attributes_to")] = "li-chenggang"
                r[h.index("source_id")] = "fixture-li-remarks"
        return body

    rewrite_csv(data / "statements.csv", fix)

    def add_source(h, body):
        row = dict.fromkeys(h, "")
        row.update(id="fixture-li-remarks", kind="official_statement", title="Li Chenggang's remarks after the Kuala Lumpur talks",
                   title_is_official="false", published="2025-10-26", verified_by="test fixture")
        return body + [[row[c] for c in h]]

    rewrite_csv(data / "sources.csv", add_source)
    load_dataset(data)  # still valid
    return data


def without_bessant_aliases(tmp_path: Path) -> Path:
    data = data_copy(tmp_path, "no-aliases")
    rewrite_csv(data / "actor_aliases.csv", lambda h, body: [r for r in body if "Bessant" not in r[0]])
    load_dataset(data)
    return data


# ---------------------------------------------------------------------------- date phrases

@pytest.mark.parametrize("sentence, published, phrase, expected", [
    ("They held a phone conversation on Thursday.", "2025-06-06", "Thursday", ("day", "2025-06-05", None)),
    ("They held a phone conversation on Thursday.", "2025-06-05", "Thursday", ("day", "2025-06-05", None)),
    ("He will testify before Congress tomorrow.", "2025-06-10", "tomorrow", ("day", "2025-06-11", None)),
    ("The deal was signed yesterday.", "2025-06-10", "yesterday", ("day", "2025-06-09", None)),
    ("They aim to finish by Tuesday night.", "2025-06-10", "Tuesday night", ("day", "2025-06-10", None)),
    ("The list was expanded last month.", "2025-10-27", "last month", ("within", "2025-09-01", "2025-09-30")),
    ("The sides met earlier this week.", "2025-06-05", "earlier this week", ("within", "2025-06-02", "2025-06-04")),
    ("They met last week.", "2025-06-05", "last week", ("within", "2025-05-26", "2025-06-01")),
    ("Speaking in an interview on May 29, he said so.", "2025-05-30", "May 29", ("day", "2025-05-29", None)),
    ("Speaking on 29 May, he said so.", "2025-05-30", "29 May", ("day", "2025-05-29", None)),
    ("He spoke on Monday.", "2025-06-05", "Monday", ("day", "2025-06-02", None)),
    ("A truce was agreed in early May.", "2025-06-05", "early May", ("within", "2025-05-01", "2025-05-10")),
    ("It was signed on December 20.", "2026-01-05", "December 20", ("day", "2025-12-20", None)),
    ("The file is dated 2025-05-30.", "2025-06-01", "2025-05-30", ("day", "2025-05-30", None)),
    ("He spoke last Friday.", "2025-06-05", "last Friday", ("day", "2025-05-30", None)),
    ("The president is expected to visit early next year.", "2025-10-27", "early next year",
     ("within", "2026-01-01", "2026-04-30")),
    ("The talks ended recently.", "2025-06-05", "recently", ("ambiguous", None, None)),
    ("They will meet soon.", "2025-06-05", "soon", ("ambiguous", None, None)),
    ("They will meet on Thursday.", "2025-06-02", "Thursday", ("ambiguous", None, None)),
    ("On Thursday, the leaders will meet.", "2025-06-02", "Thursday", ("ambiguous", None, None)),
    ("Trump said on Thursday that talks would resume.", "2025-06-06", "Thursday", ("day", "2025-06-05", None)),
    ("He told reporters on May 1 that tariffs would fall.", "2025-06-06", "May 1", ("day", "2025-05-01", None)),
    ("It happened on Friday, June 5, 2025.", "2025-06-06", "Friday, June 5, 2025", ("ambiguous", None, None)),
])
def test_date_phrases(sentence, published, phrase, expected):
    found = {d.phrase: d for d in find_dates(sentence, date.fromisoformat(published))}
    assert phrase in found, list(found)
    d = found[phrase]
    got = (d.precision, d.start_date.isoformat() if d.start_date else None, d.end_date.isoformat() if d.end_date else None)
    assert got == expected
    assert d.note.startswith(f"'{phrase}'")


def test_future_weekday_keeps_its_likeliest_day_as_a_candidate_only():
    d = find_dates("Bessent will meet them on Thursday.", date(2025, 6, 2))[0]
    assert d.precision == "ambiguous" and d.start_date is None
    assert d.candidates == (date(2025, 6, 5),)
    assert "speaks of the future" in d.note and "not resolved" in d.note


def test_may_the_verb_is_not_a_month():
    assert find_dates("The negotiations may not be finished, and talks could march on.", date(2025, 6, 10)) == []


def test_a_day_prior_counts_from_the_last_exact_date():
    d = find_dates("Just a day prior, Trump had posted.", date(2025, 6, 5), anchor=date(2025, 6, 5))[0]
    assert (d.phrase, d.start_date) == ("a day prior", date(2025, 6, 4))
    assert find_dates("Just a day prior, Trump had posted.", date(2025, 6, 5))[0].precision == "ambiguous"


# ---------------------------------------------------------------------------- names

def test_names_fuzzy_ambiguous_and_unknown(tmp_path):
    ds = load_dataset(without_bessant_aliases(tmp_path))
    index = ActorIndex(ds.actors, ds.actor_aliases)
    found = {m.text: m for m in index.find("Bessant said so, and Mr Li told Howard Lutnik and Vice Minister Zhang Weiming.")}
    assert (found["Bessant"].status, found["Bessant"].actor_id) == ("fuzzy", "scott-bessent")
    assert found["Bessant"].score >= 85
    assert found["Li"].status == "ambiguous" and sorted(found["Li"].candidates) == ["li-chenggang", "li-qiang"]
    assert (found["Howard Lutnik"].status, found["Howard Lutnik"].actor_id) == ("fuzzy", "howard-lutnick")
    assert found["Zhang Weiming"].status == "unknown" and found["Zhang Weiming"].actor_id is None


# ---------------------------------------------------------------------------- the seed articles

def test_seed_000_date_from_its_first_line_and_bessant(capsys, tmp_path):
    review = ingest_seed(capsys, tmp_path, "000")
    assert review["published"] == "2025-05-30" and review["published_from"].startswith("the text's first line")
    assert [(d["precision"], d["start"]) for d in dates(review, "May 29")] == [("day", "2025-05-29")]
    names = {n["text"]: n for n in review["names"]}
    assert names["Bessant"]["actor_id"] == names["Scott Bessant"]["actor_id"] == "scott-bessent"
    assert [e["event_id"] for e in review["recorded_events"]] == ["2025-05-29-bessent-says-talks-stalled"]


def test_seed_000_proposes_the_misspelling_as_an_alias(capsys, tmp_path):
    data = without_bessant_aliases(tmp_path)
    review = ingest_seed(capsys, tmp_path, "000", "--data", data)
    aliases = {r["fields"]["alias"]: r["fields"] for r in rows(review, "actor_aliases")}
    assert aliases["Bessant"] == {"alias": "Bessant", "actor_id": "scott-bessent", "kind": "misspelling",
                                  "source_id": "seed-000", "note": aliases["Bessant"]["note"]}
    assert aliases["Scott Bessant"]["actor_id"] == "scott-bessent" and aliases["Scott Bessant"]["kind"] == "misspelling"
    assert all(r["decision"] == "pending" for r in review["rows"])


@pytest.mark.parametrize("published", ["2025-06-05", "2025-06-06"])
def test_seed_001_thursday(capsys, tmp_path, published):
    review = ingest(capsys, seed_file(tmp_path, "001"), "--published", published, "--source-id", "seed-001")
    thursday = dates(review, "Thursday")
    assert [(d["precision"], d["start"]) for d in thursday] == [("day", "2025-06-05")]
    assert "the most recent Thursday on or before publication = Thu 5 Jun 2025" in thursday[0]["reasoning"]
    assert [d["start"] for d in dates(review, "a day prior")] == ["2025-06-04"]
    assert [d["start"] for d in dates(review, "May 30")] == ["2025-05-30"]
    assert [d["precision"] for d in dates(review, "shortly")] == ["ambiguous"]
    recorded = [e["event_id"] for e in review["recorded_events"]]
    assert recorded[:2] == ["2025-06-05-trump-xi-call", "2025-06-04-trump-xi-tough"]
    assert review["summary"]["conflicts"] == 0


def test_seed_004_tomorrow_and_tuesday_night(capsys, tmp_path):
    review = ingest_seed(capsys, tmp_path, "004")
    assert [(d["precision"], d["start"]) for d in dates(review, "tomorrow")] == [("day", "2025-06-11")]
    assert [(d["precision"], d["start"]) for d in dates(review, "Tuesday night")] == [("day", "2025-06-10")]
    assert "publication + 1 day = Wed 11 Jun 2025" in dates(review, "tomorrow")[0]["reasoning"]
    assert {e["event_id"] for e in review["recorded_events"]} == {"2025-06-09-london-talks", "2025-06-11-bessent-testifies"}
    assert [s["statement_id"] for s in review["recorded_statements"]] == ["st-bessent-productive"]


def test_seed_003_thursday_last_month_and_next_year(capsys, tmp_path):
    review = ingest_seed(capsys, tmp_path, "003")
    thursdays = dates(review, "Thursday")
    assert [(d["precision"], d["start"]) for d in thursdays] == [("day", "2025-10-30"), ("day", "2025-10-30")]
    assert all(d["future_tense"] for d in thursdays)
    assert "2025-10-30-busan-summit" in thursdays[0]["reasoning"] and "(confirm)" in thursdays[0]["reasoning"]
    assert [(d["precision"], d["start"], d["end"]) for d in dates(review, "last month")] == [("within", "2025-09-01", "2025-09-30")]
    assert [(d["start"], d["end"]) for d in dates(review, "early next year")] == [("2026-01-01", "2026-04-30")]
    assert "2025-10-30-busan-summit" in [e["event_id"] for e in review["recorded_events"]]


def test_seed_003_preliminary_consensus_against_the_record(capsys, tmp_path):
    """The article gives the words to He Lifeng ('Mr He'); whoever data/statements.csv names, a conflict is
    flagged exactly when that is someone else."""
    with (DEFAULT_DATA_DIR / "statements.csv").open(encoding="utf-8", newline="") as f:
        recorded = [r for r in csv.DictReader(f) if "preliminary consensus" in r["text"]]
    assert len(recorded) == 1
    review = ingest_seed(capsys, tmp_path, "003")
    conflicts = [r["conflict"] for r in rows(review, "statements") if r.get("conflict")]
    if recorded[0]["actor_id"] == "he-lifeng":
        assert conflicts == []
        hit = [s for s in review["recorded_statements"] if s["statement_id"] == recorded[0]["id"]]
        assert hit and hit[0]["article_speaker"] == "he-lifeng"
    else:
        assert [(c["recorded_id"], c["recorded_actor"], c["recorded_source"]) for c in conflicts] == [
            (recorded[0]["id"], recorded[0]["actor_id"], recorded[0]["source_id"])]
        with (DEFAULT_DATA_DIR / "discrepancies.csv").open(encoding="utf-8", newline="") as f:
            known = [r["id"] for r in csv.DictReader(f)
                     if r["source_id"] == "seed-003" and "preliminary consensus" in " ".join(r.values())]
        if known:  # the record has the discrepancy already: it is named, not proposed again
            assert conflicts[0]["recorded_discrepancy"] == known[0] and rows(review, "discrepancies") == []
        else:
            assert len(rows(review, "discrepancies")) == 1


def test_seed_003_misattributed_quote_is_a_conflict(capsys, tmp_path):
    review = ingest_seed(capsys, tmp_path, "003", "--data", corrected_data(tmp_path))
    flagged = [r for r in rows(review, "statements") if r.get("conflict")]
    assert len(flagged) == 1
    row, c = flagged[0], flagged[0]["conflict"]
    assert (c["kind"], c["recorded_id"], c["recorded_actor"], c["recorded_source"]) == (
        "speaker", "st-li-preliminary-consensus", "li-chenggang", "fixture-li-remarks")
    assert c["message"] == ("the article gives the words 'reached a preliminary consensus' to He Lifeng; the record's "
                            "st-li-preliminary-consensus gives them to Li Chenggang (source fixture-li-remarks)")
    assert row["fields"]["actor_id"] == row["fields"]["source_attributes_to"] == "he-lifeng"
    assert row["fields"]["text"].endswith("reached a preliminary consensus")
    assert (row["fields"]["date"], row["fields"]["date_latest"]) == ("2025-10-25", "2025-10-26")
    discrepancy = rows(review, "discrepancies")[0]["fields"]
    assert discrepancy["source_id"] == "seed-003"
    assert discrepancy["source_says"] == "Attributes 'reached a preliminary consensus' to He Lifeng."
    assert discrepancy["record_says"] == ("The record attributes it to Li Chenggang (statement st-li-preliminary-consensus, "
                                          "source fixture-li-remarks, which names Li Chenggang).")
    assert review["summary"]["conflicts"] == 1


def test_seed_002_without_a_date_stops_and_asks(capsys, tmp_path):
    article = seed_file(tmp_path, "002")
    status, out, err = run(capsys, article)
    assert status == 2 and out == ""
    assert "states no publication date: give it with --published YYYY-MM-DD" in err and err.count("\n") == 1
    assert not article.with_name(article.stem + ".review.yaml").exists()


def test_every_seed_reads_without_conflict_against_the_record(capsys, tmp_path):
    for n in PUBLISHED:
        review = ingest_seed(capsys, tmp_path, n)
        assert review["source"]["already_recorded"] is True
        kinds = [r["conflict"]["kind"] for r in review["rows"] if r.get("conflict")]
        assert kinds == [] or set(kinds) == {"speaker"} and n == "003", (n, kinds)


# ---------------------------------------------------------------------------- trap articles of our own

def test_html_scripts_handlers_and_hidden_text_are_ignored(capsys, tmp_path):
    article = fixture_file(tmp_path, "trap_page.html")
    review = ingest(capsys, article)
    text = article.with_name("trap_page.review.yaml").read_text(encoding="utf-8")
    for code in ("Zhao Script", "Style Person", "Hidden Text", "Noscript", "evil.example", "document.cookie", "alert(",
                 "onerror", "Home | World"):
        assert code not in text
    assert review["published"] == "2025-06-12" and review["published_from"] == "the page's publication-date metadata"
    assert review["source"]["fields"]["title"] == "London talks end with a framework"
    assert [(d["precision"], d["start"]) for d in dates(review, "Tuesday")] == [("day", "2025-06-10")]
    assert [e["event_id"] for e in review["recorded_events"]] == ["2025-06-09-london-talks"]
    aliases = {r["fields"]["alias"]: r["fields"]["actor_id"] for r in rows(review, "actor_aliases")}
    assert aliases == {"Howard Lutnik": "howard-lutnick", "Lutnik": "howard-lutnick"}


def test_article_without_a_date_stops(capsys, tmp_path):
    status, out, err = run(capsys, fixture_file(tmp_path, "no_date.txt"))
    assert status == 2 and "give it with --published" in err and "Traceback" not in err


def test_future_weekday_and_a_name_close_to_two_actors(capsys, tmp_path):
    review = ingest(capsys, fixture_file(tmp_path, "future_weekday.txt"))
    assert review["published"] == "2025-06-02"
    thursday = dates(review, "Thursday")[0]
    assert (thursday["precision"], thursday["start"], thursday["future_tense"]) == ("ambiguous", None, True)
    assert [d["start"] for d in dates(review, "yesterday")] == ["2025-06-01"]
    assert [(d["start"], d["end"]) for d in dates(review, "last week")] == [("2025-05-26", "2025-06-01")]
    assert [d["precision"] for d in dates(review, "soon")] == ["ambiguous"]
    li = [n for n in review["names"] if n["text"] == "Li"]
    assert li[0]["status"] == "ambiguous" and li[0]["actor_id"] is None
    assert sorted(li[0]["candidates"]) == ["li-chenggang", "li-qiang"]
    assert not any((r["fields"].get("actor_id") or "").startswith("li-") for r in review["rows"])


def test_wrong_official_wrong_date_and_wrong_rate(capsys, tmp_path):
    review = ingest(capsys, fixture_file(tmp_path, "wrong_official.txt"))
    conflicts = {r["conflict"]["kind"]: r["conflict"] for r in review["rows"] if r.get("conflict")}
    assert set(conflicts) == {"date", "speaker", "rate"}
    assert conflicts["date"]["recorded_id"] == "2025-06-05-trump-xi-call"
    assert {"seed-001", "xinhua-2025-06-05"} <= set(conflicts["date"]["recorded_sources"])
    assert (conflicts["speaker"]["recorded_id"], conflicts["speaker"]["recorded_actor"]) == ("st-trump-tough", "donald-trump")
    assert "25%" in conflicts["rate"]["message"] and "us-fentanyl-20" in conflicts["rate"]["message"]
    speaker_row = [r for r in rows(review, "statements") if r.get("conflict")][0]
    assert speaker_row["fields"]["actor_id"] == "howard-lutnick" and speaker_row["fields"]["date"] == "2025-06-03"
    assert len(rows(review, "discrepancies")) == 3
    assert [r["fields"]["id"] for r in rows(review, "actors")] == ["zhang-weiming"]
    assert rows(review, "actors")[0]["confidence"] == "low" and rows(review, "actors")[0]["fields"]["side"] == "china"
    unguessed = [s for s in review["recorded_statements"] if s["text"] == "reached a preliminary consensus"]
    assert len(unguessed) == 1 and unguessed[0]["article_speaker"] is None  # 'Mr Li': Li Qiang or Li Chenggang


def test_review_is_the_same_whatever_the_hash_seed(tmp_path):
    article = fixture_file(tmp_path, "wrong_official.txt")
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"review-{seed}.yaml"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-m", "tradetalks.ingest", str(article), "--out", str(out)],
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


# ---------------------------------------------------------------------------- --apply

def reviewed(capsys, tmp_path: Path, data: Path, decide) -> Path:
    """Ingest wrong_official.txt against ``data`` and mark decisions with ``decide(row) -> decision``."""
    article = fixture_file(tmp_path, "wrong_official.txt")
    ingest(capsys, article, "--data", data)
    path = article.with_name("wrong_official.review.yaml")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for row in doc["rows"]:
        row["decision"] = decide(row)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def ids(data: Path, table: str) -> list[str]:
    with (data / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return [next(iter(r.values())) for r in csv.DictReader(f)]


def accept_call_and_discrepancies(row) -> str:
    if row["table"] == "discrepancies" or row["fields"].get("event_id", row["fields"].get("id")) == "2025-06-04-trump-xi-leaders-call":
        return "accept"
    return "reject" if row["table"] == "actors" else "pending"


def test_apply_adds_accepted_rows_only_and_only_once(capsys, tmp_path):
    data = data_copy(tmp_path)
    review = reviewed(capsys, tmp_path, data, accept_call_and_discrepancies)
    before = snapshot(data)
    status, out, err = run(capsys, "--apply", review, "--data", data)
    assert status == 0, err
    assert "Added 8 rows" in out and "sources 1, events 1, event_sources 1, event_actors 2, discrepancies 3." in out
    assert "news-2025-06-09-trump-and-xi-talk" in ids(data, "sources")
    assert "2025-06-04-trump-xi-leaders-call" in ids(data, "events")
    assert "zhang-weiming" not in ids(data, "actors")  # rejected
    assert not any(i.startswith("st-zhang") for i in ids(data, "statements"))  # pending
    assert len(ids(data, "discrepancies")) == len(ids(DEFAULT_DATA_DIR, "discrepancies")) + 3
    changed = {k for k in before if before[k] != snapshot(data)[k]}
    assert changed == {"sources.csv", "events.csv", "discrepancies.csv", "event_sources.csv", "event_actors.csv"}
    original = (DEFAULT_DATA_DIR / "events.csv").read_bytes()
    assert (data / "events.csv").read_bytes().startswith(original)  # appended, nothing else touched
    load_dataset(data)
    after = snapshot(data)
    status, out, err = run(capsys, "--apply", review, "--data", data)
    assert status == 0 and "Nothing added" in out and out.count("already present") == 8
    assert snapshot(data) == after


def test_apply_refuses_an_invalid_row_and_leaves_every_file_as_it_was(capsys, tmp_path):
    data = data_copy(tmp_path)
    review = reviewed(capsys, tmp_path, data, accept_call_and_discrepancies)
    doc = yaml.safe_load(review.read_text(encoding="utf-8"))
    for row in doc["rows"]:
        if row["table"] == "events":
            row["fields"]["start_date"] = "2025-02-30"
    review.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    before = snapshot(data)
    status, out, err = run(capsys, "--apply", review, "--data", data)
    assert status == 1 and "nothing was written" in err and "events.csv" in err and "start_date" in err
    assert snapshot(data) == before
    assert not list(data.glob(".*ingest-tmp"))


def test_apply_refuses_a_link_without_its_event(capsys, tmp_path):
    data = data_copy(tmp_path)
    review = reviewed(capsys, tmp_path, data, lambda r: "accept" if r["table"] == "event_actors" else "reject")
    before = snapshot(data)
    status, out, err = run(capsys, "--apply", review, "--data", data)
    assert status == 1 and "event_actors.csv" in err
    assert snapshot(data) == before


@pytest.mark.parametrize("text, message", [
    ("rows: []\n", "not a review file written by tradetalks ingest"),
    ("ingest_review: 1\ntool: tradetalks ingest\nrows: [\n", "not valid YAML"),
    ("ingest_review: 1\ntool: tradetalks ingest\nsource: {fields: {id: x}}\n"
     "rows: [{table: secrets, decision: accept, fields: {}}]\n", "unknown table 'secrets'"),
    ("ingest_review: 1\ntool: tradetalks ingest\nsource: {fields: {id: x}}\n"
     "rows: [{table: events, decision: accept, path: ../../etc/passwd, fields: {}}]\n", "names a file"),
    ("ingest_review: 1\ntool: tradetalks ingest\nsource: {fields: {id: x}}\n"
     "rows: [{table: events, decision: maybe, fields: {}}]\n", "decision must be one of"),
    ("ingest_review: 1\ntool: tradetalks ingest\nsource: {fields: {id: x}}\n"
     "rows: [{table: events, decision: accept, fields: {start_date: 2025-02-30}}]\n", "YAML cannot read"),
])
def test_apply_refuses_bad_review_files(capsys, tmp_path, text, message):
    data = data_copy(tmp_path)
    before = snapshot(data)
    review = tmp_path / "review.yaml"
    review.write_text(text, encoding="utf-8")
    status, out, err = run(capsys, "--apply", review, "--data", data)
    assert status == 2 and message in err and err.count("\n") == 1
    assert snapshot(data) == before


# ---------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("make, args, message", [
    (None, ["missing.txt"], "article not found"),
    ("folder", ["folder"], "is a folder"),
    ("latin1.txt", ["latin1.txt"], "is not UTF-8 text"),
    ("ok.txt", ["ok.txt", "--published", "2025-13-01"], "bad --published date '2025-13-01'"),
    ("ok.txt", ["ok.txt", "--published", "yesterday"], "bad --published date"),
    ("ok.txt", ["ok.txt", "--source-id", "Bad Id"], "bad --source-id"),
    ("ok.txt", ["ok.txt", "--apply", "r.yaml"], "not both"),
    ("ok.txt", [], "give an ARTICLE"),
    ("ok.txt", ["ok.txt", "--bogus"], "unrecognized arguments"),
    ("ok.txt", ["ok.txt", "--out", str(DEFAULT_DATA_DIR / "review.yaml")], "inside the data folder"),
])
def test_bad_input_is_one_line_and_non_zero(capsys, tmp_path, monkeypatch, make, args, message):
    monkeypatch.chdir(tmp_path)
    if make == "folder":
        (tmp_path / "folder").mkdir()
    elif make == "latin1.txt":
        (tmp_path / make).write_bytes("date 2025-06-05 Caf\xe9 talks in Gen\xe8ve.".encode("latin-1"))
    elif make:
        (tmp_path / make).write_text("date 2025-06-05 Talks resumed on Thursday.\n", encoding="utf-8")
    status, out, err = run(capsys, *args)
    assert status == 2 and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (DEFAULT_DATA_DIR / "review.yaml").exists()


def test_a_read_only_article_folder_gets_no_review_file(capsys, tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    article = seed_file(folder, "001")
    folder.chmod(0o555)
    try:
        status, out, err = run(capsys, article, "--published", "2025-06-05")
        assert status == 2 and "is read-only; give --out" in err
        assert sorted(p.name for p in folder.iterdir()) == [article.name]
        status, out, err = run(capsys, article, "--published", "2025-06-05", "--out", tmp_path / "r.yaml")
        assert status == 0 and (tmp_path / "r.yaml").is_file()
    finally:
        folder.chmod(0o755)


def test_command_line_errors_have_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tradetalks.ingest", str(tmp_path / "nothing.html")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.startswith("tradetalks ingest: error: article not found")
    assert "Traceback" not in result.stderr
