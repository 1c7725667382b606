"""PyTorch CPU peer of the `threads` bench suite (bench/src/suites/threads.ts).

Trains the suite's MLP (784-256-256-10, relu, softmax cross-entropy) or CNN (the reference CNN of
@deltaclip/backend/workloads, benchmark preset) with delta-GClip on `threads` intra-op threads:
warm-up steps, then one timed block, every step waiting for its loss. Prints one JSON line with
samples/s and samples per CPU-second (time.process_time: all threads of the process).

    python3 threads_torch.py '{"workload": "mlp", "threads": 1, "steps": 60, "warmup": 3, ...}'
"""

import json
import os
import sys
import time

import torch
import torch.nn.functional as F


def delta_gclip_step(params, lr, gamma, delta):
    """w <- w - h g with h = lr * min(1, max(delta, gamma / ||g||)), ||g|| over all parameters."""
    grads = [p.grad for p in params]
    norm = torch.norm(torch.stack([torch.norm(g, 2.0) for g in grads]), 2.0).item()
    h = lr * min(1.0, max(delta, gamma / norm)) if norm > 0 else lr
    with torch.no_grad():
        for p, g in zip(params, grads):
            p.add_(g, alpha=-h)


class Cnn(torch.nn.Module):
    """conv 3x3x16 same + relu, max pool 2, conv 3x3x32 stride 2 valid (no bias), batch norm on
    batch statistics (eps 1e-3), leaky relu 0.1, average pool 2 stride 1 same, dense 10."""

    def __init__(self, size, classes):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(16, 32, 3, stride=2, bias=False)
        self.norm = torch.nn.BatchNorm2d(32, eps=1e-3)
        side = ((size // 2) - 3) // 2 + 1
        self.dense = torch.nn.Linear(side * side * 32, classes)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.leaky_relu(self.norm(self.conv2(h)), 0.1)
        # 'same' with stride 1: pad one row and column after, as TensorFlow does.
        h = F.avg_pool2d(F.pad(h, (0, 1, 0, 1)), 2, stride=1)
        return self.dense(torch.flatten(h, 1))


def blas_library():
    """The BLAS this process loaded (Debian's torch calls whatever libblas.so.3 points to:
    reference BLAS, or OpenBLAS when libopenblas0-pthread is installed)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    except OSError:
        return "unknown"
    names = sorted("/".join(p.split("/")[-2:]) for p in paths)
    return ", ".join(names) if names else "none loaded"


def main():
    request = json.loads(sys.argv[1])
    torch.set_num_threads(request["threads"])
    torch.manual_seed(1)
    spec = request["model"]
    batch = spec["batchSize"]
    classes = spec["classes"]
    if request["workload"] == "mlp":
        sizes = [spec["inputs"], *spec["hidden"], classes]
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(torch.nn.ReLU())
        model = torch.nn.Sequential(*layers)
        shape = (batch, spec["inputs"])
    else:
        model = Cnn(spec["size"], classes)
        shape = (batch, 1, spec["size"], spec["size"])
    model.train()
    xs = [torch.rand(shape) * 2 - 1 for _ in range(spec["batches"])]
    ys = [torch.randint(0, classes, (batch,)) for _ in range(spec["batches"])]
    params = list(model.parameters())
    settings = spec["deltaGClip"]

    def block(steps, start):
        for i in range(steps):
            k = (start + i) % len(xs)
            for p in params:
                p.grad = None
            loss = F.cross_entropy(model(xs[k]), ys[k])
            loss.backward()
            delta_gclip_step(params, settings["learningRate"], settings["gamma"], settings["delta"])
            loss.item()

    block(request["warmup"], 0)
    cpu0, t0 = time.process_time(), time.perf_counter()
    block(request["steps"], request["warmup"])
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    samples = request["steps"] * batch
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "samplesPerSecond": samples / seconds,
        "samplesPerCpuSecond": samples / cpu,
    }))


main()
