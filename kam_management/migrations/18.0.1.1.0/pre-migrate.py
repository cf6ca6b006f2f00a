"""18.0.1.1.0: key-account decisions per company, stored on the account only.

Before, the KAM, the strategic flag (reason, review date) and the manager
decision (reason) were one value per partner, copied onto every contact; the
classification (key by revenue, tier, key status, reason) was per company but
copied onto contacts too. Now the decisions live per company on the account
(the commercial entity), in the ``kam_own_*`` columns, contacts read their
account's values, and the classification is read from the revenue ranking
(kam_account_figure, which already holds it) and the decisions: its partner
columns go.

Each decision is kept for every company it was valid for: the partner's own
company, or every company for a partner shared between companies; a KAM only
in the companies that user may access.

Sales orders: the stored KAM (the current one) becomes the KAM at
confirmation of confirmed orders, where valid for the order's company; the
current KAM and key status are read from the account.
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
# read from kam_account_figure now (it holds the same ranking)
CLASSIFICATION = ("kam_is_key_by_revenue", "kam_tier", "kam_is_key_account", "kam_key_reason")


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
    cr.execute(
        """
        ALTER TABLE sale_order RENAME COLUMN kam_user_id TO kam_confirmed_user_id;
        ALTER TABLE sale_order DROP CONSTRAINT IF EXISTS sale_order_kam_user_id_fkey;
        ALTER TABLE sale_order DROP COLUMN IF EXISTS kam_is_key_account;
        UPDATE sale_order sale SET kam_confirmed_user_id = NULL
         WHERE kam_confirmed_user_id IS NOT NULL
           AND (sale.state != 'sale'
                OR NOT EXISTS (SELECT 1 FROM res_company_users_rel access
                                WHERE access.user_id = sale.kam_confirmed_user_id
                                  AND access.cid = sale.company_id))
        """
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
    # the ranking and the history refer to accounts by id, without a foreign key
    # (kam.account.ref.mixin)
    for table in ("kam_concentration_line", "kam_account_figure"):
        cr.execute(
            SQL(
                """
                ALTER TABLE %(table)s RENAME COLUMN partner_id TO account_ref;
                ALTER TABLE %(table)s DROP CONSTRAINT IF EXISTS %(fkey)s;
                ALTER TABLE %(table)s ALTER COLUMN account_ref DROP NOT NULL;
                ALTER INDEX IF EXISTS %(old_index)s RENAME TO %(new_index)s;
                """,
                table=SQL.identifier(table),
                fkey=SQL.identifier(f"{table}_partner_id_fkey"),
                old_index=SQL.identifier(f"{table}__partner_id_index"),
                new_index=SQL.identifier(f"{table}__account_ref_index"),
            )
        )
