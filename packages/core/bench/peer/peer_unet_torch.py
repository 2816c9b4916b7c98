# Copy of the project's U-Net peer benchmark (shared/bench/peer_unet_torch.py), kept here because CI clones only
# this repository; bench/run.ts prefers ../shared/bench/peer_unet_torch.py beside the repository when it exists.
"""Peer benchmark for the real image workload: a DDPM++-style U-Net (score_sde models/ddpm.py layout) in PyTorch on CPU.

The network is the one scorekit's `UNET_PRESETS.mnist` describes: 28x28x1, nf 32, ch_mult (1, 2, 2), one residual
block per level, self-attention at the lowest resolution (7x7) and in the middle, GroupNorm with min(C // 4, 32)
groups, SiLU, sinusoidal time embedding -> Dense(nf, 4nf) -> SiLU -> Dense(4nf, 4nf), skip rescale 1/sqrt(2),
dropout 0.1, eps-prediction trained with continuous-time DSM on the VP SDE (beta 0.1 -> 20), Adam 2e-4.
Run: /usr/bin/python3 peer_unet_torch.py [threads] [nf] [batch]   (Debian python3-torch)
Workloads:
  unet-train   : training steps/s at the given batch (default 32)
  unet-sample  : network evaluations/s (images * steps) at batch 64, no grad (one Euler-Maruyama step each)
"""
import math, sys, time, torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
nf = int(sys.argv[2]) if len(sys.argv) > 2 else 32
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 32
torch.set_num_threads(threads); torch.manual_seed(0)
ch_mult, num_res, attn_res, size = (1, 2, 2), 1, (7,), 28
bmin, bmax = 0.1, 20.0

def gn(c): return nn.GroupNorm(max(1, min(c // 4, 32)), c, eps=1e-6)

class Res(nn.Module):
    def __init__(s, cin, cout, temb):
        super().__init__()
        s.g0, s.c0, s.t, s.g1 = gn(cin), nn.Conv2d(cin, cout, 3, padding=1), nn.Linear(temb, cout), gn(cout)
        s.c1 = nn.Conv2d(cout, cout, 3, padding=1); s.drop = nn.Dropout(0.1)
        s.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None
    def forward(s, x, temb):
        h = s.c0(F.silu(s.g0(x))) + s.t(F.silu(temb))[:, :, None, None]
        h = s.c1(s.drop(F.silu(s.g1(h))))
        return ((s.skip(x) if s.skip is not None else x) + h) / math.sqrt(2)

class Attn(nn.Module):
    def __init__(s, c):
        super().__init__(); s.g = gn(c); s.q, s.k, s.v, s.o = (nn.Conv2d(c, c, 1) for _ in range(4))
    def forward(s, x):
        n, c, H, W = x.shape; h = s.g(x)
        q, k, v = (m(h).reshape(n, c, H * W) for m in (s.q, s.k, s.v))
        w = torch.softmax(torch.einsum('bci,bcj->bij', q, k) / math.sqrt(c), -1)
        return (x + s.o(torch.einsum('bij,bcj->bci', w, v).reshape(n, c, H, W))) / math.sqrt(2)

class UNet(nn.Module):
    def __init__(s):
        super().__init__(); T = 4 * nf
        s.t0, s.t1 = nn.Linear(nf, T), nn.Linear(T, T); s.inp = nn.Conv2d(1, nf, 3, padding=1)
        s.down, skips, ch, res = nn.ModuleList(), [nf], nf, size
        for lvl, m in enumerate(ch_mult):
            for _ in range(num_res):
                s.down.append(Res(ch, nf * m, T)); ch = nf * m
                if res in attn_res: s.down.append(Attn(ch))
                skips.append(ch)
            if lvl != len(ch_mult) - 1:
                s.down.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1)); skips.append(ch); res //= 2
        s.mid = nn.ModuleList([Res(ch, ch, T), Attn(ch), Res(ch, ch, T)])
        s.up = nn.ModuleList()
        for lvl in reversed(range(len(ch_mult))):
            for _ in range(num_res + 1):
                s.up.append(Res(ch + skips.pop(), nf * ch_mult[lvl], T)); ch = nf * ch_mult[lvl]
            if res in attn_res: s.up.append(Attn(ch))
            if lvl != 0: s.up.append(nn.Conv2d(ch, ch, 3, padding=1)); res *= 2
        s.gout, s.out = gn(ch), nn.Conv2d(ch, 1, 3, padding=1)
    def forward(s, x, t):
        half = nf // 2; f = torch.exp(-math.log(10000) * torch.arange(half) / (half - 1))
        e = (t * 999)[:, None] * f[None]; temb = s.t1(F.silu(s.t0(torch.cat([e.sin(), e.cos()], 1))))
        hs = [s.inp(x)]; h = hs[-1]
        for m in s.down:
            if isinstance(m, Res): h = m(h, temb); hs.append(h)
            elif isinstance(m, Attn): h = m(h); hs[-1] = h
            else: h = m(h); hs.append(h)
        h = s.mid[2](s.mid[1](s.mid[0](h, temb)), temb)
        for m in s.up:
            if isinstance(m, Res): h = m(torch.cat([h, hs.pop()], 1), temb)
            elif isinstance(m, Attn): h = m(h)
            else: h = m(F.interpolate(h, scale_factor=2, mode='nearest'))
        return s.out(F.silu(s.gout(h)))

def marg(t):
    lm = -0.25 * t ** 2 * (bmax - bmin) - 0.5 * t * bmin
    return torch.exp(lm), torch.sqrt(1 - torch.exp(2 * lm))

net = UNet(); params = sum(p.numel() for p in net.parameters())
opt = torch.optim.Adam(net.parameters(), 2e-4)
def step():
    x0 = torch.rand(batch, 1, size, size) * 2 - 1; t = torch.rand(batch) * (1 - 1e-5) + 1e-5
    m, s = marg(t); eps = torch.randn_like(x0); xt = m[:, None, None, None] * x0 + s[:, None, None, None] * eps
    loss = ((net(xt, t) - eps) ** 2).mean(); opt.zero_grad(); loss.backward(); opt.step()
net.train()
for _ in range(2): step()
n = 8; t0 = time.perf_counter()
for _ in range(n): step()
train = n / (time.perf_counter() - t0)
net.eval()
with torch.no_grad():
    x = torch.randn(64, 1, size, size); t = torch.full((64,), 0.5)
    net(x, t); k = 8; t0 = time.perf_counter()
    for _ in range(k): x = x - 0.001 * net(x, t)
    sample = 64 * k / (time.perf_counter() - t0)
print(f"torch threads={threads} nf={nf} params={params} unet-train steps/s (batch {batch}) {train:.3f}")
print(f"torch threads={threads} nf={nf} params={params} unet-sample evals/s (batch 64) {sample:.2f}")
