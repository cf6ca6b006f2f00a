from markupsafe import Markup

from odoo import api, fields, models

from ..tools.scorecard import FUNCTIONS, RULES, ScorecardInputs, rule_fractions

SCORE_FIELDS = {function: f"score_{function}" for function in FUNCTIONS}


class KamAccountScorecard(models.Model):
    """The four-function scorecard of a key account in a company, computed every
    night (kam.scorecard.engine): one record per account and company, rewritten
    only when a score, an input or a weight changed."""

    _name = "kam.account.scorecard"
    _inherit = ["kam.account.managed.mixin"]
    _description = "Four-function scorecard of a key account"
    _order = "score, account_id"
    _rec_name = "account_id"

    # recomputed every night: nothing to keep when the account or company goes
    account_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    sales_team_id = fields.Many2one(
        "crm.team",
        string="KAM Team",
        compute="_compute_sales_team_id",
        search="_search_sales_team_id",
        help="The sales team of the account's KAM.",
    )
    date = fields.Date(string="Scored On", readonly=True)
    score_information = fields.Integer(string="Information", readonly=True, aggregator="avg")
    score_relationships = fields.Integer(string="Relationships", readonly=True, aggregator="avg")
    score_business = fields.Integer(string="Business", readonly=True, aggregator="avg")
    score_team = fields.Integer(string="Project & Team", readonly=True, aggregator="avg")
    score = fields.Integer(
        string="Overall", readonly=True, aggregator="avg", help="Mean of the four functions."
    )
    revenue = fields.Monetary(
        string="Revenue in Window", readonly=True, help="In the company currency."
    )
    revenue_previous = fields.Monetary(
        string="Previous Window",
        readonly=True,
        help="Revenue of the window before the current one, in the company currency.",
    )
    revenue_trend = fields.Float(
        string="Trend (%)",
        readonly=True,
        digits=(16, 1),
        help="Revenue in the window against the previous window.",
    )
    inputs = fields.Json(readonly=True, help="Technical: what the scores were made of.")
    weights = fields.Json(readonly=True, help="Technical: the weights of the rules.")
    reasons_information = fields.Text(compute="_compute_reasons")
    reasons_relationships = fields.Text(compute="_compute_reasons")
    reasons_business = fields.Text(compute="_compute_reasons")
    reasons_team = fields.Text(compute="_compute_reasons")
    explanation = fields.Html(compute="_compute_reasons", sanitize=False)

    _sql_constraints = [
        (
            "account_company_unique",
            "UNIQUE(account_id, company_id)",
            "An account has one scorecard per company.",
        ),
    ]

    @api.depends("kam_user_id")
    def _compute_sales_team_id(self):
        for scorecard in self:
            scorecard.sales_team_id = scorecard.kam_user_id.sale_team_id

    def _search_sales_team_id(self, operator, value):
        kams = (
            self.env["res.users"]
            .with_context(active_test=False)
            ._search([("sale_team_id", operator, value)])
        )
        return [("kam_user_id", "in", kams)]

    def _inputs(self):
        known = ScorecardInputs.__dataclass_fields__
        return ScorecardInputs(**{k: v for k, v in (self.inputs or {}).items() if k in known})

    def _rule_reason(self, rule, inputs):
        i = inputs
        if rule == "competitors_recorded":
            return (
                self.env._("%(count)s competitor presences recorded.", count=i.competitors)
                if i.competitors
                else self.env._("No competitor recorded at the account.")
            )
        if rule == "competitors_fresh":
            if not i.competitors:
                return self.env._("Nothing recorded to be fresh.")
            return self.env._(
                "%(stale)s of %(count)s not confirmed recently.",
                stale=i.competitors_stale,
                count=i.competitors,
            )
        if rule == "whitespace_reviewed":
            if not i.whitespace_cells:
                return self.env._("No whitespace found.")
            return self.env._(
                "%(done)s of %(cells)s whitespace categories have an opportunity.",
                done=i.whitespace_with_opportunity,
                cells=i.whitespace_cells,
            )
        if rule == "needs_swot_recent":
            missing = [
                label
                for label, recent in (
                    (self.env._("needs"), i.needs_recent),
                    (self.env._("SWOT"), i.swot_recent),
                )
                if not recent
            ]
            return (
                self.env._("Not confirmed recently: %(what)s.", what=", ".join(missing))
                if missing
                else self.env._("Needs and SWOT confirmed recently.")
            )
        if rule == "decision_maker":
            if not i.has_decision_maker:
                return self.env._("No decision maker on the map.")
            return (
                self.env._("A decision maker is in touch.")
                if i.decision_maker_in_touch
                else self.env._("No decision maker contacted within cadence.")
            )
        if rule == "no_gaps":
            return self.env._("Gaps on the map: %(gaps)s.", gaps=i.gaps)
        if rule == "in_cadence":
            return self.env._(
                "%(fresh)s of %(people)s people contacted within their cadence.",
                fresh=i.stakeholders_in_cadence,
                people=i.stakeholders,
            )
        if rule == "multi_threaded":
            return self.env._(
                "People in touch: %(count)s (two or more needed).",
                count=i.stakeholders_in_cadence,
            )
        if rule == "active_plan":
            return (
                self.env._("Active plan.") if i.has_plan else self.env._("No current active plan.")
            )
        if rule == "value_proposition":
            if not i.has_plan:
                return self.env._("No current active plan.")
            return (
                self.env._("Value proposition written.")
                if i.has_value_proposition
                else self.env._("The plan has no value proposition.")
            )
        if rule == "objectives_on_track":
            if not i.objectives:
                return self.env._("No objective to track.")
            return self.env._(
                "%(good)s of %(count)s objectives on track or done.",
                good=i.objectives_on_track,
                count=i.objectives,
            )
        if rule == "plan_reviewed":
            if not i.has_plan:
                return self.env._("No current active plan.")
            return (
                self.env._("Plan stale: not reviewed in time.")
                if i.plan_is_stale
                else self.env._("Reviewed.")
            )
        if rule == "backup_kam":
            return (
                self.env._("A backup is named.")
                if i.has_backup
                else self.env._("No backup for the KAM.")
            )
        if rule == "roles_covered":
            if not i.roles_expected:
                return self.env._("No team role expected.")
            return self.env._(
                "%(covered)s of %(expected)s expected roles covered.",
                covered=i.roles_covered,
                expected=i.roles_expected,
            )
        if rule == "tensions_in_time":
            if not i.open_tensions:
                return self.env._("No open tension.")
            return self.env._(
                "%(late)s of %(count)s open tensions past their deadline.",
                late=i.overdue_tensions,
                count=i.open_tensions,
            )
        if not i.has_kam:
            return self.env._("No KAM assigned.")
        return (
            self.env._("The KAM is overloaded.")
            if i.kam_overloaded
            else self.env._("The KAM has room.")
        )

    @api.depends("inputs", "weights")
    @api.depends_context("lang")
    def _compute_reasons(self):
        rule_fields = self.env["kam.scorecard.rule"]._fields
        labels = dict(rule_fields["code"]._description_selection(self.env))
        function_labels = dict(rule_fields["function"]._description_selection(self.env))
        for scorecard in self:
            inputs = scorecard._inputs()
            weights = scorecard.weights or {}
            fractions = rule_fractions(inputs)
            rows, reasons = [], {function: [] for function in FUNCTIONS}
            for rule, (function, _default) in RULES.items():
                weight = weights.get(rule, 0)
                if not weight:
                    continue
                label = labels[rule]
                mark = "✔" if fractions[rule] >= 1 else "✘" if fractions[rule] <= 0 else "◐"
                reason = scorecard._rule_reason(rule, inputs)
                reasons[function].append(f"{mark} {label}: {reason}")
                rows.append(
                    Markup(
                        "<tr><td>%s</td><td>%s</td><td class='text-end text-nowrap'>%s</td>"
                        "<td>%s</td></tr>"
                    )
                    % (
                        function_labels[function],
                        label,
                        f"{fractions[rule] * 100:.0f} %",
                        reason,
                    )
                )
            for function in FUNCTIONS:
                scorecard[f"reasons_{function}"] = "\n".join(reasons[function])
            scorecard.explanation = Markup(
                "<table class='table table-sm o_kam_scorecard_explanation'><thead><tr>"
                "<th>%s</th><th>%s</th><th class='text-end'>%s</th><th>%s</th></tr></thead>"
                "<tbody>%s</tbody></table>"
            ) % (
                self.env._("Function"),
                self.env._("Rule"),
                self.env._("Earned"),
                self.env._("Why"),
                Markup("").join(rows),
            )

    @api.model
    def action_compute_now(self):
        """Button of KAM managers: score the current companies now."""
        self.env.user._kam_check_manager(
            self.env._("Only Key Account Managers can compute the scorecards.")
        )
        engine = self.env["kam.scorecard.engine"].sudo()
        for company in self.env.companies:
            engine._score_company(company)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_account_scorecard_action_matrix"
        )
