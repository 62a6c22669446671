"""What every landmark regressor shares: one interface (image batch in [0, 1] ->
`{"landmarks": (B, K, 2) normalised crop coordinates, ...extras}`), input checks."""

import keras

from zoo.layers.depthwise import DepthwiseConv2D
from zoo.layers._utils import check_data_format
from zoo.models._base import image_input


def regressor_input(input_size, data_format):
    data_format = check_data_format(data_format)
    if isinstance(input_size, bool) or not isinstance(input_size, int) or input_size < 32:
        raise ValueError(f"`input_size` must be an integer >= 32. Received: input_size={input_size!r}")
    return image_input(input_size, 3, "image", data_format), data_format


def conv_bn_relu(x, filters, kernel, strides, data_format, name, padding="same", depthwise=False, relu=True):
    ax = -1 if data_format == "channels_last" else 1
    if depthwise:
        x = DepthwiseConv2D(kernel, strides=strides, padding=padding, use_bias=False, data_format=data_format, name=name)(x)
    else:
        x = keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False, data_format=data_format, name=name)(x)
    x = keras.layers.BatchNormalization(axis=ax, name=f"{name}_bn")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x) if relu else x


def landmark_output(features, n_points, name="landmarks"):
    """Dense -> (B, K, 2), initialised at the crop centre (bias 0.5)."""
    x = keras.layers.Dense(2 * n_points, bias_initializer=keras.initializers.Constant(0.5), name=f"{name}_dense")(features)
    return keras.layers.Reshape((n_points, 2), name=name)(x)
