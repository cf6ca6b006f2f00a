from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import format_amount

WHITESPACE_STATES = [
    ("bought", "Bought"),
    ("whitespace", "Whitespace"),
    ("competitor", "Held by a Competitor"),
]
PEER_GROUPS = [("industry", "Same industry"), ("tier", "Same tier")]
# accounts and categories the grid shows at once
GRID_ACCOUNT_LIMIT = 40


class KamWhitespace(models.Model):
    """One key account and one product category: what the account buys from us
    there, or, when enough of its peers buy it and it does not, what it could.

    Written by the nightly computation (kam.whitespace.engine), per company; the
    KAM's only change is to turn a cell into an opportunity.
    """

    _name = "kam.whitespace"
    _inherit = "kam.account.managed.mixin"
    _description = "Whitespace cell (account × product category)"
    _order = "account_id, expected_revenue desc, categ_id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one(
        "res.partner", string="Key Account", required=True, readonly=True, ondelete="cascade"
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    state = fields.Selection(WHITESPACE_STATES, required=True, readonly=True)
    revenue = fields.Monetary(
        string="Our Revenue",
        readonly=True,
        help="What the account bought from us in the category (subcategories included) over "
        "the revenue window, net of credit notes.",
    )
    expected_revenue = fields.Monetary(
        readonly=True,
        aggregator="sum",
        help="For whitespace: the median revenue of the peers that buy the category, scaled "
        "by the account's size against theirs.",
    )
    peer_group = fields.Selection(PEER_GROUPS, readonly=True)
    peer_total = fields.Integer(string="Peers", readonly=True, help="Peers in the group.")
    peer_count = fields.Integer(
        string="Peers Buying", readonly=True, help="Peers that buy the category."
    )
    peer_median = fields.Monetary(
        string="Peers' Median Revenue",
        readonly=True,
        help="Median revenue in the category of the peers that buy it.",
    )
    scale = fields.Float(
        string="Size Against Peers",
        readonly=True,
        digits=(16, 2),
        help="The account's total revenue against the median total of the peers that buy the "
        "category.",
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", readonly=True, index="btree_not_null"
    )
    competitor_ids = fields.Many2many(
        "res.partner",
        string="Competitors",
        compute="_compute_competitor_ids",
        help="Competitors recorded at the account in this category.",
    )
    evidence = fields.Char(compute="_compute_evidence")

    _sql_constraints = [
        (
            "one_cell",
            "UNIQUE (company_id, account_id, categ_id)",
            "One cell per account and category in each company.",
        )
    ]

    @api.depends("account_id", "categ_id", "company_id")
    def _compute_competitor_ids(self):
        presences = (
            self.env["kam.competitor.presence"]
            .sudo()
            .search(
                [
                    ("account_id", "in", self.account_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("categ_id", "!=", False),
                ]
            )
        )
        for cell in self:
            cell.competitor_ids = presences.filtered(
                lambda presence, cell=cell: (
                    presence.account_id == cell.account_id
                    and presence.company_id == cell.company_id
                    and presence.categ_id.parent_path.startswith(cell.categ_id.parent_path or "-")
                )
            ).competitor_id

    @api.depends("state", "peer_count", "peer_total", "peer_median", "scale", "peer_group")
    def _compute_evidence(self):
        groups = dict(self._fields["peer_group"]._description_selection(self.env))
        for cell in self:
            if not cell.peer_total:
                cell.evidence = False
                continue
            cell.evidence = self.env._(
                "%(count)s of %(total)s peers (%(group)s) buy it; their median is %(median)s; "
                "the account is %(scale)s× their size",
                count=cell.peer_count,
                total=cell.peer_total,
                group=groups.get(cell.peer_group, ""),
                median=format_amount(self.env, round(cell.peer_median), cell.currency_id),
                scale=round(cell.scale, 2),
            )

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Whitespace is computed every night: turn a cell into an opportunity with "
                    "its button."
                )
            )
        return super().write(vals)

    def _create_opportunities(self):
        """An opportunity on the account for the category, with the expected revenue;
        the cell then shows it. Only the account team (or a manager) may."""
        self.check_access("write")
        for cell in self.filtered(lambda cell: not cell.lead_id):
            lead = self.env["crm.lead"].create(cell._opportunity_values())
            cell.sudo().lead_id = lead
        return self.lead_id

    def action_create_opportunity(self):
        leads = self._create_opportunities()
        if len(leads) != 1:
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": leads.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _opportunity_owner(self):
        """The KAM of the account, unless a member of its team makes it (a salesperson
        owns the opportunities they make)."""
        user = self.env.user
        may_assign = user.has_group("sales_team.group_sale_salesman_all_leads")
        if user != self.kam_user_id and (not may_assign or not self.kam_user_id):
            return user
        return self.kam_user_id

    def _opportunity_values(self):
        self.ensure_one()
        return {
            "name": self.env._(
                "%(category)s for %(account)s",
                category=self.categ_id.name,
                account=self.account_id.name,
            ),
            "type": "opportunity",
            "partner_id": self.account_id.id,
            "company_id": self.company_id.id,
            "user_id": self._opportunity_owner().id,
            "expected_revenue": self.expected_revenue,
            "description": self.evidence or False,
        }

    # ------------------------------------------------------------------
    # The grid (static/src/views/whitespace_grid)
    # ------------------------------------------------------------------
    @api.model
    def kam_grid_data(self, domain=None, offset=0):
        """Accounts × categories of the cells of ``domain`` the user may read: the
        accounts with the most expected revenue first, GRID_ACCOUNT_LIMIT at once."""
        domain = expression.AND([domain or [], [("company_id", "=", self.env.company.id)]])
        ranked = self._read_group(
            domain, ["account_id"], ["expected_revenue:sum"], order="expected_revenue:sum desc"
        )
        accounts = [account for account, _total in ranked]
        shown = accounts[offset : offset + GRID_ACCOUNT_LIMIT]
        cells = self.search(
            expression.AND([domain, [("account_id", "in", [account.id for account in shown])]])
        )
        categories = cells.categ_id.sorted("complete_name")
        states = dict(self._fields["state"]._description_selection(self.env))
        may_create = cells._grid_creatable()
        readable_leads = cells.lead_id._filtered_access("read")
        return {
            "accounts": [{"id": account.id, "name": account.display_name} for account in shown],
            "account_count": len(accounts),
            "offset": offset,
            "limit": GRID_ACCOUNT_LIMIT,
            "categories": [
                {"id": c.id, "name": c.name, "path": c.complete_name} for c in categories
            ],
            "currency_id": self.env.company.currency_id.id,
            "can_refresh": self.env.user.has_group("kam_management.group_kam_manager"),
            "cells": [
                {
                    "id": cell.id,
                    "account_id": cell.account_id.id,
                    "categ_id": cell.categ_id.id,
                    "state": cell.state,
                    "state_label": states[cell.state],
                    "revenue": cell.revenue,
                    "expected_revenue": cell.expected_revenue,
                    "evidence": cell.evidence or "",
                    "competitors": ", ".join(cell.competitor_ids.mapped("name")),
                    "lead_id": cell.lead_id.id,
                    "lead_name": (
                        cell.lead_id.name
                        if cell.lead_id in readable_leads
                        else self.env._("Opportunity")
                        if cell.lead_id
                        else ""
                    ),
                    "can_create": cell.id in may_create,
                }
                for cell in cells
            ],
        }

    @api.model
    def kam_grid_create_opportunity(self, cell_id):
        """From the grid: the opportunity of a cell, made if it has none."""
        cell = self.browse(cell_id).exists()
        lead = cell._create_opportunities()
        return {"lead_id": lead.id, "lead_name": lead.name}

    def _grid_creatable(self):
        """Ids of the cells the user may turn into an opportunity."""
        return set(self._filtered_access("write").ids)

    @api.model
    def action_refresh_information(self):
        """A KAM manager computes the information of the current company now."""
        self.env.user._kam_check_manager(
            self.env._("Only KAM managers compute the information on demand.")
        )
        self.env["kam.information.engine"].sudo()._refresh_company(self.env.company)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
