import os
import sys

import keras
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}, image_data_format {keras.config.image_data_format()}"


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def staged():
    """Path of a staged real data set by name; fails loudly (FileNotFoundError naming ZOO_DATA)
    when the data is missing."""
    from zoo.data.paths import dataset_path

    return dataset_path


@pytest.fixture(scope="session")
def helen_test(staged):
    from zoo.data import load_landmark_folder

    return load_landmark_folder(staged("300w"), "helen_testset_*")
