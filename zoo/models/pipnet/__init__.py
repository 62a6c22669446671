from zoo.models.pipnet.pipnet import PIPNet
from zoo.registry import register

register("regressor", "pipnet_mnv2", "PIPNet-style heatmap + offset regressor on a torchvision-layout MobileNetV2 (160 px face crop, central 128 px)", PIPNet)
register("regressor", "pipnet_mnv2_s8", "pipnet_mnv2 with a stride-8 grid (16x16 cells)", PIPNet, head_stride=8)

__all__ = ["PIPNet"]
