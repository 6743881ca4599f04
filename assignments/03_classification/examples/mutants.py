"""Realistic student bugs in module 03; each must lose points on its question."""

_SD_LOOP = """    for _ in range(maxiter):
        if hist["gradnorm"][-1] <= tol * gnorm0:
            break
        alpha = armijo(fun, x, f, g, -g)
"""
_CG_LOOP = """    for _ in range(maxiter):
        if np.sqrt(rr) <= tol * bnorm:
"""
_NEWTON_END = """        hist["cg_iters"].append(len(cg_hist["resnorm"]) - 1)
        hist["alpha"].append(alpha)
    return x, hist
"""

MUTANTS = [
    {
        "name": "softmax_no_shift",
        "question": "q1",
        "why": "exponentiates the raw scores: overflow (inf / inf = nan) for large inputs",
        "edits": [("E = np.exp(S - S.max(axis=0, keepdims=True))", "E = np.exp(S)")],
    },
    {
        "name": "softmax_global_max",
        "question": "q1",
        "why": "shifts by the maximum of the whole matrix: columns far below it underflow to 0/0",
        "edits": [("E = np.exp(S - S.max(axis=0, keepdims=True))", "E = np.exp(S - S.max())")],
    },
    {
        "name": "softmax_normalizes_rows",
        "question": "q1",
        "why": "normalizes over the examples (axis=1) instead of the classes",
        "edits": [
            ("return E / E.sum(axis=0, keepdims=True)", "return E / E.sum(axis=1, keepdims=True)")
        ],
    },
    {
        "name": "loss_sum_not_mean",
        "question": "q2",
        "why": "forgets the 1/n in the loss value",
        "edits": [("E = -float(np.sum(C * logP)) / n", "E = -float(np.sum(C * logP))")],
    },
    {
        "name": "loss_gradient_sign",
        "question": "q2",
        "why": "gradient (C - P) Y^T / n: the sign is flipped",
        "edits": [("dW = (np.exp(logP) - C) @ Y.T / n", "dW = (C - np.exp(logP)) @ Y.T / n")],
    },
    {
        "name": "loss_gradient_without_1_over_n",
        "question": "q2",
        "why": "the gradient misses the factor 1/n",
        "edits": [("dW = (np.exp(logP) - C) @ Y.T / n", "dW = (np.exp(logP) - C) @ Y.T")],
    },
    {
        "name": "loss_log_of_softmax",
        "question": "q2",
        "why": "log(softmax(S)) instead of S - logsumexp(S): log(0) = -inf, 0 * -inf = nan",
        "edits": [("logP = S - logsum", "logP = np.log(np.exp(S) / np.exp(logsum))")],
    },
    {
        "name": "loss_no_shift",
        "question": "q2",
        "why": "no shift by the column maxima: exp overflows for large scores",
        "edits": [("    S = S - S.max(axis=0, keepdims=True)\n    logsum", "    logsum")],
    },
    {
        "name": "hessvec_no_correction",
        "question": "q3",
        "why": "keeps only P * Z: drops the -P (1^T (P * Z)) term of the softmax Jacobian",
        "edits": [
            ("return (PZ - P * PZ.sum(axis=0, keepdims=True)) @ Y.T / n", "return PZ @ Y.T / n")
        ],
    },
    {
        "name": "hessvec_sum_over_examples",
        "question": "q3",
        "why": "sums P * Z over the examples (axis=1) instead of the classes",
        "edits": [
            (
                "return (PZ - P * PZ.sum(axis=0, keepdims=True)) @ Y.T / n",
                "return (PZ - P * PZ.sum(axis=1, keepdims=True)) @ Y.T / n",
            )
        ],
    },
    {
        "name": "hessvec_without_1_over_n",
        "question": "q3",
        "why": "the Hessian misses the factor 1/n",
        "edits": [
            (
                "return (PZ - P * PZ.sum(axis=0, keepdims=True)) @ Y.T / n",
                "return (PZ - P * PZ.sum(axis=0, keepdims=True)) @ Y.T",
            )
        ],
    },
    {
        "name": "checkder_no_round_off_floor",
        "question": "q4",
        "why": "uses every ratio E1[k]/E1[k+1], also those in the round-off region",
        "edits": [
            ("for k in range(n_steps - 1) if E1[k + 1] > floor])", "for k in range(n_steps - 1)])")
        ],
    },
    {
        "name": "checkder_E1_forgets_h",
        "question": "q4",
        "why": "E1 = |f(x + h dx) - f(x) - <g, dx>| (the slope is not multiplied by h)",
        "edits": [("abs(fh - f0 - h * slope)", "abs(fh - f0 - slope)")],
    },
    {
        "name": "checkder_h_off_by_one",
        "question": "q4",
        "why": "the steps start at h0 / 2 instead of h0",
        "edits": [("h = h0 * 2.0**-k\n        fh", "h = h0 * 2.0 ** -(k + 1)\n        fh")],
    },
    {
        "name": "armijo_one_backtrack_short",
        "question": "q5",
        "why": "tries k = 0 .. max_backtracks - 1 only",
        "edits": [("for k in range(max_backtracks + 1):", "for k in range(max_backtracks):")],
    },
    {
        "name": "armijo_simple_decrease",
        "question": "q5",
        "why": "accepts any decrease f(x + alpha d) <= f (no c1 alpha <g, d> term)",
        "edits": [
            (
                "if float(fun(x + alpha * d)[0]) <= f + c1 * alpha * slope:",
                "if float(fun(x + alpha * d)[0]) <= f:",
            )
        ],
    },
    {
        "name": "steepest_descent_ignores_tol",
        "question": "q5",
        "why": "never tests the gradient norm: always runs maxiter iterations",
        "edits": [
            (_SD_LOOP, "    for _ in range(maxiter):\n        alpha = armijo(fun, x, f, g, -g)\n")
        ],
    },
    {
        "name": "steepest_descent_one_iteration_too_many",
        "question": "q5",
        "why": "loops maxiter + 1 times (history off by one)",
        "edits": [(_SD_LOOP, _SD_LOOP.replace("range(maxiter)", "range(maxiter + 1)"))],
    },
    {
        "name": "steepest_descent_continues_after_failed_line_search",
        "question": "q5",
        "why": "does not stop when armijo returns 0 (keeps appending the same point)",
        "edits": [(_SD_LOOP + "        if alpha == 0.0:\n            break\n", _SD_LOOP)],
    },
    {
        "name": "cg_ignores_maxiter",
        "question": "q6",
        "why": "always allows 10 * b.size iterations",
        "edits": [(_CG_LOOP, _CG_LOOP.replace("range(maxiter)", "range(10 * b.size)"))],
    },
    {
        "name": "cg_no_curvature_check",
        "question": "q6",
        "why": "does not stop on non-positive curvature <p, A p> <= 0",
        "edits": [("        if pAp <= 0:\n            break\n", "")],
    },
    {
        "name": "cg_history_without_start",
        "question": "q6",
        "why": "hist['resnorm'] misses the residual of the starting point",
        "edits": [('hist = {"resnorm": [float(np.sqrt(rr))]}', 'hist = {"resnorm": []}')],
    },
    {
        "name": "newton_no_descent_fallback",
        "question": "q7",
        "why": "uses the CG direction even when it is not a descent direction",
        "edits": [("        if not _inner(g, d) < 0:\n            d = -g\n", "")],
    },
    {
        "name": "newton_ignores_cg_maxiter",
        "question": "q7",
        "why": "does not pass cg_maxiter to cg",
        "edits": [("-g, tol=cg_tol, maxiter=cg_maxiter)", "-g, tol=cg_tol)")],
    },
    {
        "name": "newton_wrong_sign_rhs",
        "question": "q7",
        "why": "solves H d = g: an ascent direction, so it always falls back to -g (slow)",
        "edits": [("-g, tol=cg_tol, maxiter=cg_maxiter)", "g, tol=cg_tol, maxiter=cg_maxiter)")],
    },
    {
        "name": "newton_history_without_start",
        "question": "q7",
        "why": "the history starts at the first iterate instead of x0",
        "edits": [
            (
                _NEWTON_END,
                _NEWTON_END.replace(
                    "    return x, hist\n",
                    '    hist["f"].pop(0)\n    hist["gradnorm"].pop(0)\n    return x, hist\n',
                ),
            )
        ],
    },
    {
        "name": "predict_wrong_axis",
        "question": "q8",
        "why": "argmax over the examples (axis=1) instead of the classes",
        "edits": [("return np.argmax(W @ Y, axis=0)", "return np.argmax(W @ Y, axis=1)")],
    },
    {
        "name": "accuracy_counts",
        "question": "q8",
        "why": "returns the number of correct predictions, not the fraction",
        "edits": [
            (
                "return float(np.mean(predict(W, Y) == np.argmax(C, axis=0)))",
                "return float(np.sum(predict(W, Y) == np.argmax(C, axis=0)))",
            )
        ],
    },
]
