from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Revenue before and after a handover is compared over this many days.
COMPARED_DAYS = 90
# A stakeholder is "known to the former KAM only" when no other colleague met or
# wrote to them over this many days.
CONTACT_DAYS = 365


class KamHandover(models.Model):
    """Key accounts passed from one KAM to another, and what came of it."""

    _name = "kam.handover"
    _inherit = ["mail.thread"]
    _description = "Handover of key accounts"
    _order = "date desc, id desc"
    _check_company_auto = True

    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    from_user_id = fields.Many2one("res.users", string="From", required=True, readonly=True)
    to_user_id = fields.Many2one("res.users", string="To", required=True, readonly=True)
    account_ids = fields.Many2many("res.partner", string="Accounts", readonly=True)
    account_count = fields.Integer(string="Number of Accounts", compute="_compute_account_count")
    transition_until = fields.Date(
        readonly=True,
        help="Until this day the former KAM still follows the accounts and their plans.",
    )
    transition_over = fields.Boolean(readonly=True)
    revenue_before = fields.Monetary(
        string="Revenue 90 Days Before",
        compute="_compute_revenue",
        help="Revenue of the accounts over the 90 days before the handover.",
    )
    revenue_after = fields.Monetary(
        string="Revenue 90 Days After",
        compute="_compute_revenue",
        help="Revenue of the accounts over the 90 days from the handover (so far).",
    )

    @api.depends("account_ids")
    def _compute_account_count(self):
        for handover in self:
            handover.account_count = len(handover.account_ids)

    @api.depends("date", "account_ids", "company_id")
    def _compute_revenue(self):
        plan_model = self.env["kam.account.plan"]
        periods, today = [], fields.Date.context_today(self)
        for handover in self:
            before = (handover.date - timedelta(days=COMPARED_DAYS), handover.date - timedelta(1))
            after = (handover.date, min(today, handover.date + timedelta(days=COMPARED_DAYS - 1)))
            for account in handover.account_ids:
                for sign, (start, end) in ((-1, before), (1, after)):
                    periods.append((sign * handover.id, handover.company_id, account, start, end))
        revenue = plan_model._measure_accounts(periods) if periods else {}
        for handover in self:
            handover.revenue_before = revenue.get(-handover.id, 0.0)
            handover.revenue_after = revenue.get(handover.id, 0.0)

    @api.depends("from_user_id", "to_user_id", "date")
    def _compute_display_name(self):
        for handover in self:
            handover.display_name = self.env._(
                "%(from)s → %(to)s, %(date)s",
                **{
                    "from": handover.from_user_id.name,
                    "to": handover.to_user_id.name,
                    "date": handover.date,
                },
            )

    def action_print_dossier(self):
        return self.env.ref("kam_management.kam_handover_dossier_action").report_action(self)

    # ------------------------------------------------------------------
    # The dossier of an account
    # ------------------------------------------------------------------
    def _dossier(self, account):
        """What the new KAM must know of an account, for the chatter and the PDF."""
        self.ensure_one()
        company, today = self.company_id, self.date
        account = account.with_company(company)
        people = account.child_ids | account
        orders = self.env["sale.order"].search(
            [
                ("partner_id", "in", people.ids),
                ("company_id", "=", company.id),
                ("state", "=", "sale"),
                ("invoice_status", "in", ("to invoice", "no")),
            ],
            order="date_order desc",
            limit=20,
        )
        overdue = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", account.id),
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", today),
            ],
            order="invoice_date_due",
        )
        opportunities = self.env["crm.lead"].search(
            [
                ("partner_id", "in", people.ids),
                ("company_id", "in", (company.id, False)),
                ("type", "=", "opportunity"),
                ("probability", "<", 100),
            ],
            order="expected_revenue desc",
        )
        plan = account.sudo().kam_current_plan_id
        notes = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", people.ids),
                ("message_type", "=", "comment"),
                ("body", "!=", False),
            ],
            order="date desc",
            limit=5,
        )
        return {
            "account": account,
            "orders": orders,
            "overdue": overdue,
            "overdue_total": sum(overdue.mapped("amount_residual_signed")),
            "revenue_by_category": self._revenue_by_category(account, today),
            "opportunities": opportunities,
            "plan": plan,
            "objectives": plan.objective_ids,
            "to_introduce": self._known_to_former_kam_only(account),
            "notes": notes,
        }

    def _revenue_by_category(self, account, today):
        """Invoiced revenue of the last 24 months by product category (company currency)."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(category.complete_name, %(none)s), -SUM(line.balance)
                  FROM account_move move
                  JOIN account_move_line line ON line.move_id = move.id
                       AND line.display_type = 'product'
             LEFT JOIN product_product product ON product.id = line.product_id
             LEFT JOIN product_template template ON template.id = product.product_tmpl_id
             LEFT JOIN product_category category ON category.id = template.categ_id
                 WHERE %(counted)s
                   AND move.commercial_partner_id = %(account)s
                   AND move.invoice_date > %(since)s
              GROUP BY 1
              ORDER BY 2 DESC
                """,
                none=self.env._("Without product"),
                counted=self.env["kam.concentration.engine"]._counted_invoices(self.company_id),
                account=account.id,
                since=today - relativedelta(months=24),
            )
        )
        return [(name, float(amount or 0.0)) for name, amount in rows]

    def _known_to_former_kam_only(self, account):
        """Stakeholders no colleague but the former KAM met or wrote to lately."""
        stakeholders = account.sudo().kam_stakeholder_ids
        if not stakeholders:
            return stakeholders
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT stakeholder.id, ARRAY_AGG(DISTINCT colleague.id)
                  FROM kam_stakeholder stakeholder
             LEFT JOIN LATERAL (
                    SELECT colleague.id
                      FROM mail_message message
                      JOIN res_users colleague ON colleague.partner_id = message.author_id
                     WHERE message.model = 'res.partner' AND message.res_id = stakeholder.contact_id
                       AND message.date > %(since)s AND NOT colleague.share
                     UNION
                    SELECT colleague.id
                      FROM calendar_event_res_partner_rel person
                      JOIN calendar_event event ON event.id = person.calendar_event_id
                      JOIN calendar_event_res_partner_rel present
                        ON present.calendar_event_id = event.id
                      JOIN res_users colleague ON colleague.partner_id = present.res_partner_id
                     WHERE person.res_partner_id = stakeholder.contact_id
                       AND event.start > %(since)s AND NOT colleague.share
                ) colleague ON TRUE
                 WHERE stakeholder.id = ANY(%(ids)s)
              GROUP BY stakeholder.id
                """,
                since=fields.Datetime.subtract(fields.Datetime.now(), days=CONTACT_DAYS),
                ids=stakeholders.ids,
            )
        )
        contacts = {sid: {c for c in colleagues if c} for sid, colleagues in rows}
        former = self.from_user_id.id
        return stakeholders.filtered(
            lambda s: (
                contacts.get(s.id) == {former}
                or (not contacts.get(s.id) and s.owner_id.id == former)
            )
        )

    # ------------------------------------------------------------------
    # End of the transition
    # ------------------------------------------------------------------
    @api.model
    def _cron_end_transitions(self):
        """The former KAM stops following the accounts once the transition is over."""
        today = fields.Date.context_today(self)
        for handover in self.sudo().search(
            [("transition_over", "=", False), ("transition_until", "<", today)]
        ):
            partner = handover.from_user_id.partner_id
            handover.account_ids.message_unsubscribe(partner_ids=partner.ids)
            plans = (
                self.env["kam.account.plan"]
                .sudo()
                .search([("account_id", "in", handover.account_ids.ids)])
            )
            plans.message_unsubscribe(partner_ids=partner.ids)
            handover.transition_over = True
