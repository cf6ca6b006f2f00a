{
    "name": "Key Account Management",
    "summary": "Identify the customers that carry the business and manage them: "
    "KAM, strategic accounts, tiers",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "author": "kam_management contributors",
    "license": "LGPL-3",
    "depends": ["crm", "sale"],
    "data": [
        "security/kam_management_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/kam_stakeholder_role_data.xml",
        "data/mail_activity_type_data.xml",
        "data/kam_member_role_data.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/kam_concentration_run_views.xml",
        "views/kam_stakeholder_views.xml",
        "views/crm_lead_views.xml",
        "views/kam_account_plan_views.xml",
        "views/kam_workload_views.xml",
        "report/kam_account_plan_report.xml",
        "report/kam_handover_report.xml",
        "views/res_config_settings_views.xml",
        "views/kam_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/product_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/kam_stakeholder_demo.xml",
        "demo/sale_history_demo.xml",
        "demo/kam_account_plan_demo.xml",
        "demo/kam_team_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        # graph views load with the lazy part of the web client
        "web.assets_backend_lazy": [
            "kam_management/static/src/views/pareto_graph/**",
        ],
        "web.assets_tests": [
            "kam_management/static/tests/tours/*.js",
        ],
    },
}
