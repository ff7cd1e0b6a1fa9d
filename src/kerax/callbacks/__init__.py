"""Callbacks: hooks into `fit`, `evaluate` and `predict` (history, progress bar, early stopping, ...)."""

from kerax.callbacks._backup_and_restore import BackupAndRestore
from kerax.callbacks._callback import Callback
from kerax.callbacks._callback_list import CallbackList
from kerax.callbacks._csv_logger import CSVLogger
from kerax.callbacks._early_stopping import EarlyStopping
from kerax.callbacks._history import History
from kerax.callbacks._lambda_callback import LambdaCallback
from kerax.callbacks._learning_rate_scheduler import LearningRateScheduler
from kerax.callbacks._model_checkpoint import ModelCheckpoint
from kerax.callbacks._orbax_checkpoint import OrbaxCheckpoint
from kerax.callbacks._progbar_logger import ProgbarLogger
from kerax.callbacks._reduce_lr_on_plateau import ReduceLROnPlateau
from kerax.callbacks._remote_monitor import RemoteMonitor
from kerax.callbacks._swap_ema_weights import SwapEMAWeights
from kerax.callbacks._tensorboard import TensorBoard
from kerax.callbacks._terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "OrbaxCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "RemoteMonitor",
    "SwapEMAWeights",
    "TensorBoard",
    "TerminateOnNaN",
]


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
