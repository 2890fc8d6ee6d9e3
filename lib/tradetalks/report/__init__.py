"""The tables and sentences of each page of the book: one module per page (``overview``, ``timeline``,
``actors``, ``sticking_points``, ``point``, ``round``, ``sources``), and what they share (``common``)."""
