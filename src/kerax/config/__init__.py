"""Global settings with Keras 3's ``keras.config`` names (float type, image layout, run caps, switches).

Beyond Keras: ``enable_compilation_cache``/``disable_compilation_cache`` (JAX's persistent cache of compiled
steps, on by default under ``$KERAX_HOME/jax_cache``).
"""

from kerax.backend._compilation_cache import (
    compilation_cache_dir,
    disable_compilation_cache,
    enable_compilation_cache,
)
from kerax.backend._config import (
    backend,
    disable_flash_attention,
    disable_interactive_logging,
    disable_traceback_filtering,
    enable_flash_attention,
    enable_interactive_logging,
    enable_traceback_filtering,
    enable_unsafe_deserialization,
    epsilon,
    floatx,
    image_data_format,
    is_flash_attention_enabled,
    is_interactive_logging_enabled,
    is_nnx_enabled,
    is_traceback_filtering_enabled,
    max_epochs,
    max_steps_per_epoch,
    set_backend,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    set_max_epochs,
    set_max_steps_per_epoch,
)
from kerax.dtype_policies._policy import global_policy as dtype_policy
from kerax.dtype_policies._policy import set_global_policy as set_dtype_policy

__all__ = [
    "backend",
    "compilation_cache_dir",
    "disable_compilation_cache",
    "enable_compilation_cache",
    "disable_flash_attention",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "dtype_policy",
    "enable_flash_attention",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_flash_attention_enabled",
    "is_interactive_logging_enabled",
    "is_nnx_enabled",
    "is_traceback_filtering_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_backend",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_max_epochs",
    "set_max_steps_per_epoch",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
