"""The picture `predict` writes: the photo with points and component outlines coloured by
occlusion score, a legend under it, and beside it per face its input crop over what the cascade
read last (the restored crop, titled by what was restored, or the input again, titled why not)."""

import cv2
import numpy as np

from zoo.data.shape68 import COMPONENT_NAMES, COMPONENTS


def score_color(score):
    """Green (visible) -> red (occluded), RGB."""
    s = float(np.clip(score, 0.0, 1.0))
    return (int(255 * s), int(255 * (1.0 - s)), 40)


def draw_face(image, face, thickness=None):
    out = image
    pts = np.asarray(face["landmarks"], np.float32)
    scale = max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]), 1.0)
    th = thickness or max(1, int(round(scale / 80)))
    for name in COMPONENT_NAMES:
        p = np.round(pts[list(COMPONENTS[name])] * 16).astype(np.int32)
        color = score_color(face.get("occlusion", {}).get(name, 0.0))
        if name == "jaw":
            cv2.polylines(out, [p], False, color, th, cv2.LINE_AA, shift=4)
        else:
            cv2.polylines(out, [cv2.convexHull(p)], True, color, th, cv2.LINE_AA, shift=4)
    r = max(1, th)
    for x, y in pts:
        cv2.circle(out, (int(round(x * 16)), int(round(y * 16))), r * 16, (255, 255, 255), -1, cv2.LINE_AA, shift=4)
    if face.get("box") is None:
        return out
    x0, y0, x1, y1 = (int(round(v)) for v in face["box"])
    cv2.rectangle(out, (x0, y0), (x1, y1), (255, 220, 0), th)
    if face.get("score") is not None:
        cv2.putText(out, f"{face['score']:.2f}", (x0, max(12, y0 - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.4 * th, (255, 220, 0), th, cv2.LINE_AA)
    return out


LEGEND = "outline green: visible, red: judged occluded | white dots: the 68 points | number: detector score"


def panel_title(face):
    """The title of a face's right-hand lower panel: what was restored, or that nothing was."""
    restoration = face.get("restoration") or {}
    done = restoration.get("restored") or []
    if done:
        return "restored: " + ", ".join(n.replace("_", " ") for n in done)
    return "not restored" + (" (judged occluded, reading kept)" if any(face.get("occluded", {}).values()) else "")


def _legend(width, height=22):
    band = np.full((height, width, 3), 32, np.uint8)
    scale = min(0.42, 0.42 * width / 560)
    x = 6
    for text, color in (("green", score_color(0.0)), ("red", score_color(1.0))):
        cv2.rectangle(band, (x, 6), (x + 10, 16), color, -1)
        x += 14
    cv2.putText(band, LEGEND, (x + 2, 15), cv2.FONT_HERSHEY_SIMPLEX, scale, (235, 235, 235), 1, cv2.LINE_AA)
    return band


def render_prediction(image, faces, panel=256):
    """RGB picture: the photo (longer side `2 * panel`) with every face drawn, and per face a
    column of its input crop over its restored crop (with the final points)."""
    h, w = image.shape[:2]
    s = (2 * panel) / max(h, w)
    canvas = cv2.resize(image, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    canvas = np.ascontiguousarray(canvas)
    for f in faces:
        scaled = {**f, "landmarks": np.asarray(f["landmarks"]) * s, "box": [v * s for v in f["box"]]}
        draw_face(canvas, scaled)
    canvas = np.concatenate([canvas, _legend(canvas.shape[1])], 0)
    columns = [canvas]
    for f in faces:
        if "restored" not in f:
            continue
        t = f["crop_transform"]
        crop_pts = t.apply_points(f["landmarks"])
        k = panel / f["restored"].shape[0]
        tiles = []
        for key, label in (("input_crop", "input crop"), ("restored", panel_title(f))):
            tile = np.ascontiguousarray(cv2.resize(f[key], (panel, panel), interpolation=cv2.INTER_AREA))
            if key == "restored":
                draw_face(tile, {**f, "landmarks": crop_pts * k, "box": None})
            cv2.rectangle(tile, (0, 0), (panel - 1, 19), (32, 32, 32), -1)
            cv2.putText(tile, label[:48], (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (255, 255, 0), 1, cv2.LINE_AA)
            tiles.append(tile)
        col = np.concatenate(tiles, 0)
        columns.append(col)
    height = max(c.shape[0] for c in columns)
    padded = [np.pad(c, ((0, height - c.shape[0]), (0, 0), (0, 0))) for c in columns]
    return np.concatenate(padded, 1)
