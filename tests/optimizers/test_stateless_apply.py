"""Keras 3's optimizer variables and ``stateless_apply``: exact against ``apply``, equal to Keras's."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from optimizer_helpers import make_problem

import kerax
import kerax.optimizers as ko
from kerax.backend._scope import StatelessScope
from kerax.backend._variables import Variable

KERAX = SimpleNamespace(optimizers=ko)
NAMES = ["kernel", "bias", "gamma"]
STEPS = 3
EXP = ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5})

# (optimizer class name, constructor kwargs, learning-rate schedule spec or None): every class, common options.
CASES = [
    ("SGD", {"learning_rate": 0.1}, None),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}, None),
    ("SGD", {"momentum": 0.5, "use_ema": True, "ema_overwrite_frequency": 2}, EXP),
    ("Adam", {"learning_rate": 0.1, "clipnorm": 0.5}, None),
    ("Adam", {"learning_rate": 0.1, "amsgrad": True, "gradient_accumulation_steps": 2}, None),
    ("AdamW", {"learning_rate": 0.1, "weight_decay": 0.1, "use_ema": True}, None),
    ("Adamax", {"learning_rate": 0.1, "global_clipnorm": 1.0}, None),
    ("Nadam", {"learning_rate": 0.1, "use_ema": True}, None),
    ("Nadam", {}, EXP),
    ("RMSprop", {"learning_rate": 0.1, "momentum": 0.5, "centered": True}, None),
    ("RMSprop", {"learning_rate": 0.1, "clipvalue": 0.3, "loss_scale_factor": 4.0}, None),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}, None),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.5, "epsilon": 1e-3}, None),
    ("Lion", {"learning_rate": 0.1, "weight_decay": 0.2}, None),
]

# Keras's accumulation path recompiles a cond on every eager call: it is compared once, above, against
# `apply` only (test_optimizers_vs_keras.py compares it with Keras).
KERAS_CASES = [c for c in CASES if "gradient_accumulation_steps" not in c[1]]


def _case_id(case):
    name, kwargs, schedule = case
    return "-".join([name] + [f"{k}={v}" for k, v in kwargs.items()] + ([schedule[0]] if schedule else []))


def _make(lib, case):
    name, kwargs, schedule = case
    kwargs = dict(kwargs)
    if schedule is not None:
        kwargs["learning_rate"] = getattr(lib.optimizers.schedules, schedule[0])(**schedule[1])
    return getattr(lib.optimizers, name)(**kwargs)


def _variables(init):
    return [Variable(v, name=n) for v, n in zip(init, NAMES, strict=True)]


def _assert_same(got, want, what):
    assert len(got) == len(want), what
    for i, (a, b) in enumerate(zip(got, want, strict=True)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, f"{what} {i}"
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-7, err_msg=f"{what} {i}")


def _stepper(opt):
    return jax.jit(opt.stateless_apply)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_jitted_stateless_apply_equals_apply_and_writes_back(case):
    init, grads = make_problem(steps=STEPS + 1, seed=4)
    eager, pure = _make(KERAX, case), _make(KERAX, case)
    eager_vars, pure_vars = _variables(init), _variables(init)
    eager.build(eager_vars)
    pure.build(pure_vars)
    opt_values, params = pure.variables, pure_vars  # Variables go straight into the jitted step
    step = _stepper(pure)
    for step_grads in grads[:STEPS]:
        eager.apply(step_grads, eager_vars)
        params, opt_values = step(opt_values, step_grads, params)
        _assert_same(params, [v.value for v in eager_vars], "weight")
        _assert_same(opt_values, [v.value for v in eager.variables], "optimizer variable")
    assert pure.iterations == 0  # nothing was assigned
    # The keras.io write-back loop; then everything reads the written values.
    for variable, value in zip(pure.variables, opt_values, strict=True):
        variable.assign(value)
    for variable, value in zip(pure_vars, params, strict=True):
        variable.assign(value)
    assert int(pure.iterations) == int(eager.iterations) == STEPS // case[1].get("gradient_accumulation_steps", 1)
    assert pure.learning_rate == eager.learning_rate
    eager.apply(grads[STEPS], eager_vars)
    pure.apply(grads[STEPS], pure_vars)
    _assert_same([v.value for v in pure_vars], [v.value for v in eager_vars], "weight after write-back")
    _assert_same([v.value for v in pure.variables], [v.value for v in eager.variables], "optimizer variable")


@pytest.mark.parametrize("case", KERAS_CASES, ids=[_case_id(c) for c in KERAS_CASES])
def test_variables_and_stateless_apply_match_keras(keras_module, case):
    keras = keras_module
    init, grads = make_problem(steps=STEPS, seed=5)
    theirs = _make(keras, case)
    theirs.build([keras.Variable(v, name=n) for v, n in zip(init, NAMES, strict=True)])
    ours = _make(KERAX, case)
    ours.build(_variables(init))
    assert len(ours.variables) == len(theirs.variables)
    for mine, ref in zip(ours.variables, theirs.variables, strict=True):
        assert mine.shape == tuple(ref.shape)
        assert mine.dtype == jnp.dtype(ref.dtype)
        if mine.name != "u_product":  # Keras's Nadam leaves its product unnamed ("variable_<n>")
            assert mine.name == ref.name
    keras_opt, keras_params = [v.value for v in theirs.variables], [jnp.asarray(v) for v in init]
    opt_values, params = [v.value for v in ours.variables], [jnp.asarray(v) for v in init]
    step = _stepper(ours)
    for step_grads in grads:
        keras_params, keras_opt = theirs.stateless_apply(keras_opt, step_grads, keras_params)
        params, opt_values = step(opt_values, step_grads, params)
        for got, want in zip(params, keras_params, strict=True):
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6)
    for i, (got, want) in enumerate(zip(opt_values, keras_opt, strict=True)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6, err_msg=f"variable {i}")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_state_round_trips_exactly_through_the_variables(case):
    """Every leaf ``update`` needs is held by a Variable or derived exactly (the optax step counters)."""
    init, grads = make_problem(steps=STEPS, seed=6)
    opt = _make(KERAX, case)
    opt.build(_variables(init))
    params, state = [jnp.asarray(v) for v in init], opt.state
    update = jax.jit(opt.update)
    for step_grads in grads:
        params, state = update(step_grads, state, params)
    opt.set_state(state)
    _assert_same(jax.tree.leaves(opt.state), jax.tree.leaves(state), "state leaf")
    assert jax.tree.structure(opt.state) == jax.tree.structure(state)


def test_variables_are_the_state():
    init, grads = make_problem(steps=2, seed=7)
    opt = ko.Adam(0.1)
    assert opt.variables == [] and opt.state is None
    tracked = _variables(init)
    opt.build(tracked)
    variables = opt.variables
    assert [v.name for v in variables[:4]] == ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity"]
    assert all(isinstance(v, Variable) and not v.trainable for v in variables)
    assert variables[0].path == f"{opt.name}/iteration"
    opt.apply(grads[0], tracked)
    assert all(a is b for a, b in zip(opt.variables, variables, strict=True))  # stable identity
    # Writes to the Variables are what every later read sees.
    variables[1]._value = jnp.float32(0.5)
    assert opt.learning_rate == 0.5 and float(opt.state.learning_rate) == 0.5
    variables[0].assign(7)
    assert opt.iterations == 7 and int(opt.state.iterations) == 7
    assert int(opt.state.slots[0][0].count) == 7  # optax's counter follows the iteration variable
    opt.learning_rate = 0.25
    assert float(variables[1].value) == 0.25
    before = np.asarray(tracked[1].value)
    opt.apply(grads[1], tracked)
    assert opt.iterations == 8 and not np.allclose(before, tracked[1].value)
    # `np.asarray` (what saving does) and `jax.jit` both read the values.
    assert int(np.asarray(variables[0])) == 8
    assert jax.jit(lambda vs: vs[0] + 1)(opt.variables) == 9


def test_schedule_set_after_build_drops_the_learning_rate_variable_like_keras():
    opt = ko.SGD(0.1, momentum=0.9)
    opt.build(_variables(make_problem(1)[0]))
    before = opt.variables
    opt.learning_rate = ko.schedules.ExponentialDecay(0.1, 1, 0.5)
    after = opt.variables
    assert len(after) == len(before) - 1 and after[0] is before[0]
    assert all(a is b for a, b in zip(after[1:], before[2:], strict=True))
    assert "learning_rate" not in [v.name for v in after]


def test_missing_gradient_leaves_the_variable_and_its_slots(keras_module):
    """A None gradient skips its variable in stateless_apply as in apply (and as in Keras: Adam's bias
    correction then uses the global step for every variable)."""
    keras = keras_module
    init, grads = make_problem(steps=3, seed=8)
    masked = [grads[0], [grads[1][0], None, grads[1][2]], grads[2]]
    theirs = keras.optimizers.Adam(0.1)
    keras_vars = [keras.Variable(v) for v in init]
    eager, pure = ko.Adam(0.1), ko.Adam(0.1)
    eager_vars, pure_vars = _variables(init), _variables(init)
    eager.build(eager_vars)
    pure.build(pure_vars)
    opt_values, params = pure.variables, pure_vars
    for step_grads in masked:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            theirs.apply_gradients(zip(step_grads, keras_vars, strict=True))
            eager.apply(step_grads, eager_vars)
            new_params, new_opt = pure.stateless_apply(opt_values, step_grads, params)
        if step_grads[1] is None:
            np.testing.assert_array_equal(new_params[1], np.asarray(params[1]))
            np.testing.assert_array_equal(new_opt[4], np.asarray(opt_values[4]))  # bias_momentum
        params, opt_values = new_params, new_opt
    _assert_same(params, [v.value for v in eager_vars], "weight")
    _assert_same(opt_values, [v.value for v in eager.variables], "optimizer variable")
    for got, ref in zip(params, keras_vars, strict=True):
        np.testing.assert_allclose(np.asarray(got), ref.numpy(), rtol=1e-5, atol=1e-6)


def test_keras_io_training_loop_end_to_end():
    """The loop of keras.io's "Writing a training loop from scratch in JAX", with kerax."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype("float32")
    y = (x @ rng.standard_normal((4, 2))).astype("float32")
    model = kerax.Sequential([kerax.Input((4,)), kerax.layers.Dense(8, activation="relu"), kerax.layers.Dense(2)])
    loss_fn = kerax.losses.MeanSquaredError()
    optimizer = ko.Adam(learning_rate=1e-2)
    optimizer.build(model.trainable_variables)

    def compute_loss_and_updates(trainable_variables, non_trainable_variables, x, y):
        y_pred, non_trainable_variables = model.stateless_call(trainable_variables, non_trainable_variables, x)
        return loss_fn(y, y_pred), non_trainable_variables

    grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)

    @jax.jit
    def train_step(state, data):
        trainable_variables, non_trainable_variables, optimizer_variables = state
        x, y = data
        (loss, non_trainable_variables), grads = grad_fn(trainable_variables, non_trainable_variables, x, y)
        trainable_variables, optimizer_variables = optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        return loss, (trainable_variables, non_trainable_variables, optimizer_variables)

    state = (model.trainable_variables, model.non_trainable_variables, optimizer.variables)
    losses = []
    steps = 12
    for step in range(steps):
        batch = slice((step % 4) * 8, (step % 4 + 1) * 8)
        loss, state = train_step(state, (x[batch], y[batch]))
        losses.append(float(loss))
    trainable_variables, non_trainable_variables, optimizer_variables = state
    for variable, value in zip(model.trainable_variables, trainable_variables, strict=True):
        variable.assign(value)
    for variable, value in zip(model.non_trainable_variables, non_trainable_variables, strict=True):
        variable.assign(value)
    for variable, value in zip(optimizer.variables, optimizer_variables, strict=True):
        variable.assign(value)
    assert optimizer.iterations == steps
    assert losses[-1] < losses[0]
    assert float(loss_fn(y, model(x))) < losses[0]  # the model holds the trained weights


