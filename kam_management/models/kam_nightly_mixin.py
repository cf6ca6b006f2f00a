import contextlib
import logging

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class KamNightlyMixin(models.AbstractModel):
    """Records that a nightly job handles one committed batch at a time.

    Run by the scheduler, each call handles one batch of the records not handled
    since the previous run of the job ended (``lastcall``) and reports the rest
    with ``_notify_progress``: the cron runner commits the batch and calls again.
    A batch that fails is logged and skipped until the next run: a person
    editing a record meanwhile costs at most that batch, never the whole night.
    Run by hand (or by a test), one call handles every record, batch by batch.
    """

    _name = "kam.nightly.mixin"
    _description = "Handled by a nightly job in batches"

    nightly_date = fields.Datetime(
        string="Last Nightly Check",
        readonly=True,
        copy=False,
        help="When the nightly job last handled this record.",
    )

    def _nightly_process(self):
        """The nightly work on a batch of records."""
        raise NotImplementedError

    @api.model
    def _nightly_run_batch(self, domain, batch_size):
        scheduled = "ir_cron_progress_id" in self.env.context
        if scheduled:
            last_run_end = self.env.context.get("lastcall")
            domain = expression.AND(
                [
                    domain,
                    ["|", ("nightly_date", "=", False), ("nightly_date", "<", last_run_end)]
                    if last_run_end
                    else [("nightly_date", "=", False)],
                ]
            )
        attempted = []
        while batch := self.search(
            expression.AND([domain, [("id", "not in", attempted)]]), order="id", limit=batch_size
        ):
            attempted += batch.ids
            try:
                with self.env.cr.savepoint():
                    batch._nightly_process()
                    batch._nightly_mark_done()
            except Exception:
                _logger.exception(
                    "Nightly job on %s: the batch %s failed and is skipped until the next run",
                    self._description,
                    batch.ids,
                )
                # a record locked by a person's edit cannot be marked either: it
                # stays pending and the next call tries it again
                with contextlib.suppress(Exception), self.env.cr.savepoint():
                    batch._nightly_mark_done()
            if scheduled:
                remaining = self.search_count(domain)
                self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
                return

    def _nightly_mark_done(self):
        # not a change by a person: no tracking, no "last change" of the record
        self.env.execute_query(
            SQL(
                "UPDATE %s SET nightly_date = %s WHERE id = ANY(%s)",
                SQL.identifier(self._table),
                fields.Datetime.now(),
                self.ids,
            )
        )
        self.invalidate_recordset(["nightly_date"])
