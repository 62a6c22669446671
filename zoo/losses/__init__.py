"""Losses, written once in keras.ops (every backend): landmark (L2, Wing, PFLD, cascade,
visibility) and GAN-IA (masked reconstruction, adversarial, total)."""

from zoo.losses.landmark_losses import (
    adaptive_wing,
    angle_weight,
    cascade_loss,
    heatmap_loss,
    l2_landmark_loss,
    per_sample_l2,
    per_sample_wing,
    pfld_loss,
    regressor_loss,
    visibility_loss,
    wing_loss,
)
from zoo.losses.gan_losses import (
    crop_patches,
    discriminator_loss,
    discriminator_objective,
    generator_objective,
    occluder_loss,
    gania_generator_loss,
    generator_adversarial_loss,
    reconstruction_loss,
)
from zoo.registry import register

register("loss", "l2_landmark", "per-sample sum of squared landmark errors", l2_landmark_loss)
register("loss", "wing", "Wing loss (Feng et al. 2018) in pixel units", wing_loss)
register("loss", "pfld", "PFLD loss: attribute weight x sum(1 - cos angle error) x landmark loss", pfld_loss)
register("loss", "regressor", "any regressor's loss, composed from its outputs (pose weighting, stages, visibility)", regressor_loss)
register("loss", "reconstruction", "GAN-IA Lr: L2 inside the mask (+ a small weight outside)", reconstruction_loss)
register("loss", "adversarial", "GAN-IA adversarial loss (non-saturating logistic or hinge), discriminator and generator sides", discriminator_loss)
register("loss", "heatmap", "PIPNet-style heatmap loss: softmax over cells + L1 sub-cell offsets", heatmap_loss)
register("loss", "adaptive_wing", "Adaptive Wing loss (Wang et al. 2019) for heatmap values", adaptive_wing)
register("loss", "occluder", "occluder segmenter: coverage-weighted binary cross-entropy on the stride-8 map", occluder_loss)
register("loss", "cascade", "deep supervision of every cascade stage (DRN)", cascade_loss)

__all__ = [
    "crop_patches", "discriminator_loss", "discriminator_objective", "generator_objective", "occluder_loss", "gania_generator_loss", "generator_adversarial_loss", "reconstruction_loss", "adaptive_wing", "angle_weight", "cascade_loss", "heatmap_loss", "l2_landmark_loss", "per_sample_l2", "per_sample_wing", "pfld_loss", "regressor_loss", "visibility_loss", "wing_loss"]