def test_loss_scale_optimizer_variables_scale_loss_and_skips():
    opt = ko.LossScaleOptimizer(ko.SGD(0.5, momentum=0.5), initial_scale=8.0, dynamic_growth_steps=2)
    assert opt.variables == []
    kernel = Variable(np.ones(3, "float32"), name="kernel")
    opt.build([kernel])
    names = [v.name for v in opt.variables]
    assert names == ["iteration", "learning_rate", "step_counter", "dynamic_scale"] + [
        "iteration",
        "learning_rate",
        "kernel_momentum",
    ]
    scale_var = opt.variables[3]
    assert float(opt.scale_loss(jnp.float32(2.0))) == 16.0
    with StatelessScope({scale_var: jnp.float32(4.0)}):
        assert float(opt.scale_loss(jnp.float32(2.0))) == 8.0

    @jax.jit
    def scaled(opt_values, loss):
        with StatelessScope(dict(zip(opt.variables, opt_values, strict=True))):
            return opt.scale_loss(loss)

    values = [v.value for v in opt.variables]
    values[3] = jnp.float32(32.0)
    assert float(scaled(values, jnp.float32(0.5))) == 16.0
    assert float(opt.scale_loss(jnp.float32(1.0), opt.state)) == 8.0  # the two-argument form

    step = jax.jit(opt.stateless_apply)
    params, opt_values = [kernel], opt.variables
    params, opt_values = step(opt_values, [jnp.array([1.0, np.inf, 1.0])], params)
    np.testing.assert_array_equal(params[0], np.ones(3))  # skipped
    assert int(opt_values[2]) == 0 and float(opt_values[3]) == 4.0
    assert int(opt_values[4]) == 0  # the inner optimizer did not step
    params, opt_values = step(opt_values, [jnp.full(3, 4.0)], params)
    np.testing.assert_allclose(params[0], np.full(3, 0.5))  # unscaled by 4
    assert int(opt_values[2]) == 1 and float(opt_values[3]) == 4.0 and int(opt_values[4]) == 1
    params, opt_values = step(opt_values, [jnp.full(3, 4.0)], params)
    assert int(opt_values[2]) == 0 and float(opt_values[3]) == 8.0  # grown after two finite steps
    for variable, value in zip(opt.variables, opt_values, strict=True):
        variable.assign(value)
    assert opt.iterations == 2 and opt.dynamic_scale == 8.0 and opt.step_counter == 0
    assert float(opt.scale_loss(jnp.float32(1.0))) == 8.0


