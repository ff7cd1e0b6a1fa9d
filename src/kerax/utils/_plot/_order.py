"""Sugiyama steps 1-3: layer assignment, dummy insertion and crossing reduction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Layered:
    """A layered DAG: real nodes ``0..n_real-1`` followed by dummy nodes on long edges.

    Args:
        n_real: Number of real nodes.
        layer: Layer index of every item (real and dummy).
        layers: Items of each layer, in drawing order.
        chains: For every input edge, the items it passes through (source first, target last).
        up: Neighbours of every item in the layer above (with multiplicity).
        down: Neighbours of every item in the layer below (with multiplicity).
    """

    n_real: int
    layer: list[int]
    layers: list[list[int]]
    chains: list[list[int]]
    up: list[list[int]]
    down: list[list[int]]

    def is_dummy(self, item: int) -> bool:
        """Whether ``item`` is a dummy node.

        Args:
            item: Item index.
        """
        return item >= self.n_real


def _find_cycle(n: int, edges: list[tuple[int, int]], remaining: set[int]) -> list[int]:
    """Return the nodes of one cycle among ``remaining`` (nodes Kahn's algorithm could not order).

    Args:
        n: Number of nodes.
        edges: Edge list.
        remaining: Nodes left with positive in-degree.
    """
    succ: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        if u in remaining and v in remaining:
            succ[u].append(v)
    start = min(remaining)
    path: list[int] = []
    index: dict[int, int] = {}
    node = start
    while node not in index:
        index[node] = len(path)
        path.append(node)
        node = succ[node][0]
    return path[index[node] :]


def assign_layers(n: int, edges: list[tuple[int, int]]) -> list[int]:
    """Longest-path layering from the sources; sources are then pulled down next to their consumers.

    Args:
        n: Number of nodes.
        edges: Edge list ``(src, dst)``.

    Raises:
        ValueError: If the graph has a cycle (message lists the node indices in ``.args[1]``).
    """
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for u, v in edges:
        succ[u].append(v)
        indeg[v] += 1
    order = [i for i in range(n) if indeg[i] == 0]
    remaining = list(indeg)
    head = 0
    while head < len(order):
        u = order[head]
        head += 1
        for v in succ[u]:
            remaining[v] -= 1
            if remaining[v] == 0:
                order.append(v)
    if len(order) != n:
        cycle = _find_cycle(n, edges, {i for i in range(n) if remaining[i] > 0})
        raise ValueError("graph has a cycle", cycle)
    layer = [0] * n
    for u in order:
        for v in succ[u]:
            layer[v] = max(layer[v], layer[u] + 1)
    for u in range(n):
        if indeg[u] == 0 and succ[u]:
            layer[u] = min(layer[v] for v in succ[u]) - 1
    return layer


def _crossings_between(upper: list[int], down_of: list[list[int]], pos: list[int]) -> int:
    """Count edge crossings between one layer and the next with a Fenwick tree.

    Args:
        upper: Items of the upper layer in order.
        down_of: Lower neighbours of every item.
        pos: Position of every item within its layer.
    """
    targets: list[int] = []
    for item in upper:
        targets.extend(sorted(pos[w] for w in down_of[item]))
    if len(targets) < 2:
        return 0
    size = max(targets) + 2
    tree = [0] * (size + 1)
    crossings = 0
    seen = 0
    for t in targets:
        # number of earlier targets strictly greater than t
        i = t + 1
        le = 0
        while i > 0:
            le += tree[i]
            i -= i & -i
        crossings += seen - le
        i = t + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
        seen += 1
    return crossings


def count_crossings(lg: Layered) -> int:
    """Total number of crossings between all adjacent layer pairs.

    Args:
        lg: The layered graph.
    """
    pos = _positions(lg)
    return sum(_crossings_between(lg.layers[i], lg.down, pos) for i in range(len(lg.layers) - 1))


def _positions(lg: Layered) -> list[int]:
    """Index of every item within its layer."""
    pos = [0] * len(lg.layer)
    for items in lg.layers:
        for p, item in enumerate(items):
            pos[item] = p
    return pos


def build_layered(n: int, edges: list[tuple[int, int]]) -> Layered:
    """Layer the graph, split long edges with dummies and give each layer an initial DFS order.

    Args:
        n: Number of real nodes.
        edges: Edge list ``(src, dst)`` over real nodes.
    """
    layer = assign_layers(n, edges)
    chains: list[list[int]] = []
    for u, v in edges:
        chain = [u]
        for lv in range(layer[u] + 1, layer[v]):
            chain.append(len(layer))
            layer.append(lv)
        chain.append(v)
        chains.append(chain)
    total = len(layer)
    up: list[list[int]] = [[] for _ in range(total)]
    down: list[list[int]] = [[] for _ in range(total)]
    out_chains: list[list[int]] = [[] for _ in range(n)]
    for ci, chain in enumerate(chains):
        out_chains[chain[0]].append(ci)
        for a, b in zip(chain, chain[1:], strict=False):
            down[a].append(b)
            up[b].append(a)
    n_layers = max(layer) + 1 if layer else 0
    layers: list[list[int]] = [[] for _ in range(n_layers)]
    placed = [False] * total

    def visit(start: int) -> None:
        stack = [start]
        while stack:
            item = stack.pop()
            if placed[item]:
                continue
            placed[item] = True
            layers[layer[item]].append(item)
            nxt: list[int] = []
            if item < n:
                for ci in out_chains[item]:
                    nxt.append(chains[ci][1])
            else:
                nxt.extend(down[item])
            stack.extend(reversed(nxt))

    indeg = [len(up[i]) for i in range(n)]
    for i in range(n):
        if indeg[i] == 0:
            visit(i)
    for i in range(total):
        if not placed[i]:
            visit(i)
    return Layered(n_real=n, layer=layer, layers=layers, chains=chains, up=up, down=down)


def _pair_crossings(a: list[int], b: list[int], pos: list[int]) -> int:
    """Crossings among the edges of two neighbours ``v`` (left, neighbours ``a``) and ``w`` (right, ``b``)."""
    return sum(1 for x in a for y in b if pos[x] > pos[y])


def _transpose(lg: Layered, pos: list[int], rounds: int = 4) -> None:
    """Swap adjacent items while that strictly reduces crossings with both neighbouring layers."""
    for _ in range(rounds):
        improved = False
        for items in lg.layers:
            for j in range(len(items) - 1):
                v, w = items[j], items[j + 1]
                before = _pair_crossings(lg.up[v], lg.up[w], pos) + _pair_crossings(lg.down[v], lg.down[w], pos)
                after = _pair_crossings(lg.up[w], lg.up[v], pos) + _pair_crossings(lg.down[w], lg.down[v], pos)
                if after < before:
                    items[j], items[j + 1] = w, v
                    pos[v], pos[w] = j + 1, j
                    improved = True
        if not improved:
            return


def _sweep(lg: Layered, pos: list[int], downward: bool) -> None:
    """One barycenter pass over all layers, top-down (using upper neighbours) or bottom-up."""
    n_layers = len(lg.layers)
    indices = range(1, n_layers) if downward else range(n_layers - 2, -1, -1)
    for li in indices:
        items = lg.layers[li]
        keys: dict[int, tuple[float, int]] = {}
        for item in items:
            nbrs = lg.up[item] if downward else lg.down[item]
            bary = sum(pos[x] for x in nbrs) / len(nbrs) if nbrs else float(pos[item])
            keys[item] = (bary, pos[item])
        items.sort(key=keys.__getitem__)
        for p, item in enumerate(items):
            pos[item] = p


def reduce_crossings(lg: Layered, iterations: int = 16) -> None:
    """Reorder layers in place with barycenter sweeps plus adjacent transpositions; keeps the best order.

    Args:
        lg: The layered graph (its ``layers`` are reordered).
        iterations: Maximum number of sweeps.
    """
    pos = _positions(lg)
    _transpose(lg, pos)
    best = [list(items) for items in lg.layers]
    best_c = count_crossings(lg)
    stale = 0
    for it in range(iterations):
        if best_c == 0:
            break
        _sweep(lg, pos, downward=(it % 2 == 0))
        _transpose(lg, pos)
        crossings = count_crossings(lg)
        if crossings < best_c:
            best_c = crossings
            best = [list(items) for items in lg.layers]
            stale = 0
        else:
            stale += 1
            if stale >= 4:
                break
    lg.layers = best
