"""Restoration on occluders the models never saw: the leave-one-family-out benchmark.

Every occluder family (`zoo.data.occluder_families`) gets its own copy of the 230 HELEN-test
faces, each face occluded by one occluder of that family (`zoo.data.test_sets.family_test_set`;
textures and photo patches cut from CelebA-HQ, a source no recipe trains on). For each regressor
the cascade is measured three ways on the same faces, crop given:

- `alone`: the regressor alone (no restoration);
- `default`: the Landmarker's defaults (occluder segmenter decides, GAN-IA restores, the
  do-no-harm guard keeps or drops the restored reading);
- `true masks`: the same restorer given the true occluder mask, its reading taken as it is (the
  oracle without the guard: the upper bound the issue's table measured).

A family counts as *held out* only when none of the models involved (regressor, segmenter,
restorer) lists it among the occluder families of its training (its preset record's recipe:
`occluder_families`, default the five `TRAINING_FAMILIES`); tables report held-out families
only unless `--all-families`. Per family: NME (outer-eye, %), FR@0.10, the share of faces
restored and the faces made worse (or better) by more than 1 point of NME by restoration.

A second table: clean faces, and the same faces in grey, blurred (sigma 2) and down-sampled to
48 px wide, where nothing should be restored and NME should not change.

    python benchmarks/unseen_occluders.py [--regressors ...] [--families ...] [--limit N] [--readme]
    python benchmarks/unseen_occluders.py --calibrate-guard   # the guard's restored-reading weight, on 300-W validation faces
    python benchmarks/unseen_occluders.py --check-whole       # occluders left whole over components not restored, the same faces

Writes benchmarks/results/unseen_occluders.{json,md} (or `--out DIR`).
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import RESULTS, machine, print_table, update_readme, write_json  # noqa: E402

REGRESSORS = ("pipnet_mnv2_s8_300w", "pfld_0.25x_300w", "drn_300w", "pipnet_mnv2_300w")  # the first three by default; the last kept in tables for comparison
HARM = 0.01  # one point of NME


def trained_families(task):
    """The occluder families a loaded model's training drew from (its preset's recipe, or a run
    folder's config.json; the five training families when the recipe does not say)."""
    from zoo.data.occluder_families import TRAINING_FAMILIES

    import json

    from zoo.presets import preset_record
    from zoo.runs import CONFIG

    try:
        recipe = preset_record(task.name).get("recipe_config") or {}
    except (KeyError, FileNotFoundError, ValueError):
        path = os.path.join(str(task.name), CONFIG)  # a run folder: the recipe it ran
        recipe = {}
        if os.path.isfile(path):
            with open(path) as f:
                recipe = json.load(f)
    return tuple(recipe.get("occluder_families", TRAINING_FAMILIES))


def load_set(folder, limit=None, pattern="*"):
    import cv2

    from zoo.data.folders import load_landmark_folder

    samples = load_landmark_folder(folder, pattern)[:limit]
    images = [s.load_image() for s in samples]
    masks = []
    for s, im in zip(samples, images):
        p = os.path.join(folder, "masks", f"{s.name}.png")
        masks.append(cv2.imread(p, cv2.IMREAD_GRAYSCALE) > 127 if os.path.isfile(p) else np.zeros(im.shape[:2], bool))
    return samples, images, masks, np.stack([s.points for s in samples])


def cascade(models, regressor, images, masks, mode, batch=16, detector=None, **kwargs):
    """`(shapes, restored flags, reasons)` of one cascade setting: crop given, or with `detector`
    (the best detection per image; the whole image where none is found)."""
    from zoo.pipeline.landmarker import Landmarker

    if mode == "alone":
        lm = Landmarker(detector=detector, regressor=models[regressor], restorer=None, occlusion="none", iterations=0, segmenter=None)
    elif mode == "true_masks":  # the restorer given the true mask, its reading taken as is (no guard): the upper bound
        lm = Landmarker(detector=detector, regressor=models[regressor], restorer=models["restorer"], occlusion="oracle", segmenter=None,
                        guard=None, **kwargs)
    else:
        lm = Landmarker(detector=detector, regressor=models[regressor], restorer=models["restorer"], segmenter=models["segmenter"],
                        **kwargs)
    shapes, restored, reasons = [], [], []
    for start in range(0, len(images), batch):
        out = lm(images[start : start + batch], masks=masks[start : start + batch] if mode == "true_masks" else None, no_face="image")
        for faces in out:
            f = faces[0]
            shapes.append(f["landmarks"])
            restored.append(bool(f["restoration"]["restored"]))
            reasons.append(f["restoration"]["reason"])
    return np.stack(shapes), np.asarray(restored), reasons


