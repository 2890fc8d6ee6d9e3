"""The tariffs each side applied to the other's goods: layers, the headline across-the-board rate on a
day, its series and summary over a window."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import Dataset, as_date
from .windows import QueryError, window


@dataclass(frozen=True)
class TariffLevel:
    side: str
    date: pd.Timestamp
    rate_pct: float
    measures: dict


def tariff_in_force(ds: Dataset, imposing_side: str, on) -> float:
    """Headline additional tariff (%) that ``imposing_side`` applied to the other's goods on a day."""
    return tariff_detail(ds, imposing_side, on).rate_pct


def tariff_detail(ds: Dataset, imposing_side: str, on) -> TariffLevel:
    if imposing_side not in ("united_states", "china"):
        raise QueryError(f"imposing_side must be 'united_states' or 'china', not {imposing_side!r}")
    day = as_date(on)
    steps = ds.tariff_steps[(ds.tariff_steps["imposing_side"] == imposing_side)
                            & ds.tariff_steps["counts_in_headline"] & (ds.tariff_steps["in_force"] <= day)]
    latest = steps.sort_values("in_force", kind="stable").groupby("measure").tail(1)
    measures = dict(zip(latest["measure"], latest["rate_pct"]))
    return TariffLevel(imposing_side, day, float(sum(measures.values())), measures)


