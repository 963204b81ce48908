"""The analyst's workspace: ``propwatch serve``, a web app and a REST API over a corpus.

    app.py       the ASGI app factory (routes, error shape, security headers)
    database.py  one store connection per worker thread; cached corpus figures
    auth.py      the access token, the login page and cross-site request protection
    views.py     what a page shows of an article (highlight pieces, fixed colours)
    pages.py     server-rendered HTML pages
    api.py       the REST API under /api/ (OpenAPI at /api/openapi.json)
    run.py       start uvicorn with the checks `propwatch serve` promises

Needs the ``serve`` extra: ``pip install 'propwatch[serve]'``.
"""
