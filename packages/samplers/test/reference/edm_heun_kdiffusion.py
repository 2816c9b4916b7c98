#!/usr/bin/python3
"""Reference numbers for EDM Heun (issue 13 item 7): k-diffusion's Karras grid and Heun sampler, written out here
from k-diffusion's `sampling.py` (`get_sigmas_karras`, `to_d`, `sample_heun` without churn), run with the exact
denoiser of the samplers tests' Gaussian mixture (`test/fixtures.ts` `target`), once in float64 (the truth) and
once all in float32 (what a k-diffusion user gets on a GPU or CPU in float32).

Run with Debian's python3 and python3-torch (no other packages):
    /usr/bin/python3 packages/samplers/test/reference/edm_heun_kdiffusion.py > packages/samplers/test/reference/edmHeunKdiffusion.json
"""
import json
import math

import torch

# test/fixtures.ts `target`
WEIGHTS = [0.65, 0.35]
MEANS = [[-0.6, 0.3], [0.9, -0.4]]
COVARIANCES = [[[0.5, 0.2], [0.2, 0.35]], [[0.25, 0.0], [0.0, 0.45]]]


def karras_sigmas(n, sigma_min, sigma_max, rho, dtype):
    # k-diffusion get_sigmas_karras: ramp 0 → 1, interpolate σ^(1/ρ), then a final 0.
    ramp = torch.linspace(0, 1, n, dtype=dtype)
    lo = sigma_min ** (1 / rho)
    hi = sigma_max ** (1 / rho)
    sigmas = (hi + ramp * (lo - hi)) ** rho
    return torch.cat([sigmas, sigmas.new_zeros([1])])


def mixture_denoiser(dtype):
    """D(x; σ) = E[x0 | x0 + σ·ε = x] for the mixture: Σ_k r_k(x) (μ_k + Σ_k (Σ_k + σ²I)⁻¹ (x − μ_k))."""
    w = torch.tensor(WEIGHTS, dtype=dtype)
    w = w / w.sum()
    mu = torch.tensor(MEANS, dtype=dtype)
    cov = torch.tensor(COVARIANCES, dtype=dtype)
    eye = torch.eye(2, dtype=dtype)

    def denoise(x, sigma):
        s2 = sigma.reshape(-1)[0] ** 2  # one σ for the batch, as sample_heun passes σ·s_in
        logps, posts = [], []
        for k in range(len(WEIGHTS)):
            c = cov[k] + s2 * eye
            cinv = torch.linalg.inv(c)
            r = x - mu[k]
            quad = ((r @ cinv) * r).sum(1)
            logps.append(torch.log(w[k]) - 0.5 * (quad + torch.logdet(c) + 2 * math.log(2 * math.pi)))
            posts.append(mu[k] + r @ cinv @ cov[k])  # Σ_k C⁻¹ symmetric pair: (C⁻¹ Σ_k)ᵀ = Σ_k C⁻¹
        resp = torch.softmax(torch.stack(logps, 1), 1)
        return (torch.stack(posts, 1) * resp.unsqueeze(2)).sum(1)

    return denoise


def to_d(x, sigma, denoised):
    return (x - denoised) / sigma


def sample_heun(model, x, sigmas):
    # k-diffusion sample_heun with s_churn = 0: Euler on the last step (σ_next = 0), Heun elsewhere.
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        sigma_hat = sigmas[i]
        denoised = model(x, sigma_hat * s_in)
        d = to_d(x, sigma_hat, denoised)
        dt = sigmas[i + 1] - sigma_hat
        if sigmas[i + 1] == 0:
            x = x + d * dt
        else:
            x_2 = x + d * dt
            denoised_2 = model(x_2, sigmas[i + 1] * s_in)
            d_2 = to_d(x_2, sigmas[i + 1], denoised_2)
            d_prime = (d + d_2) / 2
            x = x + d_prime * dt
    return x


def case(name, steps, sigma_min, sigma_max, z):
    out = {"name": name, "steps": steps, "sigmaMin": sigma_min, "sigmaMax": sigma_max, "rho": 7.0}
    results = {}
    for label, dtype in (("float64", torch.float64), ("float32", torch.float32)):
        sigmas = karras_sigmas(steps, sigma_min, sigma_max, 7.0, dtype)
        x = z.to(dtype) * sigmas[0]
        results[label] = (sigmas, sample_heun(mixture_denoiser(dtype), x, sigmas))
    s64, x64 = results["float64"]
    _, x32 = results["float32"]
    out["sigmas"] = s64.tolist()
    out["samples"] = x64.tolist()
    out["samplesFloat32"] = x32.double().tolist()
    scale = x64.abs().max().item()
    out["float32MaxRelativeError"] = ((x32.double() - x64).abs().max() / scale).item()
    return out


def main():
    gen = torch.Generator().manual_seed(20261206)
    z = torch.randn(32, 2, generator=gen, dtype=torch.float64)
    cases = [
        case("vp-like range, 18 levels", 18, 0.02, 80.0, z),
        case("ve range, 10 levels", 10, 0.02, 50.0, z),
    ]
    print(json.dumps({
        "source": "packages/samplers/test/reference/edm_heun_kdiffusion.py (k-diffusion get_sigmas_karras + sample_heun, exact mixture denoiser), torch " + torch.__version__,
        "mixture": {"weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
        "z": z.tolist(),
        "cases": cases,
    }, indent=1))


if __name__ == "__main__":
    main()
