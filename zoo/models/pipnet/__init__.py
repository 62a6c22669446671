from zoo.models.pipnet.pipnet import PIPNet
from zoo.registry import register

register("regressor", "pipnet_mnv2", "PIPNet-style heatmap + offset regressor on a torchvision-layout MobileNetV2 (160 px face crop, central 128 px)", PIPNet)
register("regressor", "pipnet_mnv2_s8", "pipnet_mnv2 with a stride-8 grid (16x16 cells)", PIPNet, head_stride=8)
register("regressor", "pipnet_mnv2_s8_nrm", "pipnet_mnv2_s8 with PIPNet's neighbour regression (each landmark's 10 nearest)", PIPNet,
         head_stride=8, neighbours=10)

__all__ = ["PIPNet"]