def test_loss_scale_optimizer_stateless_apply_matches_keras_and_apply(keras_module):
    keras = keras_module
    grads = [[1.0, np.inf, 1.0], [8.0, 8.0, 8.0], [8.0, -4.0, 8.0], [np.nan, 1.0, 1.0], [2.0, 2.0, 2.0]]
    grads = [[np.array(g, "float32")] for g in grads]
    start = np.linspace(-1, 1, 3).astype("float32")
    theirs = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(0.01), initial_scale=8.0, dynamic_growth_steps=2)
    theirs.build([keras.Variable(start, name="kernel")])
    pure = ko.LossScaleOptimizer(ko.Adam(0.01), initial_scale=8.0, dynamic_growth_steps=2)
    eager = ko.LossScaleOptimizer(ko.Adam(0.01), initial_scale=8.0, dynamic_growth_steps=2)
    pure.build([Variable(start, name="kernel")])
    eager_var = Variable(start, name="kernel")
    eager.build([eager_var])
    assert [v.name for v in pure.variables] == [v.name for v in theirs.variables]
    keras_opt, keras_params = [v.value for v in theirs.variables], [jnp.asarray(start)]
    opt_values, params = [v.value for v in pure.variables], [jnp.asarray(start)]
    step = jax.jit(pure.stateless_apply)
    for g in grads:
        keras_params, keras_opt = theirs.stateless_apply(keras_opt, g, keras_params)
        params, opt_values = step(opt_values, g, params)
        eager.apply(g, [eager_var])
        np.testing.assert_allclose(params[0], np.asarray(keras_params[0]), rtol=1e-6, atol=1e-7)
        _assert_same(params, [eager_var.value], "weight")
        _assert_same(opt_values, [v.value for v in eager.variables], "optimizer variable")
    for got, want in zip(opt_values, keras_opt, strict=True):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-7)


