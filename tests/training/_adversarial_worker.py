"""Run a tiny GAN-IA training on real faces until killed (used by test_adversarial's kill -9
test): checkpoints every 2 steps into DIR, prints each finished step."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)


def main(out_dir):
    from zoo.training.adversarial import AdversarialRun
    from test_adversarial import _nets
    from zoo.data import load_landmark_folder
    from zoo.data.inpaint_dataset import InpaintDataset
    from zoo.data.paths import dataset_path

    faces = [(s.image_path, s.points) for s in load_landmark_folder(dataset_path("aligned_300w"), "afw_1*")[:16]]
    ds = InpaintDataset(faces, batch_size=4, image_size=32, patch=16, seed=3)
    cfg = dict(t_g=4, t_d=4, t_joint=100000, patch=16, checkpoint_every=2)
    AdversarialRun(*_nets(), cfg, out_dir).run(ds, resume=True, log_every=1)


if __name__ == "__main__":
    main(sys.argv[1])
