import keras

from zoo.layers import DRNStage
from zoo.models._base import ZooModel
from zoo.models._regressor import conv_bn_relu, landmark_output, regressor_input


@keras.saving.register_keras_serializable(package="zoo")
class DRN(ZooModel):
    """DRDA's cascaded deep regression network: `S_{t+1} = S_t + Phi_t(phi(I, S_t))`.

    Stage 0 regresses a shape from the whole face with a small CNN. Each later stage samples
    shape-indexed patches of a shared feature map at the current landmarks
    (`ShapeIndexedPatches`), encodes every patch with a small CNN shared over landmarks,
    and regresses the shape update from the concatenated local features. During training each
    stage's input shape is jittered (`ShapePerturbation`), so it learns to correct shapes worse
    than the previous stage's; every stage's output is exposed for deep supervision.

    Input: `(B, S, S, 3)` face crops in [0, 1]. Outputs a dict: `"landmarks"` (the last stage)
    and `"stage_0"` ... `"stage_T"`, each `(B, n_points, 2)` in normalised crop coordinates.

    Args:
        input_size: crop side S.
        stages: number of refinement stages T after stage 0.
        patch_size: samples per patch side (on the half-resolution feature map).
        patch_extent: patch side as a fraction of the crop (shrinks by `extent_decay` per stage).
        extent_decay: per-stage factor on `patch_extent` (coarse to fine).
        feature_channels: channels of the shared feature map.
        hidden: units of each stage's regression layer.
        perturbation: std of the per-point jitter at training (0 disables it).
        n_points: landmarks (68).
        data_format: "channels_last" / "channels_first" (default: keras config).

    Example:
    >>> m = DRN(stages=2)
    >>> sorted(m(keras.ops.zeros((1, 112, 112, 3))))
    ['landmarks', 'stage_0', 'stage_1', 'stage_2']

    Reference:
        Zhang, Kan, Shan, Chen. "Occlusion-Free Face Alignment: Deep Regression Networks
        Coupled With De-Corrupt AutoEncoders", CVPR 2016.
    """

    def __init__(self, input_size=112, stages=2, patch_size=8, patch_extent=0.16, extent_decay=0.75,
                 feature_channels=32, hidden=128, perturbation=0.01, n_points=68, data_format=None, **kwargs):
        image, df = regressor_input(input_size, data_format)
        if isinstance(stages, bool) or not isinstance(stages, int) or stages < 0:
            raise ValueError(f"`stages` must be an integer >= 0. Received: stages={stages!r}")
        if patch_size < 4 or patch_size % 4:
            raise ValueError(f"`patch_size` must be a multiple of 4 (>= 4). Received: patch_size={patch_size!r}")
        x = keras.layers.Rescaling(2.0, offset=-1.0, name="to_pm1")(image)
        f = conv_bn_relu(x, feature_channels, 3, 2, df, "feat1")
        f = conv_bn_relu(f, feature_channels, 3, 1, df, "feat2")  # shared map at 1/2 resolution

        g = conv_bn_relu(f, 48, 3, 2, df, "global1")
        g = conv_bn_relu(g, 64, 3, 2, df, "global2")
        g = conv_bn_relu(g, 96, 3, 2, df, "global3")
        g = conv_bn_relu(g, 32, 1, 1, df, "global4")
        g = keras.layers.Flatten(data_format=df)(g)
        g = keras.layers.Dense(hidden, activation="relu", name="global_fc")(g)
        shape = landmark_output(g, n_points, name="stage_0")
        outputs = {"stage_0": shape}
        extent = float(patch_extent)
        for t in range(1, stages + 1):
            shape = DRNStage(n_points, patch_size, extent, hidden, perturbation=perturbation, data_format=df, name=f"stage_{t}")([f, shape])
            outputs[f"stage_{t}"] = shape
            extent *= extent_decay
        outputs["landmarks"] = keras.layers.Identity(name="landmarks")(shape)
        super().__init__(inputs=image, outputs=outputs, **kwargs)
        self._set_config(input_size=input_size, stages=stages, patch_size=patch_size, patch_extent=float(patch_extent),
                         extent_decay=float(extent_decay), feature_channels=feature_channels, hidden=hidden,
                         perturbation=float(perturbation), n_points=n_points, data_format=df)