def test_stateless_apply_refuses_bad_input():
    init, grads = make_problem(steps=1)
    opt = ko.Adam(0.1, name="my_adam")
    with pytest.raises(ValueError, match=r"Adam 'my_adam' must be built.*build\(trainable_variables\)"):
        opt.stateless_apply([], grads[0], init)
    opt.build(_variables(init))
    n = len(opt.variables)
    with pytest.raises(ValueError, match=rf"'my_adam'.*optimizer_variables.*expected {n}, received {n - 1}"):
        opt.stateless_apply(opt.variables[:-1], grads[0], init)
    with pytest.raises(ValueError, match=r"'my_adam'.*trainable_variables.*expected 3, received 2"):
        opt.stateless_apply(opt.variables, grads[0], init[:2])
    with pytest.raises(ValueError, match=r"'my_adam'.*grads.*expected 3, received 2"):
        opt.stateless_apply(opt.variables, grads[0][:2], init)
    with pytest.raises(ValueError, match=r"'my_adam'.*'kernel_momentum' has shape \(3, 4\).*\(4, 3\)"):
        bad = [v.value for v in opt.variables]
        bad[2] = jnp.zeros((4, 3))
        opt.stateless_apply(bad, grads[0], init)
    with pytest.raises(ValueError, match="No gradients"):
        opt.stateless_apply(opt.variables, [None, None, None], init)
    lso = ko.LossScaleOptimizer(ko.SGD(), name="lso")
    with pytest.raises(ValueError, match="LossScaleOptimizer 'lso' must be built"):
        lso.stateless_apply([], grads[0], init)
    lso.build(_variables(init))
    with pytest.raises(ValueError, match=r"'lso'.*expected 6, received 2"):
        lso.stateless_apply(lso.variables[:2], grads[0], init)
    with pytest.raises(ValueError, match="does not match its structure"):
        opt.set_state(ko.Adam(0.1).init(init[:2]))


