from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL


class KamAccountManagedMixin(models.AbstractModel):
    """A record of a key account, and the KAM who manages that account.

    The KAM of an account is decided per company: the KAM shown here is the one
    of the record's company (or, for a record without a company, of the
    current company). The field is searchable, in SQL, so that record rules can
    grant the KAM of the account what they grant to "the KAM".
    """

    _name = "kam.account.managed.mixin"
    _description = "Record of a key account"
    # the account of a record, and the company whose KAM counts for it (a path)
    _kam_account_field = "account_id"
    _kam_company_field = "company_id"

    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        compute="_compute_kam_user_id",
        search="_search_kam_user_id",
        help="The KAM of the account in the company of this record.",
    )
    kam_team_user_ids = fields.Many2many(
        "res.users",
        string="Account Team",
        compute="_compute_kam_team_user_ids",
        search="_search_kam_team_user_ids",
        help="Who works on the account now in the company of this record: its KAM and the "
        "current members of its team.",
    )

    @api.model
    def _kam_sql_account_and_company(self, alias):
        """SQL of the account (a res_partner id) and of the company (a res_company
        id, or NULL for "any of the current companies") of the record of table
        alias ``alias``."""
        return (
            SQL.identifier(alias, self._kam_account_field),
            SQL.identifier(alias, self._kam_company_field),
        )

    @api.depends(
        lambda self: [
            f"{self._kam_account_field}.commercial_partner_id.kam_own_user_id",
            self._kam_company_field,
        ]
    )
    @api.depends_context("company")
    def _compute_kam_user_id(self):
        for record in self:
            account = record.mapped(self._kam_account_field).commercial_partner_id
            company = record.mapped(self._kam_company_field) or self.env.company
            record.kam_user_id = account.with_company(company).sudo().kam_own_user_id

    @api.depends(
        lambda self: [
            f"{self._kam_account_field}.commercial_partner_id.kam_own_user_id",
            f"{self._kam_account_field}.commercial_partner_id.kam_member_ids.user_id",
            f"{self._kam_account_field}.commercial_partner_id.kam_member_ids.date_start",
            f"{self._kam_account_field}.commercial_partner_id.kam_member_ids.date_end",
            self._kam_company_field,
        ]
    )
    @api.depends_context("company")
    def _compute_kam_team_user_ids(self):
        members = self.env["kam.account.member"].sudo()
        for record in self:
            account = record.mapped(self._kam_account_field).commercial_partner_id
            company = record.mapped(self._kam_company_field) or self.env.companies
            team = members.search(
                [
                    ("account_id", "=", account.id),
                    ("company_id", "in", company.ids),
                    ("is_current", "=", True),
                ]
            )
            record.kam_team_user_ids = team.user_id | record.kam_user_id

    def _search_kam_team_user_ids(self, operator, value):
        if operator not in ("in", "=") or not value:
            raise NotImplementedError(self.env._("Search the account team with in or =."))
        users = [value] if isinstance(value, int) else list(value)
        return [("id", "in", self._kam_sql_managed_records(users, with_team=True))]

    def _kam_present(self, user):
        """``user``, or, while they are away, the backup KAM of the record's account
        who is not away."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if not user or not user._kam_is_absent_on(today):
            return user
        account = self.mapped(self._kam_account_field).commercial_partner_id
        company = self.mapped(self._kam_company_field) or self.env.companies
        backups = (
            self.env["kam.account.member"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("company_id", "in", company.ids),
                    ("is_backup", "=", True),
                    ("is_current", "=", True),
                ]
            )
            .user_id
        )
        return next((b for b in backups if not b._kam_is_absent_on(today)), user)

    def _search_kam_user_id(self, operator, value):
        negative = operator in expression.NEGATIVE_TERM_OPERATORS
        if operator in ("=", "!=") and value is False:
            users = None  # records of accounts without a KAM
            negative = not negative
        elif operator in ("=", "!=", "in", "not in"):
            users = [value] if isinstance(value, int) else [v for v in value if v]
        else:
            positive = expression.TERM_OPERATORS_NEGATION.get(operator, operator)
            users = (
                self.env["res.users"]
                .with_context(active_test=False)
                ._search([("name", positive if negative else operator, value)])
            )
            users = list(users)
        managed = self._kam_sql_managed_records(users)
        return [("id", "not in" if negative else "in", managed)]

    def _kam_sql_managed_records(self, user_ids, with_team=False):
        """SQL: ids of the records whose account is managed by one of the users, or
        by anybody when ``user_ids`` is None; with ``with_team``, also those whose
        account has one of the users in its current team."""
        self.flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id", "kam_own_user_id"])
        account, company = self._kam_sql_account_and_company("record")
        companies = [str(company_id) for company_id in self.env.companies.ids]
        if user_ids is None:
            matches = SQL("IS NOT NULL")
        else:
            matches = SQL("IN %s", tuple(user_ids) or (None,))
        condition = SQL(
            """CASE WHEN %(company)s IS NULL
                    THEN EXISTS (SELECT 1 FROM jsonb_each_text(account.kam_own_user_id) kam
                                  WHERE kam.key = ANY(%(companies)s)
                                    AND kam.value::int %(matches)s)
                    ELSE (account.kam_own_user_id ->> %(company)s::text)::int %(matches)s END""",
            company=company,
            companies=companies,
            matches=matches,
        )
        if with_team:
            self.env["kam.account.member"].flush_model()
            condition = SQL(
                """(%(kam)s OR EXISTS (
                        SELECT 1 FROM kam_account_member member
                         WHERE member.account_id = account.id
                           AND member.user_id %(matches)s
                           AND %(current)s
                           AND CASE WHEN %(company)s IS NULL
                                    THEN member.company_id::text = ANY(%(companies)s)
                                    ELSE member.company_id = %(company)s END))""",
                kam=condition,
                matches=matches,
                current=self.env["kam.account.member"]._sql_current("member"),
                company=company,
                companies=companies,
            )
        return SQL(
            """
            (SELECT record.id
              FROM %(table)s record
              JOIN res_partner partner ON partner.id = %(account)s
              JOIN res_partner account ON account.id = partner.commercial_partner_id
             WHERE %(condition)s)
            """,
            table=SQL.identifier(self._table),
            account=account,
            condition=condition,
        )
