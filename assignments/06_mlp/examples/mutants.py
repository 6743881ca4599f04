"""Realistic student bugs for module 06 (mlp); each must lose points on its question."""

MUTANTS = [
    {
        "name": "glorot_without_factor_two",
        "question": "q1",
        "why": "Glorot variance 1/(fan_in + fan_out) instead of 2/(fan_in + fan_out)",
        "edits": [("var = 2.0 / (fan_in + fan_out)", "var = 1.0 / (fan_in + fan_out)")],
    },
    {
        "name": "he_uses_fan_out",
        "question": "q1",
        "why": "He variance 2/fan_out instead of 2/fan_in",
        "edits": [("var = 2.0 / fan_in", "var = 2.0 / fan_out")],
    },
    {
        "name": "variance_used_as_std",
        "question": "q1",
        "why": "multiplies the standard normal samples by the variance instead of its square root",
        "edits": [("K = np.sqrt(var) * gen.standard_normal", "K = var * gen.standard_normal")],
    },
    {
        "name": "uniform_glorot",
        "question": "q1",
        "why": "uniform entries with the right variance (Glorot's paper) instead of normal ones",
        "edits": [
            (
                "K = np.sqrt(var) * gen.standard_normal((fan_out, fan_in))",
                "K = gen.uniform(-np.sqrt(3 * var), np.sqrt(3 * var), (fan_out, fan_in))",
            )
        ],
    },
    {
        "name": "reseeds_every_layer",
        "question": "q1",
        "why": "turns the seed into a new Generator for every layer: square layers come out equal",
        "edits": [
            (
                "K = np.sqrt(var) * gen.standard_normal((fan_out, fan_in))",
                "K = np.sqrt(var) * as_rng(rng).standard_normal((fan_out, fan_in))",
            )
        ],
    },
    {
        "name": "transposed_weights",
        "question": "q1",
        "why": "K_j of shape (sizes[j], sizes[j+1]) instead of (sizes[j+1], sizes[j])",
        "edits": [
            (
                "K = np.sqrt(var) * gen.standard_normal((fan_out, fan_in))",
                "K = np.sqrt(var) * gen.standard_normal((fan_in, fan_out))",
            )
        ],
    },
    {
        "name": "no_activation_on_last_layer",
        "question": "q2",
        "why": "leaves the last layer linear, Y_N = K Y + b (the API applies act to every layer)",
        "edits": [
            (
                "        Yj, dA = act(K @ Yj + b[:, None])\n        dAs.append(dA)\n",
                "        if len(Ys) == len(params):\n"
                "            Yj, dA = K @ Yj + b[:, None], np.ones((K.shape[0], Yj.shape[1]))\n"
                "        else:\n"
                "            Yj, dA = act(K @ Yj + b[:, None])\n"
                "        dAs.append(dA)\n",
            )
        ],
    },
    {
        "name": "bias_broadcast_over_columns",
        "question": "q2",
        "why": "K Y + b instead of K Y + b 1^T: numpy adds b to every row (or fails on the shapes)",
        "edits": [("Yj, dA = act(K @ Yj + b[:, None])", "Yj, dA = act(K @ Yj + b)")],
    },
    {
        "name": "caches_layer_outputs",
        "question": "q3",
        "why": "stores Y_{j+1} instead of Y_j in the cache, so gK_j = G_j Y_{j+1}^T",
        "edits": [
            (
                "        Ys.append(Yj)\n        Yj, dA = act(K @ Yj + b[:, None])\n",
                "        Yj, dA = act(K @ Yj + b[:, None])\n        Ys.append(Yj)\n",
            )
        ],
    },
    {
        "name": "forgets_activation_derivative",
        "question": "q3",
        "why": "backpropagates through K_j^T but never multiplies by act'",
        "edits": [("        G = dAs[j] * G\n", "")],
    },
    {
        "name": "propagates_before_derivative",
        "question": "q3",
        "why": "dY_j = K_j^T dY_{j+1}: act' is used for gK_j, gb_j but not passed down",
        "edits": [
            (
                "        G = dAs[j] * G\n        grads[j] = (G @ Ys[j].T, G.sum(axis=1))\n",
                "        D = dAs[j] * G\n        grads[j] = (D @ Ys[j].T, D.sum(axis=1))\n",
            )
        ],
    },
    {
        "name": "bias_gradient_mean",
        "question": "q3",
        "why": "gb_j = mean over the examples instead of the sum G_j 1",
        "edits": [
            (
                "grads[j] = (G @ Ys[j].T, G.sum(axis=1))",
                "grads[j] = (G @ Ys[j].T, G.mean(axis=1))",
            )
        ],
    },
    {
        "name": "no_weight_decay_in_grad_K",
        "question": "q4",
        "why": "adds lam/2 ||K_j||^2 to E but forgets lam K_j in the gradient",
        "edits": [
            (
                "grads = [(gK + lam * K, gb) for (gK, gb), (K, _) in zip(grads, params)]",
                "grads = [(gK, gb) for (gK, gb), (K, _) in zip(grads, params)]",
            )
        ],
    },
    {
        "name": "weight_decay_on_biases",
        "question": "q4",
        "why": "regularizes the biases too (the API's regularizer has only K_j and W)",
        "edits": [
            (
                "E += 0.5 * lam * (sum(np.sum(K**2) for K, _ in params) + np.sum(W**2))",
                "E += 0.5 * lam * (sum(np.sum(K**2) + np.sum(b**2) for K, b in params)"
                " + np.sum(W**2))",
            ),
            (
                "grads = [(gK + lam * K, gb) for (gK, gb), (K, _) in zip(grads, params)]",
                "grads = [(gK + lam * K, gb + lam * b) for (gK, gb), (K, b) in zip(grads, params)]",
            ),
        ],
    },
    {
        "name": "regularizer_without_half",
        "question": "q4",
        "why": "E gets lam (sum ||K_j||^2 + ||W||^2), gradient 2 lam: consistent, not the API",
        "edits": [
            (
                "E += 0.5 * lam * (sum(np.sum(K**2) for K, _ in params) + np.sum(W**2))",
                "E += lam * (sum(np.sum(K**2) for K, _ in params) + np.sum(W**2))",
            ),
            (
                "grads = [(gK + lam * K, gb) for (gK, gb), (K, _) in zip(grads, params)]",
                "grads = [(gK + 2 * lam * K, gb) for (gK, gb), (K, _) in zip(grads, params)]",
            ),
            ("gW = gW + lam * W", "gW = gW + 2 * lam * W"),
        ],
    },
    {
        "name": "loss_gradient_missing_one_over_n",
        "question": "q4",
        "why": "dE/dZ = W^T (P - C) without the 1/n of the mean",
        "edits": [("dZ = W.T @ (P - C) / Z.shape[1]", "dZ = W.T @ (P - C)")],
    },
    {
        "name": "no_bias_correction",
        "question": "q5",
        "why": "uses m and v directly (no division by 1 - beta^t): the first steps are too long",
        "edits": [
            ("m_hat = m / (1 - beta1**t)", "m_hat = m"),
            ("v_hat = v / (1 - beta2**t)", "v_hat = v"),
        ],
    },
    {
        "name": "eps_inside_sqrt",
        "question": "q5",
        "why": "sqrt(v_hat + eps) instead of sqrt(v_hat) + eps",
        "edits": [("np.sqrt(v_hat) + eps", "np.sqrt(v_hat + eps)")],
    },
    {
        "name": "step_counter_per_epoch",
        "question": "q5",
        "why": "restarts t at every epoch (the bias correction is redone each epoch)",
        "edits": [
            (
                "        perm = gen.permutation(n)\n",
                "        perm = gen.permutation(n)\n        t = 0\n",
            )
        ],
    },
    {
        "name": "one_permutation_for_all_epochs",
        "question": "q5",
        "why": "draws the permutation once, before the epoch loop",
        "edits": [
            (
                "    for e in range(epochs):\n        perm = gen.permutation(n)\n",
                "    perm = gen.permutation(n)\n    for e in range(epochs):\n",
            ),
        ],
    },
    {
        "name": "drops_last_partial_batch",
        "question": "q5",
        "why": "skips the last, smaller batch of each epoch",
        "edits": [
            (
                "for start in range(0, n, batch_size):",
                "for start in range(0, n - batch_size + 1, batch_size):",
            )
        ],
    },
    {
        "name": "history_sums_batches",
        "question": "q5",
        "why": "hist['loss'] holds the sum of the minibatch values instead of their mean",
        "edits": [
            (
                'hist["loss"].append(float(np.mean(values)))',
                'hist["loss"].append(float(np.sum(values)))',
            )
        ],
    },
    {
        "name": "uses_first_learning_rate_only",
        "question": "q5",
        "why": "ignores the per-epoch learning rates, always uses lr[0]",
        "edits": [("x = x - lrs[e] * m_hat", "x = x - lrs[0] * m_hat")],
    },
    {
        "name": "adam_ascends",
        "question": "q6",
        "why": "x = x + lr m_hat / (...) (a sign error): training diverges",
        "edits": [("x = x - lrs[e] * m_hat", "x = x + lrs[e] * m_hat")],
    },
]
