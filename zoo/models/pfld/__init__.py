from zoo.models.pfld.pfld import PFLD
from zoo.registry import register

register("regressor", "pfld_1x", "PFLD 1x landmark regressor: MobileNetV2 backbone, multi-scale FC head, pose branch (112 px)", PFLD, width=1.0)
register("regressor", "pfld_0.25x", "PFLD 0.25x landmark regressor (width multiplier 0.25)", PFLD, width=0.25)

__all__ = ["PFLD"]
