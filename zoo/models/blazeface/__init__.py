from zoo.models.blazeface.blazeface import BlazeFace
from zoo.models.blazeface.decode import decode_boxes, decode_detections, ssd_anchors, weighted_nms
from zoo.registry import register

register("model", "blazeface", "BlazeFace short-range face detector (MediaPipe architecture, 128 px): box + 6 keypoints", BlazeFace)

__all__ = ["BlazeFace", "decode_boxes", "decode_detections", "ssd_anchors", "weighted_nms"]
