"""Adafactor, Ftrl, Lamb, Muon, ScheduleFreeAdamW and MultiOptimizer against Keras 3, step by step."""

from __future__ import annotations

import numpy as np
import pytest

import kerax
import kerax.optimizers as ko

RTOL, ATOL = 1e-5, 1e-6
# Shapes that exercise 1-D, 2-D (tall and wide) and 3-D variables; names pick Muon's steps.
SPECS = [("dense/kernel", (4, 3)), ("dense/bias", (3,)), ("embedding/embeddings", (5, 2)), ("conv/kernel", (2, 3, 2))]


def _problem(steps: int, seed: int = 0):
    rng = np.random.RandomState(seed)
    init = [rng.normal(size=s).astype("float32") for _, s in SPECS]
    grads = [[rng.normal(size=s).astype("float32") for _, s in SPECS] for _ in range(steps)]
    return init, grads


class _PathVar:
    """A kerax Variable with a chosen path (kerax paths carry no model prefix)."""

    @staticmethod
    def make(value, path):
        return kerax.Variable(value, name=path.rsplit("/", 1)[-1], path=path)


def _keras_vars(keras, init):
    out = []
    for (path, _), value in zip(SPECS, init, strict=True):
        layer, name = path.split("/")
        with keras.name_scope(layer):
            out.append(keras.Variable(value, name=name))
    return out


CASES = [
    ("Adafactor", {}),
    ("Adafactor", {"learning_rate": 0.05, "beta_2_decay": -0.5, "clip_threshold": 0.5, "weight_decay": 0.1}),
    ("Ftrl", {"learning_rate": 0.1}),
    (
        "Ftrl",
        {
            "learning_rate": 0.1,
            "learning_rate_power": -0.3,
            "l1_regularization_strength": 0.05,
            "l2_regularization_strength": 0.1,
            "l2_shrinkage_regularization_strength": 0.2,
            "beta": 0.5,
        },
    ),
    ("Lamb", {}),
    ("Lamb", {"learning_rate": 0.1, "beta_1": 0.8, "weight_decay": 0.1, "clipnorm": 1.0}),
    ("Muon", {}),
    ("Muon", {"learning_rate": 0.05, "nesterov": False, "rms_rate": None, "exclude_layers": ["dense"]}),
    ("Muon", {"learning_rate": 0.05, "exclude_embeddings": False, "adam_lr_ratio": 0.5, "weight_decay": None}),
    ("ScheduleFreeAdamW", {}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.1, "warmup_steps": 2, "weight_decay": 0.1, "use_ema": True}),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_apply_gradients_matches_keras(keras_module, name, kwargs):
    keras = keras_module
    init, grads = _problem(steps=3)
    k_opt = getattr(keras.optimizers, name)(**kwargs)
    k_vars = _keras_vars(keras, init)
    opt = getattr(ko, name)(**kwargs)
    variables = [_PathVar.make(v, p) for (p, _), v in zip(SPECS, init, strict=True)]
    for step_grads in grads:
        k_opt.apply_gradients(zip(step_grads, k_vars, strict=True))
        opt.apply_gradients(zip(step_grads, variables, strict=True))
        for i, (got, ref) in enumerate(zip(variables, k_vars, strict=True)):
            np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), rtol=RTOL, atol=ATOL, err_msg=f"var {i}")
    # Same optimizer variables: order, shapes, dtypes, values.
    ours, theirs = opt.variables, k_opt.variables
    assert [tuple(v.shape) for v in ours] == [tuple(v.shape) for v in theirs]
    assert [str(v.dtype) for v in ours] == [str(v.dtype) for v in theirs]
    for i, (got, ref) in enumerate(zip(ours, theirs, strict=True)):
        np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), rtol=RTOL, atol=ATOL, err_msg=theirs[i].path)
    assert opt.iterations == len(grads)


@pytest.mark.parametrize("name,kwargs", CASES[::2], ids=[n for n, _ in CASES[::2]])
def test_set_weights_from_keras_then_continue(keras_module, name, kwargs):
    """Keras's optimizer variables load into kerax's (as from a .keras file) and the next steps agree."""
    keras = keras_module
    init, grads = _problem(steps=3, seed=1)
    k_opt = getattr(keras.optimizers, name)(**kwargs)
    k_vars = _keras_vars(keras, init)
    for step_grads in grads[:2]:
        k_opt.apply_gradients(zip(step_grads, k_vars, strict=True))
    opt = getattr(ko, name)(**kwargs)
    variables = [_PathVar.make(v.numpy(), p) for (p, _), v in zip(SPECS, k_vars, strict=True)]
    opt.build(variables)
    opt.set_weights([v.numpy() for v in k_opt.variables])
    assert [v.name for v in opt.variables][2:] == [v.name for v in k_opt.variables][2:]
    for step_grads in grads[2:]:
        k_opt.apply_gradients(zip(step_grads, k_vars, strict=True))
        opt.apply_gradients(zip(step_grads, variables, strict=True))
    for got, ref in zip(variables, k_vars, strict=True):
        np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), rtol=RTOL, atol=ATOL)


