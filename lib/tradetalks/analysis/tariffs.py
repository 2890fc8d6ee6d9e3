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
