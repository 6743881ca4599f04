"""Realistic student bugs for module 02 (least squares); each must lose points on its question."""

MUTANTS = [
    {
        "name": "normal_ignores_lam",
        "question": "q1",
        "why": "lstsq_normal forgets the lam I term (the lam > 0 branch)",
        "edits": [("    M[np.diag_indices_from(M)] += lam\n", "")],
    },
    {
        "name": "normal_first_rhs_only",
        "question": "q1",
        "why": "lstsq_normal solves only for the first right-hand side (several RHS)",
        "edits": [(
            "    X = scipy.linalg.cho_solve(scipy.linalg.cho_factor(M), A.T @ B2)\n",
            "    X = scipy.linalg.cho_solve(scipy.linalg.cho_factor(M), A.T @ B2[:, :1])\n",
        )],
    },
    {
        "name": "normal_always_2d",
        "question": "q1",
        "why": "lstsq_normal returns an (n, 1) array for a vector b",
        "edits": [(
            "    X = scipy.linalg.cho_solve(scipy.linalg.cho_factor(M), A.T @ B2)\n"
            "    return X[:, 0] if was_vector else X\n",
            "    X = scipy.linalg.cho_solve(scipy.linalg.cho_factor(M), A.T @ B2)\n"
            "    return X\n",
        )],
    },
    {
        "name": "svd_no_cutoff",
        "question": "q2",
        "why": "lstsq_svd divides by every singular value (no numerical-rank cutoff)",
        "edits": [("where=s > cutoff)", "where=s > 0)")],
    },
    {
        "name": "svd_wrong_filter",
        "question": "q2",
        "why": "lstsq_svd uses the filter 1 / (s + lam) instead of s / (s^2 + lam)",
        "edits": [("        phi = s / (s**2 + lam)\n", "        phi = 1.0 / (s + lam)\n")],
    },
    {
        "name": "svd_rank_off_by_one",
        "question": "q2",
        "why": "lstsq_svd keeps rank - 1 singular triplets",
        "edits": [("phi[min(rank, s.size) :] = 0.0", "phi[min(rank, s.size) - 1 :] = 0.0")],
    },
    {
        "name": "svd_rank_ignored_with_lam",
        "question": "q2",
        "why": "lstsq_svd truncates only when lam == 0 (the filtered truncated SVD is missed)",
        "edits": [("    if rank is not None:\n", "    if rank is not None and lam == 0:\n")],
    },
    {
        "name": "tikhonov_normal_equations",
        "question": "q3",
        "why": "gen_tikhonov solves (A^T A + lam G^T G) X = A^T B: squares the condition number",
        "edits": [(
            "    Q, Rf = np.linalg.qr(M, mode=\"reduced\")\n"
            "    X = scipy.linalg.solve_triangular(Rf, Q.T @ R)\n",
            "    X = np.linalg.solve(M.T @ M, M.T @ R)\n",
        )],
    },
    {
        "name": "tikhonov_lam_not_sqrt",
        "question": "q3",
        "why": "gen_tikhonov stacks lam G instead of sqrt(lam) G",
        "edits": [("np.vstack([A, np.sqrt(lam) * G])", "np.vstack([A, lam * G])")],
    },
    {
        "name": "sd_history_off_by_one",
        "question": "q4",
        "why": "steepest_descent_lsq does not record the starting point in hist['resnorm']",
        "edits": [(
            "    hist = {\"resnorm\": [float(np.linalg.norm(r))], \"normal_resnorm\": "
            "[float(np.linalg.norm(g))]}\n",
            "    hist = {\"resnorm\": [], \"normal_resnorm\": [float(np.linalg.norm(g))]}\n",
        )],
    },
    {
        "name": "sd_ignores_tol",
        "question": "q4",
        "why": "steepest_descent_lsq always runs maxiter iterations",
        "edits": [("        if hist[\"normal_resnorm\"][-1] <= target:\n            break\n", "")],
    },
    {
        "name": "sd_step_not_squared",
        "question": "q4",
        "why": "steepest_descent_lsq uses alpha = ||A^T r||^2 / ||A A^T r|| (missing square)",
        "edits": [("alpha = (g @ g) / (Ag @ Ag)", "alpha = (g @ g) / np.linalg.norm(Ag)")],
    },
    {
        "name": "cgls_slide_typo",
        "question": "q5",
        "why": "cgls takes gamma_new = ||A p||^2 (the slides' typo normr2New = d'*d)",
        "edits": [("        gamma_new = s @ s\n", "        gamma_new = q @ q\n")],
    },
    {
        "name": "cgls_forgets_lam_in_gradient",
        "question": "q5",
        "why": "cgls updates s = A^T r without - lam x (the lam > 0 branch)",
        "edits": [("        s = rmatvec(r) - lam * x\n", "        s = rmatvec(r)\n")],
    },
    {
        "name": "cgls_densifies_operator",
        "question": "q5",
        "why": "cgls converts A with np.asarray, which breaks for a LinearOperator",
        "edits": [(
            "    matvec, rmatvec, m, n = _as_operator(\"A\", A)\n    b = _as_vector(\"b\", b, m)\n"
            "    lam = ",
            "    A = np.asarray(A.toarray() if sp.issparse(A) else A, dtype=float)\n"
            "    m, n = A.shape\n    matvec, rmatvec = (lambda v: A @ v), (lambda w: A.T @ w)\n"
            "    b = _as_vector(\"b\", b, m)\n    lam = ",
        )],
    },
    {
        "name": "cgls_history_off_by_one",
        "question": "q5",
        "why": "cgls records the history before the update (the last iterate is missing)",
        "edits": [(
            "        p = s + (gamma_new / gamma) * p\n        gamma = gamma_new\n"
            "        hist[\"resnorm\"].append(float(np.sqrt(r @ r)))\n"
            "        hist[\"xnorm\"].append(float(np.sqrt(x @ x)))\n"
            "        hist[\"normal_resnorm\"].append(float(np.sqrt(gamma)))\n",
            "        hist[\"resnorm\"].append(float(np.linalg.norm(r + alpha * q)))\n"
            "        hist[\"xnorm\"].append(float(np.linalg.norm(x - alpha * p)))\n"
            "        hist[\"normal_resnorm\"].append(float(np.sqrt(gamma)))\n"
            "        p = s + (gamma_new / gamma) * p\n        gamma = gamma_new\n",
        )],
    },
    {
        "name": "cgls_ignores_maxiter",
        "question": "q5",
        "why": "cgls always allows n iterations",
        "edits": [("    maxiter = n if maxiter is None else int(maxiter)\n", "    maxiter = n\n")],
    },
    {
        "name": "sd_ignores_maxiter",
        "question": "q4",
        "why": "steepest_descent_lsq always allows 100 iterations",
        "edits": [("    for _ in range(int(maxiter)):\n", "    for _ in range(100):\n")],
    },
    {
        "name": "cgls_ignores_tol",
        "question": "q5",
        "why": "cgls only stops on maxiter (or an exactly zero gradient)",
        "edits": [("        if np.sqrt(gamma) <= target or gamma == 0:\n",
                   "        if gamma == 0:\n")],
    },
    {
        "name": "cgls_absolute_tol",
        "question": "q5",
        "why": "cgls stops when ||s_k|| <= tol, not relative to ||A^T b||",
        "edits": [(
            "    target = tol * np.linalg.norm(rmatvec(b))\n    r = b - matvec(x)\n    s = ",
            "    target = tol\n    r = b - matvec(x)\n    s = ",
        )],
    },
    {
        "name": "fit_regularizes_bias",
        "question": "q6",
        "why": "fit_linear_model penalizes the bias too (augmented [Y; 1] with lam I)",
        "edits": [(
            "    ybar = Y.mean(axis=1)\n    cbar = C.mean(axis=1)\n"
            "    Wt = lstsq_svd((Y - ybar[:, None]).T, (C - cbar[:, None]).T, lam=lam)\n"
            "    W = Wt.T\n    return W, cbar - W @ ybar\n",
            "    Wbt = lstsq_svd(np.vstack([Y, np.ones((1, Y.shape[1]))]).T, C.T, lam=lam)\n"
            "    return Wbt[:-1].T, Wbt[-1]\n",
        )],
    },
    {
        "name": "fit_uncentred",
        "question": "q6",
        "why": "fit_linear_model fits W on uncentred data and then sets b = mean residual",
        "edits": [(
            "lstsq_svd((Y - ybar[:, None]).T, (C - cbar[:, None]).T, lam=lam)",
            "lstsq_svd(Y.T, C.T, lam=lam)",
        )],
    },
    {
        "name": "select_training_error",
        "question": "q7",
        "why": "select_lambda measures the misfit on the training data",
        "edits": [(
            "np.linalg.norm(W @ Y_val + b[:, None] - C_val) / norm_val",
            "np.linalg.norm(W @ Y_train + b[:, None] - C_train) / np.linalg.norm(C_train)",
        )],
    },
    {
        # replaces "select_last_on_ties": the only ties graded are repeated values of lam
        # (exact in every implementation), where the first and the last give the same value
        "name": "select_returns_index",
        "question": "q7",
        "why": "select_lambda returns the index of the best lam instead of its value",
        "edits": [(
            "float(lambdas[int(np.argmin(errors))])",
            "float(np.argmin(errors))",
        )],
    },
    {
        "name": "select_not_relative",
        "question": "q7",
        "why": "select_lambda forgets to divide by ||C_val||_F",
        "edits": [("    norm_val = np.linalg.norm(C_val)\n", "    norm_val = 1.0\n")],
    },
]
