"""The build of the book: the plan (``plan``), staging (``stage``), executing pages (``execute``, with
``fresh_page`` run in each kernel; every child process forked by ``processes``), the page cache (``cache``), post-processing (``postprocess``),
Jupyter Book (``jupyterbook``), publishing (``publish``), the whole build (``build``) and custom
reports (``custom``)."""
