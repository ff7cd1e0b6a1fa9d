"""Every optimizer (and the common options) against Keras 3, step by step."""

from __future__ import annotations

from types import SimpleNamespace

import jax
import numpy as np
import pytest
from optimizer_helpers import DuckVariable, make_problem

import kerax.optimizers as ko

KERAX = SimpleNamespace(optimizers=ko)  # mirrors the `keras` module layout

RTOL, ATOL = 1e-5, 1e-6


def _schedule(lib, spec):
    name, kwargs = spec
    return getattr(lib.optimizers.schedules, name)(**kwargs)


EXP = ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5})
# (Keras's CosineDecay uses a cond that recompiles on every eager call, so it is
# compared in test_schedules.py instead.)
INV = ("InverseTimeDecay", {"initial_learning_rate": 0.2, "decay_steps": 1, "decay_rate": 0.5})

# (optimizer class name, constructor kwargs, learning-rate schedule spec or None)
CASES = [
    ("SGD", {}, None),
    ("SGD", {"learning_rate": 0.1}, None),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}, None),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, None),
    ("Adam", {}, None),
    ("Adam", {"learning_rate": 0.1, "beta_1": 0.8, "beta_2": 0.9}, None),
    ("Adam", {"learning_rate": 0.1, "amsgrad": True}, None),
    ("AdamW", {}, None),
    ("AdamW", {"learning_rate": 0.1, "weight_decay": 0.1, "amsgrad": True}, None),
    ("Adamax", {}, None),
    ("Adamax", {"learning_rate": 0.1}, None),
    ("Nadam", {}, None),
    ("Nadam", {"learning_rate": 0.1}, None),
    ("RMSprop", {}, None),
    ("RMSprop", {"learning_rate": 0.1, "momentum": 0.5}, None),
    ("RMSprop", {"learning_rate": 0.1, "centered": True}, None),
    ("RMSprop", {"learning_rate": 0.1, "centered": True, "momentum": 0.5}, None),
    ("Adagrad", {}, None),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}, None),
    ("Adadelta", {}, None),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.5, "epsilon": 1e-3}, None),
    ("Lion", {}, None),
    ("Lion", {"learning_rate": 0.1, "beta_1": 0.5}, None),
    ("Adam", {"learning_rate": 0.1, "clipnorm": 0.5}, None),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.3}, None),
    ("Adam", {"learning_rate": 0.1, "global_clipnorm": 1.0}, None),
    ("RMSprop", {"learning_rate": 0.1, "weight_decay": 0.2}, None),
    ("SGD", {"momentum": 0.9, "weight_decay": 0.5}, EXP),
    ("AdamW", {"weight_decay": 0.5}, INV),
    ("Nadam", {}, EXP),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "loss_scale_factor": 4.0}, None),
    # Keras's accumulation path is slow eagerly (a recompiled cond per call): one case.
    ("Adam", {"gradient_accumulation_steps": 2}, EXP),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "use_ema": True, "ema_overwrite_frequency": 2}, None),
]


def _case_id(case):
    name, kwargs, schedule = case
    parts = [name] + [f"{k}={v}" for k, v in kwargs.items()] + ([schedule[0]] if schedule else [])
    return "-".join(parts)


def _make(lib, name, kwargs, schedule):
    kwargs = dict(kwargs)
    if schedule is not None:
        kwargs["learning_rate"] = _schedule(lib, schedule)
    return getattr(lib.optimizers, name)(**kwargs)


