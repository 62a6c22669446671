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


def maybe_spectral_norm(layer, spectral_norm):
    """Wrap `layer` in keras' SpectralNormalization when asked (SAGAN, Miyato et al. 2018)."""
    if spectral_norm:
        return keras.layers.SpectralNormalization(layer, power_iterations=1, name=f"sn_{layer.name}")
    return layer


def make_activation(activation):
    if activation in ("leaky_relu", "lrelu"):
        return keras.layers.LeakyReLU(negative_slope=0.2)
    return keras.layers.Activation(activation)
