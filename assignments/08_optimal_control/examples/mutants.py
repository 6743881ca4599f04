"""Realistic student bugs in numdl/optimal_control.py; each must lose points on its question."""

MUTANTS = [
    {
        "name": "rk4_wrong_weights",
        "question": "q1",
        "why": "RK4 with equal weights 1/4: still consistent, but only first order",
        "edits": [("return y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)",
                   "return y + (h / 4) * (k1 + k2 + k3 + k4)")],
    },
    {
        "name": "rk4_stage_time_not_advanced",
        "question": "q1",
        "why": "the second stage is evaluated at t instead of t + h/2 (wrong for time-dependent f)",
        "edits": [("k2 = np.asarray(f(t + h / 2, y + (h / 2) * k1))",
                   "k2 = np.asarray(f(t, y + (h / 2) * k1))")],
    },
    {
        "name": "ode_solve_uniform_step",
        "question": "q1",
        "why": "ode_solve assumes a uniform grid (h from the end points) on a non-uniform t",
        "edits": [("h = t[k + 1] - t[k]", "h = (t[-1] - t[0]) / (t.size - 1)")],
    },
    {
        "name": "stages_use_next_control",
        "question": "q2",
        "why": "the RK4 stages after the first use the next step's control (K_{j+1}, b_{j+1})",
        "edits": [
            ("    for K, b in params:\n        Xs, Ds = [Y], []",
             "    for j, (K, b) in enumerate(params):\n"
             "        Kn, bn = params[min(j + 1, len(params) - 1)]\n        Xs, Ds = [Y], []"),
            ("            A, D = act(K @ Xs[i] + b[:, None])",
             "            A, D = act((Kn if i else K) @ Xs[i] + (bn if i else b)[:, None])"),
        ],
    },
    {
        "name": "step_is_T_not_T_over_nt",
        "question": "q2",
        "why": "every step has size T instead of h = T / nt",
        "edits": [("return params, Y0, T / len(params)", "return params, Y0, T")],
    },
    {
        "name": "dto_is_really_otd",
        "question": "q3",
        "why": "'DTO' computed by the continuous adjoint (OTD): not the exact discrete gradient",
        "edits": [("    return _backward(params, record, dYT, h, method)\n    # END SOLUTION",
                   "    return node_gradient_otd(params, Y0, T, dYT, act, method)\n"
                   "    # END SOLUTION")],
    },
    {
        "name": "dto_stage_chain_always_half",
        "question": "q3",
        "why": "backpropagating into the previous stage with h/2 for every stage (last needs h)",
        "edits": [("gA[i - 1] = gA[i - 1] + (a[i - 1] * h) * gX",
                   "gA[i - 1] = gA[i - 1] + (h / 2) * gX")],
    },
    {
        "name": "dto_forgets_skip_connection",
        "question": "q3",
        "why": "the identity part of dY_{j+1}/dY_j = I + ... is dropped in the backward pass",
        "edits": [("gY = Z.copy()", "gY = np.zeros_like(Z)")],
    },
    {
        "name": "dto_kgrad_uses_step_start",
        "question": "q3",
        "why": "gK_j uses Y_j for every stage instead of the stage inputs X_i",
        "edits": [("gK += G @ Xs[i].T", "gK += G @ Xs[0].T")],
    },
    {
        "name": "otd_is_really_dto",
        "question": "q4",
        "why": "'OTD' returns the discrete adjoint: it does not differ from DTO at coarse nt",
        "edits": [("    params, Y0, h = _setup(params, Y0, T, method)\n    Z = _check_state(",
                   "    return node_gradient_dto(params, Y0, T, dYT, act, method)\n"
                   "    Z = _check_state(")],
    },
    {
        "name": "otd_solved_forward_in_time",
        "question": "q4",
        "why": "the adjoint equation is marched forward from t = 0 instead of backward from T",
        "edits": [("for j in range(len(params) - 1, -1, -1):  # backward in time",
                   "for j in range(len(params)):  # backward in time")],
    },
    {
        "name": "otd_adjoint_sign",
        "question": "q4",
        "why": "the Euler adjoint step has the wrong sign (solves dZ/dt = +J^T Z backward)",
        "edits": [("Z = Z + h * (K.T @ G)", "Z = Z - h * (K.T @ G)")],
    },
    {
        "name": "otd_rk4_frozen_state",
        "question": "q4",
        "why": "RK4 OTD uses Y_j at the mid-step stages (inconsistent state, first order only)",
        "edits": [("Ymid = 0.5 * (Yj + Yj1) + (h / 8) * (A0 - A1)", "Ymid = Yj")],
    },
    {
        "name": "smoothness_without_1_over_h",
        "question": "q5",
        "why": "R = 1/2 sum ||K_{j+1} - K_j||^2 ... without the 1/h",
        "edits": [("R += (np.sum(dK**2) + np.sum(db**2)) / (2 * h)",
                   "R += (np.sum(dK**2) + np.sum(db**2)) / 2")],
    },
    {
        "name": "smoothness_gradient_sign",
        "question": "q5",
        "why": "the gradient of the first control of each difference has the wrong sign",
        "edits": [("grads[j][0] -= dK / h", "grads[j][0] += dK / h")],
    },
    {
        "name": "alpha_in_gradient_not_value",
        "question": "q6",
        "why": "alpha R is added to the gradient but not to the value",
        "edits": [("E += alpha * R", "E += 0 * R")],
    },
    {
        "name": "loss_gradient_missing_1_over_n",
        "question": "q6",
        "why": "the gradient with respect to Y_T misses the 1/n of the mean",
        "edits": [("return W.T @ (P - C) / Y.shape[1]", "return W.T @ (P - C)")],
    },
]
