#!/usr/bin/env python3
"""Optional PyTorch reference for `npm run bench:model --torch` (CPU) and the GPU-server package
(scripts/gpu-server, `--device cuda`): one Adam training step of the same network and loss the
browser trains (docs/model.md), written from that document:

- the grouped ResNet-18 backbone: conv1 7x7/2 with 96 filters, 3x3/2 max-pool, stages of
  96/192/384/768 filters, every convolution grouped with groups = 3 (one group per region),
  batch norm in training mode;
- spatial attention (Eq. 1-2) on every stage's output, per region: M = softmax(Ws2 tanh(Ws1 Lᵀ)),
  v = flatten(M L), U = 64, h = 2, and the penalty ‖M Mᵀ − I‖²_F (coefficient 1e-3);
- channel attention over the 3 regions (Eq. 3-4, r = 128) and frame attention over the frames
  (Eq. 5-6, r̂ = 128): alpha = sigmoid(wᵀ ReLU(Wᵀ f)), weighted mean normalised by Σ alpha;
- dropout 0.5, a 7-way linear classifier, cross-entropy.

`tiny` is the tests' network (src/model/presets.ts TINY_OVERRIDES): 32x32 inputs, widths / 16,
every attention hidden size 8.

Usage: python3 scripts/bench/torch_train_step.py tiny|full CLIPS FRAMES [THREADS]
         [--device cpu|cuda] [--batches CxF,CxF...] [--forward-batches CxF,...] [--reps N]
(THREADS: torch.set_num_threads; default torch's own choice, 1 on the 2-core VM here.
--batches replaces CLIPS FRAMES with several clips x frames batches; --forward-batches adds
forward-only (eval, no_grad) timings, e.g. 1x16 for one clip's inference.)
Prints one JSON line per batch, as soon as it is measured: {"config", "mode" (train|forward), "clips", "framesPerClip",
"frames" (clips x frames), "trainMs" (ms per step, all clips) or "forwardMs", "threads",
"device", "peakBytes" (CUDA: torch.cuda.max_memory_allocated)}; a batch that fails (e.g. out of
memory, or batch norm over a single value) prints {"mode", "clips", "framesPerClip", "error"} and the
next one runs. CUDA runs in strict
fp32 (TF32 off for matmuls and cuDNN convolutions) and synchronises before each clock read.
Without torch, or with --device cuda and no CUDA, it prints one {"error"} line (and the reason
on stderr) and exits with 3.
"""
import json
import sys
import time

try:
    import torch
    from torch import nn
except ImportError as e:  # the GPU server may lack it; say so instead of a traceback
    print(json.dumps({"error": f"PyTorch is not installed ({e})"}), flush=True)
    print(f"torch_train_step: PyTorch is not installed ({e}); no PyTorch rows", file=sys.stderr)
    sys.exit(3)

REGIONS = 3


def conv_bn(cin, cout, k, s, p):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p, groups=REGIONS, bias=False), nn.BatchNorm2d(cout))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = conv_bn(cin, cout, 3, stride, 1)
        self.c2 = conv_bn(cout, cout, 3, 1, 1)
        self.down = conv_bn(cin, cout, 1, stride, 0) if stride != 1 or cin != cout else None

    def forward(self, x):
        y = self.c2(torch.relu(self.c1(x)))
        return torch.relu(y + (self.down(x) if self.down is not None else x))


class SpatialAttention(nn.Module):
    """Eq. 1-2 for one region of one stage; returns v [N, h D] and the penalty [N]."""

    def __init__(self, depth, hidden, hops):
        super().__init__()
        self.ws1 = nn.Linear(depth, hidden, bias=False)
        self.ws2 = nn.Linear(hidden, hops, bias=False)

    def forward(self, c):
        n, d = c.shape[0], c.shape[1]
        l = c.flatten(2).transpose(1, 2)  # (N, R, D)
        m = torch.softmax(self.ws2(torch.tanh(self.ws1(l))).transpose(1, 2), dim=2)  # (N, h, R)
        eye = torch.eye(m.shape[1], device=m.device)
        penalty = ((m @ m.transpose(1, 2) - eye) ** 2).sum((1, 2))
        return (m @ l).reshape(n, -1), penalty


class AttentionPool(nn.Module):
    """Eq. 3-6: f [B, K, l] -> Σ alpha_i f_i / Σ alpha_i."""

    def __init__(self, length, hidden):
        super().__init__()
        self.big_w = nn.Linear(length, hidden, bias=False)
        self.w = nn.Linear(hidden, 1, bias=False)

    def forward(self, f):
        alpha = torch.sigmoid(self.w(torch.relu(self.big_w(f)))).squeeze(2)  # (B, K)
        return (f * (alpha / alpha.sum(1, keepdim=True)).unsqueeze(2)).sum(1)


