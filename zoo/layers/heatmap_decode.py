"""PIPNet's heatmap decoding as layers: `HeatmapDecode` (best cell + sub-cell offset -> coordinates),
`NeighbourDecode` (the same, averaged with the positions each point's neighbours predict for it:
PIPNet's neighbour regression) and `HeatmapConfidence` (the best cell's softmax probability)."""

import keras
import numpy as np
from keras import ops

from zoo.layers._utils import check_data_format
from zoo.registry import register


@keras.saving.register_keras_serializable(package="zoo")
class HeatmapDecode(keras.layers.Layer):
    """PIPNet's decoding: per landmark the highest-scoring cell of the `G x G` score map plus
    the sub-cell offset predicted at that cell -> normalised input coordinates.

    Inputs `[scores, offset_x, offset_y]`, each `(B, G, G, K)` (channels_last) or `(B, K, G, G)`.
    A point at input pixel `p` lies in cell `floor((p - border) / stride)` with offset
    `(p - border) / stride - cell`; output `(B, K, 2)` = pixel / `input_size`.
    """

    def __init__(self, stride, border, input_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.stride = float(stride)
        self.border = float(border)
        self.input_size = float(input_size)
        self.data_format = check_data_format(data_format, convolutions=False)

    def _flat(self, t):
        if self.data_format == "channels_last":
            t = ops.transpose(t, (0, 3, 1, 2))
        b, k = ops.shape(t)[0], ops.shape(t)[1]
        return ops.reshape(t, (b, k, -1))  # (B, K, G*G), row-major (y, x)

    def _grid(self, scores):
        return scores.shape[1] if self.data_format == "channels_last" else scores.shape[2]

    def _best(self, scores, g, dtype):
        """`(onehot (B, K, G*G), cx, cy (B, K))` of each landmark's best cell."""
        # the best cell, as `argmax` picks it (the first of equal maxima), from max / compare / min:
        # plain ops that every export format holds (TensorFlow lowers `argmax` of floats to bitcast and
        # bitwise-and ops that ONNX and LiteRT lack)
        cells = ops.arange(g * g, dtype=dtype)
        best = ops.max(scores, axis=-1, keepdims=True)
        idx = ops.min(ops.where(scores >= best, cells, float(g * g)), axis=-1)  # (B, K)
        onehot = ops.cast(ops.equal(cells, idx[..., None]), dtype)
        cy = ops.floor(idx / g)
        return onehot, idx - cy * g, cy

    def call(self, inputs):
        scores, ox, oy = (self._flat(t) for t in inputs[:3])
        onehot, cx, cy = self._best(scores, self._grid(inputs[0]), ox.dtype)
        dx = ops.sum(onehot * ox, axis=-1)
        dy = ops.sum(onehot * oy, axis=-1)
        x = (cx + dx) * self.stride + self.border
        y = (cy + dy) * self.stride + self.border
        return ops.stack([x, y], axis=-1) / self.input_size

    def compute_output_shape(self, input_shape):
        s = input_shape[0]
        k = s[3] if self.data_format == "channels_last" else s[1]
        return (s[0], k, 2)

    def get_config(self):
        return {**super().get_config(), "stride": self.stride, "border": self.border, "input_size": self.input_size,
                "data_format": self.data_format}


def nearest_neighbours(points, k):
    """`(N, k)` indices of each point's `k` nearest other points (Euclidean; ties by index)."""
    p = np.asarray(points, np.float64)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"`points` must be (N, 2). Received shape {p.shape}")
    k = int(k)
    if not 1 <= k < len(p):
        raise ValueError(f"`k` must be in [1, {len(p) - 1}] for {len(p)} points. Received: {k}")
    d = np.linalg.norm(p[:, None] - p[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1, kind="stable")[:, :k]


def check_neighbours(neighbours, n_points):
    """`neighbours` as an `(N, K)` int array: each row K distinct indices of other points."""
    nb = np.asarray(neighbours)
    if nb.ndim != 2 or nb.shape[0] != n_points or nb.shape[1] < 1 or not np.issubdtype(nb.dtype, np.integer):
        raise ValueError(f"`neighbours` must be {n_points} lists of K >= 1 point indices. Received shape {nb.shape}, dtype {nb.dtype}")
    if nb.min() < 0 or nb.max() >= n_points:
        raise ValueError(f"`neighbours` holds indices outside [0, {n_points}). Received range [{nb.min()}, {nb.max()}]")
    for i, row in enumerate(nb):
        if i in row or len(set(row.tolist())) != len(row):
            raise ValueError(f"`neighbours[{i}]` = {row.tolist()}: a point's neighbours must be K distinct other points")
    return nb.astype("int64")


@keras.saving.register_keras_serializable(package="zoo")
class NeighbourDecode(HeatmapDecode):
    """PIPNet's decoding with neighbour regression: each landmark's position from its own best
    cell and offset (as `HeatmapDecode`), averaged with the positions predicted for it by every
    landmark that counts it among its neighbours (from *their* best cells and neighbour offsets).

    Inputs `[scores, offset_x, offset_y, neighbour_x, neighbour_y]`: the first three `(B, G, G, N)`
    (channels_last) or `(B, N, G, G)`; the neighbour maps hold `N * K` channels, channel `m * K + k`
    the offset, in cells from the origin of landmark `m`'s cell, of its neighbour
    `neighbours[m][k]`. Output `(B, N, 2)` = pixel / `input_size`. The merge is one constant
    `(N * K, N)` matrix product (export-friendly).

    Args:
        neighbours: `(N, K)` neighbour indices (`nearest_neighbours` of a mean shape).
        stride, border, input_size, data_format: as `HeatmapDecode`.
    """

    def __init__(self, neighbours, stride, border, input_size, data_format=None, **kwargs):
        super().__init__(stride, border, input_size, data_format=data_format, **kwargs)
        nb = np.asarray(neighbours)
        self.neighbours = check_neighbours(nb, nb.shape[0] if nb.ndim == 2 else -1)
        n, k = self.neighbours.shape
        merge = np.zeros((n * k, n), "float32")
        merge[np.arange(n * k), self.neighbours.reshape(-1)] = 1.0
        self._merge = merge / (1.0 + merge.sum(axis=0, keepdims=True))  # the mean with the own prediction
        self._own = 1.0 / (1.0 + merge.sum(axis=0))

    def call(self, inputs):
        scores, ox, oy, nx, ny = (self._flat(t) for t in inputs)
        n, k = self.neighbours.shape
        onehot, cx, cy = self._best(scores, self._grid(inputs[0]), ox.dtype)
        b = ops.shape(scores)[0]
        own_x = cx + ops.sum(onehot * ox, axis=-1)  # (B, N), in cells
        own_y = cy + ops.sum(onehot * oy, axis=-1)
        hot = onehot[:, :, None, :]
        nb_x = cx[..., None] + ops.sum(hot * ops.reshape(nx, (b, n, k, -1)), axis=-1)  # (B, N, K)
        nb_y = cy[..., None] + ops.sum(hot * ops.reshape(ny, (b, n, k, -1)), axis=-1)
        merge = ops.convert_to_tensor(self._merge, dtype=ox.dtype)
        own = ops.convert_to_tensor(self._own, dtype=ox.dtype)
        x = own * own_x + ops.matmul(ops.reshape(nb_x, (b, n * k)), merge)
        y = own * own_y + ops.matmul(ops.reshape(nb_y, (b, n * k)), merge)
        return ops.stack([x * self.stride + self.border, y * self.stride + self.border], axis=-1) / self.input_size

    def get_config(self):
        return {**super().get_config(), "neighbours": self.neighbours.tolist()}


@keras.saving.register_keras_serializable(package="zoo")
class HeatmapConfidence(keras.layers.Layer):
    """Per landmark, the softmax probability of its best cell `(B, K)` in (0, 1]: low where the
    score map has no clear peak (an occluded or ambiguous point)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, convolutions=False)

    def call(self, scores):
        if self.data_format == "channels_last":
            scores = ops.transpose(scores, (0, 3, 1, 2))
        flat = ops.reshape(scores, (ops.shape(scores)[0], ops.shape(scores)[1], -1))
        return ops.max(ops.softmax(flat, axis=-1), axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[3] if self.data_format == "channels_last" else input_shape[1])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


register("layer", "HeatmapDecode", "PIPNet decoding: best cell of a score map + its sub-cell offset -> (B, K, 2) coordinates", HeatmapDecode)
register("layer", "NeighbourDecode", "PIPNet decoding with neighbour regression: own + neighbour-predicted positions, averaged", NeighbourDecode)
register("layer", "HeatmapConfidence", "per landmark the softmax probability of its best heatmap cell (low where occluded)", HeatmapConfidence)
