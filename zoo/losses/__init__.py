"""Losses, written once in keras.ops (every backend): landmark (L2, Wing, PFLD, cascade,
visibility)."""

from zoo.losses.landmark_losses import (
    angle_weight,
    cascade_loss,
    l2_landmark_loss,
    per_sample_l2,
    per_sample_wing,
    pfld_loss,
    regressor_loss,
    visibility_loss,
    wing_loss,
)
from zoo.registry import register

register("loss", "l2_landmark", "per-sample sum of squared landmark errors", l2_landmark_loss)
register("loss", "wing", "Wing loss (Feng et al. 2018) in pixel units", wing_loss)
register("loss", "pfld", "PFLD loss: attribute weight x sum(1 - cos angle error) x landmark loss", pfld_loss)
register("loss", "regressor", "any regressor's loss, composed from its outputs (pose weighting, stages, visibility)", regressor_loss)
register("loss", "cascade", "deep supervision of every cascade stage (DRN)", cascade_loss)

__all__ = ["angle_weight", "cascade_loss", "l2_landmark_loss", "per_sample_l2", "per_sample_wing", "pfld_loss", "regressor_loss", "visibility_loss", "wing_loss"]