class Model(nn.Module):
    def __init__(self, width_div, sa_hidden, pool_hidden, hops=2):
        super().__init__()
        widths = [w // width_div for w in (96, 192, 384, 768)]
        self.stem = nn.Sequential(conv_bn(3 * REGIONS, widths[0], 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        self.stages = nn.ModuleList()
        cin = widths[0]
        for i, w in enumerate(widths):
            self.stages.append(nn.Sequential(Block(cin, w, 2 if i > 0 else 1), Block(w, w, 1)))
            cin = w
        self.spatial = nn.ModuleList(
            nn.ModuleList(SpatialAttention(w // REGIONS, sa_hidden, hops) for _ in range(REGIONS)) for w in widths
        )
        length = hops * sum(w // REGIONS for w in widths)
        self.channel = AttentionPool(length, pool_hidden)
        self.frame = AttentionPool(length, pool_hidden)
        self.dropout = nn.Dropout(0.5)
        self.classifier = nn.Linear(length, 7)

    def forward(self, x, clips):
        h = self.stem(x)
        per_region = [[] for _ in range(REGIONS)]
        penalty = 0
        for stage, attention in zip(self.stages, self.spatial):
            h = stage(h)
            for r, part in enumerate(h.chunk(REGIONS, dim=1)):
                v, p = attention[r](part)
                per_region[r].append(v)
                penalty = penalty + p.mean()
        f = torch.stack([torch.cat(vs, 1) for vs in per_region], 1)  # (B n, G, l)
        fhat = self.channel(f).reshape(clips, -1, f.shape[2])  # (B, n, l)
        return self.classifier(self.dropout(self.frame(fhat))), penalty


def parse_batches(spec):
    """'1x8,2x8' -> [(1, 8), (2, 8)]"""
    out = []
    for part in filter(None, spec.split(",")):
        clips, frames = part.lower().split("x")
        out.append((int(clips), int(frames)))
    return out


def parse_args(argv):
    opts = {"device": "cpu", "batches": None, "forward": [], "reps": None, "threads": None}
    positional = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--device", "--batches", "--forward-batches", "--reps"):
            value = argv[i + 1]
            if a == "--device":
                opts["device"] = value
            elif a == "--batches":
                opts["batches"] = parse_batches(value)
            elif a == "--forward-batches":
                opts["forward"] = parse_batches(value)
            else:
                opts["reps"] = int(value)
            i += 2
        else:
            positional.append(a)
            i += 1
    opts["config"] = positional[0] if positional else "full"
    if opts["batches"] is None:
        opts["batches"] = [(int(positional[1]), int(positional[2]))] if len(positional) > 2 else []
    if len(positional) > 3:
        opts["threads"] = int(positional[3])
    return opts


def fail(message):
    print(json.dumps({"error": message}), flush=True)
    print(f"torch_train_step: {message}", file=sys.stderr)
    sys.exit(3)


def main():
    opts = parse_args(sys.argv[1:])
    config = opts["config"]
    if opts["threads"] is not None:
        torch.set_num_threads(opts["threads"])
    cuda = opts["device"] == "cuda"
    if cuda and not torch.cuda.is_available():
        fail(f"CUDA is not available to PyTorch {torch.__version__} (torch.cuda.is_available() is False); no PyTorch CUDA rows")
    device = torch.device(opts["device"])
    if cuda:  # strict fp32, as WebGPU computes
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    size, width_div, sa_hidden, pool_hidden, reps = (
        (32, 16, 8, 8, 2) if config == "tiny" else (224, 1, 64, 128, 5 if cuda else 1)
    )
    reps = opts["reps"] or reps
    torch.manual_seed(0)
    model = Model(width_div, sa_hidden, pool_hidden).to(device)
    opt = torch.optim.Adam(model.parameters(), 1e-4)
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    base = {"config": config, "threads": torch.get_num_threads(), "device": opts["device"],
            "torch": torch.__version__}
    if cuda:
        base["gpu"] = torch.cuda.get_device_name(device)

    def measure(clips, frames, train):
        x = torch.rand(clips * frames, 3 * REGIONS, size, size, device=device)
        y = (torch.arange(clips) % 7).to(device)

        def step():
            if train:
                opt.zero_grad()
                logits, penalty = model(x, clips)
                loss = nn.functional.cross_entropy(logits, y) + 1e-3 * penalty
                loss.backward()
                opt.step()
            else:
                with torch.no_grad():
                    model(x, clips)

        model.train(train)
        if cuda:
            torch.cuda.reset_peak_memory_stats(device)
        step()  # warm-up
        sync()
        t0 = time.perf_counter()
        for _ in range(reps):
            step()
        sync()
        ms = (time.perf_counter() - t0) * 1000 / reps
        row = dict(base, mode="train" if train else "forward", clips=clips, framesPerClip=frames,
                   frames=clips * frames, reps=reps)
        row["trainMs" if train else "forwardMs"] = ms
        if cuda:
            row["peakBytes"] = torch.cuda.max_memory_allocated(device)
        return row

    for batches, train in ((opts["batches"], True), (opts["forward"], False)):
        for clips, frames in batches:
            try:
                row = measure(clips, frames, train)
            except Exception as e:  # out of memory, a batch norm over one value...: record it, go on
                row = dict(base, mode="train" if train else "forward", clips=clips, framesPerClip=frames,
                           error=str(e).split("\n")[0])
                if cuda:
                    torch.cuda.empty_cache()
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
