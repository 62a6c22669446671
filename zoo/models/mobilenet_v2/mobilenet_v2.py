"""MobileNetV2 feature extractor laid out exactly as torchvision's `mobilenet_v2` (symmetric
padding on the stride-2 depthwise convolutions, batch-norm epsilon 1e-5), so ImageNet weights
convert one to one (`zoo/models/mobilenet_v2/convert.py`).

Keras' own `keras.applications.MobileNetV2` pads stride-2 convolutions by (0, 1) and uses
epsilon 1e-3: torchvision weights loaded there shift every stride-2 map by one pixel.
"""

import keras

from zoo.layers.depthwise import DepthwiseConv2D

# torchvision's inverted-residual settings: expansion t, channels c, repeats n, first stride s
SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
# ImageNet normalisation of torchvision's weights (inputs in [0, 1])
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _divisible(v, divisor=8):
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


def _bn(x, axis, name, epsilon):
    return keras.layers.BatchNormalization(axis=axis, epsilon=epsilon, momentum=0.9, name=name)(x)


def _conv(x, filters, kernel, strides, df, name, axis, epsilon, depthwise=False, relu=True):
    if strides == 2 and kernel == 3:
        x = keras.layers.ZeroPadding2D(1, data_format=df, name=f"{name}_pad")(x)
        padding = "valid"
    else:
        padding = "same"
    if depthwise:
        x = DepthwiseConv2D(kernel, strides=strides, padding=padding, use_bias=False, data_format=df, name=name)(x)
    else:
        x = keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False, data_format=df, name=name)(x)
    x = _bn(x, axis, f"{name}_bn", epsilon)
    return keras.layers.ReLU(max_value=6.0, name=f"{name}_relu")(x) if relu else x


def mobilenet_v2_features(x, width=1.0, data_format="channels_last", prefix="mnv2", epsilon=1e-5, last_block=17):
    """Apply MobileNetV2's `features[0 .. last_block]` to `x` (normalised as ImageNet) and
    return `{stride: feature map}` of the last map at each stride (2, 4, 8, 16, 32).

    Layer names follow torchvision's indices: `{prefix}_f{i}_expand`, `_dw`, `_project`
    (block i), `{prefix}_f0` (the stem), so the converter maps state-dict keys by name.
    """
    axis = -1 if data_format == "channels_last" else 1
    df = data_format
    channels = _divisible(32 * width)
    x = _conv(x, channels, 3, 2, df, f"{prefix}_f0", axis, epsilon)
    stride, feats, i = 2, {}, 1
    for t, c, n, s in SETTINGS:
        out = _divisible(c * width)
        for r in range(n):
            if i > last_block:
                return feats
            st = s if r == 0 else 1
            inp = x
            if st == 2:
                feats[stride] = x
                stride *= 2
            if t != 1:
                x = _conv(x, channels * t, 1, 1, df, f"{prefix}_f{i}_expand", axis, epsilon)
            x = _conv(x, None, 3, st, df, f"{prefix}_f{i}_dw", axis, epsilon, depthwise=True)
            x = _conv(x, out, 1, 1, df, f"{prefix}_f{i}_project", axis, epsilon, relu=False)
            if st == 1 and channels == out:
                x = keras.layers.Add(name=f"{prefix}_f{i}_add")([inp, x])
            channels = out
            feats[stride] = x
            i += 1
    return feats
