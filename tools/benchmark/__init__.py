"""Build benchmark of the report book (``make benchmark``): figures printed, nothing asserted.

In one run, on the same content: a clean build of the real book and where its time goes (kernel start,
imports, page execution, chart rendering, Jupyter Book), a no-op rebuild, Jupyter Book's own execution
of the same notebooks (``execute_notebooks: force``, then ``cache``) as a ratio, the weight of every
page (HTML and executed notebook, beyond the shared chart bundle), and the same at 10x, 100x and 1000x
the curated events (synthetic data, :mod:`tools.synthetic`).
"""
