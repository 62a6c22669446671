"""Trainers: the gradient code. Supervised regressors train with `model.fit` (every backend);
the adversarial GAN-IA step has one small file per backend."""
