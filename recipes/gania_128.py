"""GAN-IA at 128 px (the CPU-trainable variant): generator + global (128) and local (64)
discriminators, the seed's three-phase schedule, on clean staged faces occluded on the fly."""

NAME = "gania_128"
DESCRIPTION = "GAN-IA 128 px: three phases (T_G MSE, T_D discriminators, joint) on aligned 300-W + HELEN train + CelebA-HQ"


def get_config():
    return {
        "name": NAME,
        "task": "restorer",
        "generator": "gania_generator",
        "generator_kwargs": {"image_size": 128},
        "global_discriminator_kwargs": {"image_size": 128},
        "local_discriminator_kwargs": {"patch_size": 64},
        "data": {
            # clean faces only; HELEN test faces are the evaluation set and never used here
            "landmark_sets": [["aligned_300w", "*"], ["300w", "helen_trainset_*"]],
            "face_sets": [["celebahq", "*"]],
        },
        "batch_size": 8,
        "schedule": {"t_g": 1500, "t_d": 300, "t_joint": 1200, "patch": 64, "checkpoint_every": 100,
                     "lambda1": 0.002, "lambda2": 0.002, "adversarial": "nonsaturating", "outside_weight": 0.05,
                     "g_lr": 2e-4, "d_lr": 2e-4},
        "seed": 0,
    }
