#!/usr/bin/env python3
"""An independent NumPy re-implementation of the model's forward pass, written from
docs/weights-format.md only. It loads a model in the weights format and an input clip and
prints the largest difference from the expected logits and attention weights.

Usage: python3 scripts/bench/reference_forward.py [fixture-dir]
(default: src/automation/model/fixtures/tiny). Exit status 1 if any difference exceeds 1e-4.
"""
import json
import math
import os
import sys

import numpy as np


def load(folder):
    with open(os.path.join(folder, "model.json"), encoding="utf-8") as f:
        model_json = json.load(f)
    group = model_json["weightsManifest"][0]
    blob = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
    tensors, offset = {}, 0
    for w in group["weights"]:
        n = int(np.prod(w["shape"], dtype=np.int64))
        tensors[w["name"]] = np.frombuffer(blob, "<f4", n, offset).reshape(w["shape"]).astype(np.float64)
        offset += 4 * n
    assert offset == len(blob), "shards longer than the manifest"
    return model_json["modelConfig"], tensors


def conv(x, k, groups, stride, pad):
    """x [N,H,W,Cin], k [kh,kw,cin_g,cout] -> [N,Ho,Wo,cout] (grouped, zero padding)."""
    n, h, w, _ = x.shape
    kh, kw, cin_g, cout = k.shape
    cout_g = cout // groups
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    ho = (h + 2 * pad - kh) // stride + 1
    wo = (w + 2 * pad - kw) // stride + 1
    out = np.zeros((n, ho, wo, cout))
    for g in range(groups):
        xg = xp[..., g * cin_g:(g + 1) * cin_g]
        kg = k[..., g * cout_g:(g + 1) * cout_g]
        for ky in range(kh):
            for kx in range(kw):
                patch = xg[:, ky:ky + stride * (ho - 1) + 1:stride, kx:kx + stride * (wo - 1) + 1:stride, :]
                out[..., g * cout_g:(g + 1) * cout_g] += patch @ kg[ky, kx]
    return out


def bn(x, t, prefix, eps):
    return t[prefix + "/gamma"] * (x - t[prefix + "/movingMean"]) / np.sqrt(t[prefix + "/movingVariance"] + eps) + t[prefix + "/beta"]


def maxpool(x):
    """3x3, stride 2, pad 1; padding never wins."""
    n, h, w, c = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=-np.inf)
    ho, wo = (h - 1) // 2 + 1, (w - 1) // 2 + 1
    out = np.full((n, ho, wo, c), -np.inf)
    for ky in range(3):
        for kx in range(3):
            out = np.maximum(out, xp[:, ky:ky + 2 * (ho - 1) + 1:2, kx:kx + 2 * (wo - 1) + 1:2, :])
    return out


def softmax(z, axis):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(cfg, t, x):
    b = cfg["backbone"]
    g = b["regions"]
    eps = b["batchNormEpsilon"]
    clips, n, s, _, ch = x.shape
    if g == 1 and ch == 9:
        x = x[..., :3]
    h = x.reshape(clips * n, s, s, 3 * g)
    h = np.maximum(bn(conv(h, t["backbone/conv1/kernel"], g, 2, 3), t, "backbone/conv1/bn", eps), 0)
    h = maxpool(h)
    blocks = [2, 2, 2, 2] if b["depth"] == 18 else [3, 4, 6, 3]
    stage_out = []
    for si, nb in enumerate(blocks):
        for bi in range(nb):
            p = f"backbone/stage{si + 1}/block{bi + 1}"
            stride = 2 if bi == 0 and si > 0 else 1
            short = bn(conv(h, t[p + "/downsample/kernel"], g, stride, 0), t, p + "/downsample/bn", eps) if p + "/downsample/kernel" in t else h
            y = np.maximum(bn(conv(h, t[p + "/conv1/kernel"], g, stride, 1), t, p + "/conv1/bn", eps), 0)
            y = bn(conv(y, t[p + "/conv2/kernel"], g, 1, 1), t, p + "/conv2/bn", eps)
            h = np.maximum(y + short, 0)
        stage_out.append(h)
    used = [1, 2, 3, 4] if cfg["features"] == "allBlocks" else [4]
    per_region = [[] for _ in range(g)]
    ms = []
    for st in used:
        c = stage_out[st - 1]
        nn_, hh, ww, dt = c.shape
        d = dt // g
        m_stage = []
        for r in range(g):
            part = c[..., r * d:(r + 1) * d]
            if cfg["stagePooling"] == "spatialAttention":
                pre = f"spatialAttention/stage{st}/region{r + 1}"
                L = part.reshape(nn_, hh * ww, d)
                A = np.tanh(L @ t[pre + "/ws1"].T)
                sc = A @ t[pre + "/ws2"].T
                M = softmax(np.transpose(sc, (0, 2, 1)), axis=2)
                per_region[r].append((M @ L).reshape(nn_, -1))
                m_stage.append(M)
            else:
                per_region[r].append(part.mean(axis=(1, 2)))
        if m_stage:
            ms.append(np.stack(m_stage, 1).reshape(clips, n, g, -1, hh * ww))
    F = np.stack([np.concatenate(v, 1) for v in per_region], 1)  # [N, G, l]
    region_alpha = None
    if cfg["regionFusion"] == "channelAttention":
        region_alpha = sigmoid(np.maximum(F @ t["channelAttention/W"], 0) @ t["channelAttention/w"])  # [N, G]
        fhat = (F * region_alpha[..., None]).sum(1) / region_alpha.sum(1, keepdims=True)
    else:
        fhat = F.mean(1)
    fhat = fhat.reshape(clips, n, -1)
    frame_alpha = None
    if cfg["frameFusion"] == "frameAttention":
        frame_alpha = sigmoid(np.maximum(fhat @ t["frameAttention/W"], 0) @ t["frameAttention/w"])  # [B, n]
        weights = frame_alpha / frame_alpha.sum(1, keepdims=True)
    else:
        weights = np.full((clips, n), 1 / n)
    fv = (fhat * weights[..., None]).sum(1)
    logits = fv @ t["classifier/kernel"] + t["classifier/bias"]
    return logits, region_alpha, frame_alpha, weights, ms


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "src", "model", "fixtures", "tiny")
    cfg, t = load(folder)
    with open(os.path.join(folder, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    shape = expected["inputShape"]
    x = np.fromfile(os.path.join(folder, "input.bin"), "<f4").reshape(shape).astype(np.float64)
    logits, region_alpha, frame_alpha, weights, ms = forward(cfg, t, x)
    diffs = {
        "logits": np.abs(logits.ravel() - expected["logits"]).max(),
        "regionAlpha": np.abs(region_alpha.ravel() - expected["regionAlpha"]).max(),
        "frameAlpha": np.abs(frame_alpha.ravel() - expected["frameAlpha"]).max(),
        "frameWeights": np.abs(weights.ravel() - expected["frameWeights"]).max(),
        "spatial M": max(np.abs(m.ravel() - e["m"]).max() for m, e in zip(ms, expected["spatial"])),
    }
    for k, v in diffs.items():
        print(f"{k:13s} max |numpy - expected| = {v:.2e}")
    print("logits", np.round(logits.ravel(), 6).tolist())
    worst = max(diffs.values())
    sys.exit(0 if math.isfinite(worst) and worst < 1e-4 else 1)


if __name__ == "__main__":
    main()
