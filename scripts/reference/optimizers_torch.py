"""Reference trajectories of torch.optim.Rprop / SGD / Adam (default settings) on the
one-input linear model y = w*x + b with MSE loss, for the unit tests of core/rprop.ts.
Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/optimizers_torch.py
Writes tests/unit/fixtures/optimizers-torch.json."""
import json
import torch

torch.set_default_dtype(torch.float64)
x = torch.tensor([[-1.5], [-0.5], [0.2], [0.9], [1.7], [2.4]])
y = torch.tensor([[-2.9], [-0.8], [0.7], [2.1], [3.2], [5.1]])
out = {"x": x.flatten().tolist(), "y": y.flatten().tolist(), "init": [0.3, -0.2], "runs": {}}
for name, make in {
    "rprop": lambda p: torch.optim.Rprop(p),
    "sgd": lambda p: torch.optim.SGD(p, lr=0.05),
    "adam": lambda p: torch.optim.Adam(p, lr=0.1),
}.items():
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(0.3)
        model.bias.fill_(-0.2)
    opt = make(model.parameters())
    losses, ws, bs = [], [], []
    for step in range(60):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        ws.append(model.weight.item())
        bs.append(model.bias.item())
    out["runs"][name] = {"losses": losses, "w": ws, "b": bs}
with open("tests/unit/fixtures/optimizers-torch.json", "w") as f:
    json.dump(out, f, indent=1)
