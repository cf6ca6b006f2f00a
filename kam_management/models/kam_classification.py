from odoo import api, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

# The classification of an account in a company, read in SQL. Nothing of it is
# stored on partners: it follows from the account's ranking row in the company
# (kam.account.figure, rewritten by the concentration computation) and from the
# decisions about it (the kam_own_* fields of res.partner), so that a first
# computation writes no partner row and a contact never holds a copy.
CLASSIFICATION = ("kam_is_key_by_revenue", "kam_tier", "kam_is_key_account", "kam_key_reason")


class KamClassification(models.AbstractModel):
    """The SQL twin of tools/classification.py: searching, grouping and sorting
    partners, sales orders and the sales analysis by key status, reason and
    tier, and the relationship-gap view, all read it from here."""

    _name = "kam.classification"
    _description = "Key-account classification in SQL"

    @api.model
    def _expressions(self, account, figure, company):
        """SQL of the classification and KAM of an account in a company.

        :param account: alias of the account's res_partner row
        :param figure: alias of its kam_account_figure row in the company (LEFT
            JOINed: NULL columns when the account has no revenue there)
        :param company: SQL of the company id
        :return: {field name: SQL}
        """
        key = SQL("(%s)::text", company)
        override = SQL("(%s ->> %s)", SQL.identifier(account, "kam_own_key_override"), key)
        strategic = SQL(
            "COALESCE((%s ->> %s)::boolean, FALSE)",
            SQL.identifier(account, "kam_own_is_strategic"),
            key,
        )
        by_revenue = SQL("COALESCE(%s, FALSE)", SQL.identifier(figure, "is_key"))
        return {
            "kam_is_key_by_revenue": by_revenue,
            "kam_tier": SQL.identifier(figure, "tier"),
            "kam_is_key_account": SQL(
                "(CASE %(override)s WHEN 'key' THEN TRUE WHEN 'not_key' THEN FALSE"
                " ELSE %(strategic)s OR %(by_revenue)s END)",
                override=override,
                strategic=strategic,
                by_revenue=by_revenue,
            ),
            "kam_key_reason": SQL(
                """(CASE WHEN %(override)s = 'key' THEN 'manual'
                         WHEN %(override)s = 'not_key' THEN NULL
                         WHEN %(strategic)s AND %(by_revenue)s THEN 'both'
                         WHEN %(strategic)s THEN 'strategic'
                         WHEN %(by_revenue)s THEN 'revenue' END)""",
                override=override,
                strategic=strategic,
                by_revenue=by_revenue,
            ),
            "kam_user_id": SQL(
                "(%s ->> %s)::integer", SQL.identifier(account, "kam_own_user_id"), key
            ),
        }

    @api.model
    def _join(self, query, partner, company):
        """Join to ``query`` what the classification of the commercial entity of
        ``partner`` (an alias of res_partner in the query) needs; return the
        expressions (see :meth:`_expressions`)."""
        self._flush()
        account = query.make_alias(partner, "kam_account")
        query.add_join(
            "LEFT JOIN",
            account,
            "res_partner",
            SQL(
                "%s = %s",
                SQL.identifier(account, "id"),
                SQL.identifier(partner, "commercial_partner_id"),
            ),
        )
        figure = query.make_alias(partner, "kam_figure")
        query.add_join(
            "LEFT JOIN",
            figure,
            "kam_account_figure",
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(figure, "account_ref"),
                SQL.identifier(account, "id"),
                SQL.identifier(figure, "company_id"),
                company,
            ),
        )
        return self._expressions(account, figure, company)

    @api.model
    def _accounts(self, company, fname, values=None):
        """SQL: ids of the accounts whose ``fname`` in ``company`` is one of
        ``values`` (truthy ones), or is set at all when ``values`` is None.

        Only accounts with a ranking row or a decision can have a truthy value:
        they are the only candidates read (through the partial indexes of the
        company-dependent columns), never the whole partner table.
        """
        self._flush()
        figure_condition = SQL("FALSE")  # the KAM is a decision
        if fname == "kam_tier":
            figure_condition = SQL("figure.tier IS NOT NULL")
        elif fname != "kam_user_id":
            figure_condition = SQL("figure.is_key")
        key = str(company.id)
        decided = SQL(" OR ").join(
            SQL("(%s IS NOT NULL AND %s ? %s)", SQL.identifier(column), SQL.identifier(column), key)
            for column in ("kam_own_key_override", "kam_own_is_strategic", "kam_own_user_id")
        )
        value_sql = self._expressions("account", "figure", SQL("%s", company.id))[fname]
        if values is None:
            matches = SQL("%s IS NOT NULL AND %s::text != 'false'", value_sql, value_sql)
        else:
            matches = SQL("%s IN %s", value_sql, tuple(values))
        return SQL(
            """
            (SELECT account.id
               FROM (SELECT figure.account_ref AS id
                       FROM kam_account_figure figure
                      WHERE figure.company_id = %(company)s AND %(figure_condition)s
                      UNION
                     SELECT id FROM res_partner WHERE %(decided)s) candidate
               JOIN res_partner account ON account.id = candidate.id
          LEFT JOIN kam_account_figure figure
                 ON figure.account_ref = account.id AND figure.company_id = %(company)s
              WHERE %(matches)s)
            """,
            company=company.id,
            figure_condition=figure_condition,
            decided=decided,
            matches=matches,
        )

    @api.model
    def _search_domain(self, fname, operator, value, partner_field="commercial_partner_id"):
        """Domain on a model with the partner ``partner_field`` for ``(fname, operator,
        value)``, in the current company."""
        negative = operator in ("!=", "not in", "not ilike", "not like")
        if operator in ("=", "!="):
            values = [value]
        elif operator in ("in", "not in") and isinstance(value, (list, tuple)):
            values = list(value)
        elif fname == "kam_user_id" and "like" in operator:
            positive = operator.replace("not ", "")
            values = list(self.env["res.users"]._search([("name", positive, value)])) or [0]
        else:
            raise UserError(
                self.env._("Search the key-account classification with =, !=, in or not in.")
            )
        if fname in ("kam_is_key_by_revenue", "kam_is_key_account"):
            values = [bool(v) for v in values]
        company = self.env.company
        parts = []
        if any(not v for v in values):
            parts.append([(partner_field, "not in", self._accounts(company, fname))])
        if truthy := [v for v in values if v]:
            parts.append([(partner_field, "in", self._accounts(company, fname, truthy))])
        domain = expression.OR(parts) if parts else expression.FALSE_DOMAIN
        return ["!", *domain] if negative else domain

    @api.model
    def _flush(self):
        self.env["kam.account.figure"].flush_model()
        self.env["res.partner"].flush_model(
            [
                "commercial_partner_id",
                "kam_own_key_override",
                "kam_own_is_strategic",
                "kam_own_user_id",
            ]
        )
