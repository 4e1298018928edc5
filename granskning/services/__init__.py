"""Services: one module per capability, each write one unit of work on the Store.

Importing the package installs the table of event handlers (:mod:`.handlers`) that every
unit of work runs, and the preparations of slow actions.
"""

from granskning.services import handlers as _handlers, reviews as _reviews
from granskning.storage import uow as _uow

_uow.install(_handlers.HANDLERS)
_reviews.PREPARE.update(_handlers.PREPARE)
