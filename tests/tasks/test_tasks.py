import numpy as np
import pytest

import zoo
from zoo.tasks import FaceDetector, LandmarkRegressor, Restorer, letterbox, load


def test_load_builds_the_right_task_for_every_preset():
    from zoo.presets import list_presets, preset_record, preset_task

    from zoo.tasks import OccluderSegmenter

    kinds = {"regressor": LandmarkRegressor, "restorer": Restorer, "detector": FaceDetector, "occluder": OccluderSegmenter}
    for name in list_presets():
        task = load(name)
        assert isinstance(task, kinds[preset_task(preset_record(name))]), name
        assert task.record["name"] == name
    assert zoo.load is load


def test_load_refuses_the_wrong_task_and_unknown_names():
    with pytest.raises(ValueError, match="not a restorer"):
        load("drn_300w", task="restorer")
    with pytest.raises(ValueError, match="not a detector"):
        load("gania_128", task="detector")
    with pytest.raises(KeyError, match="No model 'nope'"):
        load("nope")
    with pytest.raises(ValueError, match="not a face detector"):
        FaceDetector(zoo.load_preset("drn_300w"))
    with pytest.raises(ValueError, match="not a landmark regressor"):
        LandmarkRegressor(zoo.load_preset("blazeface_short"))
    with pytest.raises(ValueError, match="not an occluder"):
        load("drn_300w", task="occluder")


def test_regressor_reads_its_layout_from_the_model_and_maps_points_to_crop_pixels(helen_test):
    from zoo.layers._utils import channels_first_supported
    from zoo.metrics import nme

    reg = LandmarkRegressor.from_preset("drn_300w")
    assert reg.input_size == 112 and reg.data_format == "channels_last"
    faces = helen_test[:6]
    crops = [s.load_image() for s in faces]  # 256 px crops: resized to 112 inside, points back in 256 px
    pred = reg.predict(crops)
    assert pred.shape == (6, 68, 2)
    assert nme(pred, np.stack([s.points for s in faces])).mean() < 0.12
    half = reg.predict([c[::2, ::2] for c in crops])
    np.testing.assert_allclose(half * 2, pred, atol=6.0)  # same face at half the size: same points, scaled
    if channels_first_supported():
        # a channels-first copy of the model under the global channels_last default: the task
        # follows the model's own layout
        cf = zoo.create_model("drn", data_format="channels_first")
        cf.set_weights(reg.model.get_weights())
        task = LandmarkRegressor(cf)
        assert task.data_format == "channels_first"
        np.testing.assert_allclose(task.predict(crops), pred, atol=0.05)
    with pytest.raises(ValueError, match="square"):
        reg.predict([np.zeros((50, 60, 3), np.uint8)])


def test_restorer_changes_only_masked_pixels(helen_test):
    res = Restorer.from_preset("autoencoder_128")
    face = helen_test[0].load_image()
    mask = np.zeros(face.shape[:2], bool)
    mask[100:160, 80:180] = True
    (out,) = res.restore([face], [mask], blend=False)
    np.testing.assert_array_equal(out[~mask], face[~mask])
    raw = res.restore_crops(np.stack([face[::2, ::2]]), np.stack([mask[::2, ::2]]))
    assert raw.shape == (1, 128, 128, 3) and raw.dtype == np.uint8
    with pytest.raises(ValueError, match="restore_crops takes"):
        res.restore_crops(np.stack([face]), np.stack([mask]))


def test_detector_finds_the_demo_face_and_nothing_in_a_blank_image():
    from zoo.data.demo import demo_image

    det = FaceDetector.from_preset("blazeface_short")
    faces, blank = det.detect([demo_image(occluded=True), np.full((200, 300, 3), 128, np.uint8)])
    assert blank == []
    assert len(faces) == 1
    x0, y0, x1, y1 = faces[0]["box"]
    # the astronaut's face is around x 175..275, y 60..185 of the 512x512 photo
    assert 150 < x0 < 200 and 250 < x1 < 300 and 40 < y0 < 110 and 150 < y1 < 210
    assert faces[0]["score"] > 0.5 and faces[0]["keypoints"].shape == (6, 2)
    # right eye keypoint left of the left eye (image coordinates), both above the mouth
    kp = faces[0]["keypoints"]
    assert kp[0, 0] < kp[1, 0] and kp[0, 1] < kp[3, 1]
    with pytest.raises(ValueError, match="uint8 RGB"):
        det.detect([np.zeros((10, 10), np.uint8)])


def test_letterbox_keeps_the_aspect_ratio():
    img = np.full((100, 200, 3), 255, np.uint8)
    sq, (sx, sy), (px, py) = letterbox(img, 128)
    assert sq.shape == (128, 128, 3) and sx == sy == 0.64 and px == 0 and py == 32
    assert sq[:32].max() == 0 and sq[32:96].min() == 255
