"""Reusable Keras 3 layers of the zoo (keras.ops only, every backend)."""

from zoo.layers.channel_affine import ChannelAffine
from zoo.layers.channel_padding import ChannelPadding, MaxPool2x2
from zoo.layers.depthwise import DepthwiseConv2D
from zoo.layers.dilated_block import DilatedBlock
from zoo.layers.down_block import DownBlock
from zoo.layers.heatmap_decode import HeatmapConfidence, HeatmapDecode, NeighbourDecode, nearest_neighbours
from zoo.layers.inverted_residual import InvertedResidual
from zoo.layers.landmark_heads import DRNStage, PFLDHead, PIPNetHead, PIPNetNeighbourHead
from zoo.layers.patch_block import PatchBlock
from zoo.layers.self_attention_2d import SelfAttention2D
from zoo.layers.shape_indexed_patches import ShapeIndexedPatches
from zoo.layers.shape_perturbation import ShapePerturbation
from zoo.layers.spectral import SpectralConv2D, SpectralDense
from zoo.layers.up_block import UpBlock

__all__ = ["ChannelAffine", "ChannelPadding", "DRNStage", "PFLDHead", "PIPNetHead", "PIPNetNeighbourHead", "NeighbourDecode", "nearest_neighbours", "HeatmapConfidence", "HeatmapDecode", "DepthwiseConv2D", "DilatedBlock", "DownBlock", "InvertedResidual", "MaxPool2x2", "PatchBlock", "SelfAttention2D", "ShapeIndexedPatches", "ShapePerturbation", "SpectralConv2D", "SpectralDense", "UpBlock"]
