"""18.0.1.1.0: key-account decisions per company, stored on the account only.

Before, the KAM, the strategic flag (reason, review date) and the manager
decision (reason) were one value per partner, copied onto every contact; the
classification (key by revenue, tier, key status, reason) was per company but
copied onto contacts too. Now all of them live per company on the account (the
commercial entity), in the ``kam_own_*`` columns, and contacts read their
account's values.

Each decision is kept for every company it was valid for: the partner's own
company, or every company for a partner shared between companies; a KAM only
in the companies that user may access.
"""

from odoo.tools import SQL

DECISIONS = {
    # old column: (new column, SQL type of the value)
    "kam_is_strategic": ("kam_own_is_strategic", "boolean"),
    "kam_strategic_reason": ("kam_own_strategic_reason", "text"),
    "kam_strategic_review_date": ("kam_own_strategic_review_date", "date"),
    "kam_key_override": ("kam_own_key_override", "varchar"),
    "kam_key_override_reason": ("kam_own_key_override_reason", "text"),
}
CLASSIFICATION = {
    "kam_is_key_by_revenue": "kam_own_is_key_by_revenue",
    "kam_tier": "kam_own_tier",
    "kam_is_key_account": "kam_own_is_key_account",
    "kam_key_reason": "kam_own_key_reason",
}


def column_exists(cr, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'res_partner' "
        "AND column_name = %s",
        (column,),
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version or not column_exists(cr, "kam_user_id"):
        return
    # reads the old columns; the update recreates it on the new ones
    cr.execute("DROP VIEW IF EXISTS kam_relationship_gap")
    # the companies each account's decisions hold for
    cr.execute(
        """
        CREATE TEMPORARY TABLE kam_account_company AS
        SELECT account.id AS partner_id, company.id AS company_id
          FROM res_partner account
          JOIN res_company company
            ON account.company_id IS NULL OR account.company_id = company.id
         WHERE account.id = account.commercial_partner_id
        """
    )
    cr.execute(
        """
        ALTER TABLE res_partner ADD COLUMN kam_own_user_id jsonb;
        UPDATE res_partner partner
           SET kam_own_user_id = decided.value
          FROM (SELECT scope.partner_id,
                       jsonb_object_agg(scope.company_id::text, account.kam_user_id) AS value
                  FROM kam_account_company scope
                  JOIN res_partner account ON account.id = scope.partner_id
                  JOIN res_company_users_rel access
                    ON access.user_id = account.kam_user_id AND access.cid = scope.company_id
              GROUP BY scope.partner_id) decided
         WHERE partner.id = decided.partner_id
        """
    )
    for old, (new, value_type) in DECISIONS.items():
        cr.execute(
            SQL(
                """
                ALTER TABLE res_partner ADD COLUMN %(new)s jsonb;
                UPDATE res_partner partner
                   SET %(new)s = decided.value
                  FROM (SELECT scope.partner_id,
                               jsonb_object_agg(scope.company_id::text,
                                                account.%(old)s::%(type)s) AS value
                          FROM kam_account_company scope
                          JOIN res_partner account ON account.id = scope.partner_id
                         WHERE account.%(old)s IS NOT NULL AND account.%(old)s::text != 'false'
                      GROUP BY scope.partner_id) decided
                 WHERE partner.id = decided.partner_id
                """,
                old=SQL.identifier(old),
                new=SQL.identifier(new),
                type=SQL(value_type),
            )
        )
    for old, new in CLASSIFICATION.items():
        # already per company; only accounts keep it (contacts held copies)
        cr.execute(
            SQL(
                """
                ALTER TABLE res_partner ADD COLUMN %(new)s jsonb;
                UPDATE res_partner SET %(new)s = %(old)s
                 WHERE id = commercial_partner_id AND %(old)s IS NOT NULL
                """,
                old=SQL.identifier(old),
                new=SQL.identifier(new),
            )
        )
    cr.execute(
        SQL(
            "ALTER TABLE res_partner %s",
            SQL(", ").join(
                SQL("DROP COLUMN %s", SQL.identifier(old))
                for old in ["kam_user_id", *DECISIONS, *CLASSIFICATION]
            ),
        )
    )
    cr.execute("DROP TABLE kam_account_company")