@pytest.mark.parametrize("name", ["Nadam", "Adam"])
def test_state_from_the_variables_can_be_donated(name):
    """Derived leaves (step counters, Nadam's per-variable copies of its product) are separate buffers."""
    init, grads = make_problem(steps=2)
    opt = getattr(ko, name)(0.1)
    opt.build(_variables(init))
    update = jax.jit(opt.update, donate_argnums=(1,))
    params = [jnp.asarray(v) for v in init]
    for step_grads in grads:
        params, state = update(step_grads, jax.tree.map(jnp.copy, opt.state), params)
        opt.set_state(state)
    params, state = update(grads[0], opt.state, params)  # the Variables' own arrays, donated
    opt.set_state(state)
    assert opt.iterations == 3


def test_stateless_apply_applies_constraints_as_keras_does() -> None:
    keras = pytest.importorskip("keras")
    kernel = np.array([[0.5, -0.2], [0.1, 0.3]], np.float32)
    grads = [np.array([[1.0, -1.0], [2.0, 0.5]], np.float32), np.array([0.4, -0.4], np.float32)]
    results = []
    for lib in (keras, kerax):
        layer = lib.layers.Dense(2, kernel_constraint=lib.constraints.NonNeg())
        layer.build((None, 2))
        layer.kernel.assign(kernel)
        optimizer = lib.optimizers.SGD(learning_rate=0.5)
        optimizer.build(layer.trainable_variables)
        values = [np.asarray(v.numpy()) for v in layer.trainable_variables]
        opt_values = [np.asarray(v.numpy()) for v in optimizer.variables]
        new, _ = optimizer.stateless_apply(opt_values, [jnp.asarray(g) for g in grads], values)
        results.append([np.asarray(v) for v in new])
    assert (results[1][0] >= 0).all() and (results[1][0] == 0).any()  # the constraint did something
    for got, want in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
