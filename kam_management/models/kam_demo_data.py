from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..tools.demo_sales_plan import build_order_plan

DEMO_ACCOUNT_COUNT = 40
DEMO_PRODUCT_XMLIDS = [
    "kam_management.demo_product_maintenance",
    "kam_management.demo_product_license",
    "kam_management.demo_product_integration",
    "kam_management.demo_product_training",
    "kam_management.demo_product_equipment",
]
# Orders of the last days are confirmed but not invoiced yet, as in real life.
NOT_YET_INVOICED_DAYS = 15


class KamDemoData(models.AbstractModel):
    _name = "kam.demo.data"
    _description = "Key Account Management demo data"

    @api.model
    def _generate_sales_history(self):
        """Confirmed orders and posted invoices over the last 18 months.

        Called from the demo data only. The plan (tools/demo_sales_plan.py)
        makes a handful of accounts carry most of the revenue.
        """
        accounts = self.env["res.partner"].browse(
            [
                self.env.ref(f"kam_management.demo_account_{index:02d}").id
                for index in range(1, DEMO_ACCOUNT_COUNT + 1)
            ]
        )
        products = self.env["product.product"].browse(
            [self.env.ref(xmlid).id for xmlid in DEMO_PRODUCT_XMLIDS]
        )
        today = fields.Date.context_today(self)
        plan = build_order_plan(len(accounts), [product.list_price for product in products], today)
        order_vals = []
        for number, planned in enumerate(plan):
            account = accounts[planned.account_index]
            # Half of the orders come from a person of the account, not the company.
            customer = account.child_ids[:1] if number % 2 and account.child_ids else account
            order_vals.append(
                {
                    "partner_id": customer.id,
                    "user_id": account.kam_user_id.id or self.env.ref("base.user_admin").id,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": products[product].id, "product_uom_qty": quantity}
                        )
                        for product, quantity in planned.lines
                    ],
                }
            )
        orders = self.env["sale.order"].create(order_vals)
        orders.action_confirm()
        for order, planned in zip(orders, plan, strict=True):
            # action_confirm stamps the order with today's date
            order.date_order = datetime.combine(planned.order_date, time(10, 0))
        to_invoice = orders.filtered(
            lambda order: order.date_order.date() <= today - timedelta(days=NOT_YET_INVOICED_DAYS)
        )
        invoices = to_invoice._create_invoices(grouped=True)
        for invoice in invoices:
            invoice.invoice_date = invoice.invoice_line_ids.sale_line_ids.order_id.date_order.date()
        invoices.action_post()

    def _date_demo_leads(self):
        """The demo KAMs have led their accounts for over a year, except where a
        handover gave the account to someone else: the former lead's time in the
        team ends the day before."""
        Member = self.env["kam.account.member"]
        today = fields.Date.context_today(self)
        leads = Member.search([("is_lead", "=", True), ("is_current", "=", True)])
        leads.write({"date_start": today - relativedelta(months=14)})
        for handover in self.env["kam.handover"].search([("account_ids", "!=", False)]):
            handed = leads.filtered(
                lambda lead, h=handover: (
                    lead.account_id in h.account_ids and lead.user_id == h.to_user_id
                )
            )
            handed.write({"date_start": handover.date})
            for lead in handed:
                Member.create(
                    {
                        "account_id": lead.account_id.id,
                        "company_id": lead.company_id.id,
                        "user_id": handover.from_user_id.id,
                        "role_id": lead.role_id.id,
                        "date_start": today - relativedelta(months=14),
                        "date_end": handover.date - relativedelta(days=1),
                    }
                )

    @api.model
    def _generate_team_activity(self):
        """Meetings, calls marked done and notes of the account teams over the last
        weeks, so that the measured effort of the demo shows something real; then
        the nightly measure. Called from the demo data only."""
        now = fields.Datetime.now()
        self._date_demo_leads()
        call = self.env.ref("mail.mail_activity_data_call")
        members = self.env["kam.account.member"].search([("is_current", "=", True)])
        for index, member in enumerate(members.filtered(lambda m: m.effort_share >= 10)):
            account, user = member.account_id, member.user_id
            people = account.child_ids[:2] or account
            for week in range(1 + index % 3):
                start = now - timedelta(days=7 * week + 3, hours=index % 5)
                self.env["calendar.event"].create(
                    {
                        "name": self.env._("Review with %(account)s", account=account.name),
                        "start": start,
                        "stop": start + timedelta(hours=1 + index % 2),
                        "user_id": user.id,
                        "partner_ids": [fields.Command.set((people | user.partner_id).ids)],
                    }
                )
            account.with_user(user).activity_schedule(
                activity_type_id=call.id, user_id=user.id, summary=self.env._("Follow-up call")
            ).with_user(user).action_feedback(feedback=self.env._("Call done: next steps agreed"))
            account.with_user(user).message_post(
                body=self.env._("Visit report: production planning for next quarter discussed."),
                message_type="comment",
            )
        self.env["kam.workload"]._cron_workload()
