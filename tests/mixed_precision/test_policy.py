"""DTypePolicy, the global policy, and how layers take, report and serialise their policy."""

from __future__ import annotations

import json

import jax.numpy as jnp
import numpy as np
import pytest

import kerax
from kerax import dtype_policies, layers, mixed_precision
from kerax.mixed_precision import DTypePolicy

NAMES = ("float32", "float16", "bfloat16", "mixed_float16", "mixed_bfloat16")


@pytest.mark.parametrize("name", NAMES)
def test_policy_dtypes_match_keras(keras, name):
    ours, theirs = DTypePolicy(name), keras.DTypePolicy(name)
    assert (ours.name, ours.compute_dtype, ours.variable_dtype) == (
        theirs.name,
        theirs.compute_dtype,
        theirs.variable_dtype,
    )
    assert repr(ours) == repr(theirs)
    assert ours.get_config() == theirs.get_config()


def test_policy_equality_and_aliases():
    assert DTypePolicy("mixed_bfloat16") == DTypePolicy("mixed_bfloat16")
    assert DTypePolicy("mixed_bfloat16") != DTypePolicy("bfloat16")
    assert dtype_policies.DTypePolicy is DTypePolicy is mixed_precision.Policy
    assert kerax.optimizers.LossScaleOptimizer is mixed_precision.LossScaleOptimizer
    assert DTypePolicy("float64").compute_dtype == "float64"  # any dtype name, as in Keras


@pytest.mark.parametrize("bad", ["mixed_float64", "float", "f4", "mixed", ""])
def test_policy_rejects_unknown_names(bad):
    with pytest.raises(ValueError, match=r"expected one of 'float32', 'float16', .*'mixed_bfloat16'.*received"):
        DTypePolicy(bad)


def test_policy_rejects_non_strings():
    with pytest.raises(TypeError, match="must be a string"):
        DTypePolicy(16)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"set_global_policy: expected a policy name .* received 3"):
        mixed_precision.set_global_policy(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="received 'mixed_half'"):
        layers.Dense(2, dtype="mixed_half")
    with pytest.raises(ValueError, match="cannot deserialize a 'Other' config"):
        layers.Dense(2, dtype={"class_name": "Other", "config": {"name": "float32"}})


def test_global_policy_is_read_at_construction(keras):
    assert mixed_precision.global_policy() == DTypePolicy("float32")
    before = layers.Dense(2)
    mixed_precision.set_global_policy("mixed_bfloat16")
    assert mixed_precision.global_policy().name == "mixed_bfloat16"
    after = layers.Dense(2)
    assert (before.compute_dtype, before.variable_dtype) == ("float32", "float32")
    assert (after.compute_dtype, after.variable_dtype, after.dtype) == ("bfloat16", "float32", "float32")
    assert after.dtype_policy == DTypePolicy("mixed_bfloat16")
    assert DTypePolicy().name == "mixed_bfloat16"  # no name: the global policy's
    mixed_precision.set_global_policy(DTypePolicy("float16"))
    assert layers.Dense(2).dtype == "float16"
    # As in Keras, clear_session() forgets the global policy.
    keras.config.set_dtype_policy("mixed_float16")
    keras.utils.clear_session()
    kerax.utils.clear_session()
    assert mixed_precision.global_policy().name == keras.config.dtype_policy().name == "float32"


@pytest.mark.parametrize(
    "given",
    ["mixed_float16", DTypePolicy("mixed_float16"), {"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}],
)
def test_layer_accepts_names_policies_and_configs(given):
    layer = layers.Dense(2, dtype=given)
    assert layer.dtype_policy.name == "mixed_float16"
    assert (layer.compute_dtype, layer.variable_dtype, layer.dtype) == ("float16", "float32", "float32")


@pytest.mark.parametrize("given", [jnp.bfloat16, np.float16, np.dtype("float32"), "float16"])
def test_layer_accepts_plain_dtypes(given):
    layer = layers.Dense(2, dtype=given)
    name = jnp.dtype(given).name
    assert (layer.dtype_policy.name, layer.compute_dtype, layer.variable_dtype) == (name, name, name)


def test_dtype_policy_setter():
    layer = layers.Dense(2)
    layer.dtype_policy = "mixed_bfloat16"
    assert layer.compute_dtype == "bfloat16"


@pytest.mark.parametrize("name", NAMES)
def test_config_writes_keras_policy_dict_and_round_trips(keras, name):
    ours = layers.Dense(3, dtype=name, name="d").get_config()
    theirs = keras.layers.Dense(3, dtype=name, name="d").get_config()
    assert ours["dtype"] == theirs["dtype"]
    assert ours["dtype"] == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": name},
        "registered_name": None,
    }
    config = json.loads(json.dumps(ours))
    assert layers.Dense.from_config(config).dtype_policy.name == name
    # Keras's policy dict loads too, and so does kerax's module spelling or a plain string.
    assert layers.Dense.from_config({**config, "dtype": theirs["dtype"]}).dtype_policy.name == name
    assert layers.Dense.from_config({**config, "dtype": {**config["dtype"], "module": "kerax"}}).compute_dtype == (
        DTypePolicy(name).compute_dtype
    )
    assert layers.Dense.from_config({**config, "dtype": name}).dtype_policy.name == name
    # And Keras reads kerax's config.
    assert keras.layers.Dense.from_config(config).dtype_policy.name == name


def test_input_layer_keeps_floatx_under_a_mixed_policy(keras):
    mixed_precision.set_global_policy("mixed_bfloat16")
    keras.config.set_dtype_policy("mixed_bfloat16")
    ours, theirs = kerax.Input((3,)), keras.Input((3,))
    assert ours.dtype == theirs.dtype == "float32"
    mixed_precision.set_global_policy("bfloat16")
    keras.config.set_dtype_policy("bfloat16")
    assert kerax.Input((3,)).dtype == keras.Input((3,)).dtype == "float32"