def tariff_series(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """The headline rate per side at the window's start, at every change inside it, and at its end (for a step chart)."""
    s, e = window(ds, start, end)
    rows = []
    for side in ("united_states", "china"):
        steps = ds.tariff_steps[(ds.tariff_steps["imposing_side"] == side) & ds.tariff_steps["counts_in_headline"]]
        days = sorted({s, e, *[d for d in steps["in_force"] if s < d <= e]})
        for d in days:
            level = tariff_detail(ds, side, d)
            rows.append({"imposing_side": side, "date": d, "rate_pct": level.rate_pct})
    out = pd.DataFrame(rows)
    out["side_label"] = out["imposing_side"].map({"united_states": "US tariff on Chinese goods",
                                                  "china": "Chinese tariff on US goods"})
    return out


def tariff_summary(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """Per side: the headline rate at the window's start, its peak (and first day at the peak), and at its end."""
    series = tariff_series(ds, start, end)
    rows = []
    for side, g in series.groupby("imposing_side", sort=False):
        peak = g.loc[g["rate_pct"].idxmax()]
        rows.append({"imposing_side": side, "side_label": g["side_label"].iloc[0],
                     "start": g["rate_pct"].iloc[0], "peak": peak["rate_pct"], "peak_date": peak["date"],
                     "end": g["rate_pct"].iloc[-1]})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- layers

SIDES = ("united_states", "china")
SIDE_TARIFF_LABELS = {"united_states": "US tariff on Chinese goods", "china": "Chinese tariff on US goods"}


def layer_intervals(ds: Dataset, side: str, start=None, end=None) -> pd.DataFrame:
    """Every layer ``side`` laid on the other's goods, as the intervals over which each rate held inside
    the window: ``measure``, ``legal_basis``, ``scope``, ``counts_in_headline``, ``rate_pct``, ``start``
    (first day) and ``stop`` (the day after the last: the next step's day, or the day after the window),
    with the step's ``id``, ``event_id`` and ``source_id``. Rates of 0 (a layer that ended) hold no interval."""
    if side not in SIDES:
        raise QueryError(f"side must be 'united_states' or 'china', not {side!r}")
    s, e = window(ds, start, end)
    stop = e + pd.Timedelta(days=1)
    steps = ds.tariff_steps[ds.tariff_steps["imposing_side"] == side].sort_values(["in_force", "id"], kind="stable")
    rows = []
    for measure, g in steps.groupby("measure", sort=False):
        g = g.reset_index(drop=True)
        for i, r in g.iterrows():
            begin = r["in_force"]
            until = g["in_force"].iloc[i + 1] if i + 1 < len(g) else stop
            begin, until = max(begin, s), min(until, stop)
            if r["rate_pct"] <= 0 or until <= begin:
                continue
            rows.append({"measure": measure, "legal_basis": str(r["legal_basis"]), "scope": str(r["scope"]),
                         "counts_in_headline": bool(r["counts_in_headline"]), "rate_pct": float(r["rate_pct"]),
                         "start": begin, "stop": until, "id": r["id"], "event_id": r["event_id"],
                         "source_id": r["source_id"]})
    cols = ["measure", "legal_basis", "scope", "counts_in_headline", "rate_pct", "start", "stop", "id", "event_id", "source_id"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["start", "measure"], kind="stable").reset_index(drop=True)


def change_days(ds: Dataset, side: str, start=None, end=None, headline_only: bool = False) -> list[pd.Timestamp]:
    """The window's start and every day inside it when a layer of ``side`` changed rate."""
    s, e = window(ds, start, end)
    steps = ds.tariff_steps[ds.tariff_steps["imposing_side"] == side]
    if headline_only:
        steps = steps[steps["counts_in_headline"]]
    return sorted({s, *[d for d in steps["in_force"] if s < d <= e]})


def first_headline_step(ds: Dataset) -> pd.Timestamp | None:
    """The first day either side's headline rate was above zero (None when it never was)."""
    steps = ds.tariff_steps[ds.tariff_steps["counts_in_headline"] & (ds.tariff_steps["rate_pct"] > 0)]
    return steps["in_force"].min() if len(steps) else None


def published_averages(ds: Dataset, start=None, end=None, measure: str = "trade_weighted") -> pd.DataFrame:
    """The published average rates of one kind (``average_rates.csv``) inside the window, with the source's
    publisher and publication day (``published``, and ``published_latest`` for an undated version)."""
    s, e = window(ds, start, end)
    a = ds.average_rates[(ds.average_rates["measure"].astype(str) == measure)
                         & (ds.average_rates["date"] >= s) & (ds.average_rates["date"] <= e)]
    src = ds.sources[["id", "publisher", "published", "published_latest", "title"]].rename(
        columns={"id": "source_id", "title": "source_title"})
    out = a.merge(src, on="source_id", how="left")
    return out.sort_values(["date", "imposing_side", "id"], kind="stable").reset_index(drop=True)


#: Sticking points whose category is tariffs: the events linked to them are tariff events.
def _tariff_points(ds: Dataset) -> set:
    return set(ds.sticking_points.loc[ds.sticking_points["category"].astype(str) == "tariffs", "id"])


#: Why an event is a key event, most telling first: what is kept when there are more than a chart can number.
KEY_REASONS = ("cut", "imposed", "suspended", "threat")


def key_tariff_events(ds: Dataset, start=None, end=None, limit: int = 12) -> pd.DataFrame:
    """The events that moved the headline tariffs, picked from the record (nothing is named here):

    * the decision that first imposed each headline layer (e.g. the 2 April 2025 reciprocal tariffs,
      the Section 122 surcharge); later rises of a layer are read from the chart's values;
    * for each cut of a headline layer, what produced it: the negotiation round whose recorded outcome
      (``round_outcomes``) is the cutting decision (the latest such round: Geneva, Busan), else a court
      ruling on tariffs in the week before (the February 2026 ruling), else the decision itself;
    * threats to tariffs (events of type ``threat`` linked to a tariff sticking point), and agreements
      that suspended tariffs (an ``agreement`` giving a tariff point the status ``suspended``: the August
      2025 extension).

    At most ``limit`` events, the most telling kinds first (:data:`KEY_REASONS`), then the earliest.
    Columns ``event_id``, ``day`` (the event's first day), ``title``, ``type``, ``why``; in date order."""
    s, e = window(ds, start, end)
    events = ds.events.set_index("id")
    points = _tariff_points(ds)
    links = ds.event_sticking_points[ds.event_sticking_points["sticking_point_id"].isin(points)]
    picked: dict[str, str] = {}

    def add(event_id: str, why: str) -> None:
        if event_id in events.index and event_id not in picked:
            picked[event_id] = why

    rounds_of = ds.round_outcomes.merge(events[["start_date", "type"]], left_on="round_id", right_index=True)
    rulings = events[(events["type"].astype(str) == "court_ruling") & events.index.isin(links["event_id"])]
    steps = ds.tariff_steps[ds.tariff_steps["counts_in_headline"]].sort_values(["in_force", "id"], kind="stable")
    for _measure, g in steps.groupby(["imposing_side", "measure"], sort=False, observed=True):
        previous = 0.0
        for _, r in g.iterrows():
            rate = float(r["rate_pct"])
            if s <= r["in_force"] <= e:
                if previous == 0 and rate > 0:
                    add(r["event_id"], "imposed")
                elif rate < previous:
                    by = rounds_of[rounds_of["event_id"] == r["event_id"]].sort_values("start_date")
                    week = rulings[(rulings["start_date"] <= r["in_force"])
                                   & (rulings["start_date"] >= r["in_force"] - pd.Timedelta(days=7))]
                    if len(by):
                        add(by["round_id"].iloc[-1], "cut")
                    elif len(week):
                        add(week.index[-1], "cut")
                    else:
                        add(r["event_id"], "cut")
            previous = rate
    linked = links.merge(events[["type"]], left_on="event_id", right_index=True)
    for _, r in linked[linked["type"].astype(str) == "threat"].iterrows():
        add(r["event_id"], "threat")
    suspending = linked[(linked["type"].astype(str) == "agreement") & (linked["status"].astype(str) == "suspended")]
    for _, r in suspending.iterrows():
        add(r["event_id"], "suspended")
    rows = [{"event_id": i, "day": events.loc[i, "start_date"], "title": events.loc[i, "title"],
             "type": str(events.loc[i, "type"]), "why": why} for i, why in picked.items()]
    out = pd.DataFrame(rows, columns=["event_id", "day", "title", "type", "why"])
    out = out[(out["day"] >= s) & (out["day"] <= e)]
    out = out.assign(rank=out["why"].map({w: i for i, w in enumerate(KEY_REASONS)}))
    out = out.sort_values(["rank", "day", "event_id"], kind="stable").head(limit).drop(columns="rank")
    return out.sort_values(["day", "event_id"], kind="stable").reset_index(drop=True)
