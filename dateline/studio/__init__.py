"""Label Studio round trip: labeling config, conversion, push and pull, agreement, adjudication.

Only :mod:`dateline.studio.client` imports the Label Studio SDK (the ``studio`` extra), and only
when a command talks to a server; config generation and file conversion need nothing extra.

>>> from dateline.studio import labeling_config
>>> labeling_config().startswith("<View>")
True
"""

from dateline.studio.config import labeling_config
from dateline.studio.convert import task_documents
from dateline.studio.tasks import document_task, text_hash

__all__ = ["document_task", "labeling_config", "task_documents", "text_hash"]
