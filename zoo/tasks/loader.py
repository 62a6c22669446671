"""`zoo.load(name_or_path)`: the one loader of the zoo's tasks."""

import os
import warnings

import keras


def _task_of_model(model):
    from zoo.tasks.face_detector import FaceDetector
    from zoo.tasks.landmark_regressor import LandmarkRegressor
    from zoo.tasks.occluder_segmenter import OccluderSegmenter
    from zoo.tasks.restorer import Restorer

    outs = model.output if isinstance(model.output, dict) else {"landmarks": model.output}
    if "restored" in outs:
        return Restorer
    if "regressors" in outs and "classificators" in outs:
        return FaceDetector
    if "landmarks" in outs:
        return LandmarkRegressor
    if "occlusion" in outs:
        return OccluderSegmenter
    raise ValueError(f"{type(model).__name__} has outputs {sorted(outs)}: not a regressor, restorer or detector")


def combined_detector(names):
    """`CombinedFaceDetector` of detector presets; each member after the first is mapped to the
    first's box convention by its record's `box_adjust[first]` (`(dx, dy, scale)`), if any."""
    from zoo.presets import preset_record
    from zoo.tasks.face_detector import CombinedFaceDetector

    members = [load(n, task="detector") for n in names]
    adjust = [(0.0, 0.0, 1.0)] + [tuple(preset_record(n).get("box_adjust", {}).get(names[0], (0.0, 0.0, 1.0))) for n in names[1:]]
    return CombinedFaceDetector(members, box_adjust=adjust, name="+".join(names))


def load(name, task=None, trained=False):
    """A task (`LandmarkRegressor`, `Restorer`, `FaceDetector` or `OccluderSegmenter`) from:

    - a preset name (`zoo.list_presets()`): shipped weights, the task from its record;
    - detector presets joined by "+" (`"blazeface_short+blazeface_full"`): a
      `CombinedFaceDetector` (one NMS over every member's candidates);
    - a `.keras` file: the task from the model's outputs;
    - a training-run folder of any task (`python -m zoo train`; `zoo.runs.load_run`), or a
      weights file inside one (e.g. `RUN/last.weights.h5`);
    - a registered model name (random weights, with a warning: for trying the plumbing);
    - a task or a Keras model object (wrapped as is).

    `task` (`"regressor"`, `"restorer"`, `"detector"`, `"occluder"`) refuses anything else by name;
    `trained=True` refuses a registered architecture (random weights) where trained weights are meant.
    """
    from zoo import registry
    from zoo.presets import list_presets, load_preset, preset_record, preset_task
    from zoo.runs import CONFIG, run_task
    from zoo.tasks.face_detector import FaceDetector
    from zoo.tasks.landmark_regressor import LandmarkRegressor
    from zoo.tasks.occluder_segmenter import OccluderSegmenter
    from zoo.tasks.restorer import Restorer
    from zoo.tasks.task import Task

    kinds = {"regressor": LandmarkRegressor, "restorer": Restorer, "detector": FaceDetector, "occluder": OccluderSegmenter}
    if task is not None and task not in kinds:
        raise ValueError(f"`task` must be one of {sorted(kinds)}. Received: task={task!r}")
    if isinstance(name, Task):
        obj = name
    elif isinstance(name, keras.Model):
        obj = _task_of_model(name)(name)
    elif not isinstance(name, (str, os.PathLike)):
        raise TypeError(f"zoo.load takes a name, a path, a task or a keras.Model. Received: {type(name).__name__}")
    else:
        name = os.fspath(name)
        if "+" in name and all(part in list_presets() for part in name.split("+")):
            obj = combined_detector(name.split("+"))
        elif name in list_presets():
            rec = preset_record(name)
            cls = kinds.get(preset_task(rec), LandmarkRegressor)
            obj = cls(load_preset(name), name=name)
            obj.record = rec
        elif os.path.isfile(name) and name.endswith(".keras"):
            from zoo.registry import import_components

            import_components()  # a .keras file names the zoo's classes: register them first
            model = keras.saving.load_model(name)
            obj = _task_of_model(model)(model, name=os.path.basename(name))
        elif os.path.isdir(name) or (name.endswith(".weights.h5") and os.path.isfile(os.path.join(os.path.dirname(name) or ".", CONFIG))):
            from zoo.runs import load_run

            run_dir, weights = (name, None) if os.path.isdir(name) else (os.path.dirname(name) or ".", name)
            model, config = load_run(run_dir, weights)
            obj = kinds[run_task(config)](model, name=name)
        elif name in registry.list_models():
            if trained:
                wanted = list_presets(task=task) if task else list_presets()
                raise ValueError(f"{name!r} is an architecture without trained weights; give a preset "
                                 f"({', '.join(wanted) or 'none'}), a .keras file or a training-run folder")
            warnings.warn(f"{name!r} is an untrained architecture (random weights); pass a preset for real predictions")
            model = registry.create_model(name)
            obj = _task_of_model(model)(model, name=name)
        elif name.endswith((".keras", ".h5")) or os.sep in name or (os.altsep and os.altsep in name):
            raise FileNotFoundError(f"{name}: no such model file or run folder")
        else:
            wanted = list_presets(task=task) if task else list_presets()
            raise KeyError(f"No model {name!r}: not a preset ({', '.join(wanted) or 'none'}), a registered model, "
                           f"a .keras file nor a training-run folder")
    if task is not None and not isinstance(obj, kinds[task]):
        raise ValueError(f"{obj.name!r} is a {type(obj).__name__}, not {'an' if task[0] in 'aeiou' else 'a'} {task}; {task} presets: "
                         f"{', '.join(list_presets(task=task)) or 'none'}")
    return obj
