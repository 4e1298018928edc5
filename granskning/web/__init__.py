"""The web application: the same engine in front of people who never open a terminal.

Server-rendered pages (Jinja2) whose forms work without JavaScript, made partial by htmx
(vendored). Every page, form, download and API route asks
:func:`granskning.domain.access.may` on the server. The modules:

- :mod:`~granskning.web.app`: the Starlette application, its middleware and routes.
- :mod:`~granskning.web.http`: one request's context (user, language, CSRF), routing,
  forms checked field by field, errors as status codes.
- :mod:`~granskning.web.render`: the Jinja2 templates, translated per request.
- :mod:`~granskning.web.pages`: one module per page of the contract.
"""
