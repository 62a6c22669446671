"""The iBUG / Multi-PIE 68-point convention: components, flip permutation, eye corners."""

import numpy as np

N_POINTS = 68

# 0-based index ranges of the seven facial components (DRDA / the seed's partition).
COMPONENTS = {
    "jaw": tuple(range(0, 17)),
    "right_brow": tuple(range(17, 22)),
    "left_brow": tuple(range(22, 27)),
    "nose": tuple(range(27, 36)),
    "right_eye": tuple(range(36, 42)),
    "left_eye": tuple(range(42, 48)),
    "mouth": tuple(range(48, 68)),
}
COMPONENT_NAMES = tuple(COMPONENTS)

# Outer eye corners (inter-ocular normalisation) and eye index sets (inter-pupil).
OUTER_EYE_CORNERS = (36, 45)
RIGHT_EYE = COMPONENTS["right_eye"]
LEFT_EYE = COMPONENTS["left_eye"]

# Regions the synthetic occluders are placed by: both eyes (glasses), both brows (a cap), the
# lower face (the jaw from 2 to 14 and the nose bridge's lowest point: a face mask), the chin
# (the jaw's lower part, 4 to 12).
EYES = RIGHT_EYE + LEFT_EYE
BROWS = COMPONENTS["right_brow"] + COMPONENTS["left_brow"]
LOWER_FACE = tuple(range(2, 15)) + (29,)
CHIN = tuple(range(4, 13))


def _flip_permutation():
    pairs = []
    pairs += [(i, 16 - i) for i in range(8)]  # jaw
    pairs += [(17 + i, 26 - i) for i in range(5)]  # brows
    pairs += [(31, 35), (32, 34)]  # nostrils
    pairs += [(36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46)]  # eyes
    pairs += [(48, 54), (49, 53), (50, 52), (55, 59), (56, 58)]  # outer lips
    pairs += [(60, 64), (61, 63), (65, 67)]  # inner lips
    perm = np.arange(N_POINTS)
    for a, b in pairs:
        perm[a], perm[b] = b, a
    return perm


# After a horizontal flip, point i of the new shape is point FLIP_PERMUTATION[i] of the old.
FLIP_PERMUTATION = _flip_permutation()