def _run_keras(keras, name, kwargs, schedule, init, grads, snapshot_at=None):
    """Returns the variables after each step (and, at ``snapshot_at``, Keras's optimizer variables)."""
    opt = _make(keras, name, kwargs, schedule)
    variables = [keras.Variable(v) for v in init]
    history, snapshot = [], None
    for step, step_grads in enumerate(grads):
        if step == snapshot_at:
            snapshot = [np.asarray(v.numpy()) for v in opt.variables]
        opt.apply_gradients(zip(step_grads, variables, strict=True))
        history.append([np.asarray(v.numpy()) for v in variables])
    return history, snapshot


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_pure_update_matches_keras(keras_module, case):
    """Steps 1-3 from scratch, then the Keras optimizer variables are loaded and steps 4-6 run."""
    name, kwargs, schedule = case
    init, grads = make_problem(steps=6)
    resume = 3
    expected, keras_slots = _run_keras(keras_module, name, kwargs, schedule, init, grads, resume)

    opt = _make(KERAX, name, kwargs, schedule)
    params = [jax.numpy.asarray(v) for v in init]
    state = opt.init(params)
    update = jax.jit(opt.update)
    for step, (step_grads, want) in enumerate(zip(grads, expected, strict=True)):
        if step == resume:
            # Same layout and values as Keras's `optimizer.variables` ...
            opt.set_state(state)
            ours = [np.asarray(v) for v in opt.variables]
            assert [v.shape for v in ours] == [v.shape for v in keras_slots]
            for i, (got, ref) in enumerate(zip(ours, keras_slots, strict=True)):
                np.testing.assert_allclose(got, ref, rtol=RTOL, atol=ATOL, err_msg=f"slot {i}")
            # ... and a fresh state loaded from Keras's variables carries on identically.
            opt.set_state(opt.init(params))
            opt.set_weights(keras_slots)
            state = opt.state
            params = [jax.numpy.asarray(v) for v in expected[step - 1]]
        params, state = update(step_grads, state, params)
        for i, (got, ref) in enumerate(zip(params, want, strict=True)):
            np.testing.assert_allclose(np.asarray(got), ref, rtol=RTOL, atol=ATOL, err_msg=f"step {step}, variable {i}")
    applied = len(grads) // kwargs.get("gradient_accumulation_steps", 1)
    assert int(opt.iterations_from_state(state)) == applied


@pytest.mark.parametrize("name", ["SGD", "Adam", "Nadam", "RMSprop"])
def test_apply_gradients_matches_keras(keras_module, name):
    kwargs = {"learning_rate": 0.1, "use_ema": True}
    init, grads = make_problem(steps=4, seed=1)
    expected, _ = _run_keras(keras_module, name, kwargs, None, init, grads)
    opt = _make(KERAX, name, kwargs, None)
    variables = [DuckVariable(v) for v in init]
    for step_grads, want in zip(grads, expected, strict=True):
        opt.apply_gradients(zip(step_grads, variables, strict=True))
        for got, ref in zip(variables, want, strict=True):
            np.testing.assert_allclose(np.asarray(got.value), ref, rtol=RTOL, atol=ATOL)
    assert opt.iterations == len(grads)

    # EMA finalisation writes the averages back, as Keras does.
    keras_opt = _make(keras_module, name, kwargs, None)
    keras_vars = [keras_module.Variable(v) for v in init]
    for step_grads in grads:
        keras_opt.apply_gradients(zip(step_grads, keras_vars, strict=True))
    keras_opt.finalize_variable_values(keras_vars)
    opt.finalize_variable_values(variables)
    for got, ref in zip(variables, keras_vars, strict=True):
        np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), rtol=RTOL, atol=ATOL)


def test_missing_gradient_skips_variable_like_keras(keras_module):
    init, grads = make_problem(steps=3, seed=2)
    keras_opt = keras_module.optimizers.SGD(0.1, momentum=0.9)
    keras_vars = [keras_module.Variable(v) for v in init]
    opt = ko.SGD(0.1, momentum=0.9)
    variables = [DuckVariable(v) for v in init]
    for step, step_grads in enumerate(grads):
        if step == 1:
            step_grads = [step_grads[0], None, step_grads[2]]
            with pytest.warns(UserWarning):
                keras_opt.apply_gradients(zip(step_grads, keras_vars, strict=True))
            with pytest.warns(UserWarning, match="Gradients do not exist"):
                opt.apply_gradients(zip(step_grads, variables, strict=True))
        else:
            keras_opt.apply_gradients(zip(step_grads, keras_vars, strict=True))
            opt.apply_gradients(zip(step_grads, variables, strict=True))
    for got, ref in zip(variables, keras_vars, strict=True):
        np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), rtol=RTOL, atol=ATOL)


def test_exclude_from_weight_decay_matches_keras(keras_module):
    init, grads = make_problem(steps=3, seed=3)
    names = ["kernel", "bias", "gamma"]
    keras_opt = keras_module.optimizers.AdamW(0.1, weight_decay=0.5)
    keras_vars = [keras_module.Variable(v, name=n) for v, n in zip(init, names, strict=True)]
    keras_opt.exclude_from_weight_decay(var_names=["bias"], var_list=[keras_vars[2]])
    opt = ko.AdamW(0.1, weight_decay=0.5)
    variables = [DuckVariable(v, name=n) for v, n in zip(init, names, strict=True)]
    opt.exclude_from_weight_decay(var_names=["bias"], var_list=[variables[2]])
    for step_grads in grads:
        keras_opt.apply_gradients(zip(step_grads, keras_vars, strict=True))
        opt.apply_gradients(zip(step_grads, variables, strict=True))
    for got, ref in zip(variables, keras_vars, strict=True):
        np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), rtol=RTOL, atol=ATOL)
