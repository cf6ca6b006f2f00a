from odoo import api, fields, models


class KamAccountRefMixin(models.AbstractModel):
    """Rows written in bulk by the concentration computation, tens of thousands
    at a time, that refer to their account by id, without a foreign key.

    PostgreSQL checks a foreign key row by row, locking the partner row it
    checks: those checks were three quarters of the cost of inserting ranking
    and history rows (9 000 history lines: 102 ms with the key, 26 ms without;
    installing on 50 000 customers: 0.6 s per company for the ranking rows).
    The ``partner_id`` users see is read from the id. Rows of a deleted
    partner are left to the next computation (ranking) or kept as history;
    partner merges move them (see the merge wizard).
    """

    _name = "kam.account.ref.mixin"
    _description = "Row of an account, by id"

    account_ref = fields.Integer(string="Account ID", index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        compute="_compute_partner_id",
        inverse="_inverse_partner_id",
        search="_search_partner_id",
    )

    @api.depends("account_ref")
    def _compute_partner_id(self):
        existing = self.env["res.partner"].browse(set(self.mapped("account_ref"))).exists()
        for row in self:
            row.partner_id = existing.browse(row.account_ref) & existing

    def _inverse_partner_id(self):
        for row in self:
            row.account_ref = row.partner_id.id

    def _search_partner_id(self, operator, value):
        if operator in ("=", "!=", "in", "not in") and not isinstance(value, str):
            ids = value.ids if isinstance(value, models.BaseModel) else value
            return [("account_ref", operator, ids)]
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search([("display_name", operator, value)])
        )
        return [("account_ref", "in", partners)]

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # grouped and sorted by account (the Pareto chart, the ranking) through its id
        if fname == "partner_id":
            fname = "account_ref"
        return super()._field_to_sql(alias, fname, query, flush)
