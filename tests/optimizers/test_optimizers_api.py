"""The kerax optimizer surface: pure core contract, Keras-style state, config and `get`."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from optimizer_helpers import DuckVariable

import kerax.optimizers as ko

ALL = ["SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta", "Lion"]


def _params():
    return [jnp.ones((2, 3), jnp.float32), jnp.full((4,), 2.0, jnp.float32)]


def _grads():
    return [jnp.full((2, 3), 0.5, jnp.float32), jnp.ones((4,), jnp.float32)]


def test_learning_rate_setter_takes_effect_without_recompiling():
    opt = ko.SGD(learning_rate=0.1)
    opt.build([DuckVariable(p) for p in _params()])
    traces = []

    def step(grads, state, params):
        traces.append(1)  # runs once per trace, not per call
        return opt.update(grads, state, params)

    jitted = jax.jit(step, donate_argnums=(1, 2))
    params, state = jitted(_grads(), opt.state, _params())
    opt.set_state(state)
    np.testing.assert_allclose(params[0], 1.0 - 0.1 * 0.5, rtol=1e-6)

    opt.learning_rate = 0.5  # what ReduceLROnPlateau does between epochs
    assert opt.learning_rate == pytest.approx(0.5)
    before = np.asarray(params[0])
    params, state = jitted(_grads(), opt.state, params)
    opt.set_state(state)
    np.testing.assert_allclose(params[0], before - 0.5 * 0.5, rtol=1e-6)
    assert len(traces) == 1
    assert opt.iterations == 2
    assert opt.get_config()["learning_rate"] == pytest.approx(0.5)


def test_learning_rate_set_before_build_is_used():
    opt = ko.Adam()
    opt.learning_rate = 0.25
    assert float(opt.init(_params()).learning_rate) == pytest.approx(0.25)


def test_iterations_count_eager_and_pure():
    opt = ko.Adam(0.01)
    variables = [DuckVariable(p) for p in _params()]
    assert opt.iterations == 0
    for expected in (1, 2, 3):
        assert opt.apply_gradients(zip(_grads(), variables, strict=True)) == expected
    assert opt.iterations == 3
    assert int(opt.iterations_from_state(opt.state)) == 3

    accumulating = ko.SGD(0.1, gradient_accumulation_steps=3)
    state = accumulating.init(_params())
    params = _params()
    update = jax.jit(accumulating.update)
    for _ in range(7):
        params, state = update(_grads(), state, params)
    assert int(state.iterations) == 7
    assert int(accumulating.iterations_from_state(state)) == 2


def test_schedule_learning_rate_follows_iterations():
    schedule = ko.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = ko.SGD(schedule)
    assert opt.learning_rate == pytest.approx(0.1)
    variables = [DuckVariable(p) for p in _params()]
    opt.apply_gradients(zip(_grads(), variables, strict=True))
    opt.apply_gradients(zip(_grads(), variables, strict=True))
    assert opt.learning_rate == pytest.approx(0.025)
    np.testing.assert_allclose(variables[0].value, 1.0 - (0.1 + 0.05) * 0.5, rtol=1e-6)
    with pytest.raises(TypeError, match="cannot be set"):
        opt.learning_rate = 0.3


def test_switching_to_a_schedule_retraces_eager_path():
    opt = ko.SGD(0.1)
    variables = [DuckVariable(p) for p in _params()]
    opt.apply_gradients(zip(_grads(), variables, strict=True))
    opt.learning_rate = ko.schedules.PiecewiseConstantDecay([0], [1.0, 0.01])
    assert opt.learning_rate == pytest.approx(0.01)
    before = np.asarray(variables[0].value)
    opt.apply_gradients(zip(_grads(), variables, strict=True))
    np.testing.assert_allclose(variables[0].value, before - 0.01 * 0.5, rtol=1e-6)


@pytest.mark.parametrize("zero_arg", [False, True])
def test_callable_learning_rate(zero_arg):
    fn = (lambda: 0.2) if zero_arg else (lambda step: 0.2 / (1.0 + step))
    opt = ko.SGD(fn)
    params, state = _params(), opt.init(_params())
    params, state = jax.jit(opt.update)(_grads(), state, params)
    params, state = jax.jit(opt.update)(_grads(), state, params)
    second = 0.2 if zero_arg else 0.1
    np.testing.assert_allclose(params[0], 1.0 - (0.2 + second) * 0.5, rtol=1e-6)


def test_update_accepts_any_pytree_and_validates_structure():
    opt = ko.RMSprop(0.01)
    params = {"w": jnp.ones((2, 2)), "b": {"x": jnp.zeros(3)}}
    grads = jax.tree.map(jnp.ones_like, params)
    new, state = jax.jit(opt.update)(grads, opt.init(params), params)
    assert jax.tree.structure(new) == jax.tree.structure(params)
    with pytest.raises(ValueError, match="structure of `params`"):
        opt.update([jnp.ones(3)], state, params)
    with pytest.raises(ValueError, match="built for 2 variables"):
        opt.update([jnp.ones(3)], state, [jnp.ones(3)])
    with pytest.raises(TypeError, match="OptimizerState"):
        opt.update(grads, {"not": "a state"}, params)


def test_variables_and_set_weights_round_trip():
    opt = ko.Adam(0.01)
    variables = [DuckVariable(p) for p in _params()]
    opt.apply_gradients(zip(_grads(), variables, strict=True))
    saved = [np.asarray(v) for v in opt.variables]
    assert int(saved[0]) == 1 and saved[1] == pytest.approx(0.01)
    fresh = ko.Adam(0.01)
    fresh.build([DuckVariable(p) for p in _params()])
    fresh.set_weights(saved)
    assert fresh.iterations == 1
    for a, b in zip(fresh.variables, saved, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="weights"):
        fresh.set_weights(saved[:-1])


@pytest.mark.parametrize("name", ALL)
def test_defaults_and_config_match_keras(keras_module, name):
    ours = getattr(ko, name)().get_config()
    theirs = getattr(keras_module.optimizers, name)().get_config()
    ours.pop("name"), theirs.pop("name")
    assert ours == pytest.approx(theirs)


@pytest.mark.parametrize("name", ALL)
def test_config_round_trip_both_ways(keras_module, name):
    schedule = ko.schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=5)
    opt = getattr(ko, name)(learning_rate=schedule, clipnorm=1.0, name="custom")
    config = opt.get_config()
    clone = type(opt).from_config(config)
    assert clone.get_config() == config and clone.name == "custom"
    assert ko.deserialize(ko.serialize(opt)).get_config() == config
    # Keras reads our config, and we read Keras's.
    keras_opt = keras_module.optimizers.deserialize(ko.serialize(opt))
    assert keras_opt.get_config() == config
    assert ko.deserialize(keras_module.optimizers.serialize(keras_opt)).get_config() == config


def test_get_names_instances_dicts_and_errors():
    assert isinstance(ko.get("adam"), ko.Adam)
    assert isinstance(ko.get("RMSprop"), ko.RMSprop)
    assert isinstance(ko.get("SGD"), ko.SGD)
    assert isinstance(ko.get("adamw"), ko.AdamW)
    for name in ALL:
        assert type(ko.get(name.lower())).__name__ == name
    opt = ko.Lion()
    assert ko.get(opt) is opt
    assert ko.get(None) is None
    assert ko.get({"class_name": "Adagrad", "config": {"learning_rate": 0.5}}).learning_rate == 0.5
    with pytest.raises(ValueError, match="Valid names are.*'adam'.*'sgd'"):
        ko.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret"):
        ko.get(3)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        ko.deserialize({"class_name": "Nope", "config": {}})


def test_default_names_follow_keras_spelling():
    assert ko.RMSprop().name.startswith("rm_sprop")
    assert ko.AdamW().name.startswith("adam_w")
    first, second = ko.Adagrad(), ko.Adagrad()
    assert first.name != second.name


def test_invalid_arguments_raise_clearly():
    with pytest.raises(TypeError, match="beta1"):
        ko.Adam(beta1=0.9)
    with pytest.raises(TypeError, match="rho"):
        ko.SGD(rho=0.9)
    with pytest.raises(ValueError, match="Only one of"):
        ko.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        ko.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        ko.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="momentum"):
        ko.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="learning_rate"):
        ko.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        ko.Adam(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="clipnorm"):
        ko.Adam(clipnorm=-1.0)


def test_apply_gradients_errors():
    opt = ko.SGD()
    variables = [DuckVariable(p) for p in _params()]
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply_gradients([(None, v) for v in variables])
    opt.apply_gradients(zip(_grads(), variables, strict=True))
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply_gradients([(jnp.ones(3), DuckVariable(jnp.ones(3)))])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["bias"])


@pytest.mark.parametrize("name", ["Adafactor", "Ftrl", "ScheduleFreeAdamW"])
def test_transforms_that_read_the_parameters_refuse_an_update_without_them(name):
    transform = getattr(ko, name)().build_transform()
    params = jnp.ones((2, 3))
    state = transform.init(params)
    transform.update(params, state, params, learning_rate=0.1)  # with them, it runs
    with pytest.raises(ValueError, match=f"{name} needs the current parameters"):
        transform.update(params, state, learning_rate=0.1)


def test_weight_decay_exclusions_need_build_for_pure_update():
    opt = ko.AdamW()
    opt.exclude_from_weight_decay(var_names=["bias"])
    with pytest.raises(ValueError, match="build"):
        opt.update(_grads(), opt.init(_params()), _params())


def test_scale_loss():
    assert ko.SGD(loss_scale_factor=8.0).scale_loss(2.0) == 16.0
    assert ko.SGD().scale_loss(2.0) == 2.0


@pytest.mark.parametrize(
    "opt",
    [
        ko.Nadam(0.01, use_ema=True),
        ko.Adam(0.01, amsgrad=True, gradient_accumulation_steps=2),
        ko.SGD(ko.schedules.ExponentialDecay(0.1, 2, 0.5), momentum=0.9, weight_decay=0.1),
    ],
    ids=["nadam-ema", "amsgrad-accumulation", "sgd-schedule-decay"],
)
def test_low_precision_params_keep_dtypes_and_trace_once(opt):
    params = [p.astype(jnp.bfloat16) for p in _params()]
    grads = [g.astype(jnp.bfloat16) for g in _grads()]
    state = opt.init(params)
    dtypes = jax.tree.map(lambda x: x.dtype, state)
    traces = []

    def step(grads, state, params):
        traces.append(1)
        return opt.update(grads, state, params)

    jitted = jax.jit(step)
    for _ in range(3):
        params, state = jitted(grads, state, params)
    assert len(traces) == 1
    assert all(p.dtype == jnp.bfloat16 for p in params)
    assert jax.tree.map(lambda x: x.dtype, state) == dtypes
    assert bool(jnp.all(params[0] < 1.0))


def test_custom_optimizer_from_an_optax_transform():
    class SignSGD(ko.Optimizer):
        """Descends along the sign of the gradient."""

        def build_transform(self):
            return optax.chain(optax.scale_by_sign(), ko.scale_by_learning_rate())

    opt = SignSGD(learning_rate=0.1, clipvalue=1.0)
    variables = [DuckVariable(p) for p in _params()]
    opt.apply_gradients(zip([-g for g in _grads()], variables, strict=True))
    np.testing.assert_allclose(variables[0].value, 1.1, rtol=1e-6)
    # Without a declared Keras layout, `variables` lists the raw state leaves.
    assert len(opt.variables) == len(jax.tree.leaves(opt.state))
    opt.set_weights(opt.variables)
    with pytest.raises(NotImplementedError, match="build_transform"):
        ko.Optimizer(0.1).init(_params())


def test_iterations_is_the_iteration_variable_as_in_keras():
    import keras

    import kerax

    model = kerax.Sequential([kerax.Input((2,)), kerax.layers.Dense(1)])
    model.compile(kerax.optimizers.SGD(0.1), "mse")
    model.fit(np.ones((8, 2), "float32"), np.ones((8, 1), "float32"), batch_size=4, verbose=0)
    iterations = model.optimizer.iterations
    assert isinstance(iterations, kerax.Variable) and iterations.path == f"{model.optimizer.name}/iteration"
    assert iterations == 2 and int(iterations) == 2 and iterations.numpy() == 2
    assert iterations.dtype == keras.optimizers.SGD().iterations.dtype
    iterations.assign(10)  # the optimizer's own state: the next step counts on from it
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), batch_size=4, verbose=0)
    assert int(model.optimizer.iterations) == 11
    accumulating = kerax.optimizers.SGD(0.1, gradient_accumulation_steps=2)
    variable = kerax.Variable(np.ones(2, "float32"))
    for _ in range(5):
        accumulating.apply([np.ones(2, "float32")], [variable])
    assert int(accumulating.iterations) == 2  # applied updates, as Keras's floor_divide gives
