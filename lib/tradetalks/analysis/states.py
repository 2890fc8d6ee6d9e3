"""Where each sticking point stands on a day, in words that claim no more than the record shows.

The record's link rows (``event_sticking_points``) give the status an event gave a point. A status holds
from the event's last day until the next status of the same point; events with status ``scheduled`` (a
deadline or a planned meeting whose outcome is not recorded) never set a status: they are dates to
watch. The state of a point on a day is read from its last recorded event up to that day:

==========================  =====================================================================
last status                 what a reader is told
==========================  =====================================================================
agreed                      Agreed and in force
partly_implemented          Partly implemented (remains: what the row says stays in force)
pledged                     Pledged, not yet verifiable
suspended, still running    Suspended until D (meanwhile: what stays in force)
suspended, expiry passed    Suspension expired on D — outcome not yet recorded (never "extended"
                            or "lapsed" by assumption: only a later event can say what happened)
escalated                   Escalated
raised, negotiated,         Open
unresolved, eased
closed                      Closed
==========================  =====================================================================

"Since" is the date of the point's last event, never the end of the window a page looks at. The day a
page reads the state on is the data's as-of date (the day the record was last checked), or the end of
the page's window if that is earlier.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..data import Dataset, as_date

#: The state kinds, in the order pages list them (most settled first).
STATE_ORDER = ("agreed", "closed", "partly_implemented", "pledged", "suspended", "suspension_expired",
               "escalated", "open", "not_raised")

#: Short names of the state kinds (for grouping, counts and chart legends).
STATE_LABELS = {
    "agreed": "Agreed and in force",
    "closed": "Closed",
    "partly_implemented": "Partly implemented",
    "pledged": "Pledged, not yet verifiable",
    "suspended": "Suspended",
    "suspension_expired": "Suspension expired, outcome not yet recorded",
    "escalated": "Escalated",
    "open": "Open",
    "not_raised": "Not yet raised",
}

#: The state kind each recorded status leads to.
KIND_OF_STATUS = {
    "agreed": "agreed", "closed": "closed", "partly_implemented": "partly_implemented", "pledged": "pledged",
    "suspended": "suspended", "escalated": "escalated",
    "raised": "open", "negotiated": "open", "unresolved": "open", "eased": "open",
}

#: How an event's own status reads in a history table (what that event did to the point).
EVENT_STATUS_LABELS = {
    "raised": "Raised", "escalated": "Escalated", "negotiated": "Negotiated", "agreed": "Agreed",
    "partly_implemented": "Partly implemented", "pledged": "Pledged, not yet verifiable",
    "suspended": "Suspended", "eased": "Eased", "unresolved": "Unresolved", "closed": "Closed",
}

#: When one point has several statuses on the same day, the more concrete one is read as the later:
#: a measure (suspension, agreement, closure) outweighs talk about it (a hearing, a pledge, a statement).
_PRECEDENCE = {s: i for i, s in enumerate(("raised", "unresolved", "negotiated", "pledged", "eased", "escalated",
                                           "partly_implemented", "suspended", "agreed", "closed"))}


def day(d) -> str:
    """'14 May 2025'; empty for a missing date."""
    return "" if d is None or pd.isna(d) else f"{d.day} {d:%B %Y}"


def days(dates) -> str:
    """Several days in words: '10 November 2026', '10 and 27 November 2026', '12 August and 10 November 2025'."""
    ds_ = sorted(dict.fromkeys(pd.Timestamp(d) for d in dates if not pd.isna(d)))
    if not ds_:
        return ""
    if len(ds_) == 1:
        return day(ds_[0])
    same_month = len({(d.year, d.month) for d in ds_}) == 1
    same_year = len({d.year for d in ds_}) == 1
    if same_month:
        parts = [str(d.day) for d in ds_]
    elif same_year:
        parts = [f"{d.day} {d:%B}" for d in ds_]
    else:
        parts = [day(d) for d in ds_]
    head = ", ".join(parts[:-1]) + " and " + parts[-1]
    last = ds_[-1]
    return head + (f" {last:%B %Y}" if same_month else f" {last:%Y}" if same_year else "")


def _sentence_part(text) -> str:
    """Data text used inside a bracket of ours: without its closing full stop."""
    t = " ".join(str(text or "").split())
    return t[:-1] if t.endswith(".") else t


def as_of(ds: Dataset, end=None) -> pd.Timestamp:
    """The day a page states things on: the data's as-of date, or ``end`` (the page's window end) if earlier."""
    known = pd.Timestamp(ds.schema.as_of) if getattr(ds.schema, "as_of", None) else None
    if end in (None, ""):
        return known if known is not None else ds.window[1]
    end = as_date(end)
    return min(end, known) if known is not None else end


# ---------------------------------------------------------------------------- history

def history(ds: Dataset) -> pd.DataFrame:
    """Every recorded status of every point, in the order they took effect, scheduled events left out.
    Columns: the link row's, the event's ``start_date``, ``end_date``, ``type``, ``title``, ``date`` (the
    day the status took effect: the event's last day) and the point's ``name``."""
    ev = ds.events[ds.events["status"].astype(str) != "scheduled"]
    h = ds.event_sticking_points.merge(ev[["id", "start_date", "end_date", "type", "title"]],
                                       left_on="event_id", right_on="id").drop(columns="id")
    h["date"] = h["end_date"].fillna(h["start_date"])
    h["rank"] = h["status"].astype(str).map(_PRECEDENCE).fillna(-1)
    h = h.merge(ds.sticking_points[["id", "name"]], left_on="sticking_point_id", right_on="id").drop(columns="id")
    return h.sort_values(["date", "rank", "start_date", "event_id"], kind="stable").drop(columns="rank").reset_index(drop=True)


def event_status_label(status, expires=None, remains=None) -> str:
    """What one event did to a point, in words: 'Suspended until 12 August 2025 (meanwhile: …)'."""
    status = str(status)
    label = EVENT_STATUS_LABELS.get(status, status.replace("_", " ").capitalize())
    if status == "suspended" and not pd.isna(expires):
        label += f" until {day(expires)}"
    if status in ("suspended", "partly_implemented") and remains and not pd.isna(remains):
        label += f" ({'meanwhile' if status == 'suspended' else 'remains'}: {_sentence_part(remains)})"
    return label


# ---------------------------------------------------------------------------- suspensions

def suspensions(ds: Dataset, on=None, hist: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every suspension recorded up to ``on`` (default: the as-of date), one row per suspending event and
    point, with its ``state`` on that day:

    - ``running``: its expiry is after the day;
    - ``expired``: its expiry is on or before the day and no later event of the point is recorded from
      its expiry on: the outcome is not recorded (nothing is assumed);
    - ``followed``: its expiry passed and a later event of the point is recorded (read that event);
    - ``extended``: a later suspension of the same point, decided in the second half of this one's term
      and running past it, took its place (e.g. the Geneva truce extended in August 2025). A later
      suspension decided earlier in the term is read as a separate measure (e.g. China's two rare-earth
      suspensions of November 2025), so each keeps its own expiry.
    """
    day_ = as_of(ds) if on in (None, "") else as_date(on)
    h = history(ds) if hist is None else hist
    h = h[h["date"] <= day_]
    sus = h[(h["status"].astype(str) == "suspended") & h["expires"].notna()].copy()
    rows = []
    for _, r in sus.iterrows():
        point = h[h["sticking_point_id"] == r["sticking_point_id"]]
        later = sus[(sus["sticking_point_id"] == r["sticking_point_id"]) & (sus["date"] > r["date"])]
        half = r["date"] + (r["expires"] - r["date"]) / 2
        extended = later[(later["date"] <= r["expires"]) & (later["expires"] > r["expires"]) & (later["date"] >= half)]
        if len(extended):
            state = "extended"
        elif r["expires"] > day_:
            state = "running"
        elif (point["date"] >= r["expires"]).any():
            state = "followed"
        else:
            state = "expired"
        rows.append({**r.to_dict(), "state": state})
    cols = list(sus.columns) + ["state"]
    return pd.DataFrame(rows, columns=cols).reset_index(drop=True)


# ---------------------------------------------------------------------------- states

@dataclass(frozen=True)
class PointState:
    """The state of one sticking point on a day."""
    sticking_point_id: str
    name: str
    on: pd.Timestamp
    kind: str                      # one of STATE_ORDER
    label: str                     # the reader's words (plain text: escape it where it enters a page)
    status: str = ""               # the last recorded status
    since: pd.Timestamp | None = None  # the day of the point's last event
    last_event_id: str = ""
    last_event: str = ""           # its title
    expires: tuple = field(default_factory=tuple)  # the expiry days a suspended state refers to
    remains: str = ""              # what stays in force (partly implemented, suspended)


def point_state(ds: Dataset, point_id: str, on=None, hist: pd.DataFrame | None = None,
                sus: pd.DataFrame | None = None) -> PointState:
    """The state of one sticking point on ``on`` (default: the as-of date)."""
    day_ = as_of(ds) if on in (None, "") else as_date(on)
    h = history(ds) if hist is None else hist
    names = ds.sticking_points.set_index("id")["name"]
    name = names.get(point_id, point_id)
    ph = h[(h["sticking_point_id"] == point_id) & (h["date"] <= day_)]
    if ph.empty:
        return PointState(point_id, name, day_, "not_raised", STATE_LABELS["not_raised"])
    last = ph.iloc[-1]
    status = str(last["status"])
    kind = KIND_OF_STATUS.get(status, "open")
    common = dict(status=status, since=last["date"], last_event_id=last["event_id"], last_event=last["title"])
    if kind == "partly_implemented":
        remains = _sentence_part(last["remains"]) if not pd.isna(last["remains"]) else ""
        label = "Partly implemented" + (f" (remains: {remains})" if remains else "")
        return PointState(point_id, name, day_, kind, label, remains=remains, **common)
    if kind == "suspended":
        s = suspensions(ds, day_, h) if sus is None else sus
        s = s[s["sticking_point_id"] == point_id]
        running, expired = s[s["state"] == "running"], s[s["state"] == "expired"]
        if len(running):
            remains = "; ".join(dict.fromkeys(_sentence_part(x) for x in running["remains"] if not pd.isna(x) and x))
            label = f"Suspended until {days(running['expires'])}" + (f" (meanwhile: {remains})" if remains else "")
            return PointState(point_id, name, day_, "suspended", label, expires=tuple(sorted(set(running["expires"]))),
                              remains=remains, **common)
        ends = expired["expires"] if len(expired) else pd.Series([last["expires"]])
        n = len(set(ends))
        label = f"Suspension{'s' if n > 1 else ''} expired on {days(ends)} — outcome not yet recorded"
        return PointState(point_id, name, day_, "suspension_expired", label, expires=tuple(sorted(set(ends))), **common)
    return PointState(point_id, name, day_, kind, STATE_LABELS[kind], **common)


def point_states(ds: Dataset, on=None, start=None, end=None) -> pd.DataFrame:
    """Every sticking point's state on ``on`` (default: the as-of date), with how many events touched it
    between ``start`` and ``end`` (default: up to ``on``), in the data's order of points."""
    day_ = as_of(ds) if on in (None, "") else as_date(on)
    h = history(ds)
    sus = suspensions(ds, day_, h)
    s = as_date(start) if start not in (None, "") else h["date"].min() if len(h) else day_
    e = as_date(end) if end not in (None, "") else day_
    rows = []
    for pid in ds.sticking_points["id"]:
        st = point_state(ds, pid, day_, h, sus)
        inside = h[(h["sticking_point_id"] == pid) & (h["date"] >= s) & (h["date"] <= e)]
        rows.append({"sticking_point_id": pid, "name": st.name, "kind": st.kind, "label": st.label,
                     "kind_label": STATE_LABELS[st.kind], "status": st.status, "since": st.since,
                     "last_event_id": st.last_event_id, "last_event": st.last_event,
                     "expires": st.expires, "remains": st.remains, "events": len(inside), "on": day_})
    out = pd.DataFrame(rows)
    if len(out):
        out["since"] = pd.to_datetime(out["since"])
    return out


# ---------------------------------------------------------------------------- dates to watch

def dates_to_watch(ds: Dataset, on=None) -> pd.DataFrame:
    """What a reader should watch after ``on`` (default: the as-of date), in date order:

    - ``expired``: suspensions whose expiry passed with no later event of the point recorded (the outcome
      is not recorded), one row per point and expiry day;
    - ``due``: suspensions still running, one row per point and expiry day;
    - ``scheduled``: scheduled events (deadlines, planned meetings) whose last possible day is after
      ``on`` -- only when ``on`` is the data's as-of date: the record does not say since when a plan was
      known, so a page stating an earlier day lists only what the record then held.

    Columns: ``kind``, ``date`` (for sorting), ``when`` (in words), ``what``, ``event_ids`` (to cite),
    ``points`` (the sticking points' names).
    """
    day_ = as_of(ds) if on in (None, "") else as_date(on)
    h = history(ds)
    sus = suspensions(ds, day_, h)
    rows = []
    for state, kind in (("expired", "expired"), ("running", "due")):
        g = sus[sus["state"] == state]
        for (_point, exp), grp in g.groupby(["sticking_point_id", "expires"], sort=False):
            when = f"expired on {day(exp)}" if kind == "expired" else f"until {day(exp)}"
            rows.append({"kind": kind, "date": exp, "when": when, "what": "; ".join(dict.fromkeys(grp["title"])),
                         "event_ids": list(dict.fromkeys(grp["event_id"])), "points": grp["name"].iloc[0]})
    known = pd.Timestamp(ds.schema.as_of) if getattr(ds.schema, "as_of", None) else None
    if known is not None and day_ >= known:
        ev = ds.events[ds.events["status"].astype(str) == "scheduled"]
        last = ev["end_date"].fillna(ev["start_date"])
        for _, r in ev[last > day_].iterrows():
            rows.append({"kind": "scheduled", "date": r["start_date"] if r["start_date"] > day_ else r["end_date"],
                         "when": _when_scheduled(r, day_), "what": r["title"], "event_ids": [r["id"]], "points": ""})
    out = pd.DataFrame(rows, columns=["kind", "date", "when", "what", "event_ids", "points"])
    order = {"expired": 0, "due": 1, "scheduled": 2}
    out["order"] = out["kind"].map(order)
    return out.sort_values(["order", "date", "points", "what"], kind="stable").drop(columns="order").reset_index(drop=True)


def _when_scheduled(r, on: pd.Timestamp) -> str:
    s, e = r["start_date"], r["end_date"]
    if pd.isna(e) or e == s:
        return f"on {day(s)}"
    if str(r.get("date_precision")) == "within":
        if s <= on:
            return f"by {day(e)}"
        return f"between {day(s)} and {day(e)}"
    return f"from {day(s)} to {day(e)}"
