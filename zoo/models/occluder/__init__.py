from zoo.models.occluder.occluder_seg import OccluderSegNet
from zoo.registry import register

register("model", "occluder_seg_mnv2", "occluder segmenter: ImageNet-style MobileNetV2 + FPN, stride-8 occlusion map of a face crop",
         OccluderSegNet)

__all__ = ["OccluderSegNet"]
