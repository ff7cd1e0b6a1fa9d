"""``predict``: one jitted forward per batch shape, weights passed as arguments (no retracing on updates)."""

from __future__ import annotations

import functools
from typing import Any

import jax
import numpy as np
from jax.sharding import PartitionSpec

from kerax.backend import _scope
from kerax.callbacks import CallbackList
from kerax.distribution import _placement
from kerax.layers import _layer
from kerax.trainers._data import ArrayData


def _forward_fn(model: Any) -> Any:
    """The jitted ``(tv, ntv, xs) -> (outputs, assigned ntv)``, where unassigned values are ``None``."""
    fn = model.__dict__.get("_predict_jit")
    if fn is None:

        def forward(tv: list, ntv: list, xs: list) -> Any:
            if model._overrides("predict_step"):
                outputs, new = model.predict_step((tv, ntv), (model._pack_inputs(xs),))
            else:
                outputs, new = model.stateless_call(tv, ntv, model._pack_inputs(xs), training=False)
            return outputs, _layer.Layer.assigned_only(new, ntv)

        fn = jax.jit(forward)
        object.__setattr__(model, "_predict_jit", fn)
    return fn


def predict_one_batch(model: Any, x: np.ndarray) -> Any:
    """``predict`` of one float32/int32 batch for a one-input model, without the general data handling.

    Returns None when the general path must run: a distribution is set, the model has several inputs, or
    a stateless scope is active (its values, not the stored ones, are the weights then).
    """
    if _placement.current() is not None or _scope.current() is not None:
        return None
    single = model.__dict__.get("_predict_single_input")
    if single is None or single[0] != _layer.structure_version():
        single = (_layer.structure_version(), len(model._input_names()) == 1)
        object.__setattr__(model, "_predict_single_input", single)
    if not single[1]:
        return None
    tv, ntv = model.weight_values()
    out, assigned = _forward_fn(model)(tv, ntv, [x])
    if any(v is not None for v in assigned):
        _layer.Layer.write_assigned(model.weight_lists()[1], assigned)
    return np.asarray(out) if isinstance(out, jax.Array) else jax.tree_util.tree_map(np.asarray, out)


def predict_arrays(
    model: Any, data: ArrayData, batch_size: int, n: int, verbose: int, callbacks: Any, steps: int | None
) -> Any:
    """Run the model over ``data`` in batches of ``batch_size`` and return NumPy outputs."""
    fn = _forward_fn(model)
    trainable, non_trainable = model.weight_lists()
    placement = _placement.current()

    def weights() -> tuple[list, list]:
        if placement is None:
            return [v.value for v in trainable], [v.value for v in non_trainable]
        return placement.place_weights(trainable), placement.place_weights(non_trainable)

    if placement is None:
        put, to_host = None, np.asarray
    else:
        if n > batch_size:  # several batches: split each evenly (a single batch of any size runs replicated)
            placement.check_batch_size(batch_size, "predict")
        put = placement.put_batch
        to_host = functools.partial(_local_rows, placement) if placement.per_process else _to_host
    total_steps = -(-n // batch_size)
    if steps is not None:
        total_steps = min(int(steps), total_steps)
    if verbose == 0 and callbacks is None and total_steps == 1:
        xs = data.x if put is None else put(data.x)
        out, assigned = fn(*weights(), xs)  # the one-batch fast path
        _layer.Layer.write_assigned(non_trainable, assigned)
        return jax.tree_util.tree_map(to_host, out)
    cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=model, verbose=verbose, epochs=1, steps=total_steps)
    cbs.on_predict_begin()
    tv, ntv = weights()  # a callback may have set the weights (SwapEMAWeights)
    outputs = []
    ntv, updated = list(ntv), [None] * len(ntv)  # the state a batch assigned feeds the next batch
    for step in range(total_steps):
        start = step * batch_size
        xs = [a[start : start + batch_size] for a in data.x]
        cbs.on_predict_batch_begin(step)
        out, assigned = fn(tv, ntv, xs if put is None else put(xs))
        for i, value in enumerate(assigned):
            if value is not None:
                ntv[i] = updated[i] = value
        outputs.append(out)
        cbs.on_predict_batch_end(step, {"outputs": out})
    _layer.Layer.write_assigned(non_trainable, updated)
    host = [jax.tree_util.tree_map(to_host, o) for o in outputs]
    result = jax.tree_util.tree_map(lambda *a: np.concatenate(a, axis=0), *host)
    cbs.on_predict_end()
    return result


def _to_host(a: jax.Array) -> np.ndarray:
    """NumPy output; an array spread over several processes' devices is gathered first."""
    if isinstance(a, jax.Array) and not a.is_fully_addressable:
        from jax.experimental import multihost_utils  # multi-process runs only: kept off `import kerax`

        return np.asarray(multihost_utils.process_allgather(a, tiled=True))
    return np.asarray(a)


def _local_rows(placement: Any, a: jax.Array) -> np.ndarray:
    """With per-process data: the rows of the outputs that belong to this process's inputs."""
    from jax.experimental import multihost_utils  # multi-process runs only: kept off `import kerax`

    rows = PartitionSpec(placement.batch_axis)
    return np.asarray(multihost_utils.global_array_to_host_local_array(a, placement.mesh, rows))
