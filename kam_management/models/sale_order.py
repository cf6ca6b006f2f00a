from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

SALES_USER = "sales_team.group_sale_salesman"


class SaleOrder(models.Model):
    """Sales orders of key accounts.

    Whether the customer is a key account, and its KAM, are those of the order's
    company *today*: read from the account, never stored on orders, so that a
    new classification or a new KAM costs no write on sale_order (installing on
    a database with years of orders included). The KAM *who had the account
    when the order was confirmed* is kept on the order: a sales result belongs
    to whoever managed the account then.
    """

    _inherit = "sale.order"

    kam_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_kam_account",
        search="_search_kam_is_key_account",
        groups=SALES_USER,
        help="The customer of this order is a key account of the order's company today.",
    )
    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        compute="_compute_kam_account",
        search="_search_kam_user_id",
        groups=SALES_USER,
        help="Key Account Manager of the customer of this order in the order's company, today.",
    )
    kam_confirmed_user_id = fields.Many2one(
        "res.users",
        string="KAM at Confirmation",
        readonly=True,
        copy=False,
        groups=SALES_USER,
        help="Key Account Manager of the customer when the order was confirmed: whom the "
        "sale counts for.",
    )

    kam_confirmed_date = fields.Datetime(
        string="Confirmed On",
        readonly=True,
        copy=False,
        help="When the order was confirmed: a cancelled order that had been confirmed is "
        "lost business.",
    )
    kam_cancelled_date = fields.Datetime(string="Cancelled On", readonly=True, copy=False)

    @api.depends(
        "company_id",
        "partner_id.commercial_partner_id.kam_own_user_id",
        "partner_id.commercial_partner_id.kam_own_is_strategic",
        "partner_id.commercial_partner_id.kam_own_key_override",
    )
    def _compute_kam_account(self):
        self.update({"kam_is_key_account": False, "kam_user_id": False})
        for company in self.company_id:
            orders = self.filtered(lambda order, company=company: order.company_id == company)
            # one batch per company: one ranking query for all the orders
            accounts = orders.partner_id.commercial_partner_id.with_company(company).sudo()
            status = {
                account.id: {
                    "kam_is_key_account": account.kam_is_key_account,
                    "kam_user_id": account.kam_own_user_id,
                }
                for account in accounts
            }
            for order in orders:
                order.update(status.get(order.partner_id.commercial_partner_id.id, {}))

    def _search_kam_is_key_account(self, operator, value):
        return self._kam_search("kam_is_key_account", operator, value)

    def _search_kam_user_id(self, operator, value):
        return self._kam_search("kam_user_id", operator, value)

    def _kam_search(self, fname, operator, value):
        """Orders whose customer, in the order's own company, matches."""
        classification = self.env["kam.classification"]
        return expression.OR(
            [
                [("company_id", "=", company.id)]
                + classification.with_company(company)._search_domain(
                    fname, operator, value, partner_field="partner_id.commercial_partner_id"
                )
                for company in self.env.companies
            ]
        )

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # grouped and sorted by in SQL (the Sales orders list, say)
        if fname in ("kam_is_key_account", "kam_user_id") and query is not None:
            self.check_field_access_rights("read", [fname])
            partner = query.make_alias(alias, "kam_partner")
            query.add_join(
                "LEFT JOIN",
                partner,
                "res_partner",
                SQL("%s = %s", SQL.identifier(partner, "id"), SQL.identifier(alias, "partner_id")),
            )
            company = SQL.identifier(alias, "company_id")
            return self.env["kam.classification"]._join(query, partner, company)[fname]
        return super()._field_to_sql(alias, fname, query, flush)

    def action_confirm(self):
        result = super().action_confirm()
        self._kam_record_confirming_kam()
        return result

    def _kam_record_confirming_kam(self):
        """Keep on confirmed orders the KAM their customer has now (one statement)."""
        confirmed = self.filtered(lambda order: order.state == "sale")
        if not confirmed:
            return
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                UPDATE sale_order sale
                   SET kam_confirmed_user_id =
                       (account.kam_own_user_id ->> sale.company_id::text)::integer,
                       kam_confirmed_date = COALESCE(sale.kam_confirmed_date, sale.date_order)
                  FROM res_partner partner
                  JOIN res_partner account ON account.id = partner.commercial_partner_id
                 WHERE partner.id = sale.partner_id AND sale.id = ANY(%s)
                """,
                confirmed.ids,
            )
        )
        confirmed.invalidate_recordset(["kam_confirmed_user_id", "kam_confirmed_date"])

    def _action_cancel(self):
        # an order confirmed before the addon was installed has no confirmation date:
        # it was confirmed on its order date, and its cancellation is lost business too
        undated = self.filtered(
            lambda order: order.state == "sale" and not order.kam_confirmed_date
        )
        result = super()._action_cancel()
        cancelled = self.filtered(lambda order: order.state == "cancel")
        cancelled.write({"kam_cancelled_date": fields.Datetime.now()})
        for order in undated & cancelled:
            order.kam_confirmed_date = order.date_order
        return result