def test_pure_update_with_schedule_matches_keras(keras_module):
    """The jitted pure core (`init`/`update`) on a pytree gives Keras's numbers, with a schedule."""
    import jax

    keras = keras_module
    init, grads = _problem(steps=3, seed=2)
    sched = {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5}
    k_opt = keras.optimizers.Lamb(keras.optimizers.schedules.ExponentialDecay(**sched))
    k_vars = _keras_vars(keras, init)
    opt = ko.Lamb(ko.schedules.ExponentialDecay(**sched))
    params = [jax.numpy.asarray(v) for v in init]
    state = opt.init(params)
    update = jax.jit(opt.update)
    for step_grads in grads:
        k_opt.apply_gradients(zip(step_grads, k_vars, strict=True))
        params, state = update(step_grads, state, params)
    for got, ref in zip(params, k_vars, strict=True):
        np.testing.assert_allclose(np.asarray(got), ref.numpy(), rtol=RTOL, atol=ATOL)
    assert int(opt.iterations_from_state(state)) == 3


def test_muon_pure_init_uses_pytree_paths():
    """Without `build`, Muon names parameters by their pytree keys: the embedding takes the AdamW step."""
    params = {"embedding": {"embeddings": np.ones((4, 2), "float32")}, "dense": {"kernel": np.ones((2, 3), "float32")}}
    opt = ko.Muon()
    state = opt.init(params)
    kinds = [type(s).__name__ for s in state.slots]
    assert kinds == ["MuonState", "MuonAdamState"]  # leaves sorted by key: dense, embedding
    new, _ = opt.update(params, state, params)
    assert set(new) == {"embedding", "dense"}


@pytest.mark.parametrize("by", ["regex", "callable"])
def test_multi_optimizer_matches_keras(keras_module, by):
    keras = keras_module
    init, grads = _problem(steps=3, seed=3)

    def build(lib):
        adam, sgd = lib.optimizers.Adam(0.1), lib.optimizers.SGD(0.1, momentum=0.9)
        if by == "regex":
            return lib.optimizers.MultiOptimizer(lib.optimizers.OptimizerMap(sgd, {"dense/.*": adam}))
        return lib.optimizers.MultiOptimizer(lambda v: adam if "dense" in v.path else sgd)

    k_opt, opt = build(keras), build(kerax)
    k_vars = _keras_vars(keras, init)
    variables = [_PathVar.make(v, p) for (p, _), v in zip(SPECS, init, strict=True)]
    for step_grads in grads:
        k_opt.apply_gradients(zip(step_grads, k_vars, strict=True))
        opt.apply_gradients(zip(step_grads, variables, strict=True))
    for got, ref in zip(variables, k_vars, strict=True):
        np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), rtol=RTOL, atol=ATOL)
    assert [v.name for v in opt.variables] == [v.name for v in k_opt.variables]
    for got, ref in zip(opt.variables, k_opt.variables, strict=True):
        np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), rtol=RTOL, atol=ATOL, err_msg=ref.path)
    assert [o.iterations for o in opt.optimizers] == [int(o.iterations.numpy()) for o in k_opt.optimizers]
    with pytest.raises(AttributeError, match="sub-optimizers"):
        _ = opt.learning_rate


def test_optimizer_map_lookup_and_keras_prefixed_patterns():
    adam, sgd, rms = ko.Adam(), ko.SGD(), ko.RMSprop()
    m = ko.OptimizerMap(default_optimizer=rms)
    m["encoder/layer_0/dense"] = adam
    m["encoder/.*"] = sgd
    assert m["encoder/layer_0/dense"] is adam
    assert m["encoder/layer_0/attention/query"] is sgd
    assert m["decoder/dense"] is rms
    with pytest.raises(ValueError, match="already exists"):
        m["encoder/.*"] = adam
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        m["x"] = ko.LossScaleOptimizer(ko.SGD())
    with pytest.raises(TypeError, match="default_optimizer"):
        ko.OptimizerMap("sgd")
    # Patterns are matched whole, as in Keras: `d1/.*` does not select `sequential/d1/kernel`.
    prefixed = ko.OptimizerMap(sgd, {"d1/.*": adam})
    assert prefixed(_PathVar.make(np.zeros(2, "float32"), "sequential/d1/kernel")) is sgd
    assert prefixed(_PathVar.make(np.zeros(2, "float32"), "d1/kernel")) is adam
    ambiguous = ko.OptimizerMap(sgd, {"a.*": adam, ".*b": rms})
    with pytest.raises(ValueError, match="Multiple optimizers"):
        _ = ambiguous["ab"]


