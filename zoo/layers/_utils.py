"""Small helpers shared by the zoo's layers (keras only)."""

import keras


def channel_axis(data_format=None):
    data_format = data_format or keras.config.image_data_format()
    return -1 if data_format == "channels_last" else 1


def check_data_format(data_format, convolutions=True):
    """The data format (default: keras config), validated; with `convolutions`, refused where this
    backend cannot run channels-first convolutions (TensorFlow on a CPU without oneDNN)."""
    data_format = data_format or keras.config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    if convolutions and data_format == "channels_first" and not channels_first_supported():
        raise ValueError(
            "data_format='channels_first' cannot run here: TensorFlow runs channels-first (NCHW) convolutions "
            "on the CPU only through oneDNN, which is off on this CPU (it is on by default only on AVX-512-class "
            "CPUs) or was turned off with TF_ENABLE_ONEDNN_OPTS=0. Use data_format='channels_last' (the default), "
            "a GPU, or KERAS_BACKEND=jax / torch."
        )
    return data_format


_CHANNELS_FIRST = {}


def channels_first_supported():
    """Whether this backend can run channels-first convolutions here (TensorFlow on a CPU without
    oneDNN cannot: "The Conv2D op currently only supports the NHWC tensor format on the CPU").
    Probed once with a 1x1 convolution; always True on JAX and PyTorch."""
    backend = keras.backend.backend()
    if backend != "tensorflow":
        return True
    if backend not in _CHANNELS_FIRST:
        try:
            ops = keras.ops
            ops.convert_to_numpy(ops.conv(ops.zeros((1, 1, 3, 3)), ops.zeros((1, 1, 1, 1)), data_format="channels_first"))
            _CHANNELS_FIRST[backend] = True
        except Exception:  # UnimplementedError on CPUs without oneDNN
            _CHANNELS_FIRST[backend] = False
    return _CHANNELS_FIRST[backend]


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return value


def conv2d(filters, kernel_size, spectral_norm=False, **kwargs):
    """A Conv2D, spectrally normalised in the forward pass when asked (SAGAN, Miyato et al. 2018)."""
    from zoo.layers.spectral import SpectralConv2D

    cls = SpectralConv2D if spectral_norm else keras.layers.Conv2D
    return cls(filters, kernel_size, **kwargs)


def dense(units, spectral_norm=False, **kwargs):
    from zoo.layers.spectral import SpectralDense

    return (SpectralDense if spectral_norm else keras.layers.Dense)(units, **kwargs)


def make_activation(activation):
    if activation in ("leaky_relu", "lrelu"):
        return keras.layers.LeakyReLU(negative_slope=0.2)
    return keras.layers.Activation(activation)


def without_retired(cls, config, **retired):
    """A layer config without options the layer no longer has (an older `.keras` file's), each
    accepted only at the value that meant "off"."""
    config = dict(config)
    for key, off in retired.items():
        if key in config:
            if config[key] != off:
                raise ValueError(f"{cls.__name__} no longer supports `{key}` (no model of the zoo used it). Received: {key}={config[key]!r}")
            config.pop(key)
    return config


def check_strides(strides):
    if strides not in (1, 2):
        raise ValueError(f"`strides` must be 1 or 2. Received: strides={strides!r}")
    return strides
