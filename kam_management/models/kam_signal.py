from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, LazyTranslate
from odoo.tools.misc import format_amount, format_date

_lt = LazyTranslate(__name__)

SIGNAL_RULES = [
    ("overdue", "Overdue receivables"),
    ("payment_drift", "Payment drift"),
    ("revenue_decline", "Revenue decline"),
    ("order_rhythm", "Order rhythm broken"),
    ("credit_notes", "Credit notes"),
    ("lost_business", "Lost business"),
    ("relationship", "Relationship"),
    ("left_key_set", "Left the key set"),
]
SIGNAL_STATES = [("open", "Open"), ("closed", "Closed"), ("dismissed", "Dismissed")]
# the tension type a signal becomes by default
RULE_TENSION_TYPE = {
    "overdue": "kam_tension_type_payment",
    "payment_drift": "kam_tension_type_payment",
    "credit_notes": "kam_tension_type_quality",
    "relationship": "kam_tension_type_relationship",
    "revenue_decline": "kam_tension_type_other",
    "order_rhythm": "kam_tension_type_other",
    "lost_business": "kam_tension_type_other",
    "left_key_set": "kam_tension_type_other",
}
# what the relationship rule lists (kam.signal.label holds their codes)
RELATIONSHIP_PARTS = {
    "no_decision_maker": _lt("no decision maker identified"),
    "decision_maker_overdue": _lt("decision maker not contacted within cadence"),
    "single_threaded": _lt("single-threaded"),
    "unbalanced_opponent": _lt("high-influence opponent without an equal supporter"),
    "decision_maker_archived": _lt("a decision maker left the map"),
    "stale_plan": _lt("the account plan is stale"),
}


