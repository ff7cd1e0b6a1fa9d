"""Mixed precision, with Keras's names: dtype policies, the global policy and dynamic loss scaling.

kerax.mixed_precision.set_global_policy("mixed_bfloat16")   # layers created next compute in bfloat16
model = kerax.Sequential([..., kerax.layers.Activation("softmax", dtype="float32")])
"""

from kerax.dtype_policies._policy import DTypePolicy, global_policy, set_global_policy
from kerax.optimizers._loss_scale_optimizer import LossScaleOptimizer

# Keras's other names for the same things.
Policy = DTypePolicy
dtype_policy = global_policy
set_dtype_policy = set_global_policy

__all__ = [
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
