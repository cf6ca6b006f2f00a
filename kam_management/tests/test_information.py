from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common_signals import KamSignalsCommon


class KamInformationCommon(KamSignalsCommon):
    """Four key accounts of one industry (peers of each other, with the default of
    three peers), product categories with a subcategory, and a competitor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        all_products = cls.env.ref("product.product_category_all")
        category = cls.env["product.category"]
        cls.parts = category.create({"name": "Parts", "parent_id": all_products.id})
        cls.seals = category.create({"name": "Seals", "parent_id": cls.parts.id})
        cls.oils = category.create({"name": "Oils", "parent_id": all_products.id})
        product = cls.env["product.product"]
        cls.part = product.create({"name": "Gear", "categ_id": cls.parts.id, "list_price": 1})
        cls.seal = product.create({"name": "Seal", "categ_id": cls.seals.id, "list_price": 1})
        cls.oil = product.create({"name": "Oil", "categ_id": cls.oils.id, "list_price": 1})
        cls.dairy = cls.env["res.partner.industry"].create({"name": "Dairy (test)"})
        cls.rival = cls.env["res.partner"].create(
            {"name": "Rival Parts", "is_company": True, "kam_is_competitor": True}
        )

    @classmethod
    def peer(cls, name, kam=None):
        account = KamSignalsCommon.key_account(cls, name, kam=kam)
        account.industry_id = cls.dairy
        return account

    def presence(self, account, **values):
        return self.env["kam.competitor.presence"].create(
            {"account_id": account.id, "competitor_id": self.rival.id, **values}
        )

    def whitespace(self):
        return self.env["kam.whitespace.engine"]._compute_company(self.company)

    def cell(self, account, category):
        return self.env["kam.whitespace"].search(
            [("account_id", "=", account.id), ("categ_id", "=", category.id)]
        )


@tagged("post_install", "-at_install")
class TestShareOfWallet(KamInformationCommon):
    def test_share_of_wallet_from_the_invoices_of_the_category_and_its_subcategories(self):
        account = self.peer("Wallet Foods")
        self.invoice(account, days_ago=30, amount=1000, product=self.seal)  # subcategory
        self.invoice(account, days_ago=60, amount=500, product=self.part)
        self.invoice(account, days_ago=20, amount=200, product=self.seal, refund=True)
        self.invoice(account, days_ago=40, amount=700, product=self.oil)  # another category
        self.invoice(account, days_ago=400, amount=900, product=self.part)  # before the window
        presence = self.presence(account, categ_id=self.parts.id, wallet_estimate=2600)
        # 1 000 + 500 - 200 = 1 300 of a yearly wallet of 2 600
        self.assertAlmostEqual(presence.our_revenue, 1300)
        self.assertAlmostEqual(presence.share_of_wallet, 50)
        everything = self.presence(account, wallet_estimate=4000)
        self.assertAlmostEqual(everything.our_revenue, 2000)
        self.assertAlmostEqual(everything.share_of_wallet, 50)

    def test_the_wallet_allocation_rule_when_only_the_ranking_is_known(self):
        account = self.peer("Ranked Foods")
        presence = self.presence(account, categ_id=self.parts.id, supplier_rank=2, supplier_count=3)
        # (1 - 2/4) * 2/3 = 1/3
        self.assertAlmostEqual(presence.share_estimate, 33.33)
        self.assertEqual(presence.share_basis, "war")
        presence.supplier_rank = 1  # (1 - 1/4) * 2/3 = 1/2
        self.assertAlmostEqual(presence.share_estimate, 50)
        presence.share_estimate = 45  # the KAM knows better
        self.assertEqual(presence.share_basis, "estimate")
        with self.assertRaises(ValidationError):
            presence.write({"supplier_rank": 4})
        with Form(self.env["kam.competitor.presence"]) as form:
            form.account_id = account
            form.competitor_id = self.rival
            form.supplier_count = 4
            form.supplier_rank = 4  # (1 - 4/5) * 2/4 = 10 %
            self.assertAlmostEqual(form.share_estimate, 10)

    def test_only_a_competitor_of_another_company_can_be_present(self):
        account = self.peer("Checked Foods")
        not_flagged = self.env["res.partner"].create({"name": "Friendly Ltd", "is_company": True})
        with self.assertRaises(ValidationError):
            self.env["kam.competitor.presence"].create(
                {"account_id": account.id, "competitor_id": not_flagged.id}
            )
        account.kam_is_competitor = True
        with self.assertRaises(ValidationError):
            self.env["kam.competitor.presence"].create(
                {"account_id": account.id, "competitor_id": account.id}
            )
        contact = self.env["res.partner"].create({"name": "Ann", "parent_id": account.id})
        with self.assertRaises(ValidationError):
            self.presence(contact)
        with self.assertRaises(ValidationError):
            self.presence(self.peer("Share Foods"), share_estimate=120)

    def test_a_kam_cannot_move_a_presence_to_another_kams_account(self):
        mine = self.peer("Mine Foods")
        theirs = self.peer("Theirs Foods", kam=self.other_kam)
        presence = self.presence(mine).with_user(self.kam_user)
        presence.share_estimate = 10  # their own account: allowed
        with self.assertRaises(AccessError):
            presence.write({"account_id": theirs.id})
        with self.assertRaises(AccessError):
            presence.copy({"account_id": theirs.id})
        with self.assertRaises(AccessError):
            self.presence(theirs).with_user(self.kam_user).unlink()

    def test_where_we_meet_a_competitor(self):
        first, second = self.peer("Meet One"), self.peer("Meet Two")
        self.presence(first, categ_id=self.parts.id)
        self.presence(first, categ_id=self.oils.id)
        self.presence(second)
        self.assertEqual(self.rival.kam_competitor_account_count, 2)
        action = self.rival.action_kam_open_competitor_presence()
        self.assertEqual(self.env["kam.competitor.presence"].search_count(action["domain"]), 3)

    def test_the_plan_shows_the_presence_records_of_its_account(self):
        account = self.peer("Planned Foods")
        presence = self.presence(account, categ_id=self.parts.id)
        self.presence(self.peer("Other Foods"))
        plan = self.env["kam.account.plan"].create(
            {"account_id": account.id, "date_start": self.day(30), "date_end": self.day(-300)}
        )
        self.assertEqual(plan.presence_ids, presence)


@tagged("post_install", "-at_install")
class TestWhitespace(KamInformationCommon):
    """A, B, C and D of one industry. B buys parts 1 000 (seals) and oils 500; C parts
    2 000 and oils 300; D parts 3 000 less a 1 000 credit note; A oils 1 000, and
    parts only in another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a, cls.b, cls.c, cls.d = (cls.peer(name) for name in "ABCD")

    def setUp(self):
        super().setUp()
        self.invoice(self.b, days_ago=30, amount=1000, product=self.seal)
        self.invoice(self.b, days_ago=31, amount=500, product=self.oil)
        self.invoice(self.c, days_ago=32, amount=2000, product=self.part)
        self.invoice(self.c, days_ago=33, amount=300, product=self.oil)
        self.invoice(self.d, days_ago=34, amount=3000, product=self.part)
        self.invoice(self.d, days_ago=35, amount=1000, product=self.seal, refund=True)
        self.invoice(self.a, days_ago=36, amount=1000, product=self.oil)
        other = self.setup_other_company(name="Whitespace Other Company")["company"]
        move = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.a.id,
                    "invoice_date": self.day(10),
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.part.id, "price_unit": 5000, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        move.action_post()

    def test_whitespace_cells_and_expected_revenue_by_hand(self):
        result = self.whitespace()
        # A and parts (seals counted in parts): B 1 000, C 2 000, D 2 000 buy them (3 of 3);
        # median 2 000; their totals 1 500, 2 300, 2 000: median 2 000; A is 1 000: scale 0.5
        cell = self.cell(self.a, self.parts)
        self.assertRecordValues(
            cell,
            [
                {
                    "state": "whitespace",
                    "peer_group": "industry",
                    "peer_total": 3,
                    "peer_count": 3,
                    "peer_median": 2000,
                    "scale": 0.5,
                    "expected_revenue": 1000,
                    "revenue": 0,
                }
            ],
        )
        self.assertIn("3 of 3 peers", cell.evidence)
        # D and oils: A 1 000, B 500, C 300 (3 of 3); median 500; totals 1 000, 1 500,
        # 2 300: median 1 500; D is 2 000 (3 000 - 1 000): scale 1.33, expected 666.67
        cell = self.cell(self.d, self.oils)
        self.assertEqual(cell.state, "whitespace")
        self.assertAlmostEqual(cell.expected_revenue, 666.67)
        self.assertRecordValues(
            self.cell(self.b, self.parts), [{"state": "bought", "revenue": 1000, "peer_count": 2}]
        )
        self.assertFalse(self.cell(self.a, self.seals), "subcategories count in their parent")
        self.assertEqual(result["whitespace"], 2)
        self.assertEqual(
            self.whitespace()["written"], 0, "a rerun on unchanged data writes nothing"
        )

    def test_a_competitor_holds_the_cell(self):
        self.presence(self.d, categ_id=self.oils.id)
        self.presence(self.b, categ_id=self.seals.id)  # B buys parts: still bought
        self.whitespace()
        self.assertEqual(self.cell(self.d, self.oils).state, "competitor")
        self.assertEqual(self.cell(self.d, self.oils).competitor_ids, self.rival)
        self.assertEqual(self.cell(self.b, self.parts).state, "bought")

    def test_without_enough_industry_peers_the_tier_is_the_group(self):
        self.company.kam_whitespace_min_peers = 4
        self.whitespace()
        self.assertEqual(self.cell(self.a, self.oils).peer_group, "tier")

    def test_a_cell_becomes_an_opportunity_once(self):
        self.whitespace()
        cell = self.cell(self.a, self.parts).with_user(self.kam_user)
        cell.action_create_opportunity()
        lead = cell.lead_id
        self.assertRecordValues(
            lead,
            [
                {
                    "type": "opportunity",
                    "partner_id": self.a.id,
                    "expected_revenue": 1000,
                    "user_id": self.kam_user.id,
                }
            ],
        )
        self.assertIn("Parts", lead.name)
        cell.action_create_opportunity()
        self.assertEqual(self.env["crm.lead"].search_count([("partner_id", "=", self.a.id)]), 1)
        # the cell keeps its opportunity through the nightly computation
        self.whitespace()
        self.assertEqual(self.cell(self.a, self.parts).lead_id, lead)
        grid = self.env["kam.whitespace"].with_user(self.kam_user).kam_grid_data([])
        shown = next(c for c in grid["cells"] if c["id"] == cell.id)
        self.assertEqual(shown["lead_id"], lead.id)

    def test_a_team_member_makes_the_opportunity_their_own(self):
        self.whitespace()
        member = self.env["res.users"].create(
            {
                "name": "Team Seller",
                "login": "kam_ws_team_seller",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set([self.env.ref("kam_management.group_kam_user").id])],
            }
        )
        self.env["kam.account.member"].create(
            {
                "account_id": self.a.id,
                "company_id": self.company.id,
                "user_id": member.id,
                "role_id": self.env.ref("kam_management.kam_member_role_sales").id,
            }
        )
        cell = self.cell(self.a, self.parts).with_user(member)
        cell.action_create_opportunity()
        self.assertEqual(cell.lead_id.user_id, member)
        # a manager makes it for the KAM of the account
        other = self.cell(self.d, self.oils).with_user(self.kam_manager)
        other.action_create_opportunity()
        self.assertEqual(other.lead_id.user_id, self.kam_user)

    def test_other_kams_read_the_cells_but_do_not_act_on_them(self):
        self.whitespace()
        cell = self.cell(self.a, self.parts)
        with self.assertRaises(AccessError):
            cell.with_user(self.other_kam).action_create_opportunity()
        with self.assertRaises(AccessError):
            self.env["kam.whitespace"].with_user(self.other_kam).kam_grid_create_opportunity(
                cell.id
            )
        with self.assertRaises(AccessError):
            cell.with_user(self.kam_user).write({"expected_revenue": 1e6})
        cell.with_user(self.kam_user).action_create_opportunity()
        grid = self.env["kam.whitespace"].with_user(self.other_kam).kam_grid_data([])
        self.assertFalse(any(c["can_create"] for c in grid["cells"]))
        # the name of an opportunity they may not read stays hidden
        shown = next(c for c in grid["cells"] if c["id"] == cell.id)
        self.assertEqual((shown["lead_id"], shown["lead_name"]), (cell.lead_id.id, "Opportunity"))
        self.assertIn(self.a.id, [account["id"] for account in grid["accounts"]])
        with self.assertRaises(AccessError):
            self.env["kam.whitespace"].with_user(self.kam_user).action_refresh_information()

    def test_the_category_level_of_the_grid(self):
        self.company.kam_whitespace_categ_level = 3
        self.whitespace()
        # seals are at level 3: B's seals are a column of their own
        self.assertEqual(self.cell(self.b, self.seals).state, "bought")
        self.assertEqual(self.cell(self.b, self.parts).state, "whitespace")


