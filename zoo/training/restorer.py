"""Training a restorer (GAN-IA or the autoencoder) from a recipe config."""

import os

import keras

from zoo.training.adversarial import AdversarialRun
from zoo.training.checkpoint import atomic_write_json
from zoo import registry
from zoo.data import OccluderBank, dataset_path, list_face_images, load_landmark_folder
from zoo.data.inpaint_dataset import InpaintDataset


def load_items(data_cfg):
    items = []
    for name, pattern in data_cfg.get("landmark_sets", []):
        items += [(s.image_path, s.points) for s in load_landmark_folder(dataset_path(name), pattern)]
    for name, pattern in data_cfg.get("face_sets", []):
        items += [(p, None) for p in list_face_images(dataset_path(name), pattern)]
    return items


def build(config):
    g = registry.create_model(config["generator"], **config.get("generator_kwargs", {}))
    if config.get("adversarial", True):
        dg = registry.create_model("global_discriminator", **config.get("global_discriminator_kwargs", {}))
        dl = registry.create_model("local_discriminator", **config.get("local_discriminator_kwargs", {}))
    else:
        dg = dl = None
    return g, dg, dl


def train_restorer(config, out_dir, resume=False, max_steps=None, limit=None):
    keras.utils.set_random_seed(config.get("seed", 0))
    items = load_items(config["data"])
    if limit:
        items = items[:limit]
    bank = OccluderBank.from_data_root(texture_paths=[p for p, _ in items[:200]])
    size = config.get("generator_kwargs", {}).get("image_size", 256)
    ds = InpaintDataset(items, batch_size=config["batch_size"], image_size=size, patch=config["schedule"]["patch"],
                        occluder_bank=bank, seed=config.get("seed", 0))
    g, dg, dl = build(config)
    # continue from another run's generator (`init_weights`, whole or not at all) or a shipped
    # restorer (`init_preset`, layer by layer); presets ship no discriminators: the schedule's
    # discriminator phase trains fresh ones before the joint phase
    from zoo.training.supervised import initialise

    initialise(g, config, resume=resume)
    run = AdversarialRun(g, dg, dl, config["schedule"], out_dir)
    atomic_write_json(os.path.join(out_dir, "config.json"), {**config, "backend": keras.backend.backend(), "faces": len(items)})
    return run.run(ds, resume=resume, max_steps=max_steps)
