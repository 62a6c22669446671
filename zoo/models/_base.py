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

    @classmethod
    def from_config(cls, config):
        return cls(**config)


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
