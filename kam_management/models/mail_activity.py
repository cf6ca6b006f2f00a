from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    kam_objective_id = fields.Many2one(
        "kam.account.plan.objective",
        string="Plan Objective",
        index="btree_not_null",
        ondelete="set null",
        domain="[('plan_id', '=', res_id)]",
        help="The objective of the account plan this action serves.",
    )

    def _action_done(self, feedback=False, attachment_ids=None):
        # a plan review marked done from the chatter counts as the plan's review
        review_type = self.env.ref(
            "kam_management.mail_activity_type_plan_review", raise_if_not_found=False
        )
        reviewed_plans = self.env["kam.account.plan"].browse(
            self.filtered(
                lambda activity: (
                    activity.res_model == "kam.account.plan"
                    and activity.activity_type_id == review_type
                )
            ).mapped("res_id")
        )
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        reviewed_plans.exists()._mark_reviewed()
        return result
