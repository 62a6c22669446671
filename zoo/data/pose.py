"""Head-pose (Euler angles) from 68 landmarks: `cv2.solvePnP` against a generic 3D face, as PFLD
does to get its auxiliary targets."""

import cv2
import numpy as np

# A generic 3D face (arbitrary units; x to the subject's left, y up, z towards the camera) at 14
# of the 68 points. These are the coordinates of the generic model commonly used for head-pose
# estimation from 68-point markup.
MODEL_INDICES = (17, 21, 22, 26, 36, 39, 42, 45, 31, 35, 48, 54, 57, 8)
MODEL_POINTS = np.array(
    [
        [6.825897, 6.760612, 4.402142], [1.330353, 7.122144, 6.903745],
        [-1.330353, 7.122144, 6.903745], [-6.825897, 6.760612, 4.402142],
        [5.311432, 5.485328, 3.987654], [1.789930, 5.393625, 4.413414],
        [-1.789930, 5.393625, 4.413414], [-5.311432, 5.485328, 3.987654],
        [2.005628, 1.409845, 6.165652], [-2.005628, 1.409845, 6.165652],
        [2.774015, -2.080775, 5.048531], [-2.774015, -2.080775, 5.048531],
        [0.000000, -3.116408, 6.097667], [0.000000, -7.415691, 4.070434],
    ],
    np.float64,
)


def euler_angles(points, image_size):
    """`(pitch, yaw, roll)` in radians of a face with 0-based `(68, 2)` points in an image of
    side `image_size` (pinhole camera, focal = image side, principal point at the centre)."""
    pts = np.asarray(points, np.float64)[list(MODEL_INDICES)]
    if not np.all(np.isfinite(pts)):
        return np.full(3, np.nan, np.float32)  # propagates: a NaN target makes a NaN loss, which stops training
    f = float(image_size)
    camera = np.array([[f, 0, f / 2], [0, f, f / 2], [0, 0, 1]], np.float64)
    # Image y points down; the model's y points up: flip the model's y and z.
    model = MODEL_POINTS * np.array([1.0, -1.0, -1.0])
    ok, rvec, _ = cv2.solvePnP(model, pts, camera, np.zeros(4), flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return np.zeros(3, np.float32)
    rot, _ = cv2.Rodrigues(rvec)
    angles, *_ = cv2.RQDecomp3x3(rot)  # degrees, (x, y, z)
    a = np.deg2rad(np.asarray(angles, np.float64))
    a = (a + np.pi) % (2 * np.pi) - np.pi
    # Keep pitch in (-pi/2, pi/2]: RQ decomposition may return the equivalent flipped triple.
    if abs(a[0]) > np.pi / 2:
        a[0] = a[0] - np.sign(a[0]) * np.pi
    return a.astype(np.float32)
