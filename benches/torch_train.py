"""The PyTorch peer of `facelab bench train`: the same network, optimizer and batch size, one
full training step (forward, backward, optimizer) at a time on random 48x48 faces.

Usage: python3 torch_train.py NET_JSON OPTIMIZER LR BATCH STEPS THREADS DEVICE
NET_JSON is facelab's NetConfig as JSON. Prints one JSON line with images_per_second and
peak_rss_mb, or {"unavailable": why} where torch is missing.
"""

import json
import resource
import sys
import time


def build(torch, net):
    nn = torch.nn
    layers, channels, side = [], 1, 48
    for block in net["blocks"]:
        for _ in range(block["convs"]):
            padding = block["kernel"] // 2 if block["same_padding"] else 0
            layers.append(nn.Conv2d(channels, block["channels"], block["kernel"],
                                    padding=padding, bias=not block["batch_norm"]))
            if block["batch_norm"]:
                layers.append(nn.BatchNorm2d(block["channels"]))
            layers.append(nn.ReLU())
            channels = block["channels"]
            if not block["same_padding"]:
                side = side + 1 - block["kernel"]
        if block["pooling"] == "max2":
            layers.append(nn.MaxPool2d(2))
            side //= 2
        if block["dropout"] > 0:
            layers.append(nn.Dropout(block["dropout"]))
    if net["readout"] == "flatten":
        layers.append(nn.Flatten())
        width = channels * side * side
    else:
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        width = channels
    for units in net["dense"]:
        layers += [nn.Linear(width, units), nn.ReLU()]
        width = units
    if net["head_dropout"] > 0:
        layers.append(nn.Dropout(net["head_dropout"]))
    layers.append(nn.Linear(width, net["classes"]))
    return nn.Sequential(*layers)


def main():
    net_json, optimizer, lr, batch, steps, threads, device = sys.argv[1:8]
    try:
        import torch
    except ImportError:
        print(json.dumps({"unavailable": "PyTorch is not installed (pip install torch)"}))
        return
    if device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"unavailable": "torch sees no CUDA GPU"}))
        return
    torch.set_num_threads(int(threads))
    torch.manual_seed(0)
    net = json.loads(net_json)
    model = build(torch, net).to(device)
    lr, batch, steps = float(lr), int(batch), int(steps)
    if optimizer == "rmsprop":
        opt = torch.optim.RMSprop(model.parameters(), lr=lr, alpha=0.9, eps=1e-7)
    elif optimizer == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=5e-4)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True)
    x = torch.randn(batch, 1, 48, 48, device=device)
    y = torch.randint(0, net["classes"], (batch,), device=device)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(3):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    print(json.dumps({
        "images_per_second": batch * steps / seconds,
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "device": device,
    }))


if __name__ == "__main__":
    main()
