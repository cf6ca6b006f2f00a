from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.scorecard import RULES, default_weights

FUNCTIONS = [
    ("information", "Information"),
    ("relationships", "Relationships"),
    ("business", "Business"),
    ("team", "Project & Team"),
]
RULE_LABELS = [
    ("competitors_recorded", "Competitors at the account recorded"),
    ("competitors_fresh", "Competitor information confirmed recently"),
    ("whitespace_reviewed", "Whitespace turned into opportunities"),
    ("needs_swot_recent", "Needs and SWOT confirmed recently"),
    ("decision_maker", "Decision maker identified and in touch"),
    ("no_gaps", "No relationship gaps"),
    ("in_cadence", "People contacted within their cadence"),
    ("multi_threaded", "More than one thread"),
    ("active_plan", "A current active plan"),
    ("value_proposition", "Value proposition written"),
    ("objectives_on_track", "Objectives on track"),
    ("plan_reviewed", "Plan reviewed within its cadence"),
    ("backup_kam", "A backup for the KAM"),
    ("roles_covered", "Expected team roles covered"),
    ("tensions_in_time", "Open tensions within their deadlines"),
    ("kam_not_overloaded", "The KAM is not overloaded"),
]


class KamScorecardRule(models.Model):
    """A rule of the four-function scorecard and its weight in a company.

    Every company has every rule (created the first time it is scored or its
    rules are opened); a manager changes the weights, or archives a rule so that
    it no longer counts.
    """

    _name = "kam.scorecard.rule"
    _description = "Scorecard rule"
    _order = "company_id, function, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    code = fields.Selection(RULE_LABELS, string="Rule", required=True, readonly=True)
    function = fields.Selection(FUNCTIONS, compute="_compute_function", store=True)
    sequence = fields.Integer(compute="_compute_function", store=True)
    weight = fields.Integer(
        required=True,
        default=25,
        help="Weight of the rule within its function, relative to the other rules of the function.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("company_code_unique", "UNIQUE(company_id, code)", "Each rule exists once per company."),
    ]

    @api.depends("code")
    def _compute_function(self):
        order = list(RULES)
        for rule in self:
            rule.function = RULES[rule.code][0] if rule.code in RULES else False
            rule.sequence = order.index(rule.code) if rule.code in RULES else 0

    @api.constrains("weight")
    def _check_weight(self):
        for rule in self:
            if not 0 <= rule.weight <= 100:
                raise ValidationError(
                    self.env._(
                        "The weight of “%(rule)s” must be between 0 and 100.",
                        rule=dict(RULE_LABELS)[rule.code],
                    )
                )

    @api.model
    def _ensure_company_rules(self, companies):
        """Create the rules a company does not have yet, with their default weights."""
        rules = self.sudo().with_context(active_test=False)
        existing = {
            (rule.company_id.id, rule.code)
            for rule in rules.search([("company_id", "in", companies.ids)])
        }
        missing = [
            {"company_id": company.id, "code": code, "weight": weight}
            for company in companies
            for code, weight in default_weights().items()
            if (company.id, code) not in existing
        ]
        if missing:
            rules.create(missing)

    @api.model
    def _weights(self, company):
        """{rule: weight} of ``company``; archived rules count 0."""
        self._ensure_company_rules(company)
        return {
            rule.code: rule.weight for rule in self.sudo().search([("company_id", "=", company.id)])
        }

    @api.model
    def action_open_rules(self):
        self.env.user._kam_check_manager(
            self.env._("Only Key Account Managers can set the scorecard rules.")
        )
        self._ensure_company_rules(self.env.companies)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_scorecard_rule_action"
        )