class KamSignal(models.Model):
    """A warning read from the ERP about a key account, raised and closed every night."""

    _name = "kam.signal"
    _inherit = ["kam.account.managed.mixin"]
    _description = "Signal about a key account"
    _order = "state, first_seen desc, id desc"
    _rec_name = "rule"

    account_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    rule = fields.Selection(SIGNAL_RULES, required=True, readonly=True)
    state = fields.Selection(SIGNAL_STATES, default="open", required=True, readonly=True)
    reason = fields.Char(compute="_compute_reason", help="What raised it, with its figures.")
    first_seen = fields.Date(required=True, readonly=True)
    last_seen = fields.Date(
        compute="_compute_last_seen",
        help="The last night the condition held: the last check of the company while the "
        "signal is open.",
    )
    date_closed = fields.Date(string="Closed On", readonly=True)
    amount = fields.Monetary(readonly=True)
    previous_amount = fields.Float(readonly=True)
    count = fields.Integer(readonly=True)
    days = fields.Integer(readonly=True)
    percent = fields.Float(readonly=True, digits=(16, 1))
    label = fields.Char(readonly=True)
    evidence_key = fields.Char(readonly=True, help="Technical: changes with the figures.")
    move_ids = fields.Many2many(
        "account.move", "kam_signal_account_move_rel", "signal_id", "move_id", readonly=True,
        string="Invoices and Credit Notes",
    )  # fmt: skip
    order_ids = fields.Many2many(
        "sale.order", "kam_signal_sale_order_rel", "signal_id", "order_id", readonly=True,
        string="Sales Orders",
    )  # fmt: skip
    lead_ids = fields.Many2many(
        "crm.lead", "kam_signal_crm_lead_rel", "signal_id", "lead_id", readonly=True,
        string="Opportunities", context={"active_test": False},  # lost ones are archived
    )  # fmt: skip
    dismiss_reason = fields.Text(readonly=True)
    dismissed_until = fields.Date(
        readonly=True, help="The same signal is not raised again for this account until then."
    )
    dismissed_by_id = fields.Many2one("res.users", readonly=True)
    tension_id = fields.Many2one("kam.tension", readonly=True, index="btree_not_null")

    def init(self):
        # never two open signals of a rule for an account in a company, whatever reruns
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS kam_signal_open_unique"
                " ON kam_signal (account_id, company_id, rule) WHERE state = 'open'"
            )
        )

    @api.depends("rule", "account_id")
    def _compute_display_name(self):
        rules = dict(self._fields["rule"]._description_selection(self.env))
        for signal in self:
            signal.display_name = f"{rules.get(signal.rule, '')}: {signal.account_id.name or ''}"

    @api.depends("state", "date_closed", "company_id.kam_last_signal_date")
    def _compute_last_seen(self):
        for signal in self:
            signal.last_seen = (
                signal.company_id.kam_last_signal_date
                if signal.state == "open"
                else signal.date_closed
            )

    @api.depends(
        "rule", "amount", "previous_amount", "count", "days", "percent", "label", "currency_id"
    )
    @api.depends_context("lang")
    def _compute_reason(self):
        for signal in self:
            signal.reason = signal._reason() if signal.rule else False

    def _money(self, amount):
        return format_amount(self.env, amount or 0.0, self.currency_id)

    def _reason(self):
        self.ensure_one()
        if self.rule == "overdue":
            return self.env._(
                "%(amount)s past due (invoices overdue: %(count)s, the oldest for %(days)s days)",
                count=self.count,
                amount=self._money(self.amount),
                days=self.days,
            )
        if self.rule == "payment_drift":
            return self.env._(
                "Pays in %(days)s days on average over the last 90 days, against %(before).0f "
                "days over the 12 months before",
                days=self.days,
                before=self.previous_amount,
            )
        if self.rule == "revenue_decline":
            if self.label == "quarter":
                return self.env._(
                    "Revenue down %(percent).1f %%: %(amount)s over the last 3 months against "
                    "%(before)s over the same months a year before",
                    percent=abs(self.percent),
                    amount=self._money(self.amount),
                    before=self._money(self.previous_amount),
                )
            return self.env._(
                "Revenue down %(percent).1f %%: %(amount)s over the revenue window against "
                "%(before)s over the window before",
                percent=abs(self.percent),
                amount=self._money(self.amount),
                before=self._money(self.previous_amount),
            )
        if self.rule == "order_rhythm":
            return self.env._(
                "No order of %(categories)s for %(days)s days (usually every %(usual).0f days "
                "at most) while other categories keep coming: lost to a competitor?",
                categories=self.label,
                days=self.days,
                usual=self.previous_amount,
            )
        if self.rule == "credit_notes":
            return self.env._(
                "Credit notes of %(amount)s against %(invoiced)s invoiced over 90 days "
                "(%(percent).1f %%)",
                amount=self._money(self.amount),
                invoiced=self._money(self.previous_amount),
                percent=self.percent,
            )
        if self.rule == "lost_business":
            return self.env._(
                "%(amount)s of business lost over 90 days (lost opportunities and cancelled "
                "orders: %(count)s)",
                count=self.count,
                amount=self._money(self.amount),
            )
        if self.rule == "relationship":
            lang = self.env.lang or "en_US"
            parts = [
                RELATIONSHIP_PARTS[code]._translate(lang)
                for code in (self.label or "").split(",")
                if code in RELATIONSHIP_PARTS
            ]
            return self.env._("Relationship: %(parts)s", parts="; ".join(parts))
        if self.rule == "left_key_set":
            return self.env._(
                "Left the key accounts on %(date)s: rank %(rank)s, %(share).2f %% of the revenue",
                date=format_date(self.env, self.first_seen),
                rank=self.count,
                share=self.percent,
            )
        return ""

    # ------------------------------------------------------------------
    # What a KAM may do with a signal
    # ------------------------------------------------------------------
    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Signals are raised and closed by the nightly check: dismiss one or make "
                    "it a tension with its buttons."
                )
            )
        return super().write(vals)

    def action_dismiss(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dismiss Signal"),
            "res_model": "kam.signal.dismiss.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_signal_ids": self.ids},
        }

    def _dismiss(self, reason):
        if not reason or not reason.strip():
            raise UserError(self.env._("Say why the signal is dismissed."))
        self.check_access("write")  # the account team and the managers
        for signal in self.sudo():
            if signal.state != "open":
                raise UserError(
                    self.env._(
                        "Only open signals can be dismissed (%(signal)s).",
                        signal=signal.display_name,
                    )
                )
            signal.write(
                {
                    "state": "dismissed",
                    "dismiss_reason": reason.strip(),
                    "dismissed_by_id": self.env.user.id,
                    "dismissed_until": fields.Date.context_today(signal)
                    + timedelta(days=signal.company_id.kam_signal_snooze_days),
                }
            )

    def action_make_tension(self):
        """Open a new tension about this signal, its documents linked."""
        self.ensure_one()
        if self.tension_id:
            return self._open(self.tension_id)
        self.check_access("write")  # the account team and the managers
        tension = self.env["kam.tension"].create(
            {
                "name": self.display_name,
                "account_id": self.account_id.id,
                "company_id": self.company_id.id,
                "type_id": self.env.ref(f"kam_management.{RULE_TENSION_TYPE[self.rule]}").id,
                "description": self.reason,
                # all the documents behind the signal, those the user may not open too
                "invoice_ids": [fields.Command.set(self.sudo().move_ids.ids)],
                "sale_order_ids": [fields.Command.set(self.sudo().order_ids.ids)],
                "lead_ids": [fields.Command.set(self.sudo().lead_ids.ids)],
            }
        )
        self.sudo().tension_id = tension
        return self._open(tension)

    def _open(self, record):
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }
