"""Sugiyama step 4: positions across the layers (x in top-to-bottom plots).

Minimises ``sum_e w_e (x_u - x_v)^2`` over all edge segments subject to the layer orders and minimum
gaps, by block coordinate descent: each layer is solved exactly as a weighted isotonic regression
(pool-adjacent-violators) given its neighbours. A lone chain therefore stays one straight column,
siblings sit side by side centred under their parent, and dummy lanes of long edges stay straight.
"""

from __future__ import annotations

from ._order import Layered

REAL_REAL = 1.0
CHAIN_LINK = 8.0
REAL_DUMMY = 0.35
DUMMY_DUMMY = 4.0


def _is_link(lg: Layered, upper: int, lower: int) -> bool:
    """Whether ``upper -> lower`` continues a one-to-one run that should be drawn as a straight column.

    Between two real nodes the dummy lanes of long edges are ignored, so the trunk of a residual network
    counts as one run while its skip connections bend around it.
    """
    if lg.is_dummy(upper) or lg.is_dummy(lower):
        return len(lg.down[upper]) == 1 and len(lg.up[lower]) == 1
    real_down = [b for b in lg.down[upper] if not lg.is_dummy(b)]
    real_up = [a for a in lg.up[lower] if not lg.is_dummy(a)]
    return real_down == [lower] and real_up == [upper]


def _weight(lg: Layered, a: int, b: int) -> float:
    """Attraction between two items joined by an edge segment (``a`` above ``b`` or vice versa)."""
    da, db = lg.is_dummy(a), lg.is_dummy(b)
    if da and db:
        return DUMMY_DUMMY
    if da or db:
        return REAL_DUMMY
    upper, lower = (a, b) if lg.layer[a] < lg.layer[b] else (b, a)
    return CHAIN_LINK if _is_link(lg, upper, lower) else REAL_REAL


def solve_layer(targets: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """Weighted least squares ``min sum w_i (x_i - t_i)^2`` s.t. ``x_{i+1} - x_i >= gaps[i]``.

    Args:
        targets: Desired position of every item, in layer order.
        weights: Positive weight of every item.
        gaps: Minimum distance between consecutive items (``len(targets) - 1`` values).
    """
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    # blocks: [sum_w, sum_wy, first, last]
    blocks: list[list[float]] = []
    for i, (t, w) in enumerate(zip(targets, weights, strict=True)):
        blocks.append([w, w * (t - offsets[i]), i, i])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][0] >= blocks[-1][1] / blocks[-1][0]:
            last = blocks.pop()
            prev = blocks[-1]
            prev[0] += last[0]
            prev[1] += last[1]
            prev[3] = last[3]
    out = [0.0] * len(targets)
    for sw, swy, first, last in blocks:
        mean = swy / sw
        for i in range(int(first), int(last) + 1):
            out[i] = mean + offsets[i]
    return out


def assign_positions(
    lg: Layered,
    extent: list[float],
    gap_real: float,
    gap_dummy: float,
    max_iter: int = 120,
    tol: float = 0.05,
) -> list[float]:
    """Centre coordinate of every item along the in-layer axis.

    Args:
        lg: Ordered layered graph.
        extent: In-layer size of every item (box width in top-to-bottom plots).
        gap_real: Clear space between two real boxes.
        gap_dummy: Clear space when a dummy lane is involved.
        max_iter: Maximum number of passes over all layers.
        tol: Stop once no item moves by more than this many pixels in a pass.
    """
    nbrs: list[list[tuple[int, float]]] = [[] for _ in lg.layer]
    for item in range(len(lg.layer)):
        for other in lg.up[item] + lg.down[item]:
            nbrs[item].append((other, _weight(lg, item, other)))
    gaps: list[list[float]] = []
    x = [0.0] * len(lg.layer)
    for items in lg.layers:
        row: list[float] = []
        for a, b in zip(items, items[1:], strict=False):
            clear = gap_dummy if (lg.is_dummy(a) or lg.is_dummy(b)) else gap_real
            row.append((extent[a] + extent[b]) / 2 + clear)
        gaps.append(row)
        total = sum(row)
        pos = -total / 2
        for k, item in enumerate(items):
            x[item] = pos
            if k < len(row):
                pos += row[k]
    n_layers = len(lg.layers)
    for it in range(max_iter):
        moved = 0.0
        order = range(n_layers) if it % 2 == 0 else range(n_layers - 1, -1, -1)
        for li in order:
            items = lg.layers[li]
            targets: list[float] = []
            weights: list[float] = []
            for item in items:
                sw = sum(w for _, w in nbrs[item])
                if sw > 0:
                    targets.append(sum(w * x[o] for o, w in nbrs[item]) / sw)
                    weights.append(sw)
                else:
                    targets.append(x[item])
                    weights.append(1e-3)
            new = solve_layer(targets, weights, gaps[li])
            for item, value in zip(items, new, strict=True):
                moved = max(moved, abs(value - x[item]))
                x[item] = value
        if moved < tol:
            break
    _straighten(lg, x, gaps)
    return x


def _chains(lg: Layered) -> list[list[int]]:
    """Maximal vertical runs of items joined one-to-one (see ``_is_link``)."""
    nxt: dict[int, int] = {}
    has_prev: set[int] = set()
    for a in range(len(lg.layer)):
        for b in dict.fromkeys(lg.down[a]):
            if _is_link(lg, a, b):
                nxt[a] = b
                has_prev.add(b)
    runs: list[list[int]] = []
    for a in sorted(nxt):
        if a in has_prev:
            continue
        run = [a]
        while run[-1] in nxt:
            run.append(nxt[run[-1]])
        runs.append(run)
    return runs


def _straighten(lg: Layered, x: list[float], gaps: list[list[float]], passes: int = 3) -> None:
    """Snap every one-to-one run onto a single column when its layer neighbours leave room for it."""
    slot: dict[int, tuple[int, int]] = {}
    for li, items in enumerate(lg.layers):
        for k, item in enumerate(items):
            slot[item] = (li, k)
    runs = sorted(_chains(lg), key=len, reverse=True)
    for _ in range(passes):
        changed = False
        for run in runs:
            lo, hi = -float("inf"), float("inf")
            for item in run:
                li, k = slot[item]
                items = lg.layers[li]
                if k > 0:
                    lo = max(lo, x[items[k - 1]] + gaps[li][k - 1])
                if k + 1 < len(items):
                    hi = min(hi, x[items[k + 1]] - gaps[li][k])
            if lo > hi + 1e-9:
                continue
            target = min(max(sum(x[i] for i in run) / len(run), lo), hi)
            for item in run:
                if abs(x[item] - target) > 1e-9:
                    x[item] = target
                    changed = True
        if not changed:
            return
