"""What every zoo model shares: a functional-API `keras.Model` whose config is exactly its
constructor arguments (keras-hub style), so `from_config` is `cls(**config)` and `.keras`
files load under every backend."""

import keras


class ZooModel(keras.Model):
    """Base of the zoo's functional models. Subclasses build their graph, call
    `super().__init__(inputs=..., outputs=..., **kwargs)` and then `self._set_config(...)`."""

    def _set_config(self, **config):
        # === Config ===
        self._zoo_config = dict(config)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, **self._zoo_config}

    @property
    def input_size(self):
        """The side of the square image the model reads (the one name for it across the zoo; GAN-IA's
        constructor calls it `image_size`, the paper's term)."""
        cfg = self._zoo_config
        if "input_size" in cfg or "image_size" in cfg:
            return int(cfg.get("input_size", cfg.get("image_size")))
        shape = tuple(self.inputs[0].shape)
        return int(shape[1] if shape[-1] in (1, 3, 4) else shape[2])

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def check_input(self, x):
        """Raise a ValueError naming the expected and received shapes when an array (or a dict of
        arrays) does not fit the model's inputs (size or channel count)."""
        import keras as _k

        if isinstance(x, dict):
            specs = {t.name.split(":")[0]: t for t in self.inputs}
            items = [(specs.get(k), v) for k, v in x.items()]
        elif len(self.inputs) == 1 and hasattr(x, "shape"):
            items = [(self.inputs[0], x)]
        else:
            return
        for spec, value in items:
            if spec is None or not hasattr(value, "shape"):
                continue
            want, got = tuple(spec.shape)[1:], tuple(_k.ops.shape(value))[1:]
            if len(want) != len(got) or any(w is not None and w != g for w, g in zip(want, got)):
                raise ValueError(
                    f"{type(self).__name__} expects inputs of shape (batch, {', '.join(map(str, want))}); "
                    f"received {tuple(_k.ops.shape(value))}"
                )

    def predict(self, x, *args, **kwargs):
        self.check_input(x)
        return super().predict(x, *args, **kwargs)


def check_image_size(name, value, multiple):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value % multiple:
        raise ValueError(
            f"`{name}` must be a positive multiple of {multiple}. Received: {name}={value!r}"
        )
    return value


def check_factors(name, factors, allowed):
    factors = tuple(factors or ())
    bad = [f for f in factors if f not in allowed]
    if bad:
        raise ValueError(
            f"`{name}` takes downsampling factors among {sorted(allowed)}. Received: {name}={factors!r}"
        )
    return factors


def image_input(size, channels, name, data_format):
    shape = (size, size, channels) if data_format == "channels_last" else (channels, size, size)
    return keras.Input(shape=shape, name=name)
