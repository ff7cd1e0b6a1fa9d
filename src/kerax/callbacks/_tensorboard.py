"""`TensorBoard`: write scalars, histograms, images and the model graph as TensorBoard event files.

The event files are written with `tensorboardX` (an optional dependency, `pip install tensorboardX`),
synchronously and without TensorFlow.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import os
import time
import warnings
import weakref
from typing import Any

import jax
import numpy as np
from PIL import Image

from kerax._serialization._serialize import serialize_keras_object
from kerax.callbacks._callback import Callback
from kerax.layers import Embedding

_HISTOGRAM_BUCKETS = 30  # as `tf.summary.histogram`'s default
_MAX_IMAGES = 3  # as `tf.summary.image`'s default `max_outputs`
_writer_ids = itertools.count()


def _tensorboardx() -> Any:
    """The `tensorboardX` modules used here, imported on first use."""
    try:
        from tensorboardX import summary
        from tensorboardX.event_file_writer import EventsWriter
        from tensorboardX.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2
    except ImportError as error:
        raise ImportError(
            "The TensorBoard callback writes its event files with the `tensorboardX` package, which is not "
            "installed. Install it with `pip install tensorboardX` (or `pip install kerax[tensorboard]`)."
        ) from error
    return summary, EventsWriter, event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2


class _EventWriter:
    """A synchronous event-file writer for one run folder (`train/` or `validation/`): no thread."""

    def __init__(self, logdir: str) -> None:
        summary, events_writer, event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2 = _tensorboardx()
        self._summary = summary
        self._event_pb2 = event_pb2
        self._summary_pb2 = summary_pb2
        self._tensor_pb2 = tensor_pb2
        self._tensor_shape_pb2 = tensor_shape_pb2
        os.makedirs(logdir, exist_ok=True)
        # A suffix unique to this writer: two writers opened within the same second never share a file.
        suffix = f".{os.getpid()}.{next(_writer_ids)}.v2"
        self._writer = events_writer(os.path.join(logdir, "events"), suffix)
        # Closed when the callback is dropped even if training failed before `on_train_end`.
        self._finalizer = weakref.finalize(self, self._writer.close)

    def _write(self, summary: Any, step: int) -> None:
        event = self._event_pb2.Event(summary=summary, wall_time=time.time(), step=int(step))
        self._writer.write_event(event)

    def scalar(self, tag: str, value: Any, step: int) -> None:
        self._write(self._summary.scalar(tag, float(np.asarray(value))), step)

    def histogram(self, tag: str, values: Any, step: int) -> None:
        values = np.asarray(values, dtype=np.float64)
        if values.size == 0 or not np.all(np.isfinite(values)):
            return  # an empty or non-finite weight has no histogram (TensorBoard cannot show one)
        self._write(self._summary.histogram(tag, values, bins=_HISTOGRAM_BUCKETS), step)

    def images(self, tag: str, images: np.ndarray, step: int) -> None:
        """Write `images` (N, H, W, C), floats in [0, 1] (clipped), as up to 3 images `tag/0`, `tag/1`..."""
        pixels = (np.clip(images, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
        values = []
        for i, image in enumerate(pixels[:_MAX_IMAGES]):
            proto = self._png(image)
            name = tag if len(pixels) == 1 else f"{tag}/{i}"
            values.append(self._summary_pb2.Summary.Value(tag=name, image=proto))
        self._write(self._summary_pb2.Summary(value=values), step)

    def _png(self, image: np.ndarray) -> Any:
        """An (H, W, C) uint8 image as a PNG-encoded `Summary.Image`."""

        height, width, channels = image.shape
        buffer = io.BytesIO()
        Image.fromarray(image[:, :, 0] if channels == 1 else image).save(buffer, format="PNG")
        return self._summary_pb2.Summary.Image(
            height=height, width=width, colorspace=channels, encoded_image_string=buffer.getvalue()
        )

    def text_tensor(self, tag: str, text: str, plugin_name: str, content: bytes, step: int) -> None:
        """Write a string tensor summary for the TensorBoard plugin `plugin_name`."""
        pb2 = self._summary_pb2
        metadata = pb2.SummaryMetadata(plugin_data=pb2.SummaryMetadata.PluginData(plugin_name=plugin_name))
        metadata.plugin_data.content = content
        tensor = self._tensor_pb2.TensorProto(
            dtype=7,  # DT_STRING
            string_val=[text.encode("utf-8")],
            tensor_shape=self._tensor_shape_pb2.TensorShapeProto(),
        )
        self._write(pb2.Summary(value=[pb2.Summary.Value(tag=tag, metadata=metadata, tensor=tensor)]), step)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._finalizer()


def _check_freq(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"TensorBoard: `{name}` must be a non-negative int, received {name}={value!r}.")
    return int(value)


def _profile_range(profile_batch: Any) -> tuple[int, int]:
    message = (
        "TensorBoard: `profile_batch` must be a non-negative int or a pair of positive ints (start, stop) with "
        f"start <= stop (a range of batches to profile), or a string 'start,stop'. Received: {profile_batch!r}"
    )
    value = profile_batch
    if isinstance(value, str):
        try:
            value = [int(part) for part in value.split(",")]
        except ValueError:
            raise ValueError(message) from None
        if len(value) == 1:
            value = value[0]
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        start = stop = int(value)
    elif isinstance(value, tuple | list) and len(value) == 2 and all(isinstance(v, int | np.integer) for v in value):
        start, stop = int(value[0]), int(value[1])
    else:
        raise ValueError(message)
    if start < 0 or stop < start or (start == 0 and stop != 0):
        raise ValueError(message)
    return start, stop


def _weight_image(value: np.ndarray) -> np.ndarray | None:
    """A weight as an (N, H, W, 1) batch of images, as Keras draws it; None for shapes it does not draw."""
    image = np.squeeze(value)
    shape = image.shape
    if len(shape) == 1:  # a bias: one row
        image = image.reshape(1, 1, shape[0], 1)
    elif len(shape) == 2:  # a dense kernel, drawn wider than high
        if shape[0] > shape[1]:
            image = image.T
        image = image.reshape(1, image.shape[0], image.shape[1], 1)
    elif len(shape) == 3:  # a 1D-conv kernel: one image per output channel
        image = np.transpose(image, (2, 0, 1))
        image = image.reshape(*image.shape, 1)
    else:
        return None
    return image


class TensorBoard(Callback):
    """Write what training does as TensorBoard event files (`tensorboard --logdir=<log_dir>` shows them).

    The files go to two run folders, `<log_dir>/train` and `<log_dir>/validation`, with Keras's tags:

    * every epoch, the training logs as `epoch_<name>` (e.g. `epoch_loss`, `epoch_accuracy`) plus
      `epoch_learning_rate` in `train/`, and the validation logs (without their `val_` prefix) as
      `epoch_<name>` in `validation/`, at step `epoch`;
    * with an int `update_freq` N (or "batch", meaning 1), the running training logs as
      `batch_<name>` in `train/` every N batches, at step "batches trained so far in this `fit`";
      asking for batch logs makes `fit` report every batch instead of chunks of batches;
    * after every evaluation (the validation of `fit`, or `evaluate`), the results as
      `evaluation_<name>_vs_iterations` in `validation/`, at step `optimizer.iterations`;
    * with `write_steps_per_second`, `epoch_steps_per_second` (and `batch_steps_per_second` with batch
      logs);
    * every `histogram_freq` epochs, a histogram (30 buckets) of every weight of every layer, as
      `<weight path>/histogram`, and with `write_images`, the weight as `<weight path>/image`;
    * with `write_graph`, the model's configuration (Sequential and Functional models) as the
      `keras` summary read by TensorBoard's graph plugin ("conceptual graph"). There is no op-level
      graph: the compiled JAX training step is not a TensorFlow graph;
    * every `embeddings_freq` epochs, the model's weights as `train/keras_embedding.ckpt-<epoch>.weights.h5`,
      with a `projector_config.pbtxt` naming the `Embedding` layers for TensorBoard's projector.

    `profile_batch` runs the JAX profiler (`jax.profiler.start_trace`) over the given batches of the
    first epoch (counted from 1), writing the trace under `train/plugins/profile/`; TensorBoard shows
    it with the `tensorboard-plugin-profile` package.

    The event files are written by `tensorboardX` (`pip install tensorboardX`), synchronously (no
    writer thread) and without TensorFlow; they are flushed every epoch and closed when training ends.

    Args:
        log_dir: Folder the `train/` and `validation/` event folders are written to. Defaults to `"logs"`.
        histogram_freq: Write weight histograms every this many epochs; 0 writes none. Defaults to `0`.
        write_graph: Write the model's configuration for TensorBoard's graph plugin. Defaults to `True`.
        write_images: With `histogram_freq`, also write the weights as images. Defaults to `False`.
        write_steps_per_second: Also write the training steps per second. Defaults to `False`.
        update_freq: "epoch" to write the training logs once per epoch, "batch" or an int N to also write
            them every N batches. Defaults to `"epoch"`.
        profile_batch: 0 (no profiling), a batch number, or a pair (start, stop) of batch numbers (from 1)
            to profile, as ints or as a string "start,stop". Defaults to `0`.
        embeddings_freq: Save the weights for the embedding projector every this many epochs; 0 never. Defaults to `0`.
        embeddings_metadata: A metadata file name for every `Embedding` layer, or a dict from layer name
            to file name. Defaults to `None`.
    """

    def __init__(
        self,
        log_dir: str | os.PathLike[str] = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: int | str = "epoch",
        profile_batch: int | str | tuple[int, int] = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: str | dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        try:
            self.log_dir = os.fspath(log_dir)
        except TypeError:
            raise TypeError(f"TensorBoard: `log_dir` must be a str or os.PathLike, received {log_dir!r}.") from None
        self.histogram_freq = _check_freq("histogram_freq", histogram_freq)
        self.write_graph = bool(write_graph)
        self.write_images = bool(write_images)
        self.write_steps_per_second = bool(write_steps_per_second)
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (
            isinstance(update_freq, bool) or not isinstance(update_freq, int | np.integer) or update_freq < 1
        ):
            raise ValueError(
                f"TensorBoard: `update_freq` must be 'epoch', 'batch' or a positive int, received {update_freq!r}."
            )
        self.update_freq = update_freq if update_freq == "epoch" else int(update_freq)
        self.embeddings_freq = _check_freq("embeddings_freq", embeddings_freq)
        if embeddings_metadata is not None and not isinstance(embeddings_metadata, str | dict):
            raise TypeError(
                "TensorBoard: `embeddings_metadata` must be a file name, a dict of layer name to file name, or "
                f"None; received {embeddings_metadata!r}."
            )
        self.embeddings_metadata = embeddings_metadata
        self._start_batch, self._stop_batch = _profile_range(profile_batch)
        self._should_trace = self._start_batch > 0
        # Batch hooks do something only for batch logs and profiling; else chunks of batches are fine.
        self.batch_hooks_chunk_safe = self.update_freq == "epoch" and not self._should_trace
        _tensorboardx()  # fail now, not after the first epoch, when tensorboardX is missing
        self._writers: dict[str, _EventWriter] = {}
        self._global_train_batch = 0
        self._epoch_batches_seen = 0
        self._counted_in_begin = False
        self._previous_epoch_iterations = 0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0
        self._is_tracing = False
        self._batch_trace_context: Any = None
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")

    # ------------------------------------------------------------------ writers
    def _writer(self, which: str) -> _EventWriter:
        writer = self._writers.get(which)
        if writer is None:
            writer = self._writers[which] = _EventWriter(self._train_dir if which == "train" else self._val_dir)
        return writer

    def _flush_writers(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    def _close_writers(self) -> None:
        writers, self._writers = self._writers, {}
        for writer in writers.values():
            writer.close()

    # ------------------------------------------------------------------ setup
    def set_model(self, model: Any) -> None:
        """Attach the model, and write its configuration when `write_graph`.

        Args:
            model: The model.
        """
        self._model = model
        self._close_writers()
        try:
            if self.write_graph:
                self._write_keras_model_summary()
            if self.embeddings_freq:
                self._configure_embeddings()
        except BaseException:
            self._close_writers()
            raise

    def _write_keras_model_summary(self) -> None:
        model = self._model
        if type(model).__name__ not in ("Functional", "Sequential"):
            return

        try:
            config = json.dumps(serialize_keras_object(model))
        except Exception as error:  # a model that cannot be serialised still trains
            warnings.warn(
                f"TensorBoard: the model failed to serialize as JSON; no graph is written. {error}", stacklevel=3
            )
            return
        writer = self._writer("train")
        writer.text_tensor("keras", config, "graph_keras_model", b"1", step=0)
        writer.flush()

    def _configure_embeddings(self) -> None:
        metadata = self.embeddings_metadata
        remaining = dict(metadata) if isinstance(metadata, dict) else {}
        lines = []
        for layer in self._model.layers:
            if not isinstance(layer, Embedding):
                continue
            lines.append("embeddings {")
            lines.append('  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"')
            path = metadata if isinstance(metadata, str) else remaining.pop(layer.name, None)
            if path is not None:
                lines.append(f"  metadata_path: {json.dumps(str(path))}")
            lines.append("}")
        if remaining:
            raise ValueError(
                "TensorBoard: `embeddings_metadata` names layers that are not `Embedding` layers of the model: "
                f"{sorted(remaining)}."
            )
        os.makedirs(self.log_dir, exist_ok=True)
        path = os.path.join(self.log_dir, "projector_config.pbtxt")
        tmp = f"{path}.tmp{os.getpid()}"
        with open(tmp, "w") as handle:
            handle.write("\n".join(lines) + ("\n" if lines else ""))
        os.replace(tmp, path)

    # ------------------------------------------------------------------ training
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Reset the batch counter.

        Args:
            logs: Unused.
        """
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Stop a running profile, then flush and close the event files.

        Args:
            logs: Unused.
        """
        try:
            if self._is_tracing:
                self._stop_trace()
        finally:
            self._close_writers()

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Start timing the epoch.

        Args:
            epoch: Index of the epoch (0-based).
            logs: Unused.
        """
        self._epoch_batches_seen = 0
        if self.write_steps_per_second:
            self._previous_epoch_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Count the batch, start its timer, and start profiling at `profile_batch`.

        Args:
            batch: Index of the batch within the epoch.
            logs: Unused.
        """
        self._advance(batch)
        self._counted_in_begin = True
        if self.write_steps_per_second:
            self._batch_start_time = time.time()
        if not self._should_trace:
            return
        if self._global_train_batch == self._start_batch:
            self._start_trace()
        if self._is_tracing:
            self._batch_trace_context = jax.profiler.TraceAnnotation(f"Profiled batch {batch}")
            self._batch_trace_context.__enter__()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Write the batch logs every `update_freq` batches; stop profiling after the last profiled batch.

        Args:
            batch: Index of the (last) batch within the epoch.
            logs: Running averages of the loss and metrics.
        """
        if not self._counted_in_begin:
            self._advance(batch)
        self._counted_in_begin = False
        step = self._global_train_batch
        if self.update_freq != "epoch" and step % self.update_freq == 0:
            writer = self._writer("train")
            if self.write_steps_per_second:
                elapsed = time.time() - self._batch_start_time
                writer.scalar("batch_steps_per_second", 1.0 / elapsed if elapsed > 0 else 0.0, step)
            if isinstance(logs, dict):
                for name, value in logs.items():
                    if _is_scalar(value):
                        writer.scalar(f"batch_{name}", value, step)
        if self._is_tracing:
            if self._batch_trace_context is not None:
                self._batch_trace_context.__exit__(None, None, None)
                self._batch_trace_context = None
            if step >= self._stop_batch:
                self._stop_trace()

    def _advance(self, batch: int) -> None:
        """Move the global batch counter to `batch` (0-based within the epoch), counting skipped batches."""
        seen = int(batch) + 1
        self._global_train_batch += max(seen - self._epoch_batches_seen, 1)
        self._epoch_batches_seen = seen

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Write the epoch's logs, and the histograms and embeddings when due.

        Args:
            epoch: Index of the epoch (0-based).
            logs: The epoch's results.
        """
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            path = os.path.join(self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5")
            os.makedirs(self._train_dir, exist_ok=True)
            self.model.save_weights(path)
        self._flush_writers()

    # ------------------------------------------------------------------ evaluation
    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        """Write the evaluation results against the optimizer's iterations.

        Args:
            logs: The evaluation results.
        """
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations") or not logs:
            return
        writer = self._writer("val")
        step = self._iterations()
        for name, value in logs.items():
            if _is_scalar(value):
                writer.scalar(f"evaluation_{name}_vs_iterations", value, step)
        writer.flush()

    # ------------------------------------------------------------------ helpers
    def _iterations(self) -> int:
        optimizer = getattr(self.model, "optimizer", None)
        return int(getattr(optimizer, "iterations", 0) or 0) if optimizer is not None else 0

    def _collect_learning_rate(self, logs: dict[str, Any]) -> dict[str, Any]:
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        members = getattr(optimizer, "optimizers", None)
        if members is not None:
            for member in members:
                logs[f"learning_rate_{member.name}"] = float(np.asarray(member.learning_rate))
        elif optimizer is not None and hasattr(optimizer, "learning_rate"):
            try:
                logs["learning_rate"] = float(np.asarray(optimizer.learning_rate))
            except (TypeError, ValueError):
                pass  # a learning rate that is not a number (yet) is not logged
        return logs

    def _log_epoch_metrics(self, epoch: int, logs: dict[str, Any] | None) -> None:
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            elapsed = time.time() - self._epoch_start_time
            steps = self._iterations() - self._previous_epoch_iterations
            train_logs["steps_per_second"] = steps / elapsed if elapsed > 0 else 0.0
        for which, group in (("train", train_logs), ("val", val_logs)):
            scalars = {k: v for k, v in group.items() if _is_scalar(v)}
            if scalars:
                writer = self._writer(which)
                for name, value in scalars.items():
                    writer.scalar(f"epoch_{name}", value, epoch)

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = str(getattr(weight, "path", weight.name)).replace(":", "_")
                value = np.asarray(weight.value)
                writer.histogram(f"{name}/histogram", value, epoch)
                if self.write_images and np.issubdtype(value.dtype, np.floating):
                    image = _weight_image(value)
                    if image is not None:
                        writer.images(f"{name}/image", image, epoch)
        writer.flush()

    def _start_trace(self) -> None:
        try:
            jax.profiler.start_trace(self._train_dir)
        except Exception as error:  # profiling problems never stop training
            logging.error("TensorBoard: failed to start the JAX profiler: %s", error)
            return
        self._is_tracing = True

    def _stop_trace(self) -> None:
        self._is_tracing = False
        if self._batch_trace_context is not None:
            self._batch_trace_context.__exit__(None, None, None)
            self._batch_trace_context = None
        try:
            jax.profiler.stop_trace()
        except Exception as error:
            logging.error("TensorBoard: failed to stop the JAX profiler: %s", error)


def _is_scalar(value: Any) -> bool:
    if isinstance(value, bool | str | bytes) or value is None:
        return False
    try:
        return np.asarray(value).size == 1 and np.issubdtype(np.asarray(value).dtype, np.number)
    except (TypeError, ValueError):
        return False
