from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

INFLUENCE_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
ATTITUDES = [("supporter", "Supporter"), ("neutral", "Neutral"), ("opponent", "Opponent")]


class KamStakeholder(models.Model):
    """A person inside a key account and our relationship with them."""

    _name = "kam.stakeholder"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "kam.account.managed.mixin",
        "kam.nightly.mixin",
    ]
    _description = "Stakeholder of a key account"
    _order = "account_id, influence_rank desc, id"
    _rec_name = "contact_id"

    active = fields.Boolean(default=True, tracking=True)
    account_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer (commercial entity) this person belongs to.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', False)]",
        help="Usually one of the contacts of the account.",
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    name = fields.Char(related="contact_id.name", string="Name")
    reports_to_name = fields.Char(related="reports_to_id.contact_id.name", string="Reports To Name")
    function = fields.Char(related="contact_id.function", string="Job Position")
    email = fields.Char(related="contact_id.email")
    phone = fields.Char(related="contact_id.phone")
    role_ids = fields.Many2many("kam.stakeholder.role", string="Buying Roles")
    influence = fields.Selection(INFLUENCE_LEVELS, default="medium", required=True, tracking=True)
    influence_rank = fields.Integer(compute="_compute_influence_rank", store=True)
    attitude = fields.Selection(
        ATTITUDES,
        string="Attitude towards Us",
        default="neutral",
        required=True,
        tracking=True,
    )
    strength = fields.Integer(
        string="Relationship Strength",
        default=3,
        tracking=True,
        help="1 (barely know each other) to 5 (trusted relationship).",
    )
    owner_id = fields.Many2one(
        "res.users",
        string="Relationship Owner",
        default=lambda self: self.env.user,
        domain=lambda self: self.env["res.partner"]._kam_user_domain(),
        tracking=True,
        help="Who keeps this relationship alive on our side: a KAM, who gets a to-do "
        "when the contact falls overdue.",
    )
    reports_to_id = fields.Many2one(
        "kam.stakeholder",
        domain="[('account_id', '=', account_id), ('id', '!=', id)]",
        index=True,
    )
    cadence_days = fields.Integer(
        string="Contact Every (days)",
        default=lambda self: self.env.company.kam_stakeholder_cadence_days,
        help="How often this person should hear from us.",
    )
    notes = fields.Html()
    last_interaction_date = fields.Date(
        readonly=True,
        help="Last message or email with this person, meeting they attended, or activity "
        "done on them or their account (updated as it happens, checked again every night).",
    )
    next_contact_date = fields.Date(
        string="Next Contact Due",
        compute="_compute_next_contact_date",
        store=True,
        help="Last interaction plus the contact cadence.",
    )
    days_since_interaction = fields.Integer(
        string="Days Since Last Interaction",
        compute="_compute_days_since_interaction",
        help="Days since the last interaction with this person (none yet: since they were "
        "put on the map).",
    )
    is_overdue = fields.Boolean(
        string="Contact Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
    )
    overdue_activity_id = fields.Many2one(
        "mail.activity",
        readonly=True,
        copy=False,
        help="The to-do created for the relationship owner when the contact fell overdue.",
    )

    _sql_constraints = [
        (
            "account_contact_unique",
            "UNIQUE(account_id, contact_id)",
            "This person is already on the map of this account (perhaps archived).",
        ),
    ]

    @api.depends("influence")
    def _compute_influence_rank(self):
        ranks = {"low": 1, "medium": 2, "high": 3}
        for stakeholder in self:
            stakeholder.influence_rank = ranks.get(stakeholder.influence, 0)

    @api.depends("last_interaction_date", "cadence_days", "create_date")
    def _compute_next_contact_date(self):
        for stakeholder in self:
            start = stakeholder.last_interaction_date or (
                stakeholder.create_date and stakeholder.create_date.date()
            )
            stakeholder.next_contact_date = (
                start + timedelta(days=stakeholder.cadence_days) if start else False
            )

    @api.depends("next_contact_date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for stakeholder in self:
            stakeholder.is_overdue = bool(
                stakeholder.next_contact_date and stakeholder.next_contact_date < today
            )

    @api.depends("last_interaction_date", "create_date")
    def _compute_days_since_interaction(self):
        today = fields.Date.context_today(self)
        for stakeholder in self:
            start = stakeholder.last_interaction_date or (
                stakeholder.create_date and stakeholder.create_date.date()
            )
            stakeholder.days_since_interaction = (today - start).days if start else 0

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on overdue contacts."))
        overdue = (operator == "=") == value
        today = fields.Date.context_today(self)
        if overdue:
            return [("next_contact_date", "<", today)]
        return ["|", ("next_contact_date", "=", False), ("next_contact_date", ">=", today)]

    def _refresh_last_interaction(self):
        """Last interaction of each stakeholder, from what already happens in Odoo.

        Messages and emails the person wrote, or that were posted on their contact
        or sent to them on their account; calendar meetings they attended; and
        activities done on their contact or their account (done activities leave
        a message with their activity type), including the to-dos of this map.
        """
        if not self:
            return
        self.env.flush_all()
        rows = self.env.execute_query(
            self._interactions_query(
                people=SQL(
                    "(SELECT id, contact_id, account_id FROM kam_stakeholder WHERE id = ANY(%s))",
                    self.ids,
                ),
                messages=SQL("mail_message"),
                events=SQL("calendar_event"),
            )
        )
        last = dict(rows)
        for stakeholder in self:
            if stakeholder.last_interaction_date != last.get(stakeholder.id):
                stakeholder.last_interaction_date = last.get(stakeholder.id)

    @api.model
    @api.model
    def _interactions_query(self, people, messages, events):
        """SQL: (stakeholder id, date of their last interaction) for the stakeholders
        of ``people`` (rows of kam_stakeholder) among the ``messages`` (rows of
        mail_message) and the meetings of ``events`` (rows of calendar_event): what
        counts as an interaction, for the nightly refresh (some people, every
        message) and for the live one (every active person, the new messages or
        meetings). People without any interaction are not returned."""
        return SQL(
            """
            SELECT touches.id, MAX(touches.date)::date
              FROM (
                SELECT people.id, message.date
                  FROM %(people)s people
                  JOIN %(messages)s message
                    ON message.author_id = people.contact_id
                   AND message.message_type IN ('email', 'comment')
                UNION ALL
                SELECT people.id, message.date
                  FROM %(people)s people
                  JOIN %(messages)s message
                    ON message.model = 'res.partner' AND message.res_id = people.contact_id
                   AND message.message_type IN ('email', 'comment')
                UNION ALL
                SELECT people.id, message.date
                  FROM %(people)s people
                  JOIN %(messages)s message
                    ON message.model = 'res.partner' AND message.res_id = people.account_id
                  JOIN mail_message_res_partner_rel recipient
                    ON recipient.mail_message_id = message.id
                   AND recipient.res_partner_id = people.contact_id
                UNION ALL
                SELECT people.id, message.date
                  FROM %(people)s people
                  JOIN %(messages)s message
                    ON message.model = 'res.partner'
                   AND message.res_id IN (people.contact_id, people.account_id)
                   AND message.mail_activity_type_id IS NOT NULL
                UNION ALL
                SELECT people.id, message.date
                  FROM %(people)s people
                  JOIN %(messages)s message
                    ON message.model = 'kam.stakeholder' AND message.res_id = people.id
                   AND message.mail_activity_type_id IS NOT NULL
                UNION ALL
                SELECT people.id, event.start
                  FROM %(people)s people
                  JOIN calendar_event_res_partner_rel attendee
                    ON attendee.res_partner_id = people.contact_id
                  JOIN %(events)s event
                    ON event.id = attendee.calendar_event_id AND event.active
                 WHERE event.start <= NOW() AT TIME ZONE 'UTC'
              ) touches
          GROUP BY touches.id
            """,
            people=people,
            messages=messages,
            events=events,
        )

    @api.model
    def _kam_refresh_live(self, messages=None, events=None):
        """The interactions among these new ``messages`` or ``events`` (SQL of their
        rows), at once, for every active stakeholder they involve."""
        self.flush_model(["account_id", "contact_id", "active"])
        rows = self.env.execute_query(
            self._interactions_query(
                people=SQL("(SELECT id, contact_id, account_id FROM kam_stakeholder WHERE active)"),
                messages=messages or SQL("(SELECT * FROM mail_message WHERE FALSE)"),
                events=events or SQL("(SELECT * FROM calendar_event WHERE FALSE)"),
            )
        )
        self._kam_interacted(dict(rows))

    def _kam_interacted(self, last_by_stakeholder):
        """Live counterpart of the nightly refresh: ``last_by_stakeholder`` maps
        stakeholder ids to the date of an interaction that just happened (a
        message, a meeting). The date only moves forward, and a person back in
        cadence has their pending overdue to-do closed at once.

        Bookkeeping done for whoever posted: a message or a meeting must never
        fail because its author may not write (or even read) the map, hence the
        sudo, limited to these stakeholders.
        """
        if not last_by_stakeholder:
            return
        stakeholders = self.sudo().browse(last_by_stakeholder)
        for stakeholder in stakeholders:
            date = last_by_stakeholder[stakeholder.id]
            if not stakeholder.last_interaction_date or stakeholder.last_interaction_date < date:
                stakeholder.last_interaction_date = date
        # the to-do may be the very activity being marked done right now: it is
        # deleted once that is over, when the transaction ends
        stakeholders._kam_close_overdue_todos(at_commit=True)

    def _kam_close_overdue_todos(self, at_commit=False):
        """Close the overdue to-do of the people back in cadence.

        The to-do is deleted, not marked done: the interaction that ended the
        overdue period is already in the chatter (message, meeting, activity),
        and a to-do marked done by the system would add a second, fictitious
        interaction dated now (done activities count as interactions) and a
        "done" entry crediting someone who did not do it. This is what Odoo does
        with an activity that became pointless (``activity_unlink``).
        """
        back = self.filtered(lambda s: s.overdue_activity_id and not s.is_overdue)
        todos = back.overdue_activity_id
        # the next overdue period gets a new one
        back.overdue_activity_id = False
        if not todos:
            return
        if not at_commit:
            todos.sudo().unlink()
            return
        pending = self.env.cr.precommit.data.setdefault("kam.stakeholder.overdue_todos", set())
        if not pending:
            self.env.cr.precommit.add(self.env["kam.stakeholder"].sudo()._kam_unlink_closed_todos)
        pending.update(todos.ids)

    def _kam_unlink_closed_todos(self):
        todo_ids = self.env.cr.precommit.data.pop("kam.stakeholder.overdue_todos", set())
        todos = self.env["mail.activity"].sudo().with_context(active_test=False)
        # a to-do marked done and kept as done (activity types with "keep done") stays
        todos.browse(todo_ids).exists().filtered(
            lambda todo: todo.active and not todo.date_done
        ).unlink()

    def _reminder_recipient(self):
        """The relationship owner, else the account's KAM: someone who may open the
        stakeholder and mark the to-do done."""
        self.ensure_one()
        for user in (self._kam_present(self.owner_id), self._kam_present(self.kam_user_id)):
            if user.active and user._kam_is_kam():
                return user
        return self.env["res.users"]

    def _notify_overdue(self):
        """A to-do for the relationship owner, once per overdue period."""
        for stakeholder in self.filtered("is_overdue"):
            recipient = stakeholder._reminder_recipient()
            if stakeholder.overdue_activity_id or not recipient:
                continue
            # written in the recipient's language, not in that of the job's user
            in_their_language = stakeholder.with_context(lang=recipient.lang)
            stakeholder.overdue_activity_id = in_their_language.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=recipient.id,
                summary=in_their_language.env._(
                    "Get in touch with %(person)s (%(account)s)",
                    person=stakeholder.contact_id.name,
                    account=stakeholder.account_id.name,
                ),
                note=in_their_language.env._(
                    "No interaction since %(date)s: the relationship should be refreshed "
                    "every %(days)s days.",
                    date=stakeholder.last_interaction_date or stakeholder.create_date.date(),
                    days=stakeholder.cadence_days,
                ),
            )

    @api.model
    def _cron_refresh_relationships(self, batch_size=500):
        self._nightly_run_batch([("active", "=", True)], batch_size)

    def _nightly_process(self):
        self._refresh_last_interaction()
        # a contact made since the to-do (the safety net of the live updates)
        self._kam_close_overdue_todos()
        self._notify_overdue()

    def _kam_merge_into(self, stakeholder):
        """Fold these duplicates of a person into ``stakeholder`` (partner merge):
        roles, notes, reporting lines, chatter and activities are kept."""
        stakeholder.ensure_one()
        notes = [note for note in (stakeholder.notes, *self.mapped("notes")) if note]
        stakeholder.write(
            {
                "active": stakeholder.active or any(self.mapped("active")),
                "role_ids": [fields.Command.link(role.id) for role in self.role_ids],
                "notes": "".join(notes) or False,
                "last_interaction_date": max(
                    filter(None, (stakeholder | self).mapped("last_interaction_date")),
                    default=False,
                ),
            }
        )
        # in SQL: during a merge, the people of the merged account are not moved yet
        self.flush_model()
        self.env.execute_query(
            SQL(
                """
                UPDATE kam_stakeholder
                   SET reports_to_id = CASE WHEN id = %(kept)s THEN NULL ELSE %(kept)s END
                 WHERE reports_to_id = ANY(%(merged)s)
                """,
                kept=stakeholder.id,
                merged=self.ids,
            )
        )
        self.invalidate_model(["reports_to_id"])
        for model in ("mail.message", "mail.activity"):
            self.env[model].sudo().search(
                [("model" if model == "mail.message" else "res_model", "=", self._name),
                 ("res_id", "in", self.ids)]
            ).write({"res_id": stakeholder.id})  # fmt: skip
        self.unlink()

    def write(self, vals):
        result = super().write(vals)
        if not self.env.su and "account_id" in vals:
            # rules are checked before a write: moving a person is allowed only to
            # the map of an account where the user could have added them
            self.check_access("create")
        return result

    def action_refresh_last_interaction(self):
        self._refresh_last_interaction()

    @api.constrains("strength")
    def _check_strength(self):
        for stakeholder in self:
            if not 1 <= stakeholder.strength <= 5:
                raise ValidationError(self.env._("The relationship strength goes from 1 to 5."))

    @api.constrains("cadence_days")
    def _check_cadence(self):
        for stakeholder in self:
            if stakeholder.cadence_days < 1:
                raise ValidationError(self.env._("The contact cadence must be at least one day."))

    @api.constrains("account_id")
    def _check_account_is_commercial_entity(self):
        self.account_id._kam_check_is_account(
            self.env._(
                "%(account)s is a contact, not an account: put the stakeholder on %(commercial)s."
            )
        )

    @api.constrains("reports_to_id", "account_id")
    def _check_reports_to(self):
        for stakeholder in self.filtered("reports_to_id"):
            if stakeholder.reports_to_id.account_id != stakeholder.account_id:
                raise ValidationError(
                    self.env._(
                        "%(person)s can only report to someone of the same account.",
                        person=stakeholder.contact_id.display_name,
                    )
                )
        if self._has_cycle("reports_to_id"):
            raise ValidationError(self.env._("“Reports to” cannot go round in a circle."))
