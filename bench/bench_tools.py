"""What the benchmark scripts share: an environment on the database, a timer."""

import contextlib
import statistics
import time

import odoo


@contextlib.contextmanager
def superuser_env(database, addons_path):
    """An environment of the superuser on ``database``, its cursor closed after."""
    odoo.tools.config.parse_config(["-d", database, "--addons-path", addons_path])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def timed(function, repeat=1):
    """The median duration of ``repeat`` calls of ``function``, in seconds."""
    durations = []
    for _attempt in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)
