"""Utilities: session and seed control, plotting, the progress bar."""

from kerax.utils._plot_model import model_to_graph, plot_model
from kerax.utils._progbar import Progbar
from kerax.utils._session import clear_session, set_random_seed

__all__ = ["Progbar", "clear_session", "model_to_graph", "plot_model", "set_random_seed"]
