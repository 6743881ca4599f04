"""Realistic bugs in single_layer; each must lose points on its question."""

MUTANTS = [
    {
        "name": "bias_after_activation",
        "question": "q1",
        "why": "adds the bias after the activation: act(K Y) + b 1^T",
        "edits": [
            ("Z, dA = act(K @ Y + b[:, None])", "Z, dA = act(K @ Y)\n    Z = Z + b[:, None]")
        ],
    },
    {
        "name": "hardcoded_tanh",
        "question": "q1",
        "why": "ignores the act argument and always uses tanh",
        "edits": [
            (
                "Z, dA = act(K @ Y + b[:, None])",
                "Z = np.tanh(K @ Y + b[:, None])\n    dA = 1 - Z**2",
            )
        ],
    },
    {
        "name": "bias_not_broadcast_by_rows",
        "question": "q1",
        "why": "adds b along the wrong axis (b[None, :]), right only when m == n",
        "edits": [("Z, dA = act(K @ Y + b[:, None])", "Z, dA = act(K @ Y + b[None, :])")],
    },
    {
        "name": "jvp_without_act_derivative",
        "question": "q2",
        "why": "forgets the factor act'(K Y + b 1^T) in the directional derivative",
        "edits": [("    return dA * dS\n", "    return dS\n")],
    },
    {
        "name": "jvp_missing_K_dY",
        "question": "q2",
        "why": "differentiates only with respect to the parameters, drops the K dY term",
        "edits": [("        dS += K @ dY\n", "        pass\n")],
    },
    {
        "name": "jvp_act_derivative_on_dK_only",
        "question": "q2",
        "why": "multiplies only the dK Y term by act'",
        "edits": [
            ("        dS += dK @ Y\n", "        dS += dA * (dK @ Y)\n"),
            ("    return dA * dS\n", "    return dS\n"),
        ],
    },
    {
        "name": "vjp_gY_without_act_derivative",
        "question": "q3",
        "why": "backpropagates to Y with K^T dZ instead of K^T (act' * dZ)",
        "edits": [("    gY = K.T @ dS\n", "    gY = K.T @ dZ\n")],
    },
    {
        "name": "vjp_gK_averaged",
        "question": "q3",
        "why": "divides gK by the number of examples (confuses the layer with the loss)",
        "edits": [("    gK = dS @ Y.T\n", "    gK = dS @ Y.T / Y.shape[1]\n")],
    },
    {
        "name": "vjp_gb_wrong_axis",
        "question": "q3",
        "why": "sums the bias gradient over the neurons instead of the examples",
        "edits": [("    gb = dS.sum(axis=1)\n", "    gb = dS.sum(axis=0)[: K.shape[0]]\n")],
    },
    {
        "name": "nn_loss_missing_1_over_n",
        "question": "q4",
        "why": "backpropagates W^T (P - C) without the 1/n of the mean loss",
        "edits": [("dZ = W.T @ ((softmax(W @ Z) - C) / n)", "dZ = W.T @ (softmax(W @ Z) - C)")],
    },
    {
        "name": "nn_loss_half_weight_decay_gradient",
        "question": "q4",
        "why": "the gradient of lam/2 ||K||^2 taken as lam/2 K",
        "edits": [("return E, (gK + lam * K, gb, gW + lam * W)",
                   "return E, (gK + lam / 2 * K, gb, gW + lam * W)")],
    },
    {
        "name": "nn_loss_no_decay_on_W",
        "question": "q4",
        "why": "regularizes K but forgets the lam W term in gW",
        "edits": [
            ("return E, (gK + lam * K, gb, gW + lam * W)", "return E, (gK + lam * K, gb, gW)")
        ],
    },
    {
        "name": "nn_loss_bias_decayed",
        "question": "q4",
        "why": "adds weight decay lam b to the bias gradient, though b is not regularized",
        "edits": [("return E, (gK + lam * K, gb, gW + lam * W)",
                   "return E, (gK + lam * K, gb + lam * b, gW + lam * W)")],
    },
    {
        "name": "varpro_stale_w_reused",
        "question": "q5",
        "why": "solves for W once and reuses it in later calls (stale W: not optimal at new K, b)",
        "edits": [("    W = _solve_w(Z, C, lam)\n",
                   "    key = (Z.shape, C.shape, lam)\n"
                   "    store = varpro_lsq_loss.__dict__.setdefault('stale', {})\n"
                   "    W = store.setdefault(key, _solve_w(Z, C, lam))\n")],
    },
    {
        "name": "varpro_gradient_with_previous_w",
        "question": "q5",
        "why": "E at the fresh W, but the reduced gradient uses the W of the previous call (stale)",
        "edits": [("    gK, gb, _ = single_layer_vjp(cache, W.T @ R)\n",
                   "    store = varpro_lsq_loss.__dict__\n"
                   "    Wold = store.get('previous', W)\n"
                   "    store['previous'] = W\n"
                   "    if Wold.shape == W.shape:\n"
                   "        R = Wold @ Z - C\n"
                   "        gK, gb, _ = single_layer_vjp(cache, Wold.T @ R)\n"
                   "    else:\n"
                   "        gK, gb, _ = single_layer_vjp(cache, W.T @ R)\n")],
    },
    {
        "name": "varpro_w_ignores_lam",
        "question": "q5",
        "why": "solves the inner problem without the regularizer but reports the regularized E",
        "edits": [("    W = _solve_w(Z, C, lam)\n", "    W = _solve_w(Z, C, 0.0)\n")],
    },
    {
        "name": "varpro_inexact_w",
        "question": "q5",
        "why": "approximates W by a few gradient steps; the reduced gradient is then not exact",
        "edits": [("    W = _solve_w(Z, C, lam)\n",
                   "    W = np.zeros((C.shape[0], Z.shape[0]))\n"
                   "    step = 1.0 / (np.linalg.norm(Z, 2) ** 2 + lam)\n"
                   "    for _ in range(20):\n"
                   "        W = W - step * ((W @ Z - C) @ Z.T + lam * W)\n")],
    },
    {
        "name": "varpro_mean_objective",
        "question": "q5",
        "why": "divides the misfit by n (the reduced objective has no 1/n)",
        "edits": [("E = 0.5 * float(np.sum(R**2)) + 0.5 * lam * float(np.sum(W**2))",
                   "E = 0.5 * float(np.sum(R**2)) / Z.shape[1] + 0.5 * lam * float(np.sum(W**2))")],
    },
    {
        "name": "sgd_no_reshuffling",
        "question": "q6",
        "why": "draws the permutation once, before the epoch loop (no reshuffling)",
        "edits": [("    for e in range(epochs):\n        perm = gen.permutation(n)\n",
                   "    perm = gen.permutation(n)\n    for e in range(epochs):\n")],
    },
    {
        "name": "sgd_drops_last_batch",
        "question": "q6",
        "why": "skips the last, smaller batch",
        "edits": [
            (
                "for start in range(0, n, batch_size):",
                "for start in range(0, n - batch_size + 1, batch_size):",
            )
        ],
    },
    {
        "name": "sgd_momentum_reset_each_epoch",
        "question": "q6",
        "why": "resets the velocity v at the start of every epoch",
        "edits": [("        values = []\n", "        values = []\n        v = np.zeros_like(x)\n")],
    },
    {
        "name": "sgd_lr_inside_velocity_convention",
        "question": "q6",
        "why": "v = momentum v + g, x = x - lr_e v: equal for a constant lr, wrong when lr changes",
        "edits": [("            v = momentum * v - lrs[e] * g\n            x = x + v\n",
                   "            v = momentum * v + g\n            x = x - lrs[e] * v\n")],
    },
    {
        "name": "sgd_loss_weighted_by_batch_size",
        "question": "q6",
        "why": "hist['loss'] weights the minibatch values by batch size instead of the plain mean",
        "edits": [("            values.append(float(f))\n",
                   "            values.extend([float(f)] * len(idx))\n")],
    },
    {
        "name": "sgd_ignores_rng",
        "question": "q6",
        "why": "uses numpy's global random state instead of rng",
        "edits": [
            ("        perm = gen.permutation(n)\n", "        perm = np.random.permutation(n)\n")
        ],
    },
    {
        "name": "input_gradient_without_penalty_gradient",
        "question": "q7",
        "why": "adds lam/2 ||Y||^2 to E but forgets lam Y in the gradient",
        "edits": [("float(np.sum(Y**2)), gY + lam * Y", "float(np.sum(Y**2)), gY")],
    },
    {
        "name": "input_gradient_penalty_without_half",
        "question": "q7",
        "why": "penalizes lam ||Y||^2 (no 1/2) while the gradient is lam Y",
        "edits": [("0.5 * lam * float(np.sum(Y**2))", "lam * float(np.sum(Y**2))")],
    },
    {
        "name": "input_gradient_without_one_over_n",
        "question": "q7",
        "why": "chains P - C through the layer without the 1/n of the mean loss",
        "edits": [
            (
                "_, _, gY = single_layer_vjp(cache, W.T @ ((softmax(W @ Z) - C) / n))",
                "_, _, gY = single_layer_vjp(cache, W.T @ (softmax(W @ Z) - C))",
            )
        ],
    },
    {
        "name": "input_gradient_skips_activation_derivative",
        "question": "q7",
        "why": "gY = K^T W^T (P - C) / n: differentiates as if the layer were linear",
        "edits": [
            (
                "_, _, gY = single_layer_vjp(cache, W.T @ ((softmax(W @ Z) - C) / n))",
                "gY = np.asarray(K, dtype=float).T @ (W.T @ ((softmax(W @ Z) - C) / n))",
            )
        ],
    },
    {
        "name": "input_gradient_penalizes_the_weights",
        "question": "q7",
        "why": "copies nn_loss's weight decay: lam/2 (||K||^2 + ||W||^2) instead of lam/2 ||Y||^2",
        "edits": [
            (
                "return float(E) + 0.5 * lam * float(np.sum(Y**2)), gY + lam * Y",
                "return float(E) + 0.5 * lam * float(np.sum(np.square(K)) + np.sum(W**2)), gY",
            )
        ],
    },
    {
        "name": "input_gradient_mean_over_classes",
        "question": "q7",
        "why": "divides P - C by the number of classes instead of the number of examples",
        "edits": [
            (
                "_, _, gY = single_layer_vjp(cache, W.T @ ((softmax(W @ Z) - C) / n))",
                "_, _, gY = single_layer_vjp(cache, W.T @ ((softmax(W @ Z) - C) / W.shape[0]))",
            )
        ],
    },
]