@tagged("post_install", "-at_install")
class TestRisingAccounts(KamInformationCommon):
    def test_rising_and_falling_by_hand(self):
        big = self.env["res.partner"].create({"name": "Big Steady", "is_company": True})
        self.invoice(big, days_ago=300, amount=20000)
        rising = self.env["res.partner"].create({"name": "Rising Star", "is_company": True})
        self.invoice(rising, days_ago=250, amount=1000)  # the six months before
        self.invoice(rising, days_ago=60, amount=3000)  # the last six months
        order = self.env["sale.order"].create(
            {
                "partner_id": rising.id,
                "order_line": [
                    Command.create({"product_id": self.product_y.id, "price_unit": 2000})
                ],
            }
        )
        order.action_confirm()
        self.env["crm.lead"].create(
            {
                "name": "Big deal",
                "type": "opportunity",
                "partner_id": rising.id,
                "expected_revenue": 30000,
                "probability": 50,
                "date_deadline": self.day(-60),
            }
        )
        self.env["crm.lead"].create(  # beyond two quarters: not counted
            {
                "name": "Far deal",
                "type": "opportunity",
                "partner_id": rising.id,
                "expected_revenue": 90000,
                "probability": 50,
                "date_deadline": self.day(-400),
            }
        )
        self.env["kam.concentration.run"]._compute_for_companies(self.company)
        self.assertTrue(big.kam_is_key_by_revenue)
        self.env["kam.information.engine"]._forecast_company(self.company)
        forecasts = self.env["kam.account.forecast"].search([])
        # Rising Star: 3 000 stays in the window; trend 3 000 + (3 000 - 1 000) = 5 000;
        # orders 2 000; opportunities 15 000: 25 000 against the key threshold of 20 000
        self.assertRecordValues(
            forecasts.filtered(lambda forecast: forecast.account_id == rising),
            [
                {
                    "direction": "rising",
                    "kept": 3000,
                    "trend": 5000,
                    "backlog": 2000,
                    "pipeline": 15000,
                    "forecast": 25000,
                    "threshold": 20000,
                    "driver": "pipeline",
                }
            ],
        )
        # Big Steady: nothing in the last six months, nothing stays: it drops out
        self.assertRecordValues(
            forecasts.filtered(lambda forecast: forecast.account_id == big),
            [{"direction": "falling", "forecast": 0, "threshold": 20000}],
        )
        self.assertIn("opportunities", forecasts.filtered("driver")[0].reason)
        result = self.env["kam.information.engine"]._forecast_company(self.company)
        self.assertEqual(result, {"written": 0, "deleted": 0})
        # a manager's decision that it is not key holds: it does not rise
        rising.write({"kam_key_override": "not_key", "kam_key_override_reason": "Reseller"})
        self.env["kam.information.engine"]._forecast_company(self.company)
        self.assertNotIn(rising, self.env["kam.account.forecast"].search([]).account_id)


