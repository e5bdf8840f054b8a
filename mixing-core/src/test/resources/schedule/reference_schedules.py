#!/usr/bin/env python3
"""Reference values for SchedulesTest, written from ALGORITHMS.md §5 (Ibrahim et al. 2024)
independently of the Java code. Run: python3 reference_schedules.py > reference_schedules.json"""
import json
import math


def warmup(peak, steps, t):
    return peak if t >= steps else peak * (t + 1) / steps


def cosine(a, b, steps, t):
    return b if t >= steps else b + (a - b) / 2 * (1 + math.cos(math.pi * t / steps))


def rewarm_redecay(starts, total, peak, frac, lo, t):
    k = max(i for i, s in enumerate(starts) if s <= t)
    end = starts[k + 1] if k + 1 < len(starts) else total
    length = end - starts[k]
    w = round(length * frac)
    u = t - starts[k]
    if u < w:
        return warmup(peak, w, u)
    # eta_t = eta_min + (eta_max - eta_min)/2 (1 + cos(pi (t - t_w) / (T - t_w)))
    return cosine(peak, lo, length - w, u - w)


def infinite(peak, const, lo, tw, tc, shape, alpha, ta, n_anneal, anneal, t):
    if t < tw:
        return warmup(peak, tw, t)
    if t < tw + tc:
        x = (t - tw) / tc
        if shape == "cosine":
            return const + (peak - const) / 2 * (1 + math.cos(math.pi * x))
        h = lambda v: 1 / math.sqrt(1 + alpha * v) - 1
        return peak + (const - peak) * h(x) / h(1)
    if ta < 0 or t < ta:
        return const
    x = min(1.0, (t - ta) / n_anneal)
    if anneal == "linear":
        return const + (lo - const) * x
    return const * (lo / const) ** x


def wsd(peak, lo, tw, td, n, t):
    if t < tw:
        return warmup(peak, tw, t)
    if t < td:
        return peak
    x = min(1.0, (t - td) / n)
    return peak + (lo - peak) * x


rr_steps = [0, 5, 9, 10, 500, 999, 1000, 1014, 1015, 1800, 2499, 2500, 3999, 4000, 5000]
inf_steps = [0, 99, 100, 300, 499, 500, 1500, 1999, 2000, 2250, 2500, 3000]
wsd_steps = [0, 49, 50, 799, 800, 900, 1000, 1200]
print(json.dumps({
    "rewarmRedecay": {str(t): rewarm_redecay([0, 1000, 2500], 4000, 3e-4, 0.01, 3e-5, t)
                      for t in rr_steps},
    "infiniteInvSqrtExp": {str(t): infinite(3e-4, 1.65e-4, 3e-5, 100, 400, "invsqrt", 8.0,
                                            2000, 500, "exp", t) for t in inf_steps},
    "infiniteCosineLinearNoAnneal": {str(t): infinite(3e-4, 1.65e-4, 3e-5, 100, 400, "cosine",
                                                      0, -1, 0, "linear", t) for t in inf_steps},
    "infiniteCosineLinear": {str(t): infinite(3e-4, 1.65e-4, 3e-5, 100, 400, "cosine", 0, 2000,
                                              500, "linear", t) for t in inf_steps},
    "wsdLinear": {str(t): wsd(1e-3, 1e-4, 50, 800, 200, t) for t in wsd_steps},
}, indent=2))
