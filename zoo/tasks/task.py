"""What every task shares: it wraps one model, owns its preprocessing and its output contract,
and is built from a preset, a `.keras` file or a model object (keras-hub's Task pattern)."""



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
        """Run the model on one prepared batch (numpy in, dict of numpy out), by the backend's
        fastest inference path (`zoo.tasks.inference`: a checked `torch.jit.trace` on torch,
        Keras's compiled predict step elsewhere)."""
        from zoo.tasks.inference import inference_function

        return inference_function(self.model)(x)

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def from_preset(cls, name):
        """The task around a shipped preset (`zoo/presets/<name>.json`); refuses a preset of
        another task by name."""
        from zoo.tasks.loader import load

        return load(name, task=cls.preset_task)

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r}, input_size={self.input_size}, data_format={self.data_format!r})"
