from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, LazyTranslate

_lt = LazyTranslate(__name__)

HEALTH_BANDS = [("healthy", "Healthy"), ("watch", "Watch"), ("at_risk", "At Risk")]
COMPONENT_LABELS = {
    "revenue": _lt("Revenue trend"),
    "payment": _lt("Payment behaviour"),
    "rhythm": _lt("Order rhythm"),
    "relationship": _lt("Relationships"),
    "plan": _lt("Account plan"),
    "tension": _lt("Open tensions"),
}
# the signals behind each component
COMPONENT_RULES = {
    "revenue": ("revenue_decline", "left_key_set"),
    "payment": ("overdue", "payment_drift"),
    "rhythm": ("order_rhythm",),
    "relationship": ("relationship",),
    "plan": (),
    "tension": (),
}


class KamAccountHealth(models.Model):
    """The health of a key account in a company on a day: a weekly snapshot (and
    one more at every change of band); the latest is the account's health now."""

    _name = "kam.account.health"
    _inherit = ["kam.account.managed.mixin"]
    _description = "Health of a key account"
    _order = "date desc, id desc"
    _rec_name = "account_id"

    account_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(required=True, readonly=True)
    is_current = fields.Boolean(string="Current", readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    band = fields.Selection(HEALTH_BANDS, readonly=True)
    best_score = fields.Integer(
        readonly=True, help="Technical: the best score this snapshot held while it was current."
    )
    score_drop = fields.Integer(
        string="Fall in 30 Days",
        readonly=True,
        help="Points lost against the best score of the last 30 days.",
    )
    is_falling = fields.Boolean(
        string="Falling",
        readonly=True,
        help="The score fell by more than the company's alert in 30 days.",
    )
    drop_notified = fields.Boolean(readonly=True)
    main_reason = fields.Char(
        compute="_compute_main_reason",
        help="The component that costs the account the most points, and why.",
    )
    weights = fields.Char(readonly=True, help="Technical: the weights the score was made with.")
    revenue_points = fields.Float(readonly=True, digits=(16, 1))
    payment_points = fields.Float(readonly=True, digits=(16, 1))
    rhythm_points = fields.Float(readonly=True, digits=(16, 1))
    relationship_points = fields.Float(readonly=True, digits=(16, 1))
    plan_points = fields.Float(readonly=True, digits=(16, 1))
    tension_points = fields.Float(readonly=True, digits=(16, 1))
    # what the points were made of
    revenue_change = fields.Float(readonly=True, digits=(16, 1))
    overdue_days = fields.Integer(readonly=True)
    payment_drift_days = fields.Float(readonly=True, digits=(16, 1))
    regular_categories = fields.Integer(readonly=True)
    broken_categories = fields.Integer(readonly=True)
    gaps = fields.Integer(readonly=True)
    stakeholders = fields.Integer(readonly=True)
    stakeholders_in_cadence = fields.Integer(readonly=True)
    has_live_plan = fields.Boolean(readonly=True)
    plan_progress = fields.Float(readonly=True, digits=(16, 1))
    plan_is_stale = fields.Boolean(readonly=True)
    tension_severities = fields.Char(readonly=True)
    explanation = fields.Html(compute="_compute_explanation", sanitize=False)

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS kam_account_health_current_unique"
                " ON kam_account_health (account_id, company_id) WHERE is_current"
            )
        )

    # ------------------------------------------------------------------
    # The explanation: every component, its points out of its weight, why
    # ------------------------------------------------------------------
    def _weights(self):
        names = ("revenue", "payment", "rhythm", "relationship", "plan", "tension")
        values = [int(value) for value in (self.weights or "").split(",") if value]
        return dict(zip(names, values, strict=False)) if len(values) == 6 else {}

    def _component_reason(self, name):
        if name == "revenue":
            if not self.revenue_change and self.revenue_points:
                return self.env._("No decline measured.")
            return self.env._("Revenue changed by %(change).1f %%.", change=self.revenue_change)
        if name == "payment":
            parts = []
            if self.overdue_days:
                parts.append(
                    self.env._("Oldest invoice %(days)s days past due.", days=self.overdue_days)
                )
            if self.payment_drift_days > 0:
                parts.append(
                    self.env._(
                        "Pays %(days).0f days slower than before.", days=self.payment_drift_days
                    )
                )
            return " ".join(parts) or self.env._("Pays on time.")
        if name == "rhythm":
            if not self.regular_categories:
                return self.env._("No category bought regularly yet.")
            return self.env._(
                "Regularly bought categories that stopped: %(broken)s of %(regular)s.",
                broken=self.broken_categories,
                regular=self.regular_categories,
            )
        if name == "relationship":
            return self.env._(
                "Gaps on the map: %(gaps)s; people contacted within their cadence: %(fresh)s "
                "of %(people)s.",
                gaps=self.gaps,
                fresh=self.stakeholders_in_cadence,
                people=self.stakeholders,
            )
        if name == "plan":
            if not self.has_live_plan:
                return self.env._("No active account plan.")
            return self.env._(
                "Objectives at %(progress).0f %%%(stale)s.",
                progress=self.plan_progress,
                stale=self.env._(", plan stale") if self.plan_is_stale else "",
            )
        severities = [s for s in (self.tension_severities or "").split(",") if s]
        if not severities:
            return self.env._("No open tension.")
        labels = dict(self.env["kam.tension"]._fields["severity"]._description_selection(self.env))
        return self.env._(
            "Unresolved: %(list)s.", list=", ".join(labels.get(s, s) for s in severities)
        )

    @api.depends_context("lang")
    def _compute_main_reason(self):
        lang = self.env.lang or "en_US"
        for health in self:
            weights = health._weights()
            losses = {
                name: weights.get(name, 0) - health[f"{name}_points"] for name in COMPONENT_LABELS
            }
            worst = max(losses, key=losses.get) if losses else None
            health.main_reason = (
                f"{COMPONENT_LABELS[worst]._translate(lang)}: {health._component_reason(worst)}"
                if worst and losses[worst] > 0
                else False
            )

    @api.depends_context("lang")
    def _compute_explanation(self):
        signals = self.env["kam.signal"].search(
            [
                ("account_id", "in", self.account_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "=", "open"),
            ]
        )
        # the plans and tensions behind their components
        plans = self.env["kam.account.plan"].search(
            [
                ("account_id", "in", self.account_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "in", ("active", "review")),
            ]
        )
        tensions = self.env["kam.tension"].search(
            [
                ("account_id", "in", self.account_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "!=", "resolved"),
            ]
        )
        lang = self.env.lang or "en_US"
        for health in self:
            weights = health._weights()
            mine = {
                "plan": plans.filtered(
                    lambda p, h=health: (
                        p.account_id == h.account_id and p.company_id == h.company_id
                    )
                ),
                "tension": tensions.filtered(
                    lambda t, h=health: (
                        t.account_id == h.account_id and t.company_id == h.company_id
                    )
                ),
            }
            rows = []
            for name, label in COMPONENT_LABELS.items():
                links = [
                    Markup('<a href="/odoo/kam.signal/%s">%s</a>')
                    % (signal.id, signal.reason or signal.display_name)
                    for signal in signals
                    if signal.rule in COMPONENT_RULES[name]
                    and signal.account_id == health.account_id
                    and signal.company_id == health.company_id
                ] + [
                    Markup('<a href="/odoo/%s/%s">%s</a>')
                    % (record._name, record.id, record.display_name)
                    for record in mine.get(name, [])
                ]
                rows.append(
                    Markup(
                        "<tr><td>%s</td><td class='text-end text-nowrap'>%s / %s</td>"
                        "<td>%s%s</td></tr>"
                    )
                    % (
                        label._translate(lang),
                        f"{health[f'{name}_points']:.1f}",
                        weights.get(name, "-"),
                        escape(health._component_reason(name)),
                        (Markup("<br/>") + Markup("<br/>").join(links)) if links else "",
                    )
                )
            health.explanation = Markup(
                "<table class='table table-sm o_kam_health_explanation'><thead><tr>"
                "<th>%s</th><th class='text-end'>%s</th><th>%s</th></tr></thead>"
                "<tbody>%s</tbody></table>"
            ) % (
                self.env._("Component"),
                self.env._("Points"),
                self.env._("Why"),
                Markup("").join(rows),
            )
