"""moto's server answering one request at a time.

`moto_server` serves each request on its own thread, but moto's DynamoDB transaction
deep-copies each table it touches and restores that copy when it fails. Two at once
race: the copy raises "dictionary changed size during iteration" (a 500), or a failed
transaction restores a table without another's committed write, which DynamoDB never
does. Served one by one, moto keeps DynamoDB's atomicity.

It also stops when the test that started it is gone, even killed (a timeout), instead
of staying behind on a core.

Usage: python3 moto_serial.py HOST PORT PARENT_PID
"""

import os
import sys
import threading
import time

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import WSGIRequestHandler, run_simple

try:
    from moto.moto_server.werkzeug_app import MotoRequestHandler
except ImportError:  # an older moto
    MotoRequestHandler = WSGIRequestHandler


def stop_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


host, port, parent = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
threading.Thread(target=stop_when_orphaned, args=(parent,), daemon=True).start()
run_simple(
    host,
    port,
    DomainDispatcherApplication(create_backend_app),
    threaded=False,
    request_handler=MotoRequestHandler,
)
