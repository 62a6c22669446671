"""Training a restorer (GAN-IA or the autoencoder) from a recipe config."""

import keras

from zoo import registry
from zoo.data import OccluderBank, dataset_path, list_face_images, load_landmark_folder
from zoo.data.inpaint_dataset import InpaintDataset
from zoo.runs import build_model
from zoo.training.adversarial import AdversarialRun
from zoo.training.supervised import initialise, resuming, write_run_files


def load_items(data_cfg):
    items = []
    for name, pattern in data_cfg.get("landmark_sets", []):
        items += [(s.image_path, s.points) for s in load_landmark_folder(dataset_path(name), pattern)]
    for name, pattern in data_cfg.get("face_sets", []):
        items += [(p, None) for p in list_face_images(dataset_path(name), pattern)]
    return items


def generator_size(generator):
    return int(generator.input_size)


def build(config):
    """The generator (the recipe's model) and, for an adversarial recipe, the two discriminators:
    the global one at the generator's image size, the local one at the schedule's patch size
    (each overridable in `global_discriminator_kwargs` / `local_discriminator_kwargs`)."""
    g = build_model(config)
    if config.get("adversarial", True):
        dg = registry.create_model("global_discriminator", **{"image_size": generator_size(g),
                                                                **config.get("global_discriminator_kwargs", {})})
        dl = registry.create_model("local_discriminator", **{"patch_size": config["schedule"]["patch"],
                                                               **config.get("local_discriminator_kwargs", {})})
    else:
        dg = dl = None
    return g, dg, dl


def train_restorer(config, out_dir, resume=False, max_steps=None, limit=None, epochs=None):
    """Train a restorer recipe into `out_dir` (both networks, both optimisers and the progress,
    checkpointed atomically; `resume` continues at the same phase and step). `max_steps`: stop
    after this many more steps. Returns `{"state", "model", "config"}`."""
    if epochs is not None:
        raise ValueError("a restorer recipe counts steps, not epochs: use --max-steps (or change its schedule)")
    keras.utils.set_random_seed(config.get("seed", 0))
    items = load_items(config["data"])
    if limit:
        items = items[:limit]
    bank = OccluderBank.from_data_root(texture_paths=[p for p, _ in items[:200]])
    resume = resuming(out_dir, resume)
    g, dg, dl = build(config)
    ds = InpaintDataset(items, batch_size=config["batch_size"], image_size=generator_size(g), patch=config["schedule"]["patch"],
                        occluder_bank=bank, seed=config.get("seed", 0))
    # continue from another run's generator (`init_weights`, whole or not at all) or a shipped
    # restorer (`init_preset`, layer by layer); presets ship no discriminators: the schedule's
    # discriminator phase trains fresh ones before the joint phase
    initialise(g, config, resume=resume)
    run = AdversarialRun(g, dg, dl, config["schedule"], out_dir)
    write_run_files(out_dir, config, g, faces=len(items))
    state = run.run(ds, resume=resume, max_steps=max_steps)
    return {"state": state, "model": g, "config": config}
