"""The occlusion-robust `Landmarker`: detect -> regress -> decide which components are occluded
-> restore them (GAN-IA or another restorer, Poisson-blended) -> regress again."""

import json
import os

import cv2
import numpy as np

from zoo.data.shape68 import COMPONENT_NAMES
from zoo.data.transforms import CropTransform, box_from_points
from zoo.data.components import COMPONENT_DILATE, JAW_WIDTH, component_coverage, component_masks, grown_component_masks

CALIBRATION_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "landmarker_calibration.json")
from zoo.pipeline.options import DEFAULT_DETECTOR, DEFAULT_REGRESSOR, DEFAULT_RESTORER, DEFAULT_SEGMENTER, OCCLUSION_MODES  # noqa: E402,F401
# Without a calibration for the restorer in use: the residual (mean |restored - input| in [0, 1]
# inside a component) above which a component counts as occluded.
DEFAULT_RESIDUAL = {"threshold": 0.16, "scale": 0.03}
# Without a calibration for the regressor in use: one minus the mean heatmap confidence of a
# component's points above which it counts as occluded.
DEFAULT_CONFIDENCE = {"threshold": 0.75, "scale": 0.05}
# Detector box -> the regressor's framing when no calibration is recorded: a square of this many
# detector-box widths, centred on the box.
DEFAULT_BOX_FRAMING = {"side": 2.0, "dx": 0.0, "dy": 0.0}
# Without a calibration for the segmenter in use: the mean occluder probability over a
# component's region above which it counts as occluded.
DEFAULT_SEGMENTATION = {"threshold": 0.3, "scale": 0.05}
# The hole restored from a segmenter's map: cells above this probability, dilated by this much,
# inside the decided components' regions grown by `margin` (both x face size). Chosen on the
# 300-W validation faces with synthetic occluders (never HELEN test): larger holes cost PFLD up to
# 0.6 points, keeping the occluder's parts far from the decided components gains it 0.3. With
# `refine`, the map's outline is moved to the image's own edges first (`zoo.data.hole.refine_hole`,
# GrabCut seeded by the map): on the validation faces PFLD 0.25x 7.89 -> 7.76 % NME, DRN 8.91 -> 8.82.
# `whole`: an occluder (a connected blob of the map's marks) that covers more than this share of a
# component judged occluded but not restored (calibration: restoring it does not pay for this
# regressor, e.g. PIPNet's eyes) is left whole, not restored where it reaches a restored neighbour:
# half an occluder filled (one lens of a pair of sunglasses, the top of a lens filled with brow
# skin) is a face no regressor has seen. Set a priori (a third of the component), checked on the
# 300-W validation faces with the training families (`benchmarks/unseen_occluders.py --check-whole`).
SEGMENT_HOLE = {"probability": 0.5, "dilate": 0.0, "margin": 0.2, "refine": True, "whole": 0.33}
# The do-no-harm guard (`guard=True`). A face with more than `max_components` of its 7
# components judged occluded, or a hole over more than `max_hole` of the face's area (the hull of
# its 68 points; a surgical mask covers about 60 %), is a face the occlusion model finds unusual
# everywhere (grey, blurred, tiny, another domain), not one occluder: it is not restored. A restored reading that is no face shape (`implausibility` above
# `max_implausibility`: no 300-W annotation exceeds 0.22), or whose visible points (outside the
# hole) moved by more than `visible_shift` x the outer-eye distance, contradicts what was seen and
# is dropped. A kept restored reading is averaged with the first, weighted `restored_weight`: two
# readings of one face err differently, and where the fill misleads the regressor the first
# reading holds it back. Chosen on the 300-W validation faces (never trained on) with the training
# families' occluders, never on HELEN test (`benchmarks/unseen_occluders.py --calibrate-guard`):
# weight 0.4 gives PIPNet / PFLD 0.25x / DRN 5.84 / 7.84 / 8.77 % NME (first reading 5.99 / 8.09 /
# 9.13, restored reading alone 6.06 / 7.86 / 8.77) with 1 / 2 / 3 of 180 faces made worse by more
# than a point (15 / 17 / 24 with the restored reading alone); a visible-shift veto below ~0.5 cost
# NME there (large shifts were mostly rescues of a wrong first reading).
# A segmenter's hole is restored only where the map is sure of it: mean probability inside at least
# `min_hole_probability` over at least `min_hole_area` of the work crop (on the validation faces:
# 0 of 90 clean, grey and blurred faces and 1 of 90 down-sampled ones pass, 147 of 180 occluded do).
GUARD = {"max_components": 4, "max_hole": 0.75, "max_implausibility": 0.3, "visible_shift": 0.5, "restored_weight": 0.4,
         "min_hole_probability": 0.65, "min_hole_area": 0.01}
