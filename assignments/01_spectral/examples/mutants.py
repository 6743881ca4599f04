"""Realistic buggy versions of ``spectral.py``: each is the reference with a few edits.

Every mutant must lose points on ``question`` (checked by ``tests/test_modules.py``).
"""

MUTANTS = [
    {
        "name": "distances_not_squared",
        "question": "q1",
        "why": "returns Euclidean distances instead of squared distances",
        "edits": [
            (
                "    np.fill_diagonal(D, 0.0)\n    return D\n",
                "    np.fill_diagonal(D, 0.0)\n    return np.sqrt(D)\n",
            )
        ],
    },
    {
        "name": "distances_diagonal_not_zeroed",
        "question": "q1",
        "why": "relies on the expansion |y|^2 + |y|^2 - 2 y^T y, whose diagonal is only ~0",
        "edits": [("    D = np.maximum(0.5 * (D + D.T), 0.0)\n    np.fill_diagonal(D, 0.0)\n", "")],
    },
    {
        "name": "weights_two_sigma",
        "question": "q2",
        "why": "uses exp(-d^2 / (2 sigma)) (a different normalisation of the width)",
        "edits": [("Wg = np.exp(-D / sigma)", "Wg = np.exp(-D / (2 * sigma))")],
    },
    {
        "name": "knn_and_instead_of_or",
        "question": "q2",
        "why": "symmetrizes the kNN graph with 'and' (mutual kNN) instead of 'or'",
        "edits": [
            (
                'mask = (A | A.T) if kind == "knn" else (A & A.T)',
                'mask = (A & A.T) if kind == "knn" else (A & A.T)',
            )
        ],
    },
    {
        "name": "knn_not_symmetrized",
        "question": "q2",
        "why": "keeps the directed kNN relation: the graph is not symmetric",
        "edits": [
            (
                'mask = (A | A.T) if kind == "knn" else (A & A.T)',
                'mask = A if kind == "knn" else (A & A.T)',
            )
        ],
    },
    {
        "name": "knn_counts_itself",
        "question": "q2",
        "why": "a point is counted as its own nearest neighbour (n_neighbors - 1 real neighbours)",
        "edits": [("        np.fill_diagonal(Dn, np.inf)\n", "")],
    },
    {
        "name": "eps_compares_squared_distance",
        "question": "q2",
        "why": "compares the squared distance with eps instead of eps^2",
        "edits": [("mask = D <= eps**2", "mask = D <= eps")],
    },
    {
        "name": "laplacian_sign_flipped",
        "question": "q3",
        "why": "returns W - D instead of D - W",
        "edits": [("    return np.diag(d) - Wg\n", "    return Wg - np.diag(d)\n")],
    },
    {
        "name": "laplacian_random_walk",
        "question": "q3",
        "why": "normalizes as I - D^{-1} W (random walk) instead of I - D^{-1/2} W D^{-1/2}",
        "edits": [
            (
                "        return np.eye(n) - s[:, None] * Wg * s[None, :]\n",
                "        return np.eye(n) - (s**2)[:, None] * Wg\n",
            )
        ],
    },
    {
        "name": "laplacian_isolated_vertex_nan",
        "question": "q3",
        "why": "divides by sqrt(d) without handling isolated vertices (inf/nan)",
        "edits": [
            (
                "    d = Wg.sum(axis=1)\n    if normalized:\n"
                "        s = np.divide(1.0, np.sqrt(d), out=np.zeros(n), where=d > 0)\n",
                "    d = Wg.sum(axis=1)\n    if normalized:\n"
                "        with np.errstate(divide='ignore', invalid='ignore'):\n"
                "            s = 1.0 / np.sqrt(d)\n",
            )
        ],
    },
    {
        "name": "laplacian_sparse_densified",
        "question": "q3",
        "why": "converts sparse input to a dense array (sparse in must give sparse out)",
        "edits": [
            (
                "        return sp.csr_array(L) if isinstance(Wg, sp.sparray) else L\n",
                "        return L.toarray()\n",
            )
        ],
    },
    {
        "name": "embedding_largest_eigenvalues",
        "question": "q4",
        "why": "takes the eigenvectors of the k largest eigenvalues",
        "edits": [("subset_by_index=[0, k - 1]", "subset_by_index=[n - k, n - 1]")],
    },
    {
        "name": "embedding_columns_not_rows",
        "question": "q4",
        "why": "returns the eigenvectors as the columns of an (n, k) array",
        "edits": [("    return lam, V.T\n", "    return lam, V\n")],
    },
    {
        "name": "kmeans_no_reassignment",
        "question": "q5",
        "why": "updates the centers but keeps the labels of the seeding",
        "edits": [("        new = np.argmin(D, axis=0)\n", "        new = labels\n")],
    },
    {
        "name": "kmeans_history_without_start",
        "question": "q5",
        "why": "the history misses the objective of the seeding (off by one)",
        "edits": [
            (
                '    hist = {"objective": [float(D[labels, np.arange(n)].sum())]}\n',
                '    hist = {"objective": []}\n',
            )
        ],
    },
    {
        "name": "kmeans_ignores_rng",
        "question": "q5",
        "why": "seeds with a fixed generator and ignores the rng argument",
        "edits": [
            (
                "    gen = as_rng(rng)\n    # k-means++ seeding\n",
                "    gen = np.random.default_rng(0)\n    # k-means++ seeding\n",
            )
        ],
    },
    {
        "name": "clustering_on_raw_data",
        "question": "q6",
        "why": "runs k-means on the data instead of the spectral embedding",
        "edits": [
            (
                "        labels, _, hist = kmeans(U, k, rng=gen)\n",
                "        labels, _, hist = kmeans(np.asarray(Y, float), k, rng=gen)\n",
            )
        ],
    },
    {
        "name": "clustering_ignores_graph_options",
        "question": "q6",
        "why": "builds the graph with the defaults (full graph), not the given kind and options",
        "edits": [
            (
                "sigma=sigma, kind=kind, n_neighbors=n_neighbors, eps=eps)\n",
                "sigma=sigma)\n",
            )
        ],
    },
    {
        "name": "semi_supervised_without_alpha",
        "question": "q7",
        "why": "forgets the regularization weight alpha",
        "edits": [
            (
                "    return np.linalg.solve(np.diag(PtP) + alpha * L, Ptc)\n",
                "    return np.linalg.solve(np.diag(PtP) + L, Ptc)\n",
            )
        ],
    },
    {
        "name": "semi_supervised_labels_in_front",
        "question": "q7",
        "why": "puts the labels c in the first len(c) entries instead of at idx",
        "edits": [
            (
                "    Ptc = np.bincount(idx, weights=c, minlength=n)\n",
                "    Ptc = np.zeros(n)\n    Ptc[: c.size] = c\n",
            )
        ],
    },
]