@tagged("post_install", "-at_install")
class TestSlippingOpportunities(KamInformationCommon):
    def test_slipping_opportunities_give_one_activity(self):
        account = self.peer("Slipping Foods")
        late = self.env["crm.lead"].create(
            {
                "name": "Late deal",
                "type": "opportunity",
                "partner_id": account.id,
                "date_deadline": self.day(3),
            }
        )
        idle = self.env["crm.lead"].create(
            {"name": "Idle deal", "type": "opportunity", "partner_id": account.id}
        )
        fresh = self.env["crm.lead"].create(
            {"name": "Fresh deal", "type": "opportunity", "partner_id": account.id}
        )
        not_key = self.env["crm.lead"].create(
            {
                "name": "Small deal",
                "type": "opportunity",
                "partner_id": self.env["res.partner"].create({"name": "Small Co"}).id,
                "date_deadline": self.day(3),
            }
        )
        self.env.flush_all()
        long_ago = fields.Datetime.now() - timedelta(days=45)
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_last_stage_update = %s WHERE id = %s",
            (long_ago, long_ago, idle.id),
        )
        engine = self.env["kam.information.engine"]
        engine._check_slipping(self.company)
        self.env.invalidate_all()
        self.assertEqual(late.kam_slipping, "overdue")
        self.assertEqual(idle.kam_slipping, "idle")
        self.assertFalse(fresh.kam_slipping)
        self.assertFalse(not_key.kam_slipping)
        slipping_type = self.env.ref("kam_management.mail_activity_type_slipping_opportunity")
        for lead in late | idle:
            self.assertEqual(len(lead.activity_ids), 1)
            self.assertEqual(lead.activity_ids.activity_type_id, slipping_type)
            self.assertEqual(lead.activity_ids.user_id, self.kam_user)
        engine._check_slipping(self.company)
        self.assertEqual(len((late | idle).activity_ids), 2, "once per opportunity")
        # a note on the idle one brings it back to life
        idle.message_post(body="Called the buyer", message_type="comment")
        engine._check_slipping(self.company)
        self.env.invalidate_all()
        self.assertFalse(idle.kam_slipping)
        self.assertFalse(idle.kam_slipping_notified)
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.salesman).browse(late.id).read(["kam_slipping"])


