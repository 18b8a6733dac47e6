#!/usr/bin/env python3
"""Optional PyTorch (CPU) reference for `npm run bench:model --torch`: one Adam training step of
the grouped ResNet-18 backbone our model uses (docs/model.md: conv1 7x7/2 with 96 filters, 3x3/2
max-pool, stages of 96/192/384/768 filters, every convolution grouped with groups = 3, batch norm
in training mode), then global average pooling and a 7-way linear layer with cross-entropy.
The attention modules are left out: they are under 1% of the FLOPs (docs/model.md), so this
times the same backbone work as the browser's step, slightly less in total.

Usage: python3 scripts/bench/torch_train_step.py tiny|full CLIPS FRAMES [THREADS]
(THREADS: torch.set_num_threads; default torch's own choice, 1 on the 2-core VM here.)
Prints one JSON line {"config", "frames", "trainMs", "threads"} (ms per step, all clips).
"""
import json
import sys
import time

import torch
from torch import nn


def conv_bn(cin, cout, k, s, p):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p, groups=3, bias=False), nn.BatchNorm2d(cout))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = conv_bn(cin, cout, 3, stride, 1)
        self.c2 = conv_bn(cout, cout, 3, 1, 1)
        self.down = conv_bn(cin, cout, 1, stride, 0) if stride != 1 or cin != cout else None

    def forward(self, x):
        y = self.c2(torch.relu(self.c1(x)))
        return torch.relu(y + (self.down(x) if self.down is not None else x))


def backbone(width_div):
    widths = [w // width_div for w in (96, 192, 384, 768)]
    layers = [conv_bn(9, widths[0], 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = widths[0]
    for i, w in enumerate(widths):
        for b in range(2):
            layers.append(Block(cin, w, 2 if (b == 0 and i > 0) else 1))
            cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 7)]
    return nn.Sequential(*layers)


def main():
    config, clips, frames = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if len(sys.argv) > 4:
        torch.set_num_threads(int(sys.argv[4]))
    size, width_div, reps = (32, 16, 2) if config == "tiny" else (224, 1, 1)
    torch.manual_seed(0)
    model = backbone(width_div)
    opt = torch.optim.Adam(model.parameters(), 1e-4)
    x = torch.rand(clips * frames, 9, size, size)
    y = torch.arange(clips * frames) % 7

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(reps):
        step()
    ms = (time.perf_counter() - t0) * 1000 / reps
    print(json.dumps({"config": config, "frames": clips * frames, "trainMs": ms,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
