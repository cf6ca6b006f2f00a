from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
TENSION_STATES = [
    ("open", "Open"),
    ("in_progress", "In Progress"),
    ("escalated", "Escalated"),
    ("resolved", "Resolved"),
]
UNRESOLVED_STATES = ("open", "in_progress", "escalated")
# Which states each state may move to.
TRANSITIONS = {
    "open": ("in_progress", "escalated", "resolved"),
    "in_progress": ("open", "escalated", "resolved"),
    "escalated": ("in_progress", "resolved"),
    "resolved": ("open",),
}


class KamTension(models.Model):
    """A tension between the company and a key account, followed until it is resolved."""

    _name = "kam.tension"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "kam.account.managed.mixin",
        "kam.state.machine.mixin",
    ]
    _description = "Tension with a key account"
    _order = "severity_rank desc, deadline, id desc"
    _check_company_auto = True
    _kam_transitions = TRANSITIONS

    name = fields.Char(string="Title", required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    account_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    type_id = fields.Many2one("kam.tension.type", required=True, tracking=True, ondelete="restrict")
    severity = fields.Selection(SEVERITIES, required=True, default="medium", tracking=True)
    severity_rank = fields.Integer(compute="_compute_severity_rank", store=True)
    state = fields.Selection(
        TENSION_STATES,
        string="Status",
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        group_expand="_group_expand_states",
    )
    raised_by_id = fields.Many2one(
        "kam.stakeholder",
        tracking=True,
        domain="[('account_id', '=', account_id)]",
        help="The person of the account who raised it, from the account's relationship map.",
    )
    owner_id = fields.Many2one(
        "res.users",
        compute="_compute_owner_id",
        store=True,
        readonly=False,
        tracking=True,
        domain=[("share", "=", False)],
        help="Who steers it back on our side: by default the KAM of the account.",
    )
    involved_user_ids = fields.Many2many(
        "res.users",
        "kam_tension_involved_user_rel",
        "tension_id",
        "user_id",
        string="People Involved",
        domain=[("share", "=", False)],
    )
    deadline = fields.Date(tracking=True)
    description = fields.Html()
    resolution = fields.Html(help="How it was settled: needed to resolve the tension.")
    date_resolved = fields.Date(string="Resolved On", readonly=True, copy=False)
    escalation_date = fields.Datetime(
        string="Escalated On",
        readonly=True,
        copy=False,
        help="When the KAM managers were told about it (once).",
    )
    is_overdue = fields.Boolean(
        string="Past Deadline", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    sale_order_ids = fields.Many2many(
        "sale.order",
        "kam_tension_sale_order_rel",
        "tension_id",
        "order_id",
        string="Sales Orders",
        check_company=True,
        domain="[('partner_id', 'child_of', account_id)]",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "kam_tension_account_move_rel",
        "tension_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('partner_id', 'child_of', account_id), "
        "('move_type', 'in', ('out_invoice', 'out_refund'))]",
    )
    lead_ids = fields.Many2many(
        "crm.lead",
        "kam_tension_crm_lead_rel",
        "tension_id",
        "lead_id",
        string="Opportunities",
        check_company=True,
        domain="[('partner_id', 'child_of', account_id)]",
        context={"active_test": False},  # lost ones are archived
    )

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("severity")
    def _compute_severity_rank(self):
        ranks = {key: rank for rank, (key, _label) in enumerate(SEVERITIES, start=1)}
        for tension in self:
            tension.severity_rank = ranks.get(tension.severity, 0)

    @api.depends("account_id", "company_id")
    def _compute_owner_id(self):
        for tension in self:
            tension.owner_id = tension.kam_user_id or tension.owner_id or self.env.user

    @api.depends("deadline", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for tension in self:
            tension.is_overdue = bool(
                tension.deadline and tension.deadline < today and tension.state in UNRESOLVED_STATES
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search “Past Deadline” with = or != and a yes/no."))
        overdue = [
            ("deadline", "<", fields.Date.context_today(self)),
            ("state", "in", UNRESOLVED_STATES),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in TENSION_STATES]

    @api.constrains("account_id")
    def _check_account_is_commercial_entity(self):
        self.account_id._kam_check_is_account(
            self.env._(
                "%(account)s is a contact, not an account: record the tension on %(commercial)s."
            )
        )

    @api.constrains("account_id", "raised_by_id", "sale_order_ids", "invoice_ids", "lead_ids")
    def _check_documents_of_the_account(self):
        for tension in self.sudo():
            account = tension.account_id
            if tension.raised_by_id and tension.raised_by_id.account_id != account:
                raise ValidationError(
                    self.env._(
                        "%(person)s is on the map of %(other)s, not of %(account)s.",
                        person=tension.raised_by_id.display_name,
                        other=tension.raised_by_id.account_id.display_name,
                        account=account.display_name,
                    )
                )
            documents = (
                tension.sale_order_ids.partner_id
                | tension.invoice_ids.partner_id
                | tension.lead_ids.partner_id
            )
            strangers = documents.commercial_partner_id - account
            if strangers:
                raise ValidationError(
                    self.env._(
                        "The tension %(tension)s is with %(account)s: it cannot link documents "
                        "of %(others)s.",
                        tension=tension.name,
                        account=account.display_name,
                        others=", ".join(strangers.mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_addon_fields(vals)
        tensions = super().create(vals_list)
        if any(tension.state != "open" for tension in tensions):  # defaults included
            raise UserError(self.env._("A new tension starts open: create it, then move it on."))
        tensions._escalate_due()
        return tensions

    def write(self, vals):
        self._check_addon_fields(vals)
        moving = self.browse()
        if "state" in vals:  # the state machine holds for imports and the API too
            moving = self.filtered(lambda tension: tension.state != vals["state"])
            moving._check_transition(vals["state"])
        result = super().write(vals)
        if moving:
            resolved = vals["state"] == "resolved"
            super(KamTension, moving.sudo()).write(
                {"date_resolved": fields.Date.context_today(self) if resolved else False}
            )
        if not self.env.su and {"account_id", "company_id"} & vals.keys():
            # rules are checked before a write: moving a tension is allowed only to an
            # account where the user could have created it
            self.check_access("create")
        if {"severity", "deadline", "state"} & vals.keys():
            self._escalate_due()
        return result

    def _check_addon_fields(self, vals):
        if not self.env.su and {"escalation_date", "date_resolved"} & vals.keys():
            raise UserError(
                self.env._("When a tension was escalated or resolved is recorded by the addon.")
            )

    @api.constrains("state", "resolution")
    def _check_resolution(self):
        for tension in self:
            if tension.state == "resolved" and is_html_empty(tension.resolution):
                raise ValidationError(
                    self.env._(
                        "Write how the tension %(tension)s was settled (Resolution) before "
                        "resolving it.",
                        tension=tension.name,
                    )
                )

    # ------------------------------------------------------------------
    # Status
    # ------------------------------------------------------------------
    @api.model
    def _kam_unknown_state_message(self, state, labels):
        return self.env._("“%(state)s” is not a status of a tension.", state=state)

    def _kam_refused_transition_message(self, current, target):
        return self.env._(
            "The tension %(tension)s is %(current)s: it cannot become %(state)s.",
            tension=self.name,
            current=current,
            state=target,
        )

    def action_start(self):
        self.write({"state": "in_progress"})

    def action_escalate(self):
        self.write({"state": "escalated"})

    def action_resolve(self):
        self.write({"state": "resolved"})

    def action_reopen(self):
        self.write({"state": "open"})

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    def _is_due_for_escalation(self):
        self.ensure_one()
        return self.state in UNRESOLVED_STATES and (
            self.severity == "critical" or self.is_overdue or self.state == "escalated"
        )

    def _escalate_due(self):
        """Escalate what is critical or past its deadline, and tell the KAM managers of
        its company once."""
        due = self.sudo().filtered(
            lambda tension: not tension.escalation_date and tension._is_due_for_escalation()
        )
        if not due:
            return
        due.write({"escalation_date": fields.Datetime.now()})
        due.filtered(lambda tension: tension.state != "escalated").write({"state": "escalated"})
        for tension in due:
            tension._notify_managers()

    def _escalation_reason(self):
        self.ensure_one()
        if self.severity == "critical":
            return self.env._("it is critical")
        if self.is_overdue:
            return self.env._("its deadline (%(deadline)s) has passed", deadline=self.deadline)
        return self.env._("it was escalated by %(user)s", user=self.env.user.name)

    def _notify_managers(self):
        self.ensure_one()
        self.env["res.users"]._kam_notify_managers(
            self,
            self.company_id,
            lambda tension: (
                tension.env._("Escalated tension: %(tension)s", tension=self.name),
                tension.env._(
                    "The tension “%(tension)s” with %(account)s is escalated: %(reason)s. "
                    "Owner: %(owner)s.",
                    tension=self.name,
                    account=self.account_id.display_name,
                    reason=tension._escalation_reason(),
                    owner=self.owner_id.name or "-",
                ),
            ),
        )

    @api.model
    def _cron_escalate_tensions(self):
        """Escalate the tensions that passed their deadline since yesterday."""
        due = self.sudo().search(
            [("escalation_date", "=", False), ("is_overdue", "=", True)], order="id"
        )
        due._escalate_due()
