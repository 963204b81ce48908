"""What the republication page draws of one family (a reuse cluster), as plain numbers for
the template's inline SVG (no script): the graph of who copied whom and the timeline.

- Graph: one node per copy; an edge per detected pair, from the earlier copy (by
  publication date, undated ones after, then first seen: the provenance order) to the
  later one, labelled with its relation; dashed edges for declared sources (a copy names
  an outlet or canonical URL that points to another copy).  Columns are the number of
  copy steps from the earliest copy, so a chain of copies reads left to right.
- Timeline: one lane per outlet, one dot per copy at its publication day; undated copies
  sit in a column of their own at the right.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date
from typing import Any

from propwatch.narratives.view import day_of
from propwatch.reuse.api import Cluster

MAX_NODES = 60  # a bigger family shows its first copies and says how many more
COLUMN, ROW, MARGIN, CURVE = 190, 60, 24, 44
LANE, TIMELINE_WIDTH, LABEL_WIDTH, UNDATED_WIDTH = 30, 900, 190, 70


@dataclass(frozen=True)
class Node:
    id: str
    x: int
    y: int
    outlet: str
    published: str | None
    title: str
    earliest: bool


@dataclass(frozen=True)
class Edge:
    path: str  # SVG path data: a straight line, or a curve for a declared source
    label_x: int
    label_y: int
    label: str
    declared: bool


def graph(cluster: Cluster) -> dict[str, Any]:
    members = cluster.articles[:MAX_NODES]
    position = {m.id: i for i, m in enumerate(members)}
    neighbours: dict[str, set[str]] = {m.id: set() for m in members}
    for r in cluster.pairs:
        if r.a in position and r.b in position:
            neighbours[r.a].add(r.b)
            neighbours[r.b].add(r.a)
    depth = _steps(cluster.earliest if cluster.earliest in position else members[0].id,
                   neighbours)
    unreached = max(depth.values(), default=0) + 1
    columns: dict[int, list[str]] = {}
    for m in members:
        columns.setdefault(depth.get(m.id, unreached), []).append(m.id)
    at: dict[str, tuple[int, int]] = {}
    for column, ids in sorted(columns.items()):
        for row, member in enumerate(ids):
            at[member] = (MARGIN + 8 + column * COLUMN, MARGIN + row * ROW)
    nodes = [Node(m.id, *at[m.id], outlet=m.outlet or "(unknown outlet)",
                  published=m.published, title=m.title or m.id,
                  earliest=m.id == cluster.earliest) for m in members]
    edges = []
    for r in cluster.pairs:
        if r.a not in position or r.b not in position:
            continue
        first, later = sorted((r.a, r.b), key=position.__getitem__)
        share = r.a_in_b if r.relation == "contained" else r.jaccard
        edges.append(_edge(at[first], at[later], f"{r.relation} {share:.0%}", False))
    for d in cluster.provenance.declarations:
        for target in d.matches:
            if d.article in at and target in at:
                said = "canonical URL" if d.kind == "canonical" else "declared source"
                edges.append(_edge(at[target], at[d.article], said, True))
    return {
        "nodes": nodes, "edges": edges, "hidden": len(cluster.articles) - len(members),
        "width": MARGIN * 2 + 16 + (len(columns) - 1) * COLUMN + COLUMN,
        "height": MARGIN * 2 + max(len(ids) for ids in columns.values()) * ROW + CURVE // 2,
    }


def _steps(start: str, neighbours: dict[str, set[str]]) -> dict[str, int]:
    """Copy steps from ``start`` over the pairs (breadth first)."""
    depth = {start: 0}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for other in sorted(neighbours[here]):
            if other not in depth:
                depth[other] = depth[here] + 1
                queue.append(other)
    return depth


def _edge(source: tuple[int, int], target: tuple[int, int], label: str, declared: bool
          ) -> Edge:
    (x1, y1), (x2, y2) = source, target
    if not declared:
        return Edge(f"M{x1},{y1} L{x2},{y2}", (x1 + x2) // 2, (y1 + y2) // 2 - 4, label, False)
    # a declared source bends away from the pair's straight line, so both stay readable
    bend = CURVE if x2 >= x1 else -CURVE
    cx, cy = (x1 + x2) // 2, (y1 + y2) // 2 + bend
    return Edge(f"M{x1},{y1} Q{cx},{cy} {x2},{y2}", cx, (y1 + y2 + bend) // 2 + 12, label,
                True)


def timeline(cluster: Cluster) -> dict[str, Any]:
    members = cluster.articles[:MAX_NODES]
    lanes: dict[str, int] = {}
    for m in members:
        lanes.setdefault(m.outlet or "(unknown outlet)", len(lanes))
    days = {m.id: day_of(m.published) for m in members}
    dated = sorted(d for d in days.values() if d)
    first = date.fromisoformat(dated[0]) if dated else None
    span = max(1, (date.fromisoformat(dated[-1]) - first).days) if first else 1
    plot = TIMELINE_WIDTH - LABEL_WIDTH - UNDATED_WIDTH - MARGIN

    def x_of(day: str | None) -> int:
        if day is None or first is None:
            return TIMELINE_WIDTH - UNDATED_WIDTH // 2
        return LABEL_WIDTH + round(plot * (date.fromisoformat(day) - first).days / span)

    dots = [{"id": m.id, "x": x_of(days[m.id]), "y": MARGIN + lanes[m.outlet or
             "(unknown outlet)"] * LANE, "day": days[m.id] or "undated",
             "title": m.title or m.id, "earliest": m.id == cluster.earliest}
            for m in members]
    ticks = [{"x": x_of(d), "label": d} for d in dict.fromkeys((dated[0], dated[-1]))] \
        if dated else []
    return {
        "lanes": [{"name": name, "y": MARGIN + i * LANE} for name, i in lanes.items()],
        "dots": dots, "ticks": ticks, "undated": any(d is None for d in days.values()),
        "undated_x": TIMELINE_WIDTH - UNDATED_WIDTH // 2, "label_width": LABEL_WIDTH,
        "width": TIMELINE_WIDTH, "height": MARGIN * 2 + len(lanes) * LANE + 10,
    }
