"""Reusable Keras 3 layers of the zoo (keras.ops only, every backend)."""

from zoo.layers.dilated_block import DilatedBlock
from zoo.layers.down_block import DownBlock
from zoo.layers.patch_block import PatchBlock
from zoo.layers.self_attention_2d import SelfAttention2D
from zoo.layers.up_block import UpBlock

__all__ = ["DilatedBlock", "DownBlock", "PatchBlock", "SelfAttention2D", "UpBlock"]
