from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common_rights import KamRightsCommon

DECISIONS = ("kam_user_id", "kam_is_strategic", "kam_strategic_reason", "kam_key_override")


@tagged("post_install", "-at_install")
class TestPartnerSideDoors(KamRightsCommon):
    """The decisions about an account cannot be read, copied or wiped through the
    side doors of res.partner: RPC reads, re-parenting, copy, import, merge."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write({"kam_key_override": "key", "kam_key_override_reason": "Big tender"})
        cls.plain = cls.env["res.partner"].create({"name": "Plain Company", "is_company": True})
        cls.Partner = cls.env["res.partner"]

    def decisions(self, partner):
        partner.invalidate_recordset()
        return {fname: partner[fname] for fname in DECISIONS}

    def key_accounts(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.res_partner_action_key_account"
        )
        return self.Partner.search(safe_eval(action["domain"]))

    # 1. reads over RPC ---------------------------------------------------
    def test_portal_contact_reads_nothing_of_its_account(self):
        own_partner = self.portal_user.partner_id.with_user(self.portal_user)
        for partner in (own_partner, own_partner.commercial_partner_id):
            for fname in ("kam_strategic_reason", "kam_key_override_reason", "kam_tier",
                          "kam_revenue_rank", "kam_revenue_share", "kam_user_id"):  # fmt: skip
                with (
                    self.subTest(partner=partner.name, field=fname),
                    self.assertRaises(AccessError),
                ):
                    partner.read([fname])
        # what a portal user's contact holds: nothing copied from its account
        stored = own_partner.sudo()
        self.assertFalse(stored.kam_own_strategic_reason)
        self.assertFalse(stored.kam_own_key_override_reason)
        self.assertFalse(stored.kam_own_user_id)

    def test_employee_without_sales_rights_reads_no_figure_even_computed_with_sudo(self):
        employee = self.users["employee without sales rights"]
        for fname in ("kam_revenue", "kam_revenue_rank", "kam_user_id", "kam_is_key_account"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                self.account.with_user(employee).read([fname])
        fields = self.Partner.with_user(employee).fields_get()
        self.assertFalse([fname for fname in fields if fname.startswith("kam_")])

    def test_salesman_reads_the_kam_but_not_the_reasons(self):
        account = self.account.with_user(self.salesman)
        self.assertEqual(account.kam_user_id, self.kam_user)
        self.assertTrue(account.kam_is_key_account)
        with self.assertRaises(AccessError):
            account.read(["kam_strategic_reason"])

    # 2. re-parenting -----------------------------------------------------
    def test_salesman_cannot_copy_decisions_by_parking_a_company_under_a_key_account(self):
        plain = self.plain.with_user(self.salesman)
        plain.write({"is_company": False, "parent_id": self.account.id})
        self.assertEqual(plain.kam_user_id, self.kam_user, "a contact shows its account's")
        plain.write({"parent_id": False, "is_company": True})
        self.assertFalse(any(self.decisions(self.plain).values()), "nothing of the key account")
        self.assertFalse(self.plain.kam_is_key_account)
        self.assertNotIn(self.plain, self.key_accounts())

    def test_salesman_cannot_wipe_decisions_by_parking_a_key_account_under_a_company(self):
        before = self.decisions(self.account)
        account = self.account.with_user(self.salesman)
        account.write({"is_company": False, "parent_id": self.plain.id})
        self.assertFalse(account.kam_user_id, "while it is a contact, it shows its company's")
        account.write({"parent_id": False, "is_company": True})
        self.assertEqual(self.decisions(self.account), before)
        self.assertTrue(self.account.kam_is_key_account)
        self.assertEqual(self.account.kam_key_reason, "manual")

    def test_salesman_cannot_set_decisions_through_a_contact_or_an_import(self):
        with self.assertRaises(AccessError):
            self.contact.with_user(self.salesman).kam_user_id = self.other_kam_user
        result = self.Partner.with_user(self.salesman).load(
            ["name", "is_company", "kam_is_strategic", "kam_strategic_reason"],
            [["Imported Inc", "1", "1", "Because"]],
        )
        self.assertFalse(result["ids"])
        self.assertFalse(self.Partner.search([("name", "=", "Imported Inc")]))

    # 3. classification follows each partner's own figures and decisions --
    def test_detached_contact_is_not_a_key_account(self):
        self.assertTrue(self.contact.kam_is_key_account, "shows its account's status")
        self.contact.parent_id = False
        self.contact.invalidate_recordset()
        self.assertFalse(self.contact.kam_is_key_account)
        self.assertFalse(self.contact.kam_key_reason)
        for company in (self.company, self.other_company):
            self.assertFalse(self.contact.with_company(company).kam_is_key_account)
        self.assertNotIn(self.contact, self.key_accounts())
        gaps = self.env["kam.relationship.gap"].search([("account_id", "=", self.contact.id)])
        self.assertFalse(gaps)

    def test_contact_moved_to_another_account_shows_that_account(self):
        self.contact.parent_id = self.other_account
        self.assertFalse(self.contact.kam_is_key_account)
        self.assertEqual(self.contact.kam_user_id, self.other_kam_user)

    def test_a_former_account_is_classified_from_its_own_revenue_ranking(self):
        # the plain company was ranked key by revenue on its own before being parked
        self.env["kam.account.figure"].create(
            {
                "company_id": self.company.id,
                "partner_id": self.plain.id,
                "tier": "a",
                "is_key": True,
            }
        )
        self.plain.write({"is_company": False, "parent_id": self.other_account.id})
        self.plain.write({"parent_id": False, "is_company": True})
        self.assertTrue(self.plain.kam_is_key_by_revenue)
        self.assertEqual(self.plain.kam_tier, "a")
        self.assertEqual(self.plain.kam_key_reason, "revenue")

    # 7. a KAM who lost the KAM group -------------------------------------
    def test_kam_who_left_the_group_blocks_nobody(self):
        self.kam_user.groups_id -= self.env.ref("kam_management.group_kam_user")
        person = self.Partner.with_user(self.salesman).create(
            {"name": "New Buyer", "parent_id": self.account.id}
        )
        self.assertEqual(person.commercial_partner_id, self.account)
        self.plain.with_user(self.salesman).write({"parent_id": self.account.id})
        self.plain.with_user(self.salesman).write({"parent_id": False})
        with self.assertRaisesRegex(ValidationError, "Key Account Management / User"):
            self.other_account.with_user(self.kam_manager).kam_user_id = self.kam_user

    def test_kam_must_have_access_to_the_company(self):
        with self.assertRaisesRegex(ValidationError, "no access to that company"):
            self.plain.with_company(self.other_company).kam_user_id = self.kam_user

    # 9. copy ---------------------------------------------------------------
    def test_non_managers_duplicate_key_accounts_without_their_decisions(self):
        for user in (self.kam_user, self.salesman):
            copy = self.account.with_user(user).copy()
            self.assertFalse(copy.kam_user_id)
            self.assertFalse(copy.kam_is_key_account)
        person = self.contact.with_user(self.salesman).copy()
        self.assertEqual(person.kam_user_id, self.kam_user, "a copied contact shows its account's")

    def test_managers_duplicate_without_copying_decisions(self):
        copy = self.account.with_user(self.kam_manager).copy()
        self.assertEqual(
            {fname: bool(copy[fname]) for fname in DECISIONS}, dict.fromkeys(DECISIONS, False)
        )
        self.assertFalse(copy.kam_is_key_account)

    def test_the_form_of_a_new_contact_saves_for_a_salesman(self):
        form = Form(self.Partner.with_user(self.salesman))
        form.name = "Contact from the form"
        form.parent_id = self.account
        person = form.save()
        self.assertEqual(person.kam_user_id, self.kam_user)


@tagged("post_install", "-at_install")
class TestPartnerMerge(KamRightsCommon):
    """Odoo's merge wizard merges relationship maps and buying roles and keeps the
    classification that follows from the merged partner's own data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stakeholder = cls.env["kam.stakeholder"]
        cls.duplicate = cls.env["res.partner"].create(
            {"name": "Acme Industrial (duplicate)", "is_company": True}
        )
        cls.boss = cls.env["res.partner"].create({"name": "Boss", "parent_id": cls.account.id})
        cls.decision_maker = cls.env.ref("kam_management.stakeholder_role_decision_maker")
        cls.champion = cls.env.ref("kam_management.stakeholder_role_champion")
        cls.kept = Stakeholder.create(
            {"account_id": cls.account.id, "contact_id": cls.contact.id, "strength": 4}
        )
        cls.boss_here = Stakeholder.create(
            {"account_id": cls.account.id, "contact_id": cls.boss.id}
        )
        # the duplicate account's map lists the same person, and one more
        cls.twin = Stakeholder.create(
            {
                "account_id": cls.duplicate.id,
                "contact_id": cls.contact.id,
                "role_ids": [(6, 0, cls.decision_maker.ids)],
                "notes": "<p>Prefers calls</p>",
            }
        )
        cls.other_person = cls.env["res.partner"].create({"name": "Luisa", "is_company": False})
        cls.only_there = Stakeholder.create(
            {
                "account_id": cls.duplicate.id,
                "contact_id": cls.other_person.id,
                "reports_to_id": cls.twin.id,
            }
        )
        cls.twin.message_post(body="Met at the fair")

    def merge(self, partners, destination, user=None):
        wizard = self.env["base.partner.merge.automatic.wizard"]
        if user:  # as in the wizard: the destination is read as the user
            wizard, destination = wizard.with_user(user), destination.with_user(user)
        wizard._merge(partners.ids, destination, extra_checks=False)

    def test_merging_accounts_merges_their_maps(self):
        self.merge(self.account | self.duplicate, self.account)
        people = self.env["kam.stakeholder"].search([("account_id", "=", self.account.id)])
        self.assertEqual(people.contact_id, self.contact | self.boss | self.other_person)
        self.assertEqual(self.kept.role_ids, self.decision_maker)
        self.assertEqual(self.kept.strength, 4)
        self.assertIn("Prefers calls", self.kept.notes)
        self.assertEqual(self.only_there.reports_to_id, self.kept)
        self.assertIn("Met at the fair", "".join(self.kept.message_ids.mapped("body")))
        self.assertFalse(self.twin.exists())

    def test_merging_accounts_keeps_their_signals_and_health_history(self):
        company = self.env.company
        signals, healths = self.env["kam.signal"], self.env["kam.account.health"]
        for account in (self.account, self.duplicate):
            signals |= signals.create(
                {
                    "account_id": account.id,
                    "company_id": company.id,
                    "rule": "relationship",
                    "first_seen": "2026-01-05",
                    "label": "single_threaded",
                }
            )
            healths |= healths.create(
                {
                    "account_id": account.id,
                    "company_id": company.id,
                    "date": "2026-01-05",
                    "is_current": True,
                    "score": 50,
                    "band": "watch",
                }
            )
        self.merge(self.account | self.duplicate, self.account)
        self.assertEqual(signals.exists(), signals, "no signal deleted")
        self.assertEqual(healths.exists(), healths, "no health history deleted")
        self.assertEqual(signals.account_id, self.account)
        self.assertEqual(signals.mapped("state"), ["open", "closed"])
        self.assertEqual(healths.mapped("is_current"), [True, False])

    def test_merging_accounts_keeps_their_competitors_and_whitespace(self):
        company = self.env.company
        rival = self.env["res.partner"].create(
            {"name": "Rival", "is_company": True, "kam_is_competitor": True}
        )
        presences = self.env["kam.competitor.presence"].create(
            [
                {"account_id": account.id, "company_id": company.id, "competitor_id": rival.id}
                for account in (self.account, self.duplicate)
            ]
        )
        seals, oils = self.env["product.category"].create([{"name": "Seals"}, {"name": "Oils"}])
        lead = self.env["crm.lead"].create({"name": "Oils", "partner_id": self.duplicate.id})
        cells = self.env["kam.whitespace"].create(
            [
                dict(values, company_id=company.id)
                for values in (
                    {"account_id": self.account.id, "categ_id": seals.id, "state": "bought"},
                    {"account_id": self.duplicate.id, "categ_id": seals.id, "state": "whitespace"},
                    {
                        "account_id": self.duplicate.id,
                        "categ_id": oils.id,
                        "state": "whitespace",
                        "lead_id": lead.id,
                    },
                )
            ]
        )
        self.merge(self.account | self.duplicate, self.account)
        self.assertEqual(presences.exists().account_id, self.account, "no competitor lost")
        self.assertEqual(len(presences.exists()), 2)
        # one cell per category: the kept account's, and the merged one's opportunity
        self.assertEqual(cells.exists(), cells[0] | cells[2])
        self.assertEqual(cells[2].account_id, self.account)
        self.assertEqual(cells[2].lead_id.partner_id, self.account)

    def test_merging_accounts_keeps_one_scorecard(self):
        """One scorecard per account and company: the kept account's stays, the
        merged account's goes; a merged account without a twin keeps its own."""
        company = self.env.company
        scorecards = self.env["kam.account.scorecard"].create(
            [
                {"account_id": account.id, "company_id": company.id, "score_team": score}
                for account, score in ((self.account, 80), (self.duplicate, 20))
            ]
        )
        self.merge(self.account | self.duplicate, self.account)
        self.assertEqual(scorecards.exists(), scorecards[0])
        self.assertEqual(self.account.kam_score_team, 80)
        alone = self.env["kam.account.scorecard"].create(
            {"account_id": self.other_account.id, "company_id": company.id, "score_team": 30}
        )
        merged_into = self.env["res.partner"].create({"name": "New Home", "is_company": True})
        self.merge(self.other_account | merged_into, merged_into)
        self.assertEqual(alone.account_id, merged_into)

    def test_merging_two_contacts_on_one_map(self):
        twin_person = self.env["res.partner"].create(
            {"name": "Pilar Acme", "parent_id": self.account.id}
        )
        twin = self.env["kam.stakeholder"].create(
            {
                "account_id": self.account.id,
                "contact_id": twin_person.id,
                "role_ids": [(6, 0, self.champion.ids)],
            }
        )
        lead = self.env["crm.lead"].create({"name": "Deal", "partner_id": self.account.id})
        roles = self.env["kam.opportunity.contact"].create(
            [
                {"lead_id": lead.id, "contact_id": self.contact.id},
                {
                    "lead_id": lead.id,
                    "contact_id": twin_person.id,
                    "role_ids": [(6, 0, self.champion.ids)],
                },
            ]
        )
        self.merge(self.contact | twin_person, self.contact)
        self.assertFalse(twin.exists())
        self.assertEqual(self.kept.role_ids, self.champion)
        self.assertEqual(lead.kam_opportunity_contact_ids, roles[0])
        self.assertEqual(roles[0].role_ids, self.champion)

    def test_merged_account_keeps_decisions_and_its_own_classification(self):
        self.env["kam.account.figure"].create(
            {
                "company_id": self.company.id,
                "partner_id": self.duplicate.id,
                "tier": "a",
                "is_key": True,
            }
        )
        self.duplicate.kam_is_key_by_revenue = True
        self.merge(self.account | self.duplicate, self.duplicate)
        self.assertEqual(self.duplicate.kam_user_id, self.kam_user)
        self.assertTrue(self.duplicate.kam_is_strategic)
        self.assertEqual(self.duplicate.kam_key_reason, "both")
        self.assertTrue(self.duplicate.kam_is_key_account)

    def test_only_kam_managers_merge_accounts_that_hold_decisions(self):
        sales_manager = new_test_user(
            self.env,
            login="kam_merge_sales_manager",
            groups="base.group_user,base.group_partner_manager,sales_team.group_sale_manager",
        )
        with self.assertRaisesRegex(UserError, "only Key Account Managers can merge"):
            self.merge(self.account | self.duplicate, self.duplicate, user=sales_manager)
        self.assertTrue(self.account.exists())
        # contacts hold no decision: merging them is anybody's business
        twin_person = self.env["res.partner"].create({"name": "P", "parent_id": self.account.id})
        self.merge(self.contact | twin_person, self.contact, user=sales_manager)
        self.assertFalse(twin_person.exists())
