from zoo.models.blazeface.blazeface import BlazeFace
from zoo.models.blazeface.blazeface_full import BlazeFaceFullRange
from zoo.models.blazeface.decode import (decode_boxes, decode_detections, decode_detections_numpy, ssd_anchors, weighted_nms,
                                         weighted_nms_numpy)
from zoo.registry import register

register("model", "blazeface", "BlazeFace short-range face detector (MediaPipe architecture, 128 px): box + 6 keypoints", BlazeFace)
register("model", "blazeface_full", "BlazeFace full-range face detector (MediaPipe architecture, 192 px, faces far from the camera)",
         BlazeFaceFullRange)

__all__ = ["BlazeFace", "BlazeFaceFullRange", "decode_boxes", "decode_detections", "decode_detections_numpy", "ssd_anchors",
           "weighted_nms", "weighted_nms_numpy"]
