"""Small helpers shared by the zoo's layers (keras only)."""

import keras


def channel_axis(data_format=None):
    data_format = data_format or keras.config.image_data_format()
    return -1 if data_format == "channels_last" else 1


def check_data_format(data_format):
    data_format = data_format or keras.config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    return data_format


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


def check_normalization(normalization):
    if normalization not in (None, "batch"):
        raise ValueError(f"`normalization` must be None or 'batch'. Received: normalization={normalization!r}")
    return normalization


def check_strides(strides):
    if strides not in (1, 2):
        raise ValueError(f"`strides` must be 1 or 2. Received: strides={strides!r}")
    return strides
