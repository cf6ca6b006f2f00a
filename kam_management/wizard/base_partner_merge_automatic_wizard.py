from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.res_partner import DECISION_FIELDS


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging partners merges their key-account data instead of losing it.

    Odoo moves every reference from the merged partners to the one kept; where
    that would give a person twice on one relationship map (or twice in one
    deal), its generic fallback deletes the merged partner's rows. The maps and
    buying roles are merged first, so that nothing is deleted. Decisions are
    company-dependent values, which Odoo merges company by company (the kept
    partner's win); the classification follows from them and from the kept
    partner's own ranking.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        self._kam_check_may_merge_decisions(src_partners, dst_partner)
        self._kam_merge_stakeholders(src_partners, dst_partner)
        self._kam_merge_opportunity_roles(src_partners, dst_partner)
        self._kam_merge_ranking_rows(src_partners, dst_partner)
        self._kam_merge_signals_and_health(src_partners, dst_partner)
        self._kam_merge_whitespace(src_partners, dst_partner)
        self._kam_merge_scorecards(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)

    @api.model
    def _kam_merge_scorecards(self, src_partners, dst_partner):
        """One scorecard per account and company: where the kept partner (or an
        earlier merged one) has its own, the merged partner's goes; the next
        nightly scoring judges the merged account as a whole."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                DELETE FROM kam_account_scorecard merged
                 USING kam_account_scorecard kept
                 WHERE merged.account_id = ANY(%(merged)s)
                   AND kept.company_id = merged.company_id
                   AND (kept.account_id = %(kept)s
                        OR (kept.account_id = ANY(%(merged)s) AND kept.id < merged.id))
                """,
                merged=src_partners.ids,
                kept=dst_partner.id,
            )
        )
        self.env["kam.account.scorecard"].invalidate_model()

    @api.model
    def _kam_merge_whitespace(self, src_partners, dst_partner):
        """One whitespace cell per account, company and category: where the kept
        partner (or an earlier merged one) has its own, the merged partner's goes
        (its opportunity stays in CRM, moved to the kept partner); the next nightly
        computation judges the merged account as a whole."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                DELETE FROM kam_whitespace merged
                 USING kam_whitespace kept
                 WHERE merged.account_id = ANY(%(merged)s)
                   AND kept.company_id = merged.company_id AND kept.categ_id = merged.categ_id
                   AND (kept.account_id = %(kept)s
                        OR (kept.account_id = ANY(%(merged)s) AND kept.id < merged.id))
                """,
                merged=src_partners.ids,
                kept=dst_partner.id,
            )
        )
        self.env["kam.whitespace"].invalidate_model()

    @api.model
    def _kam_merge_signals_and_health(self, src_partners, dst_partner):
        """One open signal per account and rule, one current health per account:
        where the kept partner has its own, the merged partner's are closed (kept as
        history) before they move; the next nightly check judges the merged
        account as a whole."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                UPDATE kam_signal merged SET state = 'closed', date_closed = CURRENT_DATE
                  FROM kam_signal kept
                 WHERE merged.account_id = ANY(%(merged)s) AND merged.state = 'open'
                   AND kept.state = 'open' AND kept.company_id = merged.company_id
                   AND kept.rule = merged.rule
                   AND (kept.account_id = %(kept)s
                        OR (kept.account_id = ANY(%(merged)s) AND kept.id < merged.id));
                UPDATE kam_account_health merged SET is_current = FALSE
                  FROM kam_account_health kept
                 WHERE merged.account_id = ANY(%(merged)s) AND merged.is_current
                   AND kept.is_current AND kept.company_id = merged.company_id
                   AND (kept.account_id = %(kept)s
                        OR (kept.account_id = ANY(%(merged)s) AND kept.id < merged.id));
                """,
                merged=src_partners.ids,
                kept=dst_partner.id,
            )
        )
        self.env["kam.signal"].invalidate_model()
        self.env["kam.account.health"].invalidate_model()

    @api.model
    def _kam_merge_ranking_rows(self, src_partners, dst_partner):
        """The ranking and the history refer to accounts by id, without a foreign
        key: moved here. The kept partner keeps its own ranking row in a company;
        it takes over a merged one's where it had none (until the next
        computation ranks the merged revenue)."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                DELETE FROM kam_account_figure merged
                 USING kam_account_figure kept
                 WHERE merged.account_ref = ANY(%(merged)s) AND kept.account_ref = %(kept)s
                   AND kept.company_id = merged.company_id;
                DELETE FROM kam_account_figure merged
                 WHERE merged.account_ref = ANY(%(merged)s)
                   AND merged.id NOT IN (SELECT DISTINCT ON (company_id) id
                                           FROM kam_account_figure
                                          WHERE account_ref = ANY(%(merged)s)
                                       ORDER BY company_id, revenue DESC, id);
                UPDATE kam_account_figure SET account_ref = %(kept)s
                 WHERE account_ref = ANY(%(merged)s);
                UPDATE kam_concentration_line SET account_ref = %(kept)s
                 WHERE account_ref = ANY(%(merged)s);
                """,
                merged=src_partners.ids,
                kept=dst_partner.id,
            )
        )
        self.env["kam.account.figure"].invalidate_model()
        self.env["kam.account.figure"]._invalidate_classification()
        self.env["kam.concentration.line"].invalidate_model()

    @api.model
    def _kam_check_may_merge_decisions(self, src_partners, dst_partner):
        """Merging carries the decisions of the merged accounts over (KAM, strategic
        flag, manager decision): only KAM managers may change those."""
        if self.env["res.partner"]._kam_is_manager():
            return
        partners = (src_partners | dst_partner).sudo()
        decided = self.env.execute_query(
            SQL(
                "SELECT 1 FROM res_partner WHERE id = ANY(%s) AND (%s) LIMIT 1",
                src_partners.ids,
                SQL(" OR ").join(
                    SQL("jsonb_strip_nulls(COALESCE(%s, '{}')) != '{}'", SQL.identifier(fname))
                    for fname in DECISION_FIELDS
                ),
            )
        )
        if decided:
            raise UserError(
                self.env._(
                    "%(partners)s hold key-account decisions (Key Account Manager, strategic "
                    "flag or manager decision): only Key Account Managers can merge them.",
                    partners=", ".join(partners.mapped("display_name")),
                )
            )

    @api.model
    def _kam_merge_stakeholders(self, src_partners, dst_partner):
        """A person on the map twice after the merge becomes one stakeholder."""
        Stakeholder = self.env["kam.stakeholder"].sudo().with_context(active_test=False)
        merged_ids = src_partners.ids + dst_partner.ids
        stakeholders = Stakeholder.search(
            ["|", ("account_id", "in", merged_ids), ("contact_id", "in", merged_ids)]
        )

        def after_merge(partner):
            return dst_partner if partner in src_partners else partner

        kept = {}
        for stakeholder in stakeholders.sorted(lambda s: (s.account_id not in src_partners, s.id)):
            key = (after_merge(stakeholder.account_id), after_merge(stakeholder.contact_id))
            kept.setdefault(key, Stakeholder.browse())
            kept[key] |= stakeholder
        for duplicates in kept.values():
            if len(duplicates) < 2:
                continue
            # the one kept is on the destination account, else the oldest
            keep = duplicates.sorted(
                lambda s: (s.account_id in src_partners, s.contact_id in src_partners, s.id)
            )[0]
            (duplicates - keep)._kam_merge_into(keep)

    @api.model
    def _kam_merge_opportunity_roles(self, src_partners, dst_partner):
        Role = self.env["kam.opportunity.contact"].sudo()
        roles = Role.search([("contact_id", "in", src_partners.ids + dst_partner.ids)])
        by_lead = {}
        for role in roles.sorted(lambda r: (r.contact_id in src_partners, r.id)):
            by_lead.setdefault(role.lead_id, Role.browse())
            by_lead[role.lead_id] |= role
        for duplicates in by_lead.values():
            keep, others = duplicates[0], duplicates[1:]
            if others:
                keep.role_ids |= others.role_ids
                others.unlink()
