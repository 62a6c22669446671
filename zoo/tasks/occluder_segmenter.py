"""`OccluderSegmenter`: face crops in, a map of where something covers the face out."""

import cv2
import numpy as np

from zoo.tasks.task import Task


class OccluderSegmenter(Task):
    """An occluder segmenter task (wraps a model with an `"occlusion"` output: per-cell
    probabilities `(B, G, G, 1)` (or channels-first) of an `(S, S, 3)` crop in [0, 1]).

    `predict(crops)` gives `(N, H, W)` float maps at each crop's own size (bilinear upsampling
    of the grid); `component_scores(crops, shapes)` the share of each of the 7 components'
    regions that the map covers (the cascade's occlusion decision, as the oracle reads given
    masks).

    Example:
    >>> seg = OccluderSegmenter.from_preset("occluder_seg_mnv2")
    >>> maps = seg.predict([crop])           # (1, H, W) in [0, 1]
    """

    preset_task = "occluder"

    def check_model(self, model):
        outs = model.output if isinstance(model.output, dict) else {}
        if "occlusion" not in outs:
            raise ValueError(f"{type(model).__name__} is not an occluder segmenter: no 'occlusion' output "
                             f"(outputs: {sorted(outs) if outs else 'a single tensor'})")
        shape = tuple(outs["occlusion"].shape)
        if len(shape) != 4 or 1 not in (shape[1], shape[3]):
            raise ValueError(f"{type(model).__name__}'s 'occlusion' output must be (batch, G, G, 1). Received: {shape}")
        if len(model.inputs) != 1:
            raise ValueError(f"an occluder segmenter takes one image input; {type(model).__name__} has {len(model.inputs)}")

    def predict_grid(self, crops, batch_size=32):
        """`(N, G, G)` cell probabilities for square RGB crops (uint8 or float in [0, 1], any size)."""
        size = self.input_size
        out = []
        crops = [np.asarray(c) for c in crops]
        for j, c in enumerate(crops):
            if c.ndim != 3 or c.shape[2] != 3 or c.shape[0] != c.shape[1]:
                raise ValueError(f"crop {j} must be a square (S, S, 3) RGB image. Received: shape={c.shape}")
        for start in range(0, len(crops), batch_size):
            batch = []
            for c in crops[start : start + batch_size]:
                c = c.astype(np.float32) / (255.0 if c.dtype == np.uint8 else 1.0)
                if c.shape[0] != size:
                    c = cv2.resize(c, (size, size), interpolation=cv2.INTER_AREA if c.shape[0] > size else cv2.INTER_LINEAR)
                batch.append(c)
            o = self._call(self._to_model_layout(np.stack(batch)))["occlusion"]
            out.append(o[..., 0] if self.data_format == "channels_last" else o[:, 0])
        if not out:
            return np.zeros((0, 1, 1), np.float32)
        return np.concatenate(out).astype(np.float32)

    def predict(self, crops, batch_size=32):
        """`(N, S, S)` occlusion probability maps at each crop's size (a list when sizes differ)."""
        crops = [np.asarray(c) for c in crops]
        grids = self.predict_grid(crops, batch_size)
        maps = [cv2.resize(g, (c.shape[1], c.shape[0]), interpolation=cv2.INTER_LINEAR) for g, c in zip(grids, crops)]
        if maps and all(m.shape == maps[0].shape for m in maps):
            return np.stack(maps)
        return maps

    def component_scores(self, crops, shapes, maps=None, **region_kwargs):
        """`(N, 7)`: the mean occlusion probability over each component's region (components in
        `COMPONENT_NAMES` order), shapes in crop pixels."""
        from zoo.data.shape68 import COMPONENT_NAMES
        from zoo.data.components import component_masks

        maps = self.predict(crops) if maps is None else maps
        out = np.zeros((len(crops), len(COMPONENT_NAMES)))
        for i, (m, s) in enumerate(zip(maps, shapes)):
            regions = component_masks(s, m.shape, **region_kwargs)
            out[i] = [float(m[regions[c]].mean()) if regions[c].any() else 0.0 for c in COMPONENT_NAMES]
        return out
