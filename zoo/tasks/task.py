"""What every task shares: it wraps one model, owns its preprocessing and its output contract,
and is built from a preset, a `.keras` file or a model object (keras-hub's Task pattern)."""

import os

import keras


class Task:
    """Base of the zoo's tasks (`LandmarkRegressor`, `Restorer`, `FaceDetector`).

    A task reads everything it needs from the wrapped model (input size, channel order, value
    range), never from the global `keras.config.image_data_format()`, and checks the model's
    output contract once, at construction.
    """

    #: the preset record's `task` value this class serves
    preset_task = None

    def __init__(self, model, name=None):
        self.model = model
        self.name = name or getattr(model, "name", type(model).__name__)
        self.check_model(model)

    # --- contract ----------------------------------------------------------------------------
    def check_model(self, model):  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def data_format(self):
        """The wrapped model's channel order, from its own config (else its input's shape)."""
        cfg = getattr(self.model, "_zoo_config", {})
        if cfg.get("data_format") in ("channels_last", "channels_first"):
            return cfg["data_format"]
        shape = tuple(self.model.inputs[0].shape)
        return "channels_last" if shape[-1] in (1, 3, 4) else "channels_first"

    @property
    def input_size(self):
        shape = tuple(self.model.inputs[0].shape)
        return int(shape[1] if self.data_format == "channels_last" else shape[2])

    def _to_model_layout(self, x):
        """NHWC numpy batch -> the model's layout."""
        import numpy as np

        x = np.ascontiguousarray(x, np.float32)
        return np.ascontiguousarray(np.transpose(x, (0, 3, 1, 2))) if self.data_format == "channels_first" else x

    def _call(self, x):
        """Run the model on one prepared batch (numpy in, dict of numpy out)."""
        import numpy as np

        out = self.model.predict_on_batch(x)
        if not isinstance(out, dict):
            out = {"output": out}
        return {k: np.asarray(keras.ops.convert_to_numpy(v)) for k, v in out.items()}

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def from_preset(cls, name):
        """The task around a shipped preset (`zoo/presets/<name>.json`)."""
        from zoo.presets import load_preset, preset_record, preset_task

        rec = preset_record(name)
        if cls.preset_task is not None and preset_task(rec) != cls.preset_task:
            raise ValueError(f"preset {name!r} is a {preset_task(rec)}, not a {cls.preset_task}")
        task = cls(load_preset(name), name=name)
        task.record = rec
        return task

    @classmethod
    def from_file(cls, path):
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: no such model file")
        return cls(keras.saving.load_model(path), name=os.path.basename(path))

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r}, input_size={self.input_size}, data_format={self.data_format!r})"