def summarize(err, base, restored):
    from zoo.metrics import summarize as nme_summary

    s = nme_summary(err)
    d = err - base
    return {"nme": 100 * float(err.mean()), "fr_0.10": 100 * float(s["fr_0.10"]), "restored": 100 * float(restored.mean()),
            "worse_1pt": int((d > HARM).sum()), "better_1pt": int((d < -HARM).sum()), "n": int(len(err))}


def run_families(models, regressors, families, limit, held, detector=None, also=None):
    """One row per family and regressor: alone, default cascade, true masks; `also`: `{mode: models}`
    more default cascades with other models (e.g. another segmenter), reported under `mode`."""
    from zoo.data.test_sets import family_test_set
    from zoo.metrics import nme

    rows = []
    for fam in families:
        samples, images, masks, target = load_set(family_test_set(fam), limit)
        for reg in regressors:
            t0 = time.perf_counter()
            base = nme(cascade(models, reg, images, masks, "alone", detector=detector)[0], target)
            row = {"family": fam, "regressor": reg, "held_out": fam in held[reg], "detector": getattr(detector, "name", None)}
            faces = {"name": [s.name for s in samples], "alone": [round(float(e), 5) for e in base]}
            runs = [("default", models, "default"), ("true_masks", models, "true_masks")]
            runs += [(name, other, "default") for name, other in (also or {}).items()]
            for mode, using, how in runs:
                shapes, restored, reasons = cascade(using, reg, images, masks, how, detector=detector)
                err = nme(shapes, target)
                row[mode] = summarize(err, base, restored)
                faces[mode] = [round(float(e), 5) for e in err]
                faces[mode + "_reason"] = reasons
            row["alone"] = summarize(base, base, np.zeros(len(base), bool))
            gap = row["alone"]["nme"] - row["true_masks"]["nme"]
            row["gain_share"] = (row["alone"]["nme"] - row["default"]["nme"]) / gap if gap > 1e-9 else None
            row["seconds"] = time.perf_counter() - t0
            row["faces"] = faces
            rows.append(row)
            print(f"{fam:14s} {reg:18s} {'+ ' + row['detector'] if detector is not None else 'crop given'}: alone {row['alone']['nme']:.2f}  default {row['default']['nme']:.2f} "
                  f"(restored {row['default']['restored']:.0f}%, worse {row['default']['worse_1pt']})  "
                  f"true masks {row['true_masks']['nme']:.2f}  [{row['seconds']:.0f}s]", flush=True)
    return rows


def run_degradations(models, regressors, limit):
    from zoo.data.test_sets import DEGRADATIONS, degraded_test_set
    from zoo.metrics import nme

    rows = []
    for kind in DEGRADATIONS:
        samples, images, masks, target = load_set(degraded_test_set(kind), limit, "helen_testset_*")
        for reg in regressors:
            base = nme(cascade(models, reg, images, masks, "alone")[0], target)
            shapes, restored, _ = cascade(models, reg, images, masks, "default")
            err = nme(shapes, target)
            row = {"faces": kind, "regressor": reg, "alone": 100 * float(base.mean()), "default": 100 * float(err.mean()),
                   "restored": 100 * float(restored.mean()), "max_change": 100 * float(np.abs(err - base).max()), "n": len(err)}
            rows.append(row)
            print(f"{kind:8s} {reg:18s} alone {row['alone']:.2f}  default {row['default']:.2f}  restored {row['restored']:.1f}%", flush=True)
    return rows


