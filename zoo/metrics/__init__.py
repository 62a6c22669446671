"""Metrics: landmark NME / failure rate / AUC / CED and inpainting PSNR / SSIM / L1."""

from zoo.metrics.image import banding, inpainting_metrics, l1, psnr, ssim, ssim_map, stripes
from zoo.metrics.landmarks import auc, ced_curve, failure_rate, nme, normalizer, plot_ced, summarize
from zoo.metrics.nme_metric import NMEMetric
from zoo.metrics.occlusion import mask_iou, roc_auc
from zoo.registry import register

register("metric", "nme", "per-image NME; inter-ocular (outer eye corners 36/45), inter-pupil or box diagonal", nme)
register("metric", "failure_rate", "fraction of images with NME above a threshold (0.08 / 0.10)", failure_rate)
register("metric", "auc", "area under the CED curve up to a threshold, in [0, 1]", auc)
register("metric", "NMEMetric", "Keras metric: mean inter-ocular NME during fit", NMEMetric)
register("metric", "roc_auc", "ROC AUC of occlusion scores against binary labels (ties half)", roc_auc)
register("metric", "psnr", "PSNR in dB, whole image or inside the mask", psnr)
register("metric", "ssim", "SSIM (Gaussian 11x11, sigma 1.5), whole image or inside the mask", ssim)

__all__ = ["NMEMetric", "auc", "banding", "ced_curve", "failure_rate", "inpainting_metrics", "l1", "mask_iou", "nme", "normalizer", "plot_ced", "psnr", "roc_auc", "ssim", "ssim_map", "stripes", "summarize"]
