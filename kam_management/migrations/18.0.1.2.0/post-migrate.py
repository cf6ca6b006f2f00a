"""18.0.1.2.0: tensions, signals and account health (new tables, created by the
update). Sales orders now keep when they were confirmed, so that a cancelled
confirmed order counts as lost business: orders confirmed before the update get
their order date, in one statement. Their cancellation date is unknown: orders
cancelled before the update are not counted as lost business."""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE sale_order SET kam_confirmed_date = date_order
             WHERE kam_confirmed_date IS NULL
               AND (state = 'sale' OR kam_confirmed_user_id IS NOT NULL)
            """
        )
    )
