from zoo.models.mobilenet_v2.mobilenet_v2 import IMAGENET_MEAN, IMAGENET_STD, mobilenet_v2_features

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "mobilenet_v2_features"]
