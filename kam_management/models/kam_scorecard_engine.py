import json
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, float_compare, html2plaintext

from ..tools.scorecard import FUNCTIONS, ScorecardInputs, score_functions

LIVE_PLAN_STATES = ("active", "review")
# what a scorecard holds, in the order the rows are written
VALUE_FIELDS = (
    "score_information",
    "score_relationships",
    "score_business",
    "score_team",
    "score",
    "revenue",
    "revenue_previous",
    "revenue_trend",
    "inputs",
    "weights",
)
GOOD_OBJECTIVE_STATUSES = ("on_track", "done")


class KamScorecardEngine(models.AbstractModel):
    """The four-function scorecard of the key accounts of one company: a handful
    of grouped reads for the inputs (a constant number of queries for any number
    of accounts), the rules in tools/scorecard.py, and the scorecards written
    back only where something changed."""

    _name = "kam.scorecard.engine"
    _description = "Scorecard computation"

    @api.model
    def _score_company(self, company):
        """Score every key account of ``company``; return how many scorecards were
        created, written or deleted."""
        self.env.flush_all()
        account_ids = [
            row[0]
            for row in self.env.execute_query(
                self.env["kam.classification"]._accounts(company, "kam_is_key_account", [True])
            )
        ]
        inputs = self._inputs(company, account_ids)
        revenue, previous = self._revenues(company, account_ids)
        weights = self.env["kam.scorecard.rule"]._weights(company)
        today = company._kam_today()
        values = {}
        for account_id in account_ids:
            scores, _points = score_functions(inputs[account_id], weights)
            current, before = revenue.get(account_id, 0.0), previous.get(account_id, 0.0)
            values[account_id] = {
                **{f"score_{function}": scores[function] for function in FUNCTIONS},
                "score": round(sum(scores.values()) / len(FUNCTIONS)),
                "revenue": round(current, 2),
                "revenue_previous": round(before, 2),
                # no trend against a window without revenue (or with more credit
                # notes than invoices): 0, which the board does not show
                "revenue_trend": round(100 * (current - before) / before, 1) if before > 0 else 0.0,
                "inputs": vars(inputs[account_id]),
                "weights": weights,
            }
        return self._write_scorecards(company, values, today)

    # ------------------------------------------------------------------
    # Inputs
    # ------------------------------------------------------------------
    @api.model
    def _inputs(self, company, account_ids):
        env = self.env(su=True)
        today = company._kam_today()
        info_limit = today - timedelta(days=company.kam_info_max_age_days)
        inputs = defaultdict(ScorecardInputs)
        in_company = [("company_id", "=", company.id), ("account_id", "in", account_ids)]

        # information
        presence = env["kam.competitor.presence"]
        for account, count in presence._read_group(in_company, ["account_id"], ["__count"]):
            inputs[account.id].competitors = count
        for account, count in presence._read_group(
            [*in_company, ("info_date", "<", info_limit)], ["account_id"], ["__count"]
        ):
            inputs[account.id].competitors_stale = count
        for account, lead, count in env["kam.whitespace"]._read_group(
            [*in_company, ("state", "=", "whitespace")],
            ["account_id", "lead_id"],
            ["__count"],
        ):
            inputs[account.id].whitespace_cells += count
            if lead:
                inputs[account.id].whitespace_with_opportunity += count

        # business: the current live plan of each account
        # the live plan whose period covers today (a plan activated ahead for next
        # year, or one whose period ended, is not the current plan)
        plans = env["kam.account.plan"].search(
            [
                *in_company,
                ("state", "in", LIVE_PLAN_STATES),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
            ],
            order="date_start desc, id desc",
        )
        current_plans = {}
        for plan in plans:
            current_plans.setdefault(plan.account_id.id, plan)
        for account_id, plan in current_plans.items():
            account = inputs[account_id]
            account.has_plan = True
            account.has_value_proposition = bool(
                plan.value_proposition and html2plaintext(plan.value_proposition).strip()
            )
            account.plan_is_stale = plan.is_stale
            account.needs_recent = bool(plan.needs_date and plan.needs_date >= info_limit)
            account.swot_recent = bool(plan.swot_date and plan.swot_date >= info_limit)
        plan_account = {plan.id: account_id for account_id, plan in current_plans.items()}
        for plan, status, count in env["kam.account.plan.objective"]._read_group(
            [("plan_id", "in", list(plan_account))], ["plan_id", "status"], ["__count"]
        ):
            account = inputs[plan_account[plan.id]]
            account.objectives += count
            if status in GOOD_OBJECTIVE_STATUSES:
                account.objectives_on_track += count

        # relationships
        stakeholders = env["kam.stakeholder"]
        people = [("account_id", "in", account_ids), ("active", "=", True)]
        for account, live, count in stakeholders._read_group(
            people, ["account_id", "next_contact_date:day"], ["__count"]
        ):
            inputs[account.id].stakeholders += count
            if live and live >= today:
                inputs[account.id].stakeholders_in_cadence += count
        deciders = [*people, ("role_ids.is_decision_maker", "=", True)]
        for account, live in stakeholders._read_group(
            deciders, ["account_id"], ["next_contact_date:max"]
        ):
            inputs[account.id].has_decision_maker = True
            inputs[account.id].decision_maker_in_touch = bool(live and live >= today)
        for account, count in env["kam.relationship.gap"]._read_group(
            in_company, ["account_id"], ["__count"]
        ):
            inputs[account.id].gaps = count

        # project & team
        expected_roles = env["kam.member.role"].search([("is_expected", "=", True)])
        members = env["kam.account.member"].search(
            [*in_company, ("date_start", "<=", today), "|", ("date_end", "=", False),
             ("date_end", ">=", today)]
        )  # fmt: skip
        roles_of = defaultdict(set)
        for member in members:
            roles_of[member.account_id.id].add(member.role_id.id)
            if member.is_backup:
                inputs[member.account_id.id].has_backup = True
        tensions = env["kam.tension"]
        open_tensions = [*in_company, ("state", "!=", "resolved")]
        for account, count in tensions._read_group(open_tensions, ["account_id"], ["__count"]):
            inputs[account.id].open_tensions = count
        for account, count in tensions._read_group(
            [*open_tensions, ("deadline", "<", today)], ["account_id"], ["__count"]
        ):
            inputs[account.id].overdue_tensions = count
        overloaded = {
            user.id
            for (user,) in env["kam.workload"]._read_group(
                [("company_id", "=", company.id), ("is_overloaded", "=", True)], ["user_id"]
            )
        }
        accounts = env["res.partner"].with_company(company).browse(account_ids)
        for account in accounts:
            kam = account.kam_own_user_id
            record = inputs[account.id]
            record.has_kam = bool(kam)
            record.kam_overloaded = kam.id in overloaded
            record.roles_expected = len(expected_roles)
            # the account's KAM holds the lead role even without a team record
            covered = roles_of[account.id] | (
                set(expected_roles.filtered("is_lead").ids) if kam else set()
            )
            record.roles_covered = len(covered & set(expected_roles.ids))
        return inputs

    @api.model
    def _revenues(self, company, account_ids):
        """({account: revenue in the window}, {account: revenue in the window before}).
        The window's revenue is the account's figure (what the board shows); the
        window before is aggregated here."""
        engine = self.env["kam.concentration.engine"]
        date_from, _date_to = engine._revenue_window(company)
        months = relativedelta(months=company.kam_window_months)
        current = {
            figure.account_ref: figure.revenue
            for figure in self.env["kam.account.figure"]
            .sudo()
            .search([("company_id", "=", company.id), ("account_ref", "in", account_ids)])
        }
        wanted = set(account_ids)
        previous = {
            partner: float(amount or 0)
            for partner, amount in self.env.execute_query(
                engine._revenue_query(company, date_from - months, date_from - timedelta(days=1))
            )
            if partner in wanted
        }
        return current, previous

    # ------------------------------------------------------------------
    # Write back what changed
    # ------------------------------------------------------------------
    @api.model
    def _write_scorecards(self, company, values, today):
        """Insert the new scorecards and update the changed ones, each in one
        statement (thousands of records: the ORM's create and write cost seconds);
        delete those of accounts no longer key."""
        scorecards = self.env["kam.account.scorecard"].sudo()
        existing = scorecards.search_fetch(
            [("company_id", "=", company.id)], ["account_id", *VALUE_FIELDS]
        )
        gone = existing.filtered(lambda scorecard: scorecard.account_id.id not in values)
        if gone:
            gone.unlink()
        changed = {}
        for scorecard in existing - gone:
            new = values.pop(scorecard.account_id.id)
            if any(self._differs(scorecard, name, value) for name, value in new.items()):
                changed[scorecard.id] = new
        self._update_rows(changed, today)
        self._insert_rows(company, values, today)
        scorecards.invalidate_model()
        return len(gone) + len(changed) + len(values)

    @api.model
    def _row_arrays(self, rows):
        """The columns of ``rows`` ({key: values}) as SQL arrays, in VALUE_FIELDS order."""
        scorecard_fields = self.env["kam.account.scorecard"]._fields
        arrays = [SQL("%s::int[]", list(rows))]
        for name in VALUE_FIELDS:
            column = [new[name] for new in rows.values()]
            kind = scorecard_fields[name].type
            if kind == "json":
                arrays.append(SQL("%s::jsonb[]", [json.dumps(value) for value in column]))
            elif kind == "integer":
                arrays.append(SQL("%s::int[]", column))
            else:
                arrays.append(SQL("%s::numeric[]", column))
        return SQL(", ").join(arrays)

    @api.model
    def _update_rows(self, changed, today):
        if not changed:
            return
        columns = SQL(", ").join(SQL.identifier(name) for name in VALUE_FIELDS)
        new_columns = SQL(", ").join(SQL.identifier("new", name) for name in VALUE_FIELDS)
        self.env.execute_query(
            SQL(
                """
                UPDATE kam_account_scorecard scorecard
                   SET (%(columns)s, date, write_uid, write_date)
                     = (%(new_columns)s, %(today)s, %(uid)s, %(now)s)
                  FROM unnest(%(arrays)s) AS new (id, %(columns)s)
                 WHERE scorecard.id = new.id
                """,
                columns=columns,
                new_columns=new_columns,
                arrays=self._row_arrays(changed),
                today=today,
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )

    @api.model
    def _insert_rows(self, company, values, today):
        if not values:
            return
        columns = SQL(", ").join(SQL.identifier(name) for name in VALUE_FIELDS)
        new_columns = SQL(", ").join(SQL.identifier("new", name) for name in VALUE_FIELDS)
        now = fields.Datetime.now()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO kam_account_scorecard (account_id, company_id, date, %(columns)s,
                                                   create_uid, create_date, write_uid,
                                                   write_date)
                SELECT new.account_id, %(company)s, %(today)s, %(new_columns)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(arrays)s) AS new (account_id, %(columns)s)
                """,
                columns=columns,
                new_columns=new_columns,
                arrays=self._row_arrays(values),
                company=company.id,
                today=today,
                uid=self.env.uid,
                now=now,
            )
        )

    @api.model
    def _differs(self, scorecard, name, value):
        old = scorecard[name]
        if isinstance(value, float):
            return float_compare(old or 0.0, value, precision_digits=2) != 0
        return old != value
