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
        self._confirm_and_invoice(orders, [planned.order_date for planned in plan])

    def _confirm_and_invoice(self, orders, dates):
        """Confirm the orders on their dates; invoice those older than a fortnight on
        the same dates, payable in 30 days."""
        today = fields.Date.context_today(self)
        orders.action_confirm()
        for order, day in zip(orders, dates, strict=True):
            # action_confirm stamps the order with today's date
            order.date_order = datetime.combine(day, time(10, 0))
            order.kam_confirmed_date = order.date_order
        to_invoice = orders.filtered(
            lambda order: order.date_order.date() <= today - timedelta(days=NOT_YET_INVOICED_DAYS)
        )
        invoices = to_invoice._create_invoices(grouped=True)
        payment_term = self.env.ref("account.account_payment_term_30days")
        for invoice in invoices:
            order = invoice.invoice_line_ids.sale_line_ids.order_id
            invoice.write(
                {
                    "invoice_date": order.date_order.date(),
                    "invoice_payment_term_id": payment_term.id,
                }
            )
        invoices.action_post()
        return invoices

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

    @api.model
    def _generate_signal_history(self):
        """What the nightly check of the key accounts should find in the demo: a
        category that stopped, credit notes, invoices paid on time, late or not at
        all, a lost opportunity and a cancelled order; then the concentration and
        the check themselves, so that signals and health show at once."""
        today = fields.Date.context_today(self)
        account = {
            index: self.env.ref(f"kam_management.demo_account_{index:02d}") for index in range(1, 8)
        }
        self._demo_stopped_category(account[1], today)
        invoices = self.env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted")], order="invoice_date"
        )
        credited = invoices.filtered(
            lambda move: (
                move.commercial_partner_id == account[3]
                and move.invoice_date > today - timedelta(days=80)
            )
        )[:1]
        credited._reverse_moves(
            [{"ref": self.env._("Damaged goods"), "invoice_date": today - timedelta(days=10)}]
            * len(credited),
            cancel=True,
        )
        self._demo_payments(invoices - credited, late=account[2], unpaid=account[4], today=today)
        lead = self.env["crm.lead"].create(
            {
                "name": self.env._("Fleet renewal"),
                "type": "opportunity",
                "partner_id": account[3].id,
                "user_id": account[3].kam_user_id.id,
                "expected_revenue": 45000,
            }
        )
        lead.action_set_lost()
        order = self.env["sale.order"].create(
            {
                "partner_id": account[6].id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": self.env.ref(
                                "kam_management.demo_product_integration"
                            ).id,
                            "product_uom_qty": 2,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order._action_cancel()
        company = self.env.company
        self.env["kam.concentration.run"]._compute_for_companies(company)
        # the history the scheduled action back-fills after an install, at once
        company._kam_backfill_concentration()
        self.env["kam.signal.engine"]._check_company(company)

    def _demo_stopped_category(self, account, today):
        """Equipment every month until four months ago, maintenance every month since."""
        equipment = self.env.ref("kam_management.demo_product_equipment")
        maintenance = self.env.ref("kam_management.demo_product_maintenance")
        plan = [(equipment, months) for months in range(16, 3, -1)]
        plan += [(maintenance, months) for months in range(16, 0, -1)]
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": account.id,
                    "user_id": account.kam_user_id.id,
                    "order_line": [fields.Command.create({"product_id": product.id})],
                }
                for product, _months in plan
            ]
        )
        self._confirm_and_invoice(
            orders, [today - relativedelta(months=months, days=3) for _product, months in plan]
        )

    def _demo_payments(self, invoices, late, unpaid, today):
        """Customers pay 20 days after the invoice; ``late`` took 60 days over the last
        months; ``unpaid`` stopped paying."""
        for invoice in invoices:
            account = invoice.commercial_partner_id
            if account == unpaid and invoice.invoice_date > today - relativedelta(months=5):
                continue
            delay = (
                60 if account == late and invoice.invoice_date > today - timedelta(days=150) else 20
            )
            paid_on = invoice.invoice_date + timedelta(days=delay)
            if paid_on >= today:
                continue
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": paid_on}).action_create_payments()

    @api.model
    def _generate_information_demo(self):
        """Spare parts and consumables for the key accounts of Manufacturing, so that
        their whitespace shows (Grupo Alimentario Iberia buys no spare parts, Automoción
        Navarra no consumables); then the nightly information job.
        Called from the demo data only."""
        today = fields.Date.context_today(self)
        bearing = self.env.ref("kam_management.demo_product_bearing_kit")
        controller = self.env.ref("kam_management.demo_product_drive_controller")
        lubricants = self.env.ref("kam_management.demo_product_lubricants")
        monthly = {
            "demo_account_01": [(lubricants, 20)],
            "demo_account_05": [(bearing, 4), (lubricants, 10)],
            "demo_account_16": [(controller, 2)],
            "demo_account_29": [(bearing, 2), (controller, 1), (lubricants, 8)],
        }
        orders, dates = self.env["sale.order"], []
        for xmlid, lines in monthly.items():
            account = self.env.ref(f"kam_management.{xmlid}")
            for months in range(10, 0, -1):
                orders |= self.env["sale.order"].create(
                    {
                        "partner_id": account.id,
                        "user_id": account.kam_user_id.id or self.env.ref("base.user_admin").id,
                        "order_line": [
                            fields.Command.create(
                                {"product_id": product.id, "product_uom_qty": qty}
                            )
                            for product, qty in lines
                        ],
                    }
                )
                dates.append(today - relativedelta(months=months, days=5))
        self._confirm_and_invoice(orders, dates)
        # the ranking of the install stays (its history shows who entered the key set)
        self.env["kam.information.engine"]._refresh_company(self.env.company)