@tagged("post_install", "-at_install")
class TestRenewalsAndFreshness(KamInformationCommon):
    def test_a_renewal_gives_the_kam_one_activity_before_it(self):
        account = self.peer("Renewing Foods")
        soon = self.presence(account, renewal_date=self.day(-30))
        later = self.presence(account, categ_id=self.oils.id, renewal_date=self.day(-90))
        presences = self.env["kam.competitor.presence"]
        self.assertEqual(presences._notify_renewals(self.company), 1)
        self.assertEqual(soon.activity_ids.user_id, self.kam_user)
        self.assertIn("Rival Parts", soon.activity_ids.summary)
        self.assertFalse(later.activity_ids)
        self.assertEqual(presences._notify_renewals(self.company), 0)
        soon.renewal_date = self.day(-40)  # renewed: the next one is notified again
        self.assertEqual(presences._notify_renewals(self.company), 1)
        self.assertEqual(len(soon.activity_ids), 2)
        with self.assertRaises(UserError):
            soon.with_user(self.kam_user).write({"renewal_notified_date": self.today})

    def test_information_not_confirmed_for_long_is_stale(self):
        account = self.peer("Stale Foods")
        presence = self.presence(account, info_date=self.day(200))
        self.assertTrue(presence.is_stale)
        self.assertEqual(account.kam_info_stale_count, 1)
        partners = self.env["res.partner"]
        self.assertIn(account, partners.search([("kam_info_is_stale", "=", True)]))
        presence.with_user(self.kam_user).action_confirm_information()
        self.assertFalse(presence.is_stale)
        self.assertNotIn(account, partners.search([("kam_info_is_stale", "=", True)]))
        # a change is a confirmation
        presence.info_date = self.day(200)
        presence.with_user(self.kam_user).share_estimate = 25
        self.assertEqual(presence.info_date, self.today)
        plan = self.env["kam.account.plan"].create(
            {
                "account_id": account.id,
                "date_start": self.day(30),
                "date_end": self.day(-300),
                "swot_strengths": "<p>Fast service</p>",
            }
        )
        plan.action_activate()
        self.assertEqual(plan.swot_date, self.today)
        self.assertFalse(plan.needs_date)
        plan.write({"swot_date": self.day(300), "value_proposition": "<p>Factor X</p>"})
        self.assertEqual(plan.value_proposition_date, self.today)
        self.assertEqual(plan._stale_information(), ["swot_date"])
        self.assertEqual(account.kam_info_stale_count, 1)
        self.assertIn(account, partners.search([("kam_info_is_stale", "=", True)]))
        plan.action_confirm_information()
        self.assertEqual(plan.swot_date, self.today)
        self.assertFalse(
            partners.search([("id", "=", account.id), ("kam_info_is_stale", "=", True)])
        )
        plan.write({"value_proposition": False})
        self.assertFalse(plan.value_proposition_date)


@tagged("post_install", "-at_install")
class TestInformationJob(KamInformationCommon):
    def test_the_nightly_job_runs_each_company_once_a_day(self):
        account = self.peer("Nightly Foods")
        self.invoice(account, days_ago=30, amount=100, product=self.oil)
        self.env["kam.information.engine"]._cron_refresh_information()
        self.assertEqual(self.company.kam_last_information_date, self.today)
        self.assertTrue(self.env["kam.whitespace"].search([("account_id", "=", account.id)]))
