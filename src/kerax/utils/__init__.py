"""Utilities: session and seed control, plotting, the progress bar."""

from kerax.trainers._data import pack_x_y_sample_weight, unpack_x_y_sample_weight
from kerax.utils._plot_model import model_to_graph, plot_model
from kerax.utils._progbar import Progbar
from kerax.utils._session import clear_session, set_random_seed

__all__ = [
    "Progbar",
    "clear_session",
    "model_to_graph",
    "pack_x_y_sample_weight",
    "plot_model",
    "set_random_seed",
    "unpack_x_y_sample_weight",
]