# Re-crop rounds after a detector's box: each crops around the last shape as the regressor was
# trained; the shape converges to the one the regressor gives on its own framing.
DETECTED_RECROP = 1


def landmarker_defaults():
    """`{argument: default}` of `Landmarker` (what the command line offers as its defaults)."""
    import inspect

    return {k: p.default for k, p in inspect.signature(Landmarker.__init__).parameters.items() if p.default is not inspect.Parameter.empty}


def load_calibration(path=CALIBRATION_PATH):
    if not os.path.isfile(path):
        return {}
    with open(path) as f:
        return json.load(f)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def _calibrated(raw, components, default):
    """`(N, 7)` raw occlusion values -> scores in [0, 1]: a sigmoid per component around its
    calibrated threshold (`default` where the calibration has none)."""
    scores = np.zeros_like(raw)
    for j, name in enumerate(COMPONENT_NAMES):
        cal = components.get(name, default)
        scores[:, j] = _sigmoid((raw[:, j] - cal["threshold"]) / cal["scale"])
    return scores


class Landmarker:
    """Occlusion-robust 68-point landmarks for faces in photos, batch-first.

    1. find faces (`detector`), crop each as the regressor was trained to see faces;
    2. regress a shape S0, re-crop around it with the regressor's framing, regress again;
    3. split the shape into the 7 components and score each for occlusion (`occlusion`;
       `"auto"`: `"segmentation"` with the shipped occluder segmenter, else `"confidence"` for a
       regressor with a confidence output, else `"residual"`):
       - `"segmentation"`: the share of the component's region that an occluder segmenter
         (`segmenter`, a model trained to map where something covers a face) marks; the hole
         restored is then the segmenter's map where it covers the decided components (as the
         oracle restores the given mask);
       - `"residual"`: restore each component alone and measure how much the restorer changes it
         (an occluder is far from any face the restorer would paint; calibrated per restorer);
       - `"confidence"`: one minus the mean heatmap confidence of its points (regressors with a
         `confidence` output, e.g. PIPNet; calibrated per regressor: an occluded point has no
         clear peak);
       - `"visibility"`: one minus the mean visibility of its points (regressors with a
         `visibility` output);
       - `"oracle"`: the share of the component covered by given `masks` (an upper bound);
       - `"all"` / `"none"`: every / no component;
    4. restore the occluded components that restoring pays for with this regressor
       (`restore_components`; the segmenter's hole refined to the image's edges, in the other
       modes their dilated regions; the oracle restores the given mask) and Poisson-blend (`blend`);
    5. regress again on the restored face, `iterations` times; with the do-no-harm `guard`, keep
       the restored reading only where it is plausible, averaged with the first; map the points
       to the photo. Each face's `restoration` says what was restored and why, or why not.

    Args:
        detector: a `FaceDetector`, a detector preset name, or None (the whole image is the face).
        regressor: a `LandmarkRegressor`, a preset name or a `.keras` file.
        restorer: a `Restorer`, a preset / `.keras` / run folder, or None (no restoration).
        occlusion: one of `OCCLUSION_MODES`.
        segmenter: an `OccluderSegmenter`, a preset name or a `.keras` file (for
            `occlusion="segmentation"`; loaded only then).
        iterations: restore-and-regress rounds (0 = the regressor alone).
        threshold: occlusion score above which a component is restored (scores are in [0, 1]).
        work_size: side of the face crop the cascade works on.
        recrop: rounds of re-cropping around the current shape (with the regressor's framing)
            before deciding; default: `DETECTED_RECROP` for detected or given boxes, 0 when the
            image is the face crop.
        flip: test-time flip averaging in every regression.
        residual_hole: margin of the hole restored around a component for `"residual"` (x face
            size; default: the calibration's), the residual itself measured on the component.
        ensemble_first: average the re-cropped shape with the one read on the detector's crop
            (measured: 9.33% -> 9.17% NME with BlazeFace on the synthetic-occluded HELEN test).
        guard: the do-no-harm guard (`GUARD`): restore only a plausible hole, keep the restored
            reading only where it agrees with the first on the visible points, keep grey faces
            grey. Each face's `restoration` says what was restored and why, or why not.
        restore_components: the components restored when judged occluded: None = those whose
            restoration gained NME for this restorer and regressor on validation faces (the
            calibration's `restoration`; all where it has none), "all", or a list of names.

    Example:
    >>> lm = Landmarker(detector="blazeface_short", regressor="drn_300w", restorer="gania_128")
    >>> faces = lm([photo])[0]
    >>> faces[0]["landmarks"], faces[0]["occlusion"]
    """

    def __init__(self, detector=DEFAULT_DETECTOR, regressor=DEFAULT_REGRESSOR, restorer=DEFAULT_RESTORER, occlusion="auto",
                 iterations=1, segmenter=DEFAULT_SEGMENTER, threshold=0.5, work_size=256, recrop=None, flip=False, blend=True,
                 calibration=None, ensemble_first=True, residual_hole=None, guard=True, restore_components=None):
        from zoo.tasks import load

        if occlusion not in OCCLUSION_MODES:
            raise ValueError(f"`occlusion` must be one of {OCCLUSION_MODES}. Received: occlusion={occlusion!r}")
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
            raise ValueError(f"`iterations` must be an integer >= 0. Received: iterations={iterations!r}")
        self.detector = None if detector in (None, "none") else load(detector, task="detector", trained=True)
        self.regressor = load(regressor, task="regressor", trained=True)
        self.restorer = None if restorer in (None, "none") else load(restorer, task="restorer", trained=True)
        if occlusion == "auto":  # the occluder segmenter where one is given, else the regressor's confidence / the residual
            if segmenter not in (None, "none"):  # a segmenter named is a segmenter used (an unknown name is an error)
                occlusion = "segmentation"
            else:
                occlusion = "confidence" if self.regressor.has_confidence else ("residual" if self.restorer is not None else "none")
        if self.restorer is None and occlusion in ("residual",) and iterations > 0:
            raise ValueError("occlusion='residual' needs a restorer (it measures how much the restorer changes each component)")
        if occlusion == "confidence" and not self.regressor.has_confidence:
            raise ValueError(f"occlusion='confidence' needs a regressor with a 'confidence' output (a heatmap head); "
                             f"{self.regressor.name!r} has none")
        if occlusion == "visibility" and not self.regressor.has_visibility:
            raise ValueError(f"occlusion='visibility' needs a regressor with a 'visibility' output; {self.regressor.name!r} has none")
        self.segmenter = None
        if occlusion == "segmentation":
            if segmenter in (None, "none"):
                raise ValueError("occlusion='segmentation' needs a segmenter (an occluder preset, .keras file or run folder)")
            self.segmenter = load(segmenter, task="occluder", trained=True)
        self.occlusion = occlusion
        self.iterations = iterations
        self.threshold = float(threshold)
        self.work_size = int(work_size)
        self.recrop = recrop
        self.flip = bool(flip)
        self.blend = bool(blend)
        self.ensemble_first = bool(ensemble_first)
        self.guard = dict(GUARD) if guard is True else (dict(guard) if guard else None)
        cal = load_calibration() if calibration is None else calibration
        dname = getattr(self.detector, "name", "")
        # a combination without its own calibration frames boxes as its first member (box_adjust)
        frames = cal.get("detectors", {})
        self.box_framing = frames.get(dname) or frames.get(dname.split("+")[0], DEFAULT_BOX_FRAMING)
        rname = getattr(self.restorer, "name", "")
        rcal = cal.get("restorers", {}).get(rname, {})
        self.residual = rcal.get("components", {})
        # the hole's margin (x face size) when measuring the residual: the calibrated one by default
        self.residual_hole = float(residual_hole if residual_hole is not None else rcal.get("hole", COMPONENT_DILATE))
        self.confidence_cal = cal.get("regressors", {}).get(getattr(self.regressor, "name", ""), {}).get("components", {})
        self.segmentation_cal = cal.get("segmenters", {}).get(getattr(self.segmenter, "name", ""), {}).get("components", {})
        if restore_components is None:
            rec = cal.get("restoration", {}).get(rname, {}).get(getattr(self.regressor, "name", ""), {})
            restore_components = rec.get("restore", "all")
        if restore_components == "all":
            restore_components = COMPONENT_NAMES
        unknown = sorted(set(restore_components) - set(COMPONENT_NAMES))
        if isinstance(restore_components, str) or unknown:
            raise ValueError(f"`restore_components` must be None, 'all' or component names from {COMPONENT_NAMES}. "
                             f"Received: {restore_components!r}")
        self.restore_components = tuple(c for c in COMPONENT_NAMES if c in restore_components)
        self._maps = None

    # --- framing ---------------------------------------------------------------------------
    # A face's frame is `(box (x, y, w, h), margin)`: the square `CropTransform.from_box(box, size,
    # margin)` at any size, so the work crop and the regressor's input are cut from the photo by
    # one warp each, as the regressor was trained.
    def frame_from_detection(self, box):
        """The frame for a detector box `(x0, y0, x1, y1)`, calibrated to the regressor's framing."""
        x0, y0, x1, y1 = box
        w = max(x1 - x0, 1e-3)
        f = self.box_framing
        cx, cy, side = (x0 + x1) / 2 + f["dx"] * w, (y0 + y1) / 2 + f["dy"] * w, f["side"] * w
        return (cx - side / 2, cy - side / 2, side, side), 0.0

    def frame_from_points(self, points):
        """The frame the regressor was trained on: `framing` x the landmark box."""
        return box_from_points(points), (self.regressor.framing - 1.0) / 2.0

    @staticmethod
    def _transform(frame, size):
        box, margin = frame
        return CropTransform.from_box(box, size, margin=margin)

    # --- occlusion ---------------------------------------------------------------------------
    def residual_scores(self, crops, shapes):
        """`(N, 7)` occlusion scores in [0, 1] by restoration residual, and the raw residuals."""
        size = self.restorer.input_size
        small, holes, measured = [], [], []
        for crop, shape in zip(crops, shapes):
            c = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA) if crop.shape[0] != size else crop
            p = shape * (size / crop.shape[0])
            regions = component_masks(p, (size, size))
            # the hole may be larger than the region measured: the restorer then paints the
            # component from context further away, less often the occluder's own pixels
            big = regions if self.residual_hole <= COMPONENT_DILATE else grown_component_masks(p, (size, size), self.residual_hole)
            for name in COMPONENT_NAMES:
                small.append(c)
                holes.append(big[name])
                measured.append(regions[name])
        restored = self.restorer.restore_crops(np.stack(small), np.stack(holes))
        residual = np.zeros((len(crops), len(COMPONENT_NAMES)))
        for k, (c, r, m) in enumerate(zip(small, restored, measured)):
            d = np.abs(c.astype(np.float32) - r.astype(np.float32)).mean(-1) / 255.0
            residual[k // len(COMPONENT_NAMES), k % len(COMPONENT_NAMES)] = float(d[m].mean()) if m.any() else 0.0
        return _calibrated(residual, self.residual, DEFAULT_RESIDUAL), residual

    def occlusion_scores(self, crops, shapes, extras, crop_masks):
        n = len(crops)
        if self.occlusion == "residual":
            return self.residual_scores(crops, shapes)[0]
        if self.occlusion == "confidence":
            return self.confidence_scores(extras)[0]
        if self.occlusion == "segmentation":
            return self.segmentation_scores(crops, shapes)[0]
        if self.occlusion == "visibility":
            from zoo.data.shape68 import COMPONENTS

            vis = np.stack([np.asarray(e["visibility"], np.float64) for e in extras])
            return np.stack([1.0 - vis[:, list(COMPONENTS[c])].mean(1) for c in COMPONENT_NAMES], 1)
        if self.occlusion == "oracle":
            out = np.zeros((n, len(COMPONENT_NAMES)))
            for i, (shape, m) in enumerate(zip(shapes, crop_masks)):
                if m is not None:
                    cov = component_coverage(shape, m)
                    out[i] = [cov[c] for c in COMPONENT_NAMES]
            return out
        return np.full((n, len(COMPONENT_NAMES)), 1.0 if self.occlusion == "all" else 0.0)

    def segmentation_scores(self, crops, shapes):
        """`(N, 7)` occlusion scores in [0, 1] from the occluder segmenter, and the raw values
        (the mean occluder probability over each component's region). Keeps the maps for the
        holes."""
        self._maps = self.segmenter.predict(crops)
        self._crops = crops
        raw = self.segmenter.component_scores(crops, shapes, maps=self._maps)
        return _calibrated(raw, self.segmentation_cal, DEFAULT_SEGMENTATION), raw

    def segment_hole(self, k, shape, regions, decided, kept_out=()):
        """The hole for face `k` in segmentation mode: the map's occluder cells (dilated by
        `SEGMENT_HOLE["dilate"]`) inside the decided components' regions grown by
        `SEGMENT_HOLE["margin"]` (x face size): the occluder where it hides a component, not
        where it covers cheek or background the regressor does not need; None (restore nothing)
        when the map marks nothing there. With `SEGMENT_HOLE["refine"]` the outline follows the
        image's edges (`refine_hole`). Keeps the unrefined hole for the confidence check.

        `kept_out`: components judged occluded that are not restored. An occluder that covers
        more than `SEGMENT_HOLE["whole"]` of one of them is left out of the hole whole
        (`whole_occluders`); `self._hole_note` says which were left and why."""
        from zoo.data.components import face_scale
        from zoo.data.hole import refine_hole, whole_occluders

        self._hole_note = None
        plain = self._maps[k] > SEGMENT_HOLE["probability"]
        m = refine_hole(self._crops[k], self._maps[k], maybe=SEGMENT_HOLE["probability"]) if SEGMENT_HOLE.get("refine") else plain
        r = int(round(SEGMENT_HOLE["dilate"] * face_scale(shape)))
        if r > 0:
            m = cv2.dilate(m.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))) > 0
        if kept_out and SEGMENT_HOLE.get("whole") is not None:
            dropped, covered = whole_occluders(plain | m, {c: regions[c] for c in kept_out}, SEGMENT_HOLE["whole"])
            if dropped.any():
                plain, m = plain & ~dropped, m & ~dropped
                self._hole_note = (f"an occluder over {', '.join(covered)} (not restored for {self.regressor.name}) was left whole: "
                                   f"filling part of it would leave half an occluder")
        margin = SEGMENT_HOLE["margin"]
        grown = component_masks(shape, m.shape, dilate=margin, jaw_width=JAW_WIDTH + 2 * margin)
        where = np.any([grown[c] for c in decided], axis=0)
        self._plain_hole = plain & where
        hole = m & where
        if not self._plain_hole.any():
            return None
        return hole if hole.any() else self._plain_hole

    def confidence_scores(self, extras):
        """`(N, 7)` occlusion scores in [0, 1] from the regressor's per-point heatmap confidence,
        and the raw values (one minus the component's mean confidence)."""
        from zoo.data.shape68 import COMPONENTS

        conf = np.stack([np.asarray(e["confidence"], np.float64) for e in extras])
        raw = np.stack([1.0 - conf[:, list(COMPONENTS[c])].mean(1) for c in COMPONENT_NAMES], 1)
        return _calibrated(raw, self.confidence_cal, DEFAULT_CONFIDENCE), raw

    # --- the do-no-harm guard --------------------------------------------------------------
    def _implausible(self, decided, hole, work_shape):
        """Why a face's hole is not restored (None: restore it): a face judged occluded nearly
        everywhere, or a hole over most of the face, is a face the occlusion model finds unusual,
        not an occluder."""
        g = self.guard
        if g is None:
            return None
        if len(decided) > g["max_components"]:
            return (f"{len(decided)} of 7 components judged occluded: the face looks unusual everywhere (a domain problem, "
                    f"not an occluder); first reading kept")
        hull = cv2.convexHull(np.round(work_shape).astype(np.int32))
        face = np.zeros(hole.shape[:2], np.uint8)
        cv2.fillConvexPoly(face, hull, 1)
        share = float((np.asarray(hole) > 0)[face > 0].mean()) if face.any() else 1.0
        if share > g["max_hole"]:
            return f"the hole covers {share:.0%} of the face (> {g['max_hole']:.0%}): not an occluder to restore; first reading kept"
        return None

    def _unsure(self, k, hole):
        """Why a segmenter's hole is not restored (None: restore it): the map is not sure of it
        (a grey, blurred or small face draws weak, small marks)."""
        g = self.guard
        if g is None:
            return None
        plain = getattr(self, "_plain_hole", hole)  # the map's own marks, before any refinement
        if plain.shape != hole.shape or not plain.any():
            plain = hole
        p, area = float(self._maps[k][plain].mean()), float(np.mean(plain))
        if p < g["min_hole_probability"] or area < g["min_hole_area"]:
            return (f"the occluder map is unsure here (mean probability {p:.2f} over {area:.1%} of the crop; restored from "
                    f"{g['min_hole_probability']} over {g['min_hole_area']:.0%}); the regressor's reading stands")
        return None

    def _agrees(self, first, second, hole, transform):
        """None when the restored reading `second` may count (and sets `_kept_reason`), else why
        not: it is no face shape, or its visible points (outside the hole) moved too far."""
        from zoo.data.components import face_scale
        from zoo.data.shape68 import OUTER_EYE_CORNERS
        from zoo.data.shape_model import implausibility

        if self.guard is None:
            self._kept_reason = "restored (guard off)"
            return None
        g = self.guard
        odd2, odd1 = implausibility(second), implausibility(first)
        if odd2 > g["max_implausibility"] and odd2 > odd1:
            return (f"the restored reading is no face shape (implausibility {odd2:.2f} > {g['max_implausibility']}); "
                    f"first reading kept")
        w1 = transform.apply_points(first)
        r = max(1, int(round(0.03 * face_scale(w1))))
        grown = cv2.dilate((np.asarray(hole) > 0).astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0
        xy = np.round(w1).astype(int)
        h, w = grown.shape
        inside = (xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)
        visible = np.ones(len(xy), bool)
        visible[inside] = ~grown[xy[inside, 1], xy[inside, 0]]
        i, j = OUTER_EYE_CORNERS
        eyes = max(float(np.linalg.norm(first[i] - first[j])), 1e-6)
        shift = float(np.linalg.norm(second[visible] - first[visible], axis=1).mean()) / eyes if visible.any() else 0.0
        if shift > g["visible_shift"]:
            return (f"the restored reading moved the visible points by {shift:.2f} of the eye distance (> {g['visible_shift']}): "
                    f"it contradicts what was seen; first reading kept")
        self._kept_reason = (f"restored; the restored reading (visible points moved {shift:.3f} of the eye distance) "
                             f"averaged with the first at weight {g['restored_weight']}")
        return None

    # --- the cascade -------------------------------------------------------------------------
    def _regress(self, sources, frames, work=None):
        """Shapes in photo pixels (and the other outputs). A source is the photo, or with `work`
        (the work-crop transforms) a restored work crop."""
        size = self.regressor.input_size
        ts = []
        for k, frame in enumerate(frames):
            t = self._transform(frame, size)
            if work is not None:  # restored work crop -> regressor input: D o T^-1
                t = CropTransform((t.matrix3 @ np.linalg.inv(work[k].matrix3))[:2], size)
            ts.append(t)
        pts, extras = self.regressor.predict_warped(sources, ts, flip=self.flip, return_outputs=True)
        pts = pts.astype(np.float64)
        if work is not None:
            pts = np.stack([w.invert_points(p) for w, p in zip(work, pts)]).astype(np.float64)
        return pts, extras

    def __call__(self, images, boxes=None, masks=None, return_restored=False, no_face="skip"):
        """Faces of each image: a list (per image) of dicts with `box` (x0, y0, x1, y1), `score`
        (detector; None without one), `landmarks` `(68, 2)` (0-based pixels of the image),
        `occlusion` `{component: score}`, `occluded` `{component: bool}`, and with
        `return_restored` the work crop (`input_crop`), its restoration (`restored`, uint8) and
        their `crop_transform`.

        Args:
            images: list of `(H, W, 3)` uint8 RGB.
            boxes: optional per-image lists of face boxes `(x0, y0, x1, y1)` (skips the detector).
            masks: optional per-image occlusion masks `(H, W)` for `occlusion="oracle"`.
            no_face: where the detector finds no face, `"skip"` the image (no entry) or take the
                whole `"image"` as the face (its `score` is then None).
        """
        from zoo.tasks.face_detector import _check_image

        if no_face not in ("skip", "image"):
            raise ValueError(f"`no_face` must be 'skip' or 'image'. Received: no_face={no_face!r}")
        images = [_check_image(im, i) for i, im in enumerate(images)]
        if masks is not None and len(masks) != len(images):
            raise ValueError(f"got {len(masks)} masks for {len(images)} images")
        if self.occlusion == "oracle" and masks is None and self.iterations > 0:
            raise ValueError("occlusion='oracle' needs the occlusion masks (masks=...)")
        # 1. faces and their first frames
        faces, frames = [], []
        detections = self.detector.detect(images) if (self.detector is not None and boxes is None) else None
        for i, img in enumerate(images):
            h, w = img.shape[:2]
            whole = {"box": [0.0, 0.0, float(w), float(h)], "score": None, "_given": True}
            if boxes is not None:
                found = [{"box": [float(v) for v in b], "score": None, "_given": False} for b in boxes[i]]
            elif detections is not None:
                found = [{"box": d["box"], "score": d["score"], "_given": False} for d in detections[i]]
                if not found and no_face == "image":
                    found = [whole]
            else:
                found = [whole]
            for f in found:
                # the image is the face crop: read as the regressor reads a crop
                frames.append(((0.0, 0.0, float(w), float(h)), 0.0) if f["_given"] else self.frame_from_detection(f["box"]))
                faces.append({"image": i, **f})
        results = [[] for _ in images]
        if not faces:
            return results
        photos = [images[f["image"]] for f in faces]
        # 2. first shape, then crops framed around the shape
        shapes, extras = self._regress(photos, frames)
        rounds = [int(self.recrop) if self.recrop is not None else (0 if f["_given"] else DETECTED_RECROP) for f in faces]
        first = shapes.copy()
        first_frames = list(frames)
        for r in range(max(rounds)):
            idx = [k for k in range(len(faces)) if rounds[k] > r]
            for k in idx:
                frames[k] = self.frame_from_points(shapes[k])
            s2, e2 = self._regress([photos[k] for k in idx], [frames[k] for k in idx])
            for j, k in enumerate(idx):
                shapes[k], extras[k] = s2[j], e2[j]
        if self.ensemble_first:
            # average with the shape read on the detector's own crop (two framings, less framing noise)
            for k in range(len(faces)):
                if rounds[k]:
                    shapes[k] = (shapes[k] + first[k]) / 2.0
        transforms = [self._transform(fr, self.work_size) for fr in frames]
        crops = [t.warp(p) for t, p in zip(transforms, photos)]
        crop_masks = [None] * len(faces)
        if masks is not None:
            for k, (f, t) in enumerate(zip(faces, transforms)):
                m = (np.asarray(masks[f["image"]]) > 0).astype(np.uint8)
                crop_masks[k] = cv2.warpAffine(m, t.matrix, (self.work_size, self.work_size), flags=cv2.INTER_NEAREST) > 0
        # 3-5. decide, restore, regress again
        scores = np.zeros((len(faces), len(COMPONENT_NAMES)))
        restored = list(crops)
        why = [{"restored": [], "reason": "restoration off"} if self.restorer is None or self.iterations == 0
               else {"restored": [], "reason": "no component judged occluded"} for _ in faces]
        for _ in range(self.iterations):
            work_shapes = [t.apply_points(s) for t, s in zip(transforms, shapes)]
            scores = self.occlusion_scores(crops, work_shapes, extras, crop_masks)
            decide = scores > self.threshold
            todo = [k for k in range(len(faces)) if decide[k].any()]
            if not todo or self.restorer is None:
                break
            fill, keep, names, notes = [], [], [], []
            for k in todo:
                judged = [c for c, d in zip(COMPONENT_NAMES, decide[k]) if d]
                decided = judged if self.occlusion == "oracle" else [c for c in judged if c in self.restore_components]
                if not decided:
                    why[k] = {"restored": [], "reason": f"judged occluded: {', '.join(judged)}; restoring these did not gain NME for "
                              f"{self.regressor.name} on validation faces (calibration), so its reading stands"}
                    continue
                if self.occlusion == "oracle":
                    hole = crop_masks[k]
                else:
                    regions = component_masks(work_shapes[k], crops[k].shape)
                    if self.occlusion == "segmentation":
                        hole = self.segment_hole(k, work_shapes[k], regions, decided, [c for c in judged if c not in decided])
                        if hole is None and self._hole_note:  # only occluders left whole: the first reading stands
                            why[k] = {"restored": [], "reason": self._hole_note + "; the regressor's reading stands"}
                            continue
                        if hole is None:  # the map marks nothing there: not restored, not occluded
                            decide[k] = False
                            scores[k] = np.minimum(scores[k], self.threshold)
                            why[k] = {"restored": [], "reason": "the occluder map marks nothing inside the judged components"}
                            continue
                        unsure = self._unsure(k, hole)
                        if unsure:
                            why[k] = {"restored": [], "reason": unsure}
                            continue
                    else:
                        hole = np.any([regions[c] for c in decided], axis=0)
                refusal = self._implausible(judged, hole, work_shapes[k]) if self.occlusion != "oracle" else None
                if refusal:
                    why[k] = {"restored": [], "reason": refusal}
                    continue
                fill.append(hole)
                keep.append(k)
                names.append(decided)
                notes.append(self._hole_note if self.occlusion == "segmentation" else None)
            todo = keep
            if not todo:
                break
            new = self.restorer.restore([crops[k] for k in todo], fill, blend=self.blend)
            if self.guard is not None:  # a grey face (grey outside the hole: the occluder may have colour) is restored grey
                new = [_grey(r) if _is_grey(crops[k], ~(np.asarray(h) > 0)) else r for k, r, h in zip(todo, new, fill)]
            s2, e2 = self._regress(new, [frames[k] for k in todo], [transforms[k] for k in todo])
            if self.ensemble_first:
                # read the restored face at the detector's framing too and average, as before restoring
                two = [j for j, k in enumerate(todo) if rounds[k]]
                if two:
                    s3, _ = self._regress([new[j] for j in two], [first_frames[todo[j]] for j in two],
                                          [transforms[todo[j]] for j in two])
                    for i, j in enumerate(two):
                        s2[j] = (s2[j] + s3[i]) / 2.0
            for j, k in enumerate(todo):
                verdict = self._agrees(shapes[k], s2[j], fill[j], transforms[k])
                if verdict is not None:  # dropped: the first reading stands
                    why[k] = {"restored": [], "reason": verdict}
                    continue
                w = 1.0 if self.guard is None else float(self.guard["restored_weight"])
                shapes[k] = (1.0 - w) * shapes[k] + w * s2[j]
                extras[k], restored[k] = e2[j], new[j]
                why[k] = {"restored": names[j], "reason": self._kept_reason + (f"; {notes[j]}" if notes[j] else "")}
        decide = scores > self.threshold
        for k, (f, t) in enumerate(zip(faces, transforms)):
            out = {
                "box": [float(v) for v in f["box"]],
                "score": f["score"],
                "landmarks": shapes[k].astype(np.float32),
                "occlusion": {c: float(s) for c, s in zip(COMPONENT_NAMES, scores[k])},
                "occluded": {c: bool(d) for c, d in zip(COMPONENT_NAMES, decide[k])},
                "restoration": why[k],
            }
            if return_restored:
                out["restored"] = restored[k]
                out["input_crop"] = crops[k]
                out["crop_transform"] = t
            results[f["image"]].append(out)
        return results


def _is_grey(image, where=None, tolerance=2.0):
    """True for an RGB image whose channels (nearly) agree (at the pixels `where`, all by default):
    a grey photo in three channels."""
    im = np.asarray(image, np.float32)
    if where is not None:
        if not np.any(where):
            return False
        im = im[where]
    return float(np.abs(im[..., 0] - im[..., 1]).mean() + np.abs(im[..., 1] - im[..., 2]).mean()) < tolerance


def _grey(image):
    """The image's luma in three channels (uint8)."""
    return np.repeat(cv2.cvtColor(np.asarray(image, np.uint8), cv2.COLOR_RGB2GRAY)[..., None], 3, -1)
