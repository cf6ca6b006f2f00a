from odoo import api, fields, models
from odoo.exceptions import AccessError


class ResUsers(models.Model):
    _inherit = "res.users"

    def _kam_is_kam(self):
        """Whether this user may work on key accounts (manage one, own a plan):
        an internal user of the KAM group."""
        self.ensure_one()
        return not self.share and self._has_group("kam_management.group_kam_user")

    def _kam_check_manager(self, message):
        """Refuse with ``message`` (an AccessError) unless this user is a KAM manager:
        the buttons that run a nightly job now, for the current companies."""
        self.ensure_one()
        if not self.has_group("kam_management.group_kam_manager"):
            raise AccessError(message)

    kam_capacity_hours = fields.Float(
        string="KAM Capacity (h/month)",
        help="Hours a month this person has for key-account work; empty: the company's default.",
    )
    kam_absence_ids = fields.One2many("kam.absence", "user_id", string="Absences")
    kam_member_ids = fields.One2many("kam.account.member", "user_id", string="Account Teams")
    kam_load_percent = fields.Float(
        string="Load (%)",
        compute="_compute_kam_load",
        digits=(16, 0),
        help="Estimated effort of this person's accounts (by their share) against their capacity.",
    )
    kam_measured_load_percent = fields.Float(
        string="Measured Load (%)", compute="_compute_kam_load", digits=(16, 0)
    )
    kam_is_overloaded = fields.Boolean(string="Overloaded", compute="_compute_kam_load")
    kam_overloaded_since = fields.Datetime(readonly=True, copy=False)
    kam_overload_notified = fields.Boolean(readonly=True, copy=False)

    def _compute_kam_load(self):
        self.env["kam.workload"].invalidate_model()  # a view: read it afresh
        loads = {
            load.user_id.id: load
            for load in self.env["kam.workload"].sudo().search([("user_id", "in", self.ids)])
        }
        for user in self:
            load = loads.get(user.id)
            user.kam_load_percent = load.load_percent if load else 0.0
            user.kam_measured_load_percent = load.measured_load_percent if load else 0.0
            user.kam_is_overloaded = bool(load and load.is_overloaded)

    def _kam_load_with(self, account, company, share=100.0):
        """This person's load (%) if they took ``share`` % of the account's effort
        in the company on top of what they carry now."""
        self.ensure_one()
        self.env["kam.workload"].invalidate_model()  # a view: read it afresh
        load = self.env["kam.workload"].sudo().search([("user_id", "=", self.id)])
        effort = self.env["kam.workload"]._account_effort([(account.id, company.id)])
        extra = effort.get((account.id, company.id), {}).get("estimated", 0.0) * share / 100
        capacity = load.capacity_hours or self.kam_capacity_hours
        capacity = capacity or company.kam_default_capacity_hours
        limit = load.overload_percent or company.kam_overload_percent
        return (load.estimated_hours + extra) * 100 / capacity, limit

    def _kam_is_absent_on(self, day):
        self.ensure_one()
        return any(a.date_from <= day <= a.date_to for a in self.sudo().kam_absence_ids)

    @api.model
    def _kam_managers_of(self, companies):
        """The active KAM managers who work in one of ``companies``: whom the
        addon's notices (overloads, escalations, falling health) go to."""
        return self.env.ref("kam_management.group_kam_manager").users.filtered(
            lambda manager: manager.active and not manager.share and manager.company_ids & companies
        )

    @api.model
    def _kam_notify_managers(self, record, companies, message, exclude=None):
        """A to-do on ``record`` for each KAM manager of ``companies`` (but
        ``exclude``), worded in the manager's language: ``message(record)`` gives
        (summary, note) for the record read in that language."""
        for manager in self._kam_managers_of(companies) - (exclude or self.browse()):
            here = record.with_context(lang=manager.lang).sudo()
            summary, note = message(here)
            here.activity_schedule(
                "mail.mail_activity_data_todo", user_id=manager.id, summary=summary, note=note
            )

    def _kam_notify_overload(self, load):
        """An activity for each KAM manager of this person's companies."""
        self.ensure_one()
        self._kam_notify_managers(
            self.partner_id,
            self.company_ids,
            lambda partner: (
                partner.env._("%(user)s is overloaded", user=self.name),
                partner.env._(
                    "%(user)s has carried more than their capacity for over a week: "
                    "load %(load).0f %% (estimated %(estimated).0f h a month for %(capacity).0f "
                    "h). Rebalance the accounts of the team (Key Accounts > Workload).",
                    user=self.name,
                    load=load.load_percent,
                    estimated=load.estimated_hours,
                    capacity=load.capacity_hours,
                ),
            ),
            exclude=self,
        )
