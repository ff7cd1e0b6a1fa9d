"""``FeatureSpace``: one object that preprocesses a dict of structured-data columns, as Keras's does.

Each feature names a preprocessing layer (normalisation, discretisation, lookup, hashing); ``adapt``
learns their state from data, feature crosses hash pairs of preprocessed features together, and calling
the space on a dict of columns gives one concatenated float matrix (or a dict of encoded features). It
runs on the host, in NumPy, so it fits in a data pipeline (``dataset.map(feature_space)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kerax._serialization._serialize import deserialize_keras_object, serialize_keras_object
from kerax.backend._dtypes import is_string_array
from kerax.backend._naming import uniquify
from kerax.layers._core.identity import Identity
from kerax.layers._core.input_layer import Input
from kerax.layers._layer import Layer
from kerax.layers._merging.concatenate import Concatenate
from kerax.layers._preprocessing._index_lookup import to_string_array
from kerax.layers._preprocessing.category_encoding import CategoryEncoding
from kerax.layers._preprocessing.discretization import Discretization
from kerax.layers._preprocessing.hashed_crossing import HashedCrossing
from kerax.layers._preprocessing.hashing import Hashing
from kerax.layers._preprocessing.integer_lookup import IntegerLookup
from kerax.layers._preprocessing.normalization import Normalization
from kerax.layers._preprocessing.rescaling import Rescaling
from kerax.layers._preprocessing.string_lookup import StringLookup
from kerax.saving import save_model

_MODULE = "keras.src.layers.preprocessing.feature_space"
_ADAPT_BATCH = 32  # Keras batches unbatched columns by 32 for ``adapt``; the learned bins depend on it


def _entry(obj: Cross | Feature) -> dict[str, Any]:
    name = type(obj).__name__
    return {"module": _MODULE, "class_name": name, "config": obj.get_config(), "registered_name": name}


class Cross:
    """A crossing of features, hashed into ``crossing_dim`` bins.

    Args:
        feature_names: the names of the features to cross.
        crossing_dim: the number of hash bins of the cross.
        output_mode: ``"one_hot"`` (default) or ``"int"``.
    """

    def __init__(self, feature_names: Any, crossing_dim: int, output_mode: str = "one_hot") -> None:
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"Cross: `output_mode` must be 'int' or 'one_hot', received output_mode={output_mode!r}.")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        """The cross's name: its feature names joined by ``"_X_"``."""
        return "_X_".join(self.feature_names)

    def get_config(self) -> dict[str, Any]:
        return {
            "feature_names": list(self.feature_names),
            "crossing_dim": self.crossing_dim,
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Cross:
        return cls(**config)


class Feature:
    """One feature: its input dtype, its preprocessing layer and how its output is encoded.

    Args:
        dtype: the dtype of the raw column (``"float32"``, ``"int32"``, ``"string"``...).
        preprocessor: the layer (or its serialized config) applied to the column.
        output_mode: ``"float"`` (used as is), ``"int"`` (kept as ids) or ``"one_hot"`` (encoded).
    """

    def __init__(self, dtype: str, preprocessor: Any, output_mode: str) -> None:
        if output_mode not in ("int", "one_hot", "float"):
            raise ValueError(
                f"Feature: `output_mode` must be 'int', 'one_hot' or 'float', received output_mode={output_mode!r}."
            )
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            preprocessor = _deserialize_preprocessor(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "preprocessor": serialize_keras_object(self.preprocessor),
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Feature:
        return cls(**config)


def _deserialize_preprocessor(config: dict[str, Any]) -> Any:
    if config.get("class_name") == "TFDIdentity":  # Keras's float features: an identity in float32
        inner = config.get("config", {})
        return Identity(name=inner.get("name"), dtype="float32")
    return deserialize_keras_object(config)


def _deserialize(entry: Any, kind: type) -> Any:
    if isinstance(entry, kind):
        return entry
    if isinstance(entry, dict) and entry.get("class_name") == kind.__name__:
        return kind.from_config(dict(entry["config"]))
    raise ValueError(f"FeatureSpace: expected a {kind.__name__} or its serialized config, received {entry!r}.")


def _column(value: Any) -> np.ndarray:
    """One raw column as a NumPy array (text as an object array of str)."""
    if is_string_array(value):
        return to_string_array(value, "utf-8", "FeatureSpace")
    return np.asarray(value)


class FeatureSpace(Layer):
    """Preprocess and encode a dict of structured-data features with one object.

    Features are given by name, either as a preset string (``"float"``, ``"float_rescaled"``,
    ``"float_normalized"``, ``"float_discretized"``, ``"integer_categorical"``, ``"string_categorical"``,
    ``"integer_hashed"``, ``"string_hashed"``) or as a ``Feature`` from the class methods
    (``FeatureSpace.string_categorical(max_tokens=...)``...). Call ``adapt`` on a dict of columns (or an
    iterable of dict batches, such as a Grain dataset) before using the space.

    Args:
        features: a dict from feature name to preset string or ``Feature``.
        output_mode: ``"concat"`` (default): one float matrix, the encoded features (sorted by name,
            crosses last) side by side; or ``"dict"``: a dict from name to encoded feature.
        crosses: feature crosses: ``Cross`` objects or tuples of feature names (hashed into
            ``crossing_dim`` bins). Defaults to ``None``.
        crossing_dim: the number of bins of crosses given as tuples (default 32).
        hashing_dim: the number of bins of the hashed presets (default 32).
        num_discretization_bins: the number of bins of the ``"float_discretized"`` preset (default 32).
        name: the layer's name. Defaults to ``None``.
        **kwargs: The other keywords of ``Layer`` (``dtype``, ``trainable``...).

    Example:
        >>> space = FeatureSpace({"age": "float_normalized", "city": "string_categorical"})
        >>> space.adapt({"age": np.array([20.0, 40.0]), "city": np.array(["Paris", "Rome"])})
        >>> space({"age": np.array([30.0]), "city": np.array(["Rome"])})  # age, then [OOV, Rome, Paris]
        array([[0., 0., 1., 0.]], dtype=float32)
    """

    # -- feature constructors --------------------------------------------------------------------------
    @classmethod
    def cross(cls, feature_names: Any, crossing_dim: int, output_mode: str = "one_hot") -> Cross:
        """A cross of ``feature_names`` hashed into ``crossing_dim`` bins."""
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype: str, preprocessor: Any, output_mode: str) -> Feature:
        """A feature with a custom preprocessing layer."""
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name: str | None = None) -> Feature:
        """A float feature used as is."""
        name = name or uniquify("float")
        return Feature("float32", Identity(name=f"{name}_preprocessor", dtype="float32"), "float")

    @classmethod
    def float_rescaled(cls, scale: Any = 1.0, offset: Any = 0.0, name: str | None = None) -> Feature:
        """A float feature computed as ``x * scale + offset``."""
        name = name or uniquify("float_rescaled")
        return Feature("float32", Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name: str | None = None) -> Feature:
        """A float feature normalised to mean 0 and variance 1 (learned by ``adapt``)."""
        name = name or uniquify("float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(
        cls, num_bins: int, bin_boundaries: Any = None, output_mode: str = "one_hot", name: str | None = None
    ) -> Feature:
        """A float feature bucketed into ``num_bins`` bins (learned by ``adapt``)."""
        name = name or uniquify("float_discretized")
        layer = Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(
        cls,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        output_mode: str = "one_hot",
        name: str | None = None,
    ) -> Feature:
        """An integer category, indexed by a vocabulary learned by ``adapt``."""
        name = name or uniquify("integer_categorical")
        layer = IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices)
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(
        cls,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        output_mode: str = "one_hot",
        name: str | None = None,
    ) -> Feature:
        """A string category, indexed by a vocabulary learned by ``adapt``."""
        name = name or uniquify("string_categorical")
        layer = StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices)
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins: int, output_mode: str = "one_hot", name: str | None = None) -> Feature:
        """A string category hashed into ``num_bins`` bins."""
        name = name or uniquify("string_hashed")
        return Feature("string", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins: int, output_mode: str = "one_hot", name: str | None = None) -> Feature:
        """An integer category hashed into ``num_bins`` bins."""
        name = name or uniquify("integer_hashed")
        return Feature("int32", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    # -- construction ----------------------------------------------------------------------------------
    def __init__(
        self,
        features: dict[str, Any],
        output_mode: str = "concat",
        crosses: Any = None,
        crossing_dim: int = 32,
        hashing_dim: int = 32,
        num_discretization_bins: int = 32,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if not features or not isinstance(features, dict):
            raise ValueError(
                f"FeatureSpace: `features` must be a non-empty dict of name to feature, received {features!r}."
            )
        if output_mode not in ("dict", "concat"):
            raise ValueError(
                f"FeatureSpace: `output_mode` must be 'dict' or 'concat', received output_mode={output_mode!r}."
            )
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize_feature(key, value) for key, value in features.items()}
        self.crosses: list[Cross] = []
        for cross in crosses or ():
            if isinstance(cross, dict):
                cross = _deserialize(cross, Cross)
            if not isinstance(cross, Cross):
                if not crossing_dim:
                    raise ValueError("FeatureSpace: crosses given as feature names need `crossing_dim` to be set.")
                unknown = [key for key in cross if key not in self.features]
                if unknown:
                    raise ValueError(
                        f"FeatureSpace: every feature of a cross must be in `features`; {cross} names unknown "
                        f"feature(s) {unknown}."
                    )
                cross = Cross(cross, crossing_dim=crossing_dim)
            self.crosses.append(cross)
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        self.output_mode = output_mode
        self.inputs = {key: Input(shape=(1,), dtype=value.dtype, name=key) for key, value in self.features.items()}
        self.preprocessors = {key: value.preprocessor for key, value in self.features.items()}
        self.crossers = {cross.name: HashedCrossing(cross.crossing_dim, name=cross.name) for cross in self.crosses}
        self.one_hot_encoders: dict[str, CategoryEncoding] = {}
        self.encoded_features: Any = None
        self._is_adapted = False
        self._sublayers_built = False

    def _standardize_feature(self, name: str, feature: Any) -> Feature:
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return _deserialize(feature, Feature)
        presets = {
            "float": lambda: self.float(name=name),
            "float_normalized": lambda: self.float_normalized(name=name),
            "float_rescaled": lambda: self.float_rescaled(name=name),
            "float_discretized": lambda: self.float_discretized(name=name, num_bins=self.num_discretization_bins),
            "integer_categorical": lambda: self.integer_categorical(name=name),
            "string_categorical": lambda: self.string_categorical(name=name),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name),
        }
        if not isinstance(feature, str) or feature not in presets:
            raise ValueError(
                f"FeatureSpace: feature {name!r} must be a Feature or one of {sorted(presets)}, received {feature!r}."
            )
        return presets[feature]()

    # -- adapt -----------------------------------------------------------------------------------------
    def _adaptable(self) -> list[str]:
        names = []
        for name, preprocessor in self.preprocessors.items():
            if isinstance(preprocessor, Normalization) and preprocessor.input_mean is not None:
                continue
            if getattr(preprocessor, "_has_input_vocabulary", False):
                continue
            if isinstance(preprocessor, Discretization) and preprocessor.num_bins is None:
                continue
            if hasattr(preprocessor, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset: Any) -> None:
        """Learn the state of the features' preprocessors (vocabularies, statistics, bins) from data.

        Args:
            dataset: a dict from feature name to a column (array or list, one value per sample), or an
                iterable of such dicts, one per batch (a Grain dataset, a list, a generator).

        Raises:
            ValueError: if ``dataset`` is neither, or lacks a feature.
        """
        if isinstance(dataset, dict):
            columns = {key: _column(value) for key, value in dataset.items()}

            def batches(name: str) -> Any:
                self._require(columns, name)
                column = columns[name]
                if column.ndim <= 1:  # one value per sample: batched by 32 and given a feature axis
                    for start in range(0, len(column), _ADAPT_BATCH):
                        yield column[start : start + _ADAPT_BATCH][:, None]
                else:  # one array per sample: each sample is a batch, as Keras reads unbatched slices
                    for sample in column:
                        yield sample[:, None]

        elif hasattr(dataset, "__iter__") and not isinstance(dataset, str | bytes | np.ndarray):
            if iter(dataset) is dataset:  # a one-shot iterator: kept, as every feature reads it
                dataset = list(dataset)

            def batches(name: str) -> Any:
                for batch in dataset:
                    if not isinstance(batch, dict):
                        raise ValueError(
                            f"FeatureSpace: `adapt` expects batches that are dicts of columns, received a "
                            f"{type(batch).__name__}."
                        )
                    self._require(batch, name)
                    column = _column(batch[name])
                    yield column[:, None] if column.ndim == 1 else column.reshape(1, 1) if column.ndim == 0 else column

        else:
            raise ValueError(
                "FeatureSpace: `adapt` accepts a dict of columns or an iterable of dict batches, received a "
                f"{type(dataset).__name__}."
            )
        for name in self._adaptable():
            self.preprocessors[name].adapt(iter(batches(name)))
        self._is_adapted = True
        self._build_encoders()

    @staticmethod
    def _require(columns: dict[str, Any], name: str) -> None:
        if name not in columns:
            raise ValueError(f"FeatureSpace: the data has no column {name!r}; it has {sorted(columns)}.")

    # -- encoders --------------------------------------------------------------------------------------
    def _check_if_adapted(self) -> None:
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError("FeatureSpace: call `.adapt(data)` on the FeatureSpace before using it.")
            self._is_adapted = True

    def _names(self) -> list[str]:
        return sorted(self.features) + sorted(self.crosses_by_name)

    def _build_encoders(self) -> None:
        """Make the one-hot encoders of the ``"one_hot"`` features and crosses, and check ``"concat"``."""
        self._check_if_adapted()
        if self._sublayers_built:
            return
        for name in self._names():
            spec = self.features.get(name) or self.crosses_by_name[name]
            layer = self.preprocessors.get(name) or self.crossers.get(name)
            if spec.output_mode == "one_hot":
                if isinstance(layer, IntegerLookup | StringLookup):
                    cardinality = layer.vocabulary_size()
                elif isinstance(layer, CategoryEncoding):
                    cardinality = layer.num_tokens
                elif isinstance(layer, Discretization | Hashing | HashedCrossing):
                    cardinality = layer.num_bins
                else:
                    raise ValueError(
                        f"FeatureSpace: feature {name!r} has output_mode='one_hot', but the size of its "
                        f"preprocessor's ({type(layer).__name__}) output space is unknown. Use output_mode='int'."
                    )
                if cardinality is not None:
                    self.one_hot_encoders[name] = CategoryEncoding(num_tokens=cardinality, output_mode="multi_hot")
            elif spec.output_mode == "int" and self.output_mode == "concat":
                raise ValueError(
                    f"FeatureSpace: cannot concatenate the features because {name!r} is not encoded "
                    "(output_mode='int'). Use output_mode='dict' for the FeatureSpace."
                )
        self._sublayers_built = True
        self.built = True

    # -- symbolic ------------------------------------------------------------------------------------
    def get_inputs(self) -> dict[str, Any]:
        """The symbolic inputs of the space, one ``Input(shape=(1,))`` per feature."""
        self._build_encoders()
        return self.inputs

    def get_encoded_features(self) -> Any:
        """The encoded features as symbolic tensors of ``get_inputs()`` (to build a functional model)."""
        self._build_encoders()
        if self.encoded_features is None:
            self.encoded_features = self._merge(self._run(self.inputs, symbolic=True), np_concat=False)
        return self.encoded_features

    # -- calling -------------------------------------------------------------------------------------
    def _run(self, data: dict[str, Any], symbolic: bool = False) -> dict[str, Any]:
        convert = (lambda x: x) if symbolic else np.asarray
        outputs = {name: convert(self.preprocessors[name](data[name])) for name in self.features}
        for cross in self.crosses:
            outputs[cross.name] = convert(self.crossers[cross.name]([outputs[n] for n in cross.feature_names]))
        for name, encoder in self.one_hot_encoders.items():
            outputs[name] = convert(encoder(outputs[name]))
        return outputs

    def _merge(self, outputs: dict[str, Any], np_concat: bool = True) -> Any:
        ordered = {name: outputs[name] for name in self._names()}
        if self.output_mode == "dict":
            return ordered
        values = list(ordered.values())
        if np_concat:
            return np.concatenate([np.asarray(v, "float32") for v in values], axis=-1)
        return Concatenate(axis=-1)(values)

    def __call__(self, data: Any) -> Any:
        """Preprocess and encode one batch (or one sample) of features.

        Args:
            data: a dict from feature name to a column: an array or list of shape ``(batch,)`` or
                ``(batch, 1)``, or one value.

        Returns:
            A NumPy float32 matrix (``"concat"``), or a dict from name to NumPy array (``"dict"``); one
            sample gives one row (no batch axis).
        """
        self._build_encoders()
        if not isinstance(data, dict):
            raise ValueError(f"FeatureSpace: call it with a dict of columns, received a {type(data).__name__}.")
        columns: dict[str, Any] = {}
        rebatched = False
        for name in self.features:
            self._require(data, name)
            column = _column(data[name])
            if column.ndim == 0:
                column = column.reshape(1, 1)
                rebatched = True
            elif column.ndim == 1:
                column = column[:, None]
            if self.features[name].dtype.startswith("float") and column.dtype.kind in "iub":
                column = column.astype("float32")
            columns[name] = column
        merged = self._merge(self._run(columns))
        if rebatched:
            if self.output_mode == "concat":
                return merged[0]
            return {k: v[0] if v.ndim == 2 and v.shape[0] == 1 else v for k, v in merged.items()}
        return merged

    # -- saving --------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {
            "features": {name: _entry(feature) for name, feature in self.features.items()},
            "output_mode": self.output_mode,
            "crosses": [_entry(cross) for cross in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    def get_build_config(self) -> dict[str, Any]:
        return {name: feature.preprocessor.get_build_config() for name, feature in self.features.items()}

    def build_from_config(self, config: dict[str, Any]) -> None:
        for name, build_config in config.items():
            if name not in self.features:
                raise ValueError(
                    f"FeatureSpace: the build config names feature {name!r}, which is not one of "
                    f"{sorted(self.features)}."
                )
            preprocessor = self.features[name].preprocessor
            if not preprocessor.built and build_config:
                preprocessor.build_from_config(build_config)
        self._is_adapted = True  # a saved space was adapted: its state comes with the file
        self.built = True

    def save(self, filepath: Any, overwrite: bool = True) -> None:
        """Save the adapted space to a ``.keras`` file (Keras 3's format) or a ``.kerax`` file.

        ``kerax.saving.load_model`` (or ``kerax.models.load_model``) brings it back adapted: vocabularies,
        normalisation statistics, bins and crosses included. Keras 3 loads the ``.keras`` file too.

        Args:
            filepath: the file to write (atomically); its name ends in ``.keras`` or ``.kerax``.
            overwrite: whether an existing file may be replaced.

        Raises:
            ValueError: the space needs ``adapt`` first, or the name has neither suffix.
            FileExistsError: the file exists and ``overwrite`` is False.
        """
        if not self._is_adapted and self._adaptable():
            raise ValueError(
                "FeatureSpace.save: the space is not adapted yet; call `.adapt(data)` first, so that the file holds "
                "its vocabularies, statistics and bins."
            )
        self._build_encoders()
        save_model(self, filepath, overwrite=overwrite)