def family_markdown(rows):
    from zoo.data.occluder_families import FAMILY_DESCRIPTIONS

    lines = ["| held-out family | regressor | alone | default cascade | true masks | restored | worse by > 1 pt | better by > 1 pt |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        d = r["default"]
        mark = "**" if d["nme"] < r["alone"]["nme"] else ""
        lines.append(f"| {r['family']} ({FAMILY_DESCRIPTIONS[r['family']]}) | `{r['regressor']}` | {r['alone']['nme']:.2f} | "
                     f"{mark}{d['nme']:.2f}{mark} | {r['true_masks']['nme']:.2f} | {d['restored']:.0f} % | "
                     f"{d['worse_1pt']} ({100 * d['worse_1pt'] / d['n']:.1f} %) | {d['better_1pt']} |")
    return "\n".join(lines)


def lofo_markdown(rows):
    """The training families, each measured with a segmenter trained without it."""
    from zoo.data.occluder_families import FAMILY_DESCRIPTIONS

    lines = ["| family (segmenter held out) | regressor | alone | default cascade | true masks | restored | worse by > 1 pt "
             "| better by > 1 pt | default with the preset segmenter (saw it) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        d = r["default"]
        mark = "**" if d["nme"] < r["alone"]["nme"] else ""
        seen = r.get("default_seen_segmenter")
        seen = f"{seen['nme']:.2f}" if seen else "-"
        lines.append(f"| {r['family']} ({FAMILY_DESCRIPTIONS[r['family']]}) | `{r['regressor']}` | {r['alone']['nme']:.2f} | "
                     f"{mark}{d['nme']:.2f}{mark} | {r['true_masks']['nme']:.2f} | {d['restored']:.0f} % | "
                     f"{d['worse_1pt']} ({100 * d['worse_1pt'] / d['n']:.1f} %) | {d['better_1pt']} | {seen} |")
    return "\n".join(lines)


def run_lofo(models, regressors, families, limit, runs):
    """The training families held out from the segmenter: for each family F, the segmenter trained
    without F (`runs/lofo_F`: `python -m zoo train occluder_seg_mnv2_without_F --out runs/lofo_F`)
    decides on F's faces. The regressors and the restorer did train with F (retraining them per
    family is beyond a CPU): the rows say so. The preset segmenter's default cascade (which saw F)
    is measured beside it."""
    from zoo.tasks import load

    rows = []
    for fam in families:
        folder = os.path.join(runs, f"lofo_{fam}")
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"no leave-one-family-out segmenter for {fam!r} at {folder}: train it with "
                                    f"`python -m zoo train occluder_seg_mnv2_without_{fam} --out {folder}`")
        seg = load(folder, task="occluder", trained=True)
        if fam in trained_families(seg):
            raise ValueError(f"{folder} trained on the {fam!r} family: not a held-out segmenter for it")
        lofo = dict(models, segmenter=seg)
        held = {r: set() for r in regressors}  # the regressor and restorer saw it
        for row in run_families(lofo, regressors, [fam], limit, held, also={"default_seen_segmenter": models}):
            row["segmenter"] = folder
            row["held_out_from"] = ["segmenter"]
            row["seen_by"] = [r for r in (row["regressor"], "restorer") if fam in trained_families(models[r])]
            rows.append(row)
    return rows


def run_peer(families, limit):
    """dlib's 68-point predictor with its own HOG detector on each family's faces (the peer of the
    with-detector table; `pip install -e '.[bench]'`): `[{family, nme, fr_0.10, found}]`, or None
    where dlib is not installed."""
    from benchmarks.table1 import run_dlib
    from zoo.data.test_sets import family_test_set
    from zoo.metrics import nme, summarize as nme_summary

    rows = []
    for fam in families:
        samples, images, masks, target = load_set(family_test_set(fam), limit)
        res = run_dlib(images, "dlib")
        if res is None:
            return None
        shapes, found = res
        err = nme(shapes, target)
        rows.append({"family": fam, "nme": 100 * float(err.mean()), "fr_0.10": 100 * float(nme_summary(err)["fr_0.10"]),
                     "found": 100 * float(found), "n": len(err)})
        print(f"{fam:14s} dlib (own detector): {rows[-1]['nme']:.2f} (found {rows[-1]['found']:.0f}%)", flush=True)
    return rows


def peer_markdown(peer, det_rows):
    """The held-out families with a detector: dlib's predictor against each regressor alone and in the
    default cascade (bold: the cascade below the regressor alone, as in the other tables; dlib's
    NME where it is the row's lowest)."""
    regs = _regs(det_rows)
    head = " | ".join(f"`{r}` alone / default cascade" for r in regs)
    lines = [f"| held-out family | dlib 68-pt, own detector (found) | {head} |", "| --- | --- |" + " --- |" * len(regs)]
    for p in peer:
        cells = []
        for reg in regs:
            r = next((r for r in det_rows if r["family"] == p["family"] and r["regressor"] == reg), None)
            if r is None:
                cells.append("-")
                continue
            mark = "**" if r["default"]["nme"] < r["alone"]["nme"] else ""
            cells.append(f"{r['alone']['nme']:.2f} / {mark}{r['default']['nme']:.2f}{mark}")
        best = min([p["nme"]] + [r["default"]["nme"] for r in det_rows if r["family"] == p["family"]]
                   + [r["alone"]["nme"] for r in det_rows if r["family"] == p["family"]])
        dlib = f"**{p['nme']:.2f}**" if p["nme"] == best else f"{p['nme']:.2f}"
        lines.append(f"| {p['family']} | {dlib} ({p['found']:.0f} %) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary_markdown(rows, regressors):
    lines = ["| regressor | families where default < alone | mean alone | mean default | mean true masks | share of the true-mask gain | faces worse by > 1 pt |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for reg in regressors:
        rs = [r for r in rows if r["regressor"] == reg]
        if not rs:
            continue
        a = np.mean([r["alone"]["nme"] for r in rs])
        d = np.mean([r["default"]["nme"] for r in rs])
        t = np.mean([r["true_masks"]["nme"] for r in rs])
        better = sum(r["default"]["nme"] < r["alone"]["nme"] for r in rs)
        worse = sum(r["default"]["worse_1pt"] for r in rs)
        n = sum(r["default"]["n"] for r in rs)
        share = f"{100 * (a - d) / (a - t):.0f} %" if a - t >= 0.1 else "- (true masks gain < 0.1)"
        lines.append(f"| `{reg}` | {better} of {len(rs)} | {a:.2f} | {d:.2f} | {t:.2f} | {share} | {worse} of {n} ({100 * worse / n:.1f} %) |")
    return "\n".join(lines)


def degradation_markdown(rows):
    lines = ["| faces | regressor | alone | default cascade | faces restored | largest change of one face |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['faces']} | `{r['regressor']}` | {r['alone']:.2f} | {r['default']:.2f} | {r['restored']:.1f} % | {r['max_change']:.2f} |")
    return "\n".join(lines)


def validation_occluded(limit=None, families=None):
    """`(images, masks, shapes)`: the 300-W validation faces (never trained on; AFW + HELEN train's
    8 % hash split), each occluded twice (seeds 1 and 2) by one occluder of a family drawn from
    `families` (default: the training families) at one of the components that family covers."""
    from zoo.data.occlusion import FAMILY_COMPONENTS, OccluderBank, occlude
    from zoo.data.occluder_families import TRAINING_FAMILIES
    from zoo.data.shape68 import COMPONENT_NAMES
    from zoo.pipeline.calibration import validation_faces

    families = tuple(families or TRAINING_FAMILIES)
    train, val = validation_faces()
    bank = OccluderBank.from_data_root(texture_paths=[s.image_path for s in train])
    images, masks, target = [], [], []
    for seed in (1, 2):
        for i, s in enumerate(val):
            rng = np.random.default_rng([seed, i])
            kind = families[rng.integers(len(families))]
            comps = FAMILY_COMPONENTS.get(kind, COMPONENT_NAMES)
            o, m, _ = occlude(s.load_image(), s.points, comps[(i + seed) % len(comps)], rng, bank, kind)
            images.append(o)
            masks.append(m)
            target.append(s.points)
    return images[:limit], masks[:limit], np.stack(target[:limit])


def check_whole(models, regressors, limit):
    """`SEGMENT_HOLE["whole"]` on the 300-W validation faces with the training families' occluders
    (never HELEN test): the default cascade with occluders over a component that is not restored
    left whole (the default) against filled in part (`whole` off), per regressor. Prints a table;
    returns the rows."""
    import zoo.pipeline.landmarker as L
    from zoo.metrics import nme

    images, masks, target = validation_occluded(limit)
    rows = []
    default = L.SEGMENT_HOLE.get("whole")
    try:
        for reg in regressors:
            base = nme(cascade(models, reg, images, masks, "alone")[0], target)
            for whole in (None, default):
                L.SEGMENT_HOLE["whole"] = whole
                shapes, restored, _ = cascade(models, reg, images, masks, "default")
                err = nme(shapes, target)
                d = err - base
                rows.append({"regressor": reg, "whole": whole, "alone": 100 * base.mean(), "default": 100 * err.mean(),
                             "restored": 100 * restored.mean(), "worse_1pt": int((d > HARM).sum()),
                             "better_1pt": int((d < -HARM).sum()), "n": len(err)})
                print_table(rows[-1:], list(rows[-1]))
    finally:
        L.SEGMENT_HOLE["whole"] = default
    return rows


def calibrate_guard(models, regressors, limit):
    """The guard's restored-reading weight on 300-W validation faces (never trained on; AFW + HELEN
    train's 8 % hash split) occluded by the *training* families, two occluders per face: for each
    weight (1.0 = the restored reading alone), the mean NME and the faces made worse / better by
    more than a point against the regressor alone. Prints a table; returns the rows."""
    import zoo.pipeline.landmarker as L
    from zoo.metrics import nme

    images, masks, target = validation_occluded(limit)
    rows = []
    for reg in regressors:
        base = nme(cascade(models, reg, images, masks, "alone")[0], target)
        for weight in (0.3, 0.4, 0.5, 0.6, 1.0):
            guard = dict(L.GUARD, restored_weight=weight)
            shapes, restored, _ = cascade(models, reg, images, masks, "default", guard=guard, restore_components="all")
            err = nme(shapes, target)
            d = err - base
            rows.append({"regressor": reg, "restored_weight": weight, "alone": 100 * base.mean(), "default": 100 * err.mean(),
                         "restored": 100 * restored.mean(), "worse_1pt": int((d > HARM).sum()), "better_1pt": int((d < -HARM).sum()),
                         "n": len(err)})
            print_table(rows[-1:], list(rows[-1]))
    return rows


def _regs(rows):
    return list(dict.fromkeys(r["regressor"] for r in rows))


def render(payload):
    """The markdown report of a run's JSON."""
    rows, det_rows, deg = payload["families"], payload.get("families_with_detector") or [], payload.get("degradations") or []
    md = ["## Leave-one-family-out: restoration on occluder families no model trained on", "",
          "NME % (outer-eye), 230 HELEN-test faces per family, crop given, restorer "
          f"`{payload['restorer']}`, segmenter `{payload['segmenter']}`; `python benchmarks/unseen_occluders.py`.", "",
          summary_markdown(rows, _regs(rows)), "", family_markdown(rows)]
    if det_rows:
        md += ["", f"With the detector (`{det_rows[0]['detector']}`, the best face per image):", "",
               summary_markdown(det_rows, _regs(det_rows)), "", family_markdown(det_rows)]
        if payload.get("peer"):
            md += ["", "The peer on the same faces, each with its own detector:", "", peer_markdown(payload["peer"], det_rows)]
    lofo = payload.get("lofo") or []
    if lofo:
        md += ["", "## The training families, each with a segmenter that never saw it", "",
               "The regressor and the restorer trained with these families; the segmenter that decides did not "
               "(`recipes/occluder_seg_mnv2_without_*.toml`, 3 epochs each). `--lofo runs`.", "",
               summary_markdown(lofo, _regs(lofo)), "", lofo_markdown(lofo)]
    if deg:
        md += ["", "## Faces with nothing to restore", "", degradation_markdown(deg)]
    return "\n".join(md) + "\n"


def publish(payload):
    """The tables between the unseen-occluders markers of docs/results.md."""
    rows, det_rows, deg = payload["families"], payload.get("families_with_detector") or [], payload.get("degradations") or []
    update_readme("unseen-occluders", summary_markdown(rows, _regs(rows)) + "\n\n" + family_markdown(rows))
    update_readme("unseen-occluders-summary", summary_markdown(rows, _regs(rows)))  # the README's
    if det_rows:
        update_readme("unseen-occluders-detector", summary_markdown(det_rows, _regs(det_rows)) + "\n\n" + family_markdown(det_rows))
        if payload.get("peer"):
            update_readme("unseen-occluders-peer", peer_markdown(payload["peer"], det_rows))
    if deg:
        update_readme("nothing-to-restore", degradation_markdown(deg))
    lofo = payload.get("lofo") or []
    if lofo:
        update_readme("unseen-occluders-lofo", summary_markdown(lofo, _regs(lofo)) + "\n\n" + lofo_markdown(lofo))


def _rewrite(path, payload, args):
    """Write a report that gained a table (`--peer`, `--lofo`): its JSON, its markdown, and with
    `--readme` the documents' tables."""
    from zoo.io import atomic_write_json, atomic_write_text

    atomic_write_json(path, payload)
    text = render(payload)
    print("\n" + text)
    atomic_write_text(os.path.join(args.out, "unseen_occluders.md"), text)
    if args.readme and args.limit is None:
        publish(payload)
    return 0


def main(argv=None):
    from zoo.data.occluder_families import HELD_OUT_FAMILIES, OCCLUDER_FAMILIES, TRAINING_FAMILIES

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--regressors", default=",".join(REGRESSORS[:3]))
    p.add_argument("--families", default=",".join(HELD_OUT_FAMILIES), help=f"any of {','.join(OCCLUDER_FAMILIES)}")
    p.add_argument("--restorer", default="gania_128")
    p.add_argument("--segmenter", default="occluder_seg_mnv2")
    p.add_argument("--limit", type=int, help="only this many faces per set (smoke runs)")
    p.add_argument("--all-families", action="store_true", help="report families some model trained on too (marked)")
    p.add_argument("--skip-degradations", action="store_true")
    p.add_argument("--detector", default="blazeface_short", help="detector for the with-detector table ('none' to skip it)")
    p.add_argument("--detector-regressors", default="pipnet_mnv2_s8_300w", help="regressors measured with the detector too")
    p.add_argument("--calibrate-guard", action="store_true", help="sweep the guard's restored-reading weight on 300-W validation faces")
    p.add_argument("--check-whole", action="store_true",
                   help="occluders over a component that is not restored left whole vs filled in part, on 300-W validation faces")
    p.add_argument("--lofo", metavar="RUNS",
                   help="the training families instead, each with the segmenter trained without it (RUNS/lofo_FAMILY, from "
                        "recipes/occluder_seg_mnv2_without_FAMILY.toml); kept beside the other tables of --out's JSON")
    p.add_argument("--lofo-families", default=",".join(TRAINING_FAMILIES))
    p.add_argument("--peer", action="store_true",
                   help="only dlib's 68-point predictor (own detector) on the held-out families, added to --out's JSON "
                        "(pip install -e '.[bench]')")
    p.add_argument("--out", default=RESULTS, help="folder for unseen_occluders.{json,md}")
    p.add_argument("--merge", action="store_true",
                   help="keep the other regressors' rows of --out's JSON (re-measure only --regressors, e.g. after one preset changed)")
    p.add_argument("--render", action="store_true", help="only rewrite the tables (markdown, --readme) from --out's JSON")
    p.add_argument("--readme", action="store_true", help="refresh the tables between the unseen-occluders markers of docs/results.md / README")
    args = p.parse_args(argv)
    from zoo.io import atomic_write_text

    if args.render:
        import json

        with open(os.path.join(args.out, "unseen_occluders.json")) as f:
            payload = json.load(f)
        text = render(payload)
        atomic_write_text(os.path.join(args.out, "unseen_occluders.md"), text)
        print(text)
        if args.readme:
            publish(payload)
        return 0
    import keras

    from zoo.tasks import load

    regressors = [r for r in args.regressors.split(",") if r]
    families = [f for f in args.families.split(",") if f]
    unknown = sorted(set(families) - set(OCCLUDER_FAMILIES))
    if unknown:
        p.error(f"unknown families {unknown}; expected some of {OCCLUDER_FAMILIES}")
    if args.peer:  # dlib only: none of the zoo's models
        import json

        path = os.path.join(args.out, "unseen_occluders.json")
        if not os.path.isfile(path):
            p.error(f"--peer adds to a report: run the held-out families first ({path} is missing)")
        with open(path) as f:
            payload = json.load(f)
        peer = run_peer([r for r in families if r in HELD_OUT_FAMILIES], args.limit)
        if peer is None:
            p.error("dlib is not installed: pip install -e '.[bench]'")
        payload["peer"] = peer
        return _rewrite(path, payload, args)
    models = {r: load(r, task="regressor", trained=True) for r in regressors}
    models["restorer"] = load(args.restorer, task="restorer", trained=True)
    models["segmenter"] = load(args.segmenter, task="occluder", trained=True)
    if args.calibrate_guard:
        rows = calibrate_guard(models, regressors, args.limit)
        write_json("unseen_occluders_guard.json", {"machine": machine(), "rows": rows})
        return 0
    if args.check_whole:
        rows = check_whole(models, regressors, args.limit)
        write_json("unseen_occluders_whole.json", {"machine": machine(), "rows": rows})
        return 0
    if args.lofo:
        import json

        lofo_fams = [f for f in args.lofo_families.split(",") if f]
        bad = sorted(set(lofo_fams) - set(TRAINING_FAMILIES))
        if bad:
            p.error(f"--lofo-families takes training families ({','.join(TRAINING_FAMILIES)}). Received: {bad}")
        rows = run_lofo(models, regressors, lofo_fams, args.limit, args.lofo)
        path = os.path.join(args.out, "unseen_occluders.json")
        if not os.path.isfile(path):
            p.error(f"--lofo adds to a report: run the held-out families first ({path} is missing)")
        with open(path) as f:
            payload = json.load(f)
        done = {(r["family"], r["regressor"]) for r in rows}
        kept = [r for r in payload.get("lofo", []) if (r["family"], r["regressor"]) not in done]
        order = {f: i for i, f in enumerate(TRAINING_FAMILIES)}
        rank = {r: i for i, r in enumerate(REGRESSORS)}
        payload["lofo"] = sorted(kept + rows, key=lambda r: (rank.get(r["regressor"], len(rank)), order[r["family"]]))
        payload["lofo_machine"] = machine()
        return _rewrite(path, payload, args)
    seen_by_all = set(trained_families(models["segmenter"])) | set(trained_families(models["restorer"]))
    held = {r: {f for f in families if f not in seen_by_all | set(trained_families(models[r]))} for r in regressors}
    if not args.all_families:
        families = [f for f in families if all(f in held[r] for r in regressors)]
        if not families:
            p.error("none of the families is held out from every model (use --all-families to measure seen ones)")
    rows = run_families(models, regressors, families, args.limit, held)
    det_rows = []
    if args.detector != "none":
        detector = load(args.detector, task="detector", trained=True)
        det_regs = [r for r in args.detector_regressors.split(",") if r]
        for r in det_regs:
            if r not in models:
                models[r] = load(r, task="regressor", trained=True)
                held[r] = {f for f in families if f not in seen_by_all | set(trained_families(models[r]))}
        det_rows = run_families(models, det_regs, families, args.limit, held, detector=detector)
    deg = [] if args.skip_degradations else run_degradations(models, regressors, args.limit)
    os.makedirs(args.out, exist_ok=True)
    payload = {"machine": machine(), "backend": keras.backend.backend(), "restorer": args.restorer, "segmenter": args.segmenter,
               "regressors": regressors, "detector": args.detector, "limit": args.limit, "families": rows,
               "families_with_detector": det_rows, "degradations": deg}
    if args.merge and os.path.isfile(os.path.join(args.out, "unseen_occluders.json")):
        import json

        with open(os.path.join(args.out, "unseen_occluders.json")) as f:
            before = json.load(f)
        for key, measured in (("families", set(regressors)), ("families_with_detector", {r["regressor"] for r in det_rows}),
                              ("degradations", set(regressors) if deg else set())):
            kept = [r for r in before.get(key, []) if r["regressor"] not in measured]
            rank = {r: i for i, r in enumerate(REGRESSORS)}
            payload[key] = sorted(kept + payload[key], key=lambda r: rank.get(r["regressor"], len(rank)))  # stable: family order kept
        payload["regressors"] = list(dict.fromkeys([r["regressor"] for r in payload["families"]]))
        payload["merged"] = f"re-measured {', '.join(regressors)}; the other rows from the run of {before.get('machine', {}).get('date', 'before')}"
    previous = os.path.join(args.out, "unseen_occluders.json")
    if "lofo" not in payload and os.path.isfile(previous):  # the training families' table is measured on its own (--lofo)
        import json

        with open(previous) as f:
            before = json.load(f)
        if before.get("lofo"):
            payload["lofo"], payload["lofo_machine"] = before["lofo"], before.get("lofo_machine")
        if before.get("peer") and "peer" not in payload:  # dlib's rows do not change with the zoo's models
            payload["peer"] = before["peer"]
    text = render(payload)
    print("\n" + text)
    if os.path.abspath(args.out) == os.path.abspath(RESULTS):
        write_json("unseen_occluders.json", payload)
    else:
        from zoo.io import atomic_write_json

        atomic_write_json(os.path.join(args.out, "unseen_occluders.json"), payload)
    atomic_write_text(os.path.join(args.out, "unseen_occluders.md"), text)
    if args.readme and args.limit is None:
        publish(payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
