"""Exact minimum of scikit-learn's multinomial objective for the three species (bill length,
bill depth; L2, C = 1, intercepts unpenalised), found with scipy (BFGS, then Nelder-Mead
polishing), for the unit tests of core/logistic.ts. scikit-learn's lbfgs stops earlier on
this badly scaled problem (its ftol rule), so ../shared/fixtures/penguins-reference.json
holds a point whose objective is slightly higher. Intercepts are reported centred (sum 0),
since adding a constant to every intercept changes nothing.
Run: /usr/bin/python3 scripts/reference/softmax_exact.py  -> tests/unit/fixtures/softmax-exact.json"""
import json
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

raw = json.load(open("node_modules/vega-datasets/data/penguins.json"))
rows = [r for r in raw if all(v is not None and v != "." for v in r.values())]
species = ["Adelie", "Chinstrap", "Gentoo"]
X = np.array([[r["Beak Length (mm)"], r["Beak Depth (mm)"]] for r in rows])
y = np.array([species.index(r["Species"]) for r in rows])


def objective(t):
    W = t[:6].reshape(3, 2)
    Z = X @ W.T + t[6:]
    return -(Z[np.arange(len(y)), y] - logsumexp(Z, axis=1)).sum() + 0.5 * (W ** 2).sum()


r = minimize(objective, np.zeros(9), method="BFGS", options={"gtol": 1e-9, "maxiter": 100000})
r = minimize(objective, r.x, method="Nelder-Mead",
             options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 200000, "maxfev": 400000})
b = r.x[6:] - r.x[6:].mean()
json.dump({"n_rows": len(y), "objective": r.fun, "coef": r.x[:6].reshape(3, 2).tolist(), "intercept": b.tolist()},
          open("tests/unit/fixtures/softmax-exact.json", "w"), indent=1)
