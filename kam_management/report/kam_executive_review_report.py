from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

LIVE_PLAN_STATES = ("active", "review")


class KamExecutiveReviewReport(models.AbstractModel):
    """The executive review of key accounts over a period: everything the report
    shows, read once for all the printed accounts, in the current company."""

    _name = "report.kam_management.kam_executive_review_report"
    _description = "Executive Account Review"

    # ------------------------------------------------------------------
    # The period
    # ------------------------------------------------------------------
    @api.model
    def _last_complete_quarter(self, company=None):
        """(first day, last day) of the last calendar quarter over where the company is."""
        today = (company or self.env.company)._kam_today()
        quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        date_to = quarter_start - timedelta(days=1)
        return date_to.replace(day=1) - relativedelta(months=2), date_to

    @api.model
    def _period(self, data):
        """The period asked for in ``data``, by default the last complete quarter."""
        data = data or {}
        if not data.get("date_from") or not data.get("date_to"):
            return self._last_complete_quarter()
        date_from = fields.Date.to_date(data["date_from"])
        date_to = fields.Date.to_date(data["date_to"])
        if date_to < date_from:
            raise UserError(self.env._("The review period ends before it starts."))
        return date_from, date_to

    # ------------------------------------------------------------------
    # The rights
    # ------------------------------------------------------------------
    @api.model
    def _check_may_review(self, accounts):
        """Only who may read the key-account data of the accounts: the figures are
        read in SQL, the rest as the user."""
        if self.env.su:
            return
        if not self.env.user.has_group("kam_management.group_kam_user"):
            raise AccessError(
                self.env._("Only Key Account Managers can print the executive review.")
            )
        accounts.check_access("read")
        accounts.check_field_access_rights("read", ["kam_revenue"])

    # ------------------------------------------------------------------
    # The values
    # ------------------------------------------------------------------
    @api.model
    def _get_report_values(self, docids, data=None):
        data = dict(data or {})
        docs = self.env["res.partner"].browse(docids)
        accounts = docs.commercial_partner_id
        self._check_may_review(docs | accounts)
        company = self.env.company
        date_from, date_to = self._period(data)
        plan = self.env["kam.account.plan"]
        if data.get("plan_id"):
            plan = plan.browse(data["plan_id"]).exists()
            plan.check_access("read")
            # a plan of another account or company (a hand-made request): the period's
            plan = plan.filtered(
                lambda chosen: chosen.account_id in accounts and chosen.company_id == company
            )
        reviews = self._reviews(accounts, company, date_from, date_to, plan, data.get("lang"))
        return {
            "doc_ids": docs.ids,
            "doc_model": "res.partner",
            "docs": docs,
            "data": data,
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
            "printed_on": fields.Date.context_today(self),
            "reviews": {doc.id: reviews[doc.commercial_partner_id.id] for doc in docs},
            "review_lang": data.get("lang"),
        }

    @api.model
    def _reviews(self, accounts, company, date_from, date_to, chosen_plan, lang=None):
        """{account id: values of its review}, each part read for all accounts at once."""
        ids = accounts.ids
        revenue = self._revenue(company, ids, date_from, date_to)
        previous = self._revenue(
            company, ids, date_from - relativedelta(years=1), date_to - relativedelta(years=1)
        )
        plans = self._plans(accounts, company, date_from, date_to, chosen_plan)
        by_account = self._records_by_account(accounts, company, date_from, date_to, plans)
        today = company._kam_today()
        reviews = {}
        for account in accounts:
            current, before = revenue.get(account.id, 0.0), previous.get(account.id, 0.0)
            plan = plans.get(account.id, self.env["kam.account.plan"])
            records = by_account[account.id]
            stakeholders = records["stakeholders"]
            lang_env = self.with_context(lang=lang or account.lang or self.env.lang).env
            attitudes = dict(
                self.env["kam.stakeholder"]._fields["attitude"]._description_selection(lang_env)
            )
            decision_makers = stakeholders.filtered(
                lambda person: any(person.role_ids.mapped("is_decision_maker"))
            )
            tensions = records["tensions"]
            values = {
                "account": account,
                "kam": account.with_company(company).kam_user_id,
                "revenue": current,
                "revenue_previous": before,
                "revenue_change": (current - before) / before * 100 if before > 0 else None,
                "plan": plan,
                "objectives": plan.objective_ids,
                "presences": records["presences"],
                "health": records["health"][:1],
                "health_history": records["health_history"],
                "scorecard": records["scorecard"][:1],
                "tensions_opened": tensions.filtered(
                    lambda tension: date_from <= tension.create_date.date() <= date_to
                ),
                "tensions_closed": tensions.filtered(
                    lambda tension: (
                        tension.date_resolved and date_from <= tension.date_resolved <= date_to
                    )
                ),
                "stakeholder_count": len(stakeholders),
                "attitudes": [
                    (label, len(stakeholders.filtered(lambda p, key=key: p.attitude == key)))
                    for key, label in attitudes.items()
                ],
                "decision_makers": [
                    (person, bool(person.next_contact_date and person.next_contact_date >= today))
                    for person in decision_makers
                ],
                "gaps": records["gaps"],
                "next_objectives": plan.objective_ids.filtered(
                    lambda objective: (
                        objective.status != "done"
                        and (objective.deadline or objective.plan_id.date_end) > date_to
                    )
                ),
                "activities": records["activities"],
            }
            # the records read in the account's language: labels and reasons in words
            reviews[account.id] = {
                key: value.with_env(lang_env) if isinstance(value, models.BaseModel) else value
                for key, value in values.items()
            }
            reviews[account.id]["decision_makers"] = [
                (person.with_env(lang_env), in_touch)
                for person, in_touch in values["decision_makers"]
            ]
        return reviews

    @api.model
    def _revenue(self, company, account_ids, date_from, date_to):
        """{account id: revenue over the period}, in company currency, from the
        company's revenue source."""
        if not account_ids:
            return {}
        self.env.flush_all()
        query = self.env["kam.concentration.engine"]._revenue_query(company, date_from, date_to)
        rows = self.env.execute_query(
            SQL(
                "SELECT revenue.partner_id, revenue.amount"
                "  FROM (%s) AS revenue(partner_id, amount)"
                " WHERE revenue.partner_id = ANY(%s)",
                query,
                account_ids,
            )
        )
        return {partner_id: float(amount or 0.0) for partner_id, amount in rows}

    @api.model
    def _plans(self, accounts, company, date_from, date_to, chosen_plan):
        """{account id: plan}: the chosen plan for its account, else the plan that
        overlaps the period (a live one first, then the latest)."""
        plans = self.env["kam.account.plan"].search(
            [
                ("account_id", "in", accounts.ids),
                ("company_id", "=", company.id),
                ("state", "!=", "cancelled"),
                ("date_start", "<=", date_to),
                ("date_end", ">=", date_from),
            ],
            order="date_start desc, id desc",
        )
        result = {}
        for plan in sorted(plans, key=lambda plan: plan.state not in LIVE_PLAN_STATES):
            result.setdefault(plan.account_id.id, plan)
        for plan in chosen_plan:
            result[plan.account_id.id] = plan
        return result

    @api.model
    def _records_by_account(self, accounts, company, date_from, date_to, plans):
        """{account id: {part: records}} of the records around the accounts."""
        env = self.env
        ids = accounts.ids
        in_company = [("account_id", "in", ids), ("company_id", "=", company.id)]
        parts = {
            "presences": env["kam.competitor.presence"].search(in_company),
            "health": env["kam.account.health"].search([*in_company, ("is_current", "=", True)]),
            "health_history": env["kam.account.health"].search(
                [*in_company, ("date", ">=", date_from), ("date", "<=", date_to)],
                order="date, id",
            ),
            "scorecard": env["kam.account.scorecard"].search(in_company),
            "tensions": env["kam.tension"].search(
                [
                    *in_company,
                    "|",
                    "&",
                    ("create_date", ">=", datetime.combine(date_from, time.min)),
                    ("create_date", "<", datetime.combine(date_to + timedelta(days=1), time.min)),
                    "&",
                    ("date_resolved", ">=", date_from),
                    ("date_resolved", "<=", date_to),
                ],
                order="create_date, id",
            ),
            "stakeholders": env["kam.stakeholder"].search([("account_id", "in", ids)]),
            "gaps": env["kam.relationship.gap"].search(in_company),
        }
        plan_ids = [plan.id for plan in plans.values()]
        activities = env["mail.activity"].search(
            [
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "in", ids),
                "&",
                ("res_model", "=", "kam.account.plan"),
                ("res_id", "in", plan_ids),
            ],
            order="date_deadline, id",
        )
        account_of_plan = {plan.id: account_id for account_id, plan in plans.items()}
        result = {}
        for account in accounts:
            result[account.id] = {
                part: records.filtered(lambda record, a=account: record.account_id == a)
                for part, records in parts.items()
            }
            result[account.id]["activities"] = activities.filtered(
                lambda activity, a=account: (
                    activity.res_id == a.id
                    if activity.res_model == "res.partner"
                    else account_of_plan.get(activity.res_id) == a.id
                )
            )
        return result
