"""Inference without the per-call overhead, one path per backend (issue 23).

Every task runs its model through `inference_function(model)`: NumPy in (an array or a dict of
arrays, the model's layout), a dict of NumPy arrays out, the model's inference mode
(`training=False`). What each backend does:

- **torch**: Keras runs a model eagerly there, layer by layer, and its per-layer Python work costs
  more than the kernels (PFLD 0.25x at batch 1: about 80 ms eager where TensorFlow takes 10). The
  model is traced once per input shape with `torch.jit.trace` (under `no_grad`; the weights stay
  the model's own parameters, nothing is copied) and the trace replays the recorded torch ops under
  `inference_mode`, from a shape's `TRACE_AFTER`-th call on (a one-off call runs eagerly: tracing
  costs a few eager calls). A trace is kept only when it reproduces the eager outputs on the inputs that
  made it (relative 1e-4); a model that does not trace, or traces wrongly, runs eagerly (say so
  with `inference_path`). The traces of the last `TRACE_CACHE` shapes are kept.
- **TensorFlow** and **JAX**: the model's compiled `predict_on_batch` (a `tf.function` / `jax.jit`
  of Keras's predict step, traced once per shape by Keras itself).

A model whose weights change after a trace (training, `load_weights`) keeps reading them: the
torch trace holds the parameters, not copies of them.
"""

import collections
import contextlib
import warnings

import keras
import numpy as np

#: torch traces kept per model (one per input shape: batch size, crop size)
TRACE_CACHE = 8
#: a shape is traced at its this-many-th call (the calls before run eagerly): tracing costs a few
#: eager calls, which a one-off call (one photo from the command line) would not win back
TRACE_AFTER = 2
#: a trace is trusted when every output agrees with the eager call within this x max(1, |eager|)
TRACE_TOLERANCE = 1e-4


def _as_dict(out):
    if isinstance(out, dict):
        return out
    if isinstance(out, (list, tuple)):
        return {f"output_{i}": o for i, o in enumerate(out)} if len(out) != 1 else {"output": out[0]}
    return {"output": out}


def _to_numpy(out):
    return {k: np.asarray(keras.ops.convert_to_numpy(v)) for k, v in _as_dict(out).items()}


@contextlib.contextmanager
def _no_layout_copies():
    """While tracing on torch: Keras's channels-last convolution, pooling and transposed
    convolution permute their NHWC input to NCHW and copy it to NCHW memory (`.contiguous()`),
    and the convolution then copies it back to channels-last memory for oneDNN: two full copies
    of every activation per layer, 44 % of BlazeFace full-range's traced time at batch 32. The
    permuted view already is channels-last memory, which torch's kernels take as it is, so the
    trace records the view. (The trace is checked against the eager call all the same.)"""
    import torch

    try:
        from keras.src.backend.torch import nn as torch_nn
    except ImportError:  # another Keras layout: trace what Keras does
        yield
        return
    original = getattr(torch_nn, "_transpose_spatial_inputs", None)
    if original is None:
        yield
        return

    def transpose(inputs):
        if inputs.ndim == 4:
            view = torch.permute(inputs, (0, 3, 1, 2))
            if view.is_contiguous(memory_format=torch.channels_last):
                return view
        return original(inputs)

    torch_nn._transpose_spatial_inputs = transpose
    try:
        yield
    finally:
        torch_nn._transpose_spatial_inputs = original


class _Compiled:
    """Keras's own compiled predict step (TensorFlow, JAX)."""

    failed = None

    def __init__(self, model):
        self.model = model

    def __call__(self, x):
        return _to_numpy(self.model.predict_on_batch(x))


class _TorchTraced(_Compiled):
    """`torch.jit.trace` of a Keras model per input shape, checked against the eager call (Keras's
    `predict_on_batch`, the parent's call, which also runs every shape not traced)."""

    def __init__(self, model):
        super().__init__(model)
        self.traces = collections.OrderedDict()
        self.seen = collections.Counter()  # calls per input shape not traced yet
        self.failed = None  # why tracing was given up (then every call is eager)

    @staticmethod
    def _key(x):
        if isinstance(x, dict):
            return tuple(sorted((k, tuple(v.shape), str(v.dtype)) for k, v in x.items()))
        return (tuple(x.shape), str(x.dtype))

    def _device(self):
        for w in self.model.weights:
            return w.value.device
        return "cpu"

    def _tensors(self, x):
        import torch

        dev = self._device()
        conv = lambda a: torch.from_numpy(np.ascontiguousarray(a)).to(dev)  # noqa: E731
        return {k: conv(v) for k, v in x.items()} if isinstance(x, dict) else conv(x)

    def _trace(self, t):
        import torch

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TracerWarnings about Python values read from tensors
            eager = _to_numpy(self.model(t, training=False))
            with _no_layout_copies():
                traced = torch.jit.trace(self.model, (t,), check_trace=False, strict=False)
        with torch.inference_mode(), torch.jit.optimized_execution(False):
            got = _to_numpy(traced(t))
        if set(got) != set(eager):
            raise ValueError(f"the trace's outputs {sorted(got)} are not the model's {sorted(eager)}")
        for k, v in eager.items():
            err = float(np.max(np.abs(got[k].astype(np.float64) - v))) if v.size else 0.0
            if not err <= TRACE_TOLERANCE * max(1.0, float(np.max(np.abs(v))) if v.size else 1.0):
                raise ValueError(f"the trace's {k!r} differs from the eager call by {err:.3g}")
        return traced, eager

    def __call__(self, x):
        import torch

        if self.failed is not None:
            return self._eager(x)
        key = self._key(x)
        traced = self.traces.get(key)
        if traced is None:
            self.seen[key] += 1
            if self.seen[key] < TRACE_AFTER:
                return self._eager(x)
        t = self._tensors(x)
        if traced is None:
            try:
                traced, eager = self._trace(t)
            except Exception as e:  # noqa: BLE001 - any failure to trace means: run eagerly
                self.failed = f"{type(e).__name__}: {e}"
                return self._eager(x)
            self.traces[key] = traced
            del self.seen[key]
            while len(self.traces) > TRACE_CACHE:
                self.traces.popitem(last=False)
            return eager
        self.traces.move_to_end(key)
        # replayed as recorded: TorchScript's optimising executor (profiling runs, fusion) is slower
        # on these graphs on a CPU (PIPNet s8, batch 1: 41 -> 31 ms without it)
        with torch.inference_mode(), torch.jit.optimized_execution(False):
            return _to_numpy(traced(t))

    _eager = _Compiled.__call__


def inference_function(model):
    """The fast inference callable for `model` on the current backend, made once per model
    (kept on the model): `f(x) -> {output name: ndarray}`; a single-output model's output is
    `"output"`."""
    f = getattr(model, "_zoo_inference", None)
    if f is None or f.model is not model:
        f = _TorchTraced(model) if keras.backend.backend() == "torch" else _Compiled(model)
        try:
            model._zoo_inference = f
        except Exception:  # noqa: BLE001 - a model that takes no attributes: not cached
            pass
    return f


def inference_path(model):
    """How `inference_function(model)` runs it: 'torch.jit.trace', 'eager (reason)' or
    'predict_on_batch'."""
    f = inference_function(model)
    if isinstance(f, _TorchTraced):
        return "torch.jit.trace" if f.failed is None else f"eager ({f.failed})"
    return "predict_on_batch"