def _mlp(lib, seed):
    layers = [lib.Input((3,)), lib.layers.Dense(4, activation="tanh", name="d1"), lib.layers.Dense(1, name="d2")]
    model = lib.Sequential(layers, name="net")
    rng = np.random.RandomState(seed)
    weights = [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    return model, weights


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.optimizers.Lamb(0.05),
        lambda lib: lib.optimizers.Muon(0.05, exclude_layers=["d2"]),
        lambda lib: lib.optimizers.MultiOptimizer(
            lib.optimizers.OptimizerMap(lib.optimizers.Adafactor(0.05), {"net/d1/.*": lib.optimizers.Ftrl(0.1)})
        ),
        lambda lib: lib.optimizers.MultiOptimizer(
            lambda v: (
                lib.optimizers.SGD(0.1, use_ema=True) if "d2" in v.path else lib.optimizers.ScheduleFreeAdamW(0.01)
            )
        ),
    ],
    ids=["Lamb", "Muon", "MultiOptimizer", "MultiOptimizer-ema"],
)
def test_fit_two_epochs_matches_keras(keras_module, make):
    keras = keras_module
    rng = np.random.RandomState(5)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    k_model, weights = _mlp(keras, 0)
    k_model.set_weights(weights)
    model, _ = _mlp(kerax, 0)
    model.set_weights(weights)
    k_model.compile(optimizer=make(keras), loss="mse")
    model.compile(optimizer=make(kerax), loss="mse")
    k_hist = k_model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    hist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(hist, k_hist, rtol=1e-5)
    for got, ref in zip(model.get_weights(), k_model.get_weights(), strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_get_config_round_trip_and_keras_config(keras_module, name, kwargs):
    opt = getattr(ko, name)(**kwargs)
    config = opt.get_config()
    k_config = getattr(keras_module.optimizers, name)(**kwargs).get_config()
    assert set(config) == set(k_config)
    for key, value in k_config.items():
        if key != "name":
            assert config[key] == pytest.approx(value), key
    clone = ko.deserialize(ko.serialize(opt))
    assert type(clone) is type(opt) and clone.get_config() == config
    assert type(ko.get(name.lower())) is type(opt)


def test_multi_optimizer_config_round_trip(keras_module):
    keras = keras_module
    opt = ko.MultiOptimizer(ko.OptimizerMap(ko.SGD(0.1), {"dense/.*": ko.Lamb(0.2)}), name="multi")
    config = opt.get_config()
    k_opt = keras.optimizers.MultiOptimizer(
        keras.optimizers.OptimizerMap(keras.optimizers.SGD(0.1), {"dense/.*": keras.optimizers.Lamb(0.2)}), name="multi"
    )
    k_config = k_opt.get_config()
    assert (
        config["optimizer_map"]["config"]["optimizer_map"].keys()
        == k_config["optimizer_map"]["config"]["optimizer_map"].keys()
    )
    # A Keras-written config loads in kerax, and kerax's round-trips.
    for source in (config, k_config):
        clone = ko.deserialize({"class_name": "MultiOptimizer", "config": source})
        assert [type(o).__name__ for o in clone.optimizers] == ["Lamb", "SGD"]
        assert clone.optimizers[0].learning_rate == pytest.approx(0.2)
    with pytest.raises(ValueError, match="cannot be serialised"):
        ko.MultiOptimizer(lambda v: ko.SGD()).get_config()


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: ko.Ftrl(learning_rate_power=0.5), "learning_rate_power"),
        (lambda: ko.Ftrl(l1_regularization_strength=-1.0), "l1_regularization_strength"),
        (lambda: ko.Ftrl(initial_accumulator_value=-0.1), "initial_accumulator_value"),
        (lambda: ko.Lamb(beta_1=1.5), "beta_1"),
        (lambda: ko.Adafactor(clip_threshold=0.0), "clip_threshold"),
        (lambda: ko.Muon(exclude_layers="dense"), "exclude_layers"),
        (lambda: ko.Muon(ns_steps=1.5), "ns_steps"),
        (lambda: ko.ScheduleFreeAdamW(warmup_steps=-1), "warmup_steps"),
        (lambda: ko.ScheduleFreeAdamW(beta_1=0.0), "beta_1"),
        (lambda: ko.MultiOptimizer(ko.OptimizerMap(ko.SGD(), {"x": ko.MultiOptimizer(lambda v: ko.SGD())})), "inside"),
    ],
)
def test_invalid_arguments_say_what_was_received(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_multi_optimizer_rejects_bad_selector_results():
    with pytest.raises(TypeError, match="optimizer_map"):
        ko.MultiOptimizer("adam")
    opt = ko.MultiOptimizer(lambda v: "sgd")
    with pytest.raises(ValueError, match="expected a kerax Optimizer"):
        opt.build([_PathVar.make(np.zeros(2, "float32"), "dense/bias")])


def _fitted_mlp(make, tmp_path):
    rng = np.random.RandomState(6)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    model, _ = _mlp(kerax, 1)
    model.compile(optimizer=make(), loss="mse")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    return model, path


@pytest.mark.parametrize("name", ["Adafactor", "Muon"])
def test_keras_file_loads_in_keras_with_same_optimizer_variables(keras_module, tmp_path, name):
    model, path = _fitted_mlp(getattr(ko, name), tmp_path)
    loaded = keras_module.saving.load_model(path)
    assert type(loaded.optimizer).__name__ == name
    theirs = loaded.optimizer.variables
    assert len(theirs) == len(model.optimizer.variables)
    for got, ref in zip(model.optimizer.variables, theirs, strict=True):
        np.testing.assert_allclose(np.asarray(got.value), ref.numpy(), err_msg=ref.path)


def test_multi_optimizer_keras_file_round_trip(tmp_path):
    # `.*d1/.*`: the saved model's paths are `net/d1/...`, the loaded one's `d1/...` (as in Keras, a loaded model's
    # layers are built before the model exists).
    model, path = _fitted_mlp(lambda: ko.MultiOptimizer(ko.OptimizerMap(ko.SGD(0.1), {".*d1/.*": ko.Lamb()})), tmp_path)
    loaded = kerax.saving.load_model(path)
    assert [type(o).__name__ for o in loaded.optimizer.optimizers] == ["Lamb", "SGD"]
    for got, ref in zip(loaded.optimizer.variables, model.optimizer.variables, strict=True):
        np.testing.assert_allclose(np.asarray(got.value), np.asarray(ref.value))
    with pytest.raises(ValueError, match="cannot be made from its name"):
        ko.get("multioptimizer")


def test_multi_optimizer_pure_core_on_a_pytree():
    """A pure `init` names parameters by their pytree keys; the jitted `update` matches the stateful step."""
    import jax

    params = {"dense": {"kernel": np.ones((2, 3), "float32")}, "head": {"bias": np.full((3,), 2.0, "float32")}}
    grads = jax.tree.map(lambda p: np.full_like(p, 0.5), params)
    opt = ko.MultiOptimizer(ko.OptimizerMap(ko.SGD(0.1), {"dense/.*": ko.Lamb(0.01)}))
    state = opt.init(params)
    new, state = jax.jit(opt.update)(grads, state, params)
    assert int(opt.iterations_from_state(state)) == 1
    lamb, sgd = opt.optimizers
    assert int(lamb.iterations_from_state(state.inner[0])) == 1
    np.testing.assert_allclose(new["head"]["bias"], 2.0 - 0.1 * 0.5)
    expected_kernel, _ = ko.Lamb(0.01).update(
        [grads["dense"]["kernel"]], ko.Lamb(0.01).init([params["dense"]["kernel"]]), [params["dense"]["kernel"]]
    )
    np.testing.assert_allclose(new["dense"]["kernel"], expected_kernel[0], rtol=1e-6)


@pytest.mark.parametrize("writer", ["kerax", "keras"])
def test_a_multi_optimizer_keras_file_crosses_both_ways_with_its_state(tmp_path, writer):
    import warnings

    import keras

    libs = {"kerax": kerax, "keras": keras}
    write, read = libs[writer], libs["keras" if writer == "kerax" else "kerax"]
    model = write.Sequential([write.Input((3,)), write.layers.Dense(2, name="a"), write.layers.Dense(1, name="b")])
    mapping = write.optimizers.OptimizerMap(default_optimizer=write.optimizers.SGD(momentum=0.9))
    mapping[".*a/.*"] = write.optimizers.Adam()
    model.compile(write.optimizers.MultiOptimizer(mapping), "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=2, verbose=0)
    path = str(tmp_path / "multi.keras")
    model.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras warns when it skips optimizer state it cannot place
        loaded = read.models.load_model(path)
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables) == 12
    for ours, theirs in zip(loaded.optimizer.variables, model.optimizer.variables, strict=True):
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6)
