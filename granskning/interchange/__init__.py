"""Interchange: the review export format, its validation and the merge on import.

- ``format``: the file's records (pydantic), the table of where each field is stored
  (``COLUMNS``), reading a file.
- ``validate``: a file's references and the commands' rules, one rule function per kind.
- ``export``: a review as an export document, one record builder per kind.
- ``merge``: an import, inside the caller's transaction: ``people``, the review's
  ``history`` (its life cycle) and its ``records`` (one merge spec per kind), over the
  shared ``state``.
- ``rules``: the services' rules these apply, handed down by ``services.exchange``, which
  holds the entry points (``export_review``, ``import_review``).
"""
