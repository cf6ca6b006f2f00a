from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare

from ..tools.whitespace import wallet_allocation_share

THREAT_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
SHARE_BASES = [("estimate", "KAM estimate"), ("war", "Wallet Allocation Rule estimate")]
# what the KAM knows of the competitor at the account: changing it confirms it today
INFORMATION_FIELDS = {
    "competitor_id",
    "categ_id",
    "share_estimate",
    "supplier_rank",
    "supplier_count",
    "wallet_estimate",
    "strengths",
    "weaknesses",
    "threat_level",
    "renewal_date",
    "source",
}


class KamCompetitorPresence(models.Model):
    """A competitor present at a key account, in a product category (or in all)."""

    _name = "kam.competitor.presence"
    _inherit = ["mail.thread", "mail.activity.mixin", "kam.account.managed.mixin"]
    _description = "Competitor at a key account"
    _order = "account_id, threat_rank desc, share_estimate desc, id"
    _check_company_auto = True
    _rec_names_search = ["competitor_id", "account_id", "categ_id"]

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="cascade",
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    competitor_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="[('kam_is_competitor', '=', True)]",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        tracking=True,
        ondelete="restrict",
        help="Where the competitor sells to the account; empty: in everything it buys.",
    )
    share_estimate = fields.Float(
        string="Their Share (%)",
        compute="_compute_share_estimate",
        store=True,
        readonly=False,
        tracking=True,
        aggregator="avg",
        help="Estimated share of the account's spend in the category that the competitor "
        "holds. Filled by the Wallet Allocation Rule when you give the customer's ranking of "
        "its suppliers.",
    )
    supplier_rank = fields.Integer(
        string="Their Rank",
        help="How the customer ranks this competitor among its suppliers in the category "
        "(1 = preferred).",
    )
    supplier_count = fields.Integer(
        string="Suppliers",
        help="How many suppliers the customer uses in the category, us included.",
    )
    share_basis = fields.Selection(
        SHARE_BASES,
        compute="_compute_share_basis",
        store=True,
        help="Wallet Allocation Rule estimate: share = (1 − rank / (n + 1)) × 2 / n for the "
        "supplier ranked rank among n. Use it when you only know how the customer ranks its "
        "suppliers.",
    )
    wallet_estimate = fields.Monetary(
        string="Account's Yearly Spend",
        tracking=True,
        help="What the account spends per year in the category, all suppliers together: "
        "its wallet.",
    )
    our_revenue = fields.Monetary(
        compute="_compute_share_of_wallet",
        help="Our revenue from the account in the category (with its subcategories) over the "
        "revenue window, per year.",
    )
    share_of_wallet = fields.Float(
        string="Our Share of Wallet (%)",
        compute="_compute_share_of_wallet",
        help="Our yearly revenue in the category against the account's yearly spend there.",
    )
    strengths = fields.Text(string="Our Strengths", help="Where we beat them at this account.")
    weaknesses = fields.Text(string="Our Weaknesses", help="Where they beat us at this account.")
    threat_level = fields.Selection(THREAT_LEVELS, default="medium", required=True, tracking=True)
    threat_rank = fields.Integer(compute="_compute_threat_rank", store=True)
    renewal_date = fields.Date(
        string="Contract Renewal",
        tracking=True,
        help="When the customer's contract with the competitor ends or renews: the KAM gets "
        "an activity some days before (Settings).",
    )
    renewal_notified_date = fields.Date(
        readonly=True,
        copy=False,
        help="The renewal date for which the KAM was last given an activity.",
    )
    source = fields.Char(help="Where the information comes from.")
    info_date = fields.Date(
        string="Confirmed On",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="When the information was last confirmed. Older than the age set in Settings, it "
        "is stale.",
    )
    is_stale = fields.Boolean(compute="_compute_is_stale", search="_search_is_stale")

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("supplier_rank", "supplier_count")
    def _compute_share_estimate(self):
        for presence in self:
            if presence._has_ranking():
                presence.share_estimate = presence._war_share()

    def _has_ranking(self):
        return 1 <= self.supplier_rank <= self.supplier_count

    def _war_share(self):
        return round(wallet_allocation_share(self.supplier_rank, self.supplier_count) * 100, 2)

    @api.depends("share_estimate", "supplier_rank", "supplier_count")
    def _compute_share_basis(self):
        for presence in self:
            by_rule = presence._has_ranking() and not float_compare(
                presence.share_estimate, presence._war_share(), precision_digits=2
            )
            presence.share_basis = "war" if by_rule else "estimate"

    @api.depends("threat_level")
    def _compute_threat_rank(self):
        ranks = {key: rank for rank, (key, _label) in enumerate(THREAT_LEVELS, start=1)}
        for presence in self:
            presence.threat_rank = ranks.get(presence.threat_level, 0)

    @api.depends("info_date", "company_id.kam_info_max_age_days")
    @api.depends_context("company")
    def _compute_is_stale(self):
        for presence in self:
            limit = presence._stale_before(presence.company_id or self.env.company)
            presence.is_stale = bool(presence.info_date and presence.info_date < limit)

    @api.model
    def _stale_before(self, company):
        return company._kam_today() - timedelta(days=company.kam_info_max_age_days)

    def _search_is_stale(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search “Stale” with = or != and a yes/no."))
        stale = SQL(
            """(SELECT presence.id FROM kam_competitor_presence presence
                  JOIN res_company company ON company.id = presence.company_id
                 WHERE presence.info_date < %s - company.kam_info_max_age_days)""",
            fields.Date.context_today(self),
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", stale)]

    @api.depends("account_id", "categ_id", "company_id", "wallet_estimate")
    def _compute_share_of_wallet(self):
        revenue = self._our_yearly_revenue()
        for presence in self:
            presence.our_revenue = revenue.get(presence.id, 0.0)
            presence.share_of_wallet = (
                presence.our_revenue / presence.wallet_estimate * 100
                if presence.wallet_estimate
                else 0.0
            )

    def _our_yearly_revenue(self):
        """{presence id: our revenue from its account in its category (subcategories
        included) over the revenue window, brought to a year}."""
        saved = self.filtered("id").sudo()
        if not saved:
            return {}
        self.env["kam.competitor.presence"].flush_model()
        engine = self.env["kam.whitespace.engine"]
        result = {}
        for company in saved.company_id:
            date_from, date_to = self.env["kam.concentration.engine"]._revenue_window(company)
            presences = saved.filtered(
                lambda presence, company=company: presence.company_id == company
            )
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT presence.id, SUM(line.amount)
                      FROM kam_competitor_presence presence
                      JOIN (%(lines)s) line ON line.account_id = presence.account_id
                      JOIN product_category category ON category.id = line.categ_id
                 LEFT JOIN product_category presence_category
                        ON presence_category.id = presence.categ_id
                     WHERE presence.id = ANY(%(ids)s)
                       AND (presence.categ_id IS NULL
                            OR starts_with(category.parent_path, presence_category.parent_path))
                  GROUP BY presence.id
                    """,
                    lines=engine._line_revenue(
                        company,
                        date_from,
                        date_to,
                        SQL(
                            "SELECT account_id FROM kam_competitor_presence WHERE id = ANY(%s)",
                            presences.ids,
                        ),
                    ),
                    ids=presences.ids,
                )
            )
            per_year = 12 / company.kam_window_months
            result.update({key: float(amount or 0.0) * per_year for key, amount in rows})
        return result

    @api.constrains("account_id")
    def _check_account_is_commercial_entity(self):
        self.account_id._kam_check_is_account(
            self.env._(
                "%(account)s is a contact, not an account: record the competitor on %(commercial)s."
            )
        )

    @api.constrains("competitor_id", "account_id")
    def _check_competitor(self):
        for presence in self:
            if not presence.competitor_id.kam_is_competitor:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not flagged as a competitor: tick “Competitor” on it "
                        "first.",
                        partner=presence.competitor_id.display_name,
                    )
                )
            if presence.competitor_id.commercial_partner_id == presence.account_id:
                raise ValidationError(
                    self.env._(
                        "%(account)s cannot be its own competitor.",
                        account=presence.account_id.display_name,
                    )
                )

    @api.constrains("share_estimate", "wallet_estimate")
    def _check_estimates(self):
        for presence in self:
            if not 0 <= presence.share_estimate <= 100:
                raise ValidationError(
                    self.env._(
                        "The share of %(competitor)s must be between 0 and 100 %%.",
                        competitor=presence.competitor_id.display_name,
                    )
                )
            if presence.wallet_estimate < 0:
                raise ValidationError(self.env._("The account's spend cannot be negative."))

    @api.constrains("supplier_rank", "supplier_count")
    def _check_ranking(self):
        for presence in self:
            if (presence.supplier_rank or presence.supplier_count) and not presence._has_ranking():
                raise ValidationError(
                    self.env._(
                        "The rank of %(competitor)s must be between 1 and the number of "
                        "suppliers (%(count)s).",
                        competitor=presence.competitor_id.display_name,
                        count=presence.supplier_count,
                    )
                )

    @api.depends("competitor_id", "account_id", "categ_id")
    def _compute_display_name(self):
        for presence in self:
            presence.display_name = self.env._(
                "%(competitor)s at %(account)s (%(category)s)",
                competitor=presence.competitor_id.name or "",
                account=presence.account_id.name or "",
                category=presence.categ_id.display_name or self.env._("all categories"),
            )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_addon_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_addon_fields(vals)
        if INFORMATION_FIELDS & vals.keys() and "info_date" not in vals:
            vals = {**vals, "info_date": fields.Date.context_today(self)}
        if "renewal_date" in vals:
            vals = {**vals, "renewal_notified_date": False}
        result = super().write(vals)
        if not self.env.su and {"account_id", "company_id"} & vals.keys():
            # rules are checked before a write: moving a presence is allowed only to an
            # account where the user could have created it
            self.check_access("create")
        return result

    def _check_addon_fields(self, vals):
        if not self.env.su and vals.get("renewal_notified_date"):
            raise UserError(self.env._("Which renewal was notified is recorded by the addon."))

    def action_confirm_information(self):
        """The KAM checked the information: it is current as of today."""
        self.write({"info_date": fields.Date.context_today(self)})

    # ------------------------------------------------------------------
    # Renewals
    # ------------------------------------------------------------------
    @api.model
    def _notify_renewals(self, company):
        """An activity for the KAM of the account, once per renewal date, when a
        competitor's contract renews within the notice set in Settings."""
        today = company._kam_today()
        due = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("renewal_date", ">=", today),
                ("renewal_date", "<=", today + timedelta(days=company.kam_renewal_notice_days)),
                ("renewal_notified_date", "=", False),
            ]
        )
        activity_type = self.env.ref(
            "kam_management.mail_activity_type_competitor_renewal", raise_if_not_found=False
        )
        for presence in due:
            user = presence._kam_present(presence.kam_user_id)
            if not user:
                continue
            in_their_language = presence.with_context(lang=user.lang)
            translate = in_their_language.env._
            in_their_language.activity_schedule(
                activity_type_id=activity_type.id if activity_type else False,
                date_deadline=presence.renewal_date,
                summary=translate(
                    "%(competitor)s's contract renews on %(date)s",
                    competitor=presence.competitor_id.name,
                    date=presence.renewal_date,
                ),
                note=translate(
                    "Prepare our offer at %(account)s for %(category)s before the renewal.",
                    account=presence.account_id.display_name,
                    category=presence.categ_id.display_name or translate("all categories"),
                ),
                user_id=user.id,
            )
            presence.renewal_notified_date = presence.renewal_date
        return len(due)
