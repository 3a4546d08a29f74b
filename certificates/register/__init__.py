"""The national training register: who is trained, where, in what, valid until when.

periods.py (calendar year, TIP year, date range), access.py (who sees which part),
queries.py (every figure aggregated in SQL), charts.py (server-rendered SVG), exports.py
(XLSX, CSV), tasks.py (exports in a Celery task), views.py and urls.py. The definitions of the
figures are in `definitions.py` and in the README's register section."""
