"""numdl: a simple, mathematically sound deep learning code from scratch.

The course package of "Numerical Methods for Deep Learning" (Ruthotto & Haber).
Data are stored with one example per column: ``Y`` has shape ``(n_f, n)``.

Provided modules (complete): ``datasets``, ``activations``, ``utils``, ``plotting``,
``checks``. Graded modules (you implement them): ``spectral``, ``least_squares``,
``classification``, ``single_layer``, ``conv``, ``mlp``, ``resnet``,
``optimal_control``.
"""
