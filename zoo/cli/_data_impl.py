"""The work behind `python -m zoo data` (imported when the command runs, not when the parser is built)."""

import os
import re
from collections import defaultdict

import numpy as np

from zoo.data.folders import list_face_images, scan_landmark_folder
from zoo.data.image_io import IMAGE_EXTENSIONS, ImageError, read_image, write_image
from zoo.data.shape68 import OUTER_EYE_CORNERS
from zoo.cli.checks import not_inside, output_folder


def _set_name(stem):
    return re.sub(r"(_\d+)+$", "", stem) or stem


def _is_landmark_folder(folder):
    return any(f.endswith(".pts") for f in os.listdir(folder))


def check(args):
    from zoo.data.draw import contact_sheet, draw_landmarks
    from zoo.data.occlusion import OccluderBank, occlude
    from zoo.data.shape68 import COMPONENT_NAMES

    folder = args.dir
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder}: no such folder")
    output_folder(args.out)
    rng = np.random.default_rng(args.seed)
    if not _is_landmark_folder(folder):
        return _check_faces(folder, args, rng)
    report = scan_landmark_folder(folder, args.pattern, skip_invalid=True, check_images=True)
    groups = defaultdict(list)
    for s in report.samples:
        groups[_set_name(s.name)].append(s)
    print(f"{folder}: {len(report.samples)} valid image + .pts pairs, {len(report.invalid)} invalid")
    print(f"{'set':<20} {'n':>6} {'inter-ocular px':>16} {'face box px':>12} {'flags':>8}")
    for name, items in sorted(groups.items()):
        pts = np.stack([s.points for s in items])
        io = np.linalg.norm(pts[:, OUTER_EYE_CORNERS[0]] - pts[:, OUTER_EYE_CORNERS[1]], axis=-1)
        box = (pts.max(1) - pts.min(1)).max(-1)
        nflag = sum(s.flags is not None for s in items)
        print(f"{name:<20} {len(items):>6} {io.mean():>10.1f} ±{io.std():>4.1f} {box.mean():>12.1f} {nflag:>8}")
    for path, reason in report.invalid:
        print(f"INVALID {path}: {reason}")

    pick = rng.choice(len(report.samples), size=min(32, len(report.samples)), replace=False)
    tiles, occ_tiles = [], []
    images = {}
    for i in pick:
        s = report.samples[i]
        images[i] = read_image(s.image_path)
        tiles.append(draw_landmarks(images[i], s.points, s.flags))
    sheet = os.path.join(args.out, "contact_landmarks.png")
    write_image(sheet, contact_sheet(tiles, labels=[report.samples[i].name for i in pick]))
    bank = OccluderBank.from_data_root(texture_paths=[report.samples[i].image_path for i in pick])
    labels = []
    for k, i in enumerate(pick):
        s = report.samples[i]
        comp = COMPONENT_NAMES[k % len(COMPONENT_NAMES)]
        occ, mask, flags = occlude(images[i], s.points, comp, rng, bank)
        occ_tiles.append(draw_landmarks(occ, s.points, flags, hulls=False))
        labels.append(f"{comp} {int(flags.sum())}pt")
    occ_sheet = os.path.join(args.out, "contact_occlusion.png")
    write_image(occ_sheet, contact_sheet(occ_tiles, labels=labels))
    print(f"wrote {sheet}\nwrote {occ_sheet}")
    return 1 if report.invalid else 0


def _check_faces(folder, args, rng):
    from zoo.data.draw import contact_sheet

    paths = list_face_images(folder, args.pattern)
    invalid, shapes, tiles = [], defaultdict(int), []
    for p in paths:
        try:
            img = read_image(p)
        except ImageError as e:
            invalid.append((p, str(e)))
            continue
        shapes[img.shape] += 1
        if len(tiles) < 32:
            tiles.append(img)
    stray = [f for f in os.listdir(folder) if not f.lower().endswith(IMAGE_EXTENSIONS) and os.path.isfile(os.path.join(folder, f))]
    print(f"{folder}: {len(paths) - len(invalid)} readable face images, {len(invalid)} invalid ({len(stray)} non-image files ignored)")
    for shape, n in sorted(shapes.items(), key=lambda kv: -kv[1]):
        print(f"  {shape[1]}x{shape[0]}x{shape[2]}: {n}")
    for p, reason in invalid:
        print(f"INVALID {p}: {reason}")
    if tiles:
        sheet = os.path.join(args.out, "contact_faces.png")
        write_image(sheet, contact_sheet(tiles))
        print(f"wrote {sheet}")
    return 1 if invalid else 0


def occlude_cmd(args):
    from zoo.data.synthetic_set import occlude_folder

    if not os.path.isdir(args.src):
        raise FileNotFoundError(f"{args.src}: no such folder")
    not_inside(args.dst, args.src)
    output_folder(args.dst, flag="DST")
    rows = occlude_folder(args.src, args.dst, seed=args.seed, pattern=args.pattern)
    flags = np.array([r[2:] for r in rows], np.float64)
    print(f"wrote {len(rows)} synthetically occluded faces to {args.dst} (seed {args.seed}); "
          f"mean {flags.sum(1).mean():.1f} occluded points per face")
    return 0
