from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

METRICS = [
    ("revenue", "Revenue"),
    ("revenue_growth", "Revenue Growth (%)"),
    ("order_count", "Confirmed Orders"),
    ("category_revenue", "Revenue in a Product Category"),
    ("manual", "Manual"),
]
STATUSES = [
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("late", "Late"),
    ("done", "Done"),
]
# Points of progress an objective may lag behind a steady pace before it is at risk.
AT_RISK_LAG = 10.0


class KamAccountPlanObjective(models.Model):
    """A measurable objective of an account plan."""

    _name = "kam.account.plan.objective"
    _description = "Account Plan Objective"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("kam.account.plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Objective", required=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    account_id = fields.Many2one(related="plan_id.account_id", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )
    deadline = fields.Date(help="By default the end of the plan.")
    metric = fields.Selection(
        METRICS,
        default="revenue",
        required=True,
        help="Revenue, growth and category revenue are measured from the revenue source of "
        "the Key Account settings over the plan period; confirmed orders from sale orders; "
        "a manual objective's actual is typed in.",
    )
    product_category_id = fields.Many2one(
        "product.category",
        help="Revenue of this category and its subcategories.",
    )
    target = fields.Float(
        required=True,
        digits=(16, 2),
        help="Amount in company currency, growth in percent, or number of orders.",
    )
    actual = fields.Float(
        digits=(16, 2),
        copy=False,
        help="Measured every night for automatic metrics; typed for manual ones.",
    )
    unit = fields.Char(compute="_compute_unit")
    measure_note = fields.Char(readonly=True, copy=False)
    progress = fields.Float(
        string="Progress (%)", compute="_compute_progress", store=True, aggregator="avg"
    )
    is_done = fields.Boolean(
        string="Closed as Done", copy=False, help="Mark an objective done before its target."
    )
    status = fields.Selection(
        STATUSES,
        default="on_track",
        readonly=True,
        copy=False,
        help="Done when the target is reached (or closed as done); late once the deadline "
        "passed; at risk when progress lags more than 10 points behind a steady pace from "
        "the plan start to the deadline; on track otherwise.",
    )
    activity_ids = fields.One2many(
        "mail.activity", "kam_objective_id", string="Actions", readonly=True
    )
    activity_count = fields.Integer(string="Open Actions", compute="_compute_activity_count")

    @api.depends("plan_id.user_id")
    def _compute_user_id(self):
        for objective in self:
            objective.user_id = objective.user_id or objective.plan_id.user_id

    @api.depends("metric", "currency_id")
    def _compute_unit(self):
        units = {
            "revenue_growth": "%",
            "order_count": self.env._("orders"),
            "manual": "",
        }
        for objective in self:
            objective.unit = units.get(objective.metric, objective.currency_id.symbol or "")

    @api.depends("target", "actual")
    def _compute_progress(self):
        for objective in self:
            if objective.target > 0:
                objective.progress = max(objective.actual / objective.target * 100, 0.0)
            else:
                objective.progress = 100.0 if objective.actual >= objective.target else 0.0

    @api.depends("activity_ids")
    def _compute_activity_count(self):
        for objective in self:
            objective.activity_count = len(objective.activity_ids)

    @api.constrains("deadline", "plan_id")
    def _check_deadline(self):
        for objective in self.filtered("deadline"):
            plan = objective.plan_id
            if not plan.date_start <= objective.deadline <= plan.date_end:
                raise ValidationError(
                    self.env._(
                        "The deadline of the objective “%(objective)s” must fall within the plan "
                        "period (%(start)s – %(end)s).",
                        objective=objective.name,
                        start=plan.date_start,
                        end=plan.date_end,
                    )
                )

    @api.constrains("metric", "product_category_id")
    def _check_category(self):
        for objective in self:
            if objective.metric == "category_revenue" and not objective.product_category_id:
                raise ValidationError(
                    self.env._(
                        "The objective “%(objective)s” measures revenue in a product category: "
                        "choose the category.",
                        objective=objective.name,
                    )
                )

    @api.constrains("metric", "target")
    def _check_target(self):
        # growth may aim at 0 % or less (hold revenue, limit a decline); any other
        # target at zero would be reached before anything happened
        for objective in self.filtered(lambda objective: objective.metric != "revenue_growth"):
            if objective.target <= 0:
                raise ValidationError(
                    self.env._(
                        "The target of “%(objective)s” must be above zero.",
                        objective=objective.name,
                    )
                )

    # ------------------------------------------------------------------
    # ORM: a person's change keeps the plan alive
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        objectives = super().create(vals_list)
        objectives._refresh_actual()
        objectives.plan_id._touch()
        return objectives

    def write(self, vals):
        if self.env.context.get("kam_measure"):
            return super().write(vals)
        previous_targets = (
            {objective: objective.target for objective in self} if "target" in vals else {}
        )
        result = super().write(vals)
        for objective, previous in previous_targets.items():
            if objective.target != previous:
                previous_text, target_text = f"{previous:g}", f"{objective.target:g}"
                objective.plan_id._message_log(
                    body=self.env._(
                        "Target of the objective “%(objective)s”: %(previous)s → %(target)s",
                        objective=objective.name,
                        previous=previous_text,
                        target=target_text,
                    )
                )
        if not self.env.su and "plan_id" in vals:
            # rules are checked before a write: moving an objective is allowed only
            # to a plan where the user could have created it
            self.check_access("create")
        if {"metric", "product_category_id", "plan_id"} & set(vals):
            self._refresh_actual()
        elif {"deadline", "is_done", "target", "actual"} & set(vals):
            self._refresh_status()
        self.plan_id._touch()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft_plans(self):
        labels = self.env["kam.account.plan"]._state_labels()
        for objective in self.filtered(lambda objective: objective.plan_id.state != "draft"):
            raise UserError(
                self.env._(
                    "The plan %(plan)s is %(state)s: its objectives are part of its record "
                    "and cannot be deleted. Close the objective as done or change its "
                    "target instead; objectives can be deleted while the plan is a draft.",
                    plan=objective.plan_id.display_name,
                    state=labels[objective.plan_id.state],
                )
            )

    def unlink(self):
        plans = self.plan_id
        result = super().unlink()
        plans.exists()._touch()
        return result

    # ------------------------------------------------------------------
    # Measures
    # ------------------------------------------------------------------
    def _refresh_actual(self):
        """Measure the automatic metrics, then the status of every objective."""
        plan_model = self.env["kam.account.plan"]
        measured = self.filtered(lambda objective: objective.metric != "manual")
        revenue_periods, order_periods = [], []
        for objective in measured:
            plan = objective.plan_id
            period = (objective.id, plan, plan.date_start, plan.date_end, None)
            if objective.metric == "revenue":
                revenue_periods.append(period)
            elif objective.metric == "category_revenue":
                revenue_periods.append(period[:4] + (objective.product_category_id.id,))
            elif objective.metric == "order_count":
                order_periods.append(period)
            elif objective.metric == "revenue_growth":
                # the measured span so far, against the span of equal length just before
                today = plan.company_id._kam_today()
                end = min(plan.date_end, max(today, plan.date_start))
                length = end - plan.date_start
                previous_end = plan.date_start - timedelta(days=1)
                revenue_periods.append((objective.id, plan, plan.date_start, end, None))
                revenue_periods.append(
                    (-objective.id, plan, previous_end - length, previous_end, None)
                )
        revenue = plan_model._measure_revenue(revenue_periods)
        orders = plan_model._measure_order_count(order_periods)
        for objective in measured.with_context(kam_measure=True):
            note = False
            if objective.metric == "order_count":
                actual = orders.get(objective.id, 0)
            elif objective.metric == "revenue_growth":
                current, previous = revenue.get(objective.id, 0.0), revenue.get(-objective.id, 0.0)
                if previous > 0:
                    actual = (current - previous) / previous * 100
                else:
                    actual = 0.0
                    note = self.env._("No revenue in the previous period: growth not measurable.")
            else:
                actual = revenue.get(objective.id, 0.0)
            if objective.actual != round(actual, 2) or objective.measure_note != note:
                objective.write({"actual": actual, "measure_note": note})
        self._refresh_status()

    def _refresh_status(self):
        for objective in self.with_context(kam_measure=True):
            status = objective._status_on(objective.company_id._kam_today())
            if objective.status != status:
                objective.status = status

    def _status_on(self, today):
        self.ensure_one()
        deadline = self.deadline or self.plan_id.date_end
        if self.target <= 0:
            # a growth of at most zero is met or missed only when the period is over
            if self.is_done or (deadline < today and self.actual >= self.target):
                return "done"
            if deadline < today:
                return "late"
            return "on_track" if self.actual >= self.target else "at_risk"
        if self.is_done or self.progress >= 100:
            return "done"
        if deadline < today:
            return "late"
        start = self.plan_id.date_start
        span = (deadline - start).days
        elapsed = min(max((today - start).days, 0), span)
        expected = elapsed / span * 100 if span > 0 else 100.0
        if self.progress < expected - AT_RISK_LAG:
            return "at_risk"
        return "on_track"

    # ------------------------------------------------------------------
    # Actions: activities on the plan, linked to the objective
    # ------------------------------------------------------------------
    def action_schedule_activity(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Plan an Action"),
            "res_model": "mail.activity",
            "view_mode": "form",
            "views": [(self.env.ref("mail.mail_activity_view_form_popup").id, "form")],
            "target": "new",
            "context": {
                "default_res_model_id": self.env["ir.model"]._get_id("kam.account.plan"),
                "default_res_id": self.plan_id.id,
                "default_kam_objective_id": self.id,
                "default_user_id": (self.user_id or self.env.user).id,
                "default_summary": self.name,
            },
        }

    def action_open_activities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Actions for %(objective)s", objective=self.name),
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "domain": [("kam_objective_id", "=", self.id)],
            "context": {
                "default_res_model_id": self.env["ir.model"]._get_id("kam.account.plan"),
                "default_res_id": self.plan_id.id,
                "default_kam_objective_id": self.id,
            },
        }
