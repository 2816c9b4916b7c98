# Copy of the project's peer benchmark (shared/bench/peer_torch.py), kept here because CI clones only this
# repository; bench/run.ts prefers ../shared/bench/peer_torch.py beside the repository when it exists.
"""Peer benchmark: the same score-model training and sampling work in PyTorch (CPU), for side-by-side ratios.

Workloads (identical in naive_tfjs.mjs beside this file). Run: python3 peer_torch.py [threads]; needs Debian python3-torch.
  mlp-train   : MLP 3->256->256->256->2 (SiLU), batch 1024, Adam 1e-3, DSM loss on the VP-SDE.  -> steps/s
  mlp-sample  : 10,000 points, reverse VP-SDE Euler-Maruyama, 100 steps.                      -> score evals/s (points*steps)
  conv-train  : 28x28x1 conv net (32/64 channels, one down/up level, skip), batch 64, Adam.    -> steps/s
"""
import sys, time, math, torch
torch.manual_seed(0)
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
bmin, bmax = 0.1, 20.0
def marg(t):
    lm = -0.25 * t**2 * (bmax - bmin) - 0.5 * t * bmin
    return torch.exp(lm), torch.sqrt(1 - torch.exp(2 * lm))

def silu(x): return x * torch.sigmoid(x)
class MLP(torch.nn.Module):
    def __init__(s):
        super().__init__(); s.l = torch.nn.ModuleList([torch.nn.Linear(3,256), torch.nn.Linear(256,256), torch.nn.Linear(256,256), torch.nn.Linear(256,2)])
    def forward(s, x, t):
        h = torch.cat([x, t[:, None]], 1)
        for i, l in enumerate(s.l):
            h = l(h)
            if i < 3: h = silu(h)
        return h
class Conv(torch.nn.Module):
    def __init__(s):
        super().__init__()
        C = torch.nn.Conv2d
        s.inp = C(2, 32, 3, padding=1); s.a = C(32, 32, 3, padding=1); s.down = C(32, 64, 3, stride=2, padding=1)
        s.b = C(64, 64, 3, padding=1); s.up = C(64, 32, 3, padding=1); s.c = C(64, 32, 3, padding=1); s.out = C(32, 1, 3, padding=1)
    def forward(s, x, t):
        h0 = silu(s.inp(torch.cat([x, t[:, None, None, None].expand_as(x)], 1)))
        h1 = silu(s.a(h0)); h2 = silu(s.down(h1)); h2 = silu(s.b(h2))
        u = torch.nn.functional.interpolate(h2, scale_factor=2, mode='nearest'); u = silu(s.up(u))
        return s.out(silu(s.c(torch.cat([u, h1], 1))))

def train_rate(model, make_x, steps, warm=3):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    def step():
        x0 = make_x(); t = torch.rand(x0.shape[0]) * (1 - 1e-5) + 1e-5
        m, s = marg(t); shape = (-1,) + (1,) * (x0.dim() - 1)
        eps = torch.randn_like(x0); xt = m.view(shape) * x0 + s.view(shape) * eps
        loss = ((model(xt, t) - eps) ** 2).mean(); opt.zero_grad(); loss.backward(); opt.step(); return loss.item()
    for _ in range(warm): step()
    t0 = time.perf_counter()
    for _ in range(steps): step()
    return steps / (time.perf_counter() - t0)

res = {}
res['mlp-train steps/s'] = train_rate(MLP(), lambda: torch.randn(1024, 2), 50)
net = MLP(); n, K = 10000, 100
with torch.no_grad():
    x = torch.randn(n, 2); dt = 1.0 / K
    t0 = time.perf_counter()
    for i in range(K):
        t = torch.full((n,), 1 - i * dt); beta = bmin + t * (bmax - bmin)
        m, s = marg(t); score = -net(x, t) / s[:, None]
        drift = -0.5 * beta[:, None] * x - beta[:, None] * score
        x = x - drift * dt + torch.sqrt(beta * dt)[:, None] * torch.randn_like(x)
    res['mlp-sample score-evals/s'] = n * K / (time.perf_counter() - t0)
res['conv-train steps/s'] = train_rate(Conv(), lambda: torch.randn(64, 1, 28, 28), 10)
for k, v in res.items(): print(f"torch threads={threads} {k} {v:.3f}")
