"""Callbacks: hooks into `fit`, `evaluate` and `predict` (history, progress bar, early stopping, ...)."""

from kerax.callbacks._callback import Callback
from kerax.callbacks._callback_list import CallbackList
from kerax.callbacks.backup_and_restore import BackupAndRestore
from kerax.callbacks.csv_logger import CSVLogger
from kerax.callbacks.early_stopping import EarlyStopping
from kerax.callbacks.history import History
from kerax.callbacks.lambda_callback import LambdaCallback
from kerax.callbacks.learning_rate_scheduler import LearningRateScheduler
from kerax.callbacks.model_checkpoint import ModelCheckpoint
from kerax.callbacks.progbar_logger import ProgbarLogger
from kerax.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from kerax.callbacks.terminate_on_nan import TerminateOnNaN

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
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
