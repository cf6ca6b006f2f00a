import { registry } from "@web/core/registry";
import { openCrmMenu } from "@kam_management/../tests/tours/kam_tour_utils";

registry.category("web_tour.tours").add("kam_key_accounts_tour", {
    url: "/odoo",
    steps: () => [
        ...openCrmMenu(
            "kam_management.kam_menu_root",
            "kam_management.res_partner_menu_key_account",
            "Open the key accounts"
        ),
        {
            content: "The heaviest demo account is a tier A key account",
            trigger: ".o_kanban_record:contains('Grupo Alimentario Iberia'):contains('Tier')",
        },
        {
            content: "A strategic-only account is on the board too",
            trigger: ".o_kanban_record:contains('Ayuntamiento de Villanueva'):contains('Strategic')",
        },
        {
            content: "Open the account",
            trigger: ".o_kanban_record:contains('Grupo Alimentario Iberia')",
            run: "click",
        },
        {
            content: "The form shows the Key Account ribbon",
            trigger: ".o_form_view .ribbon:contains('Key Account')",
        },
        {
            content: "Open the Key Account tab",
            trigger: ".o_notebook .nav-link[name='kam_key_account']",
            run: "click",
        },
        {
            content: "The KAM of the account is shown",
            trigger: ".o_field_widget[name='kam_user_id'] input:value(Marco Ruiz)",
        },
        {
            content: "Its reason for being key is shown",
            trigger: ".o_field_widget[name='kam_key_reason']:contains('Revenue')",
        },
        {
            content: "Open the Relationships tab",
            trigger: ".o_notebook .nav-link[name='kam_relationships']",
            run: "click",
        },
        {
            content: "The gap of the account is flagged",
            trigger: ".o_field_widget[name='kam_relationship_gap_ids'] .o_data_row:contains('Marta Quintana Lozano')",
        },
        {
            content: "The people of the account are listed",
            trigger: ".o_field_widget[name='kam_stakeholder_ids'] .o_data_row:contains('Marta Quintana Lozano')",
        },
        {
            content: "Open the relationship map",
            trigger: "button[name='action_open_relationship_map']",
            run: "click",
        },
        {
            content: "The map opens as an org chart, the people at the top first",
            trigger: ".o_hierarchy_node:contains('Ignacio Robles Ferrer')",
        },
        {
            content: "The gaps of the account are shown above the chart",
            trigger: ".o_kam_map_gaps:contains('Marta Quintana Lozano')",
        },
        {
            content: "Unfold the people reporting to the CEO",
            trigger: ".o_hierarchy_node:contains('Ignacio Robles Ferrer') button[name='hierarchy_search_subsidiaries']",
            run: "click",
        },
        {
            content: "The CFO reports to the CEO, her freshness on her card",
            trigger: ".o_hierarchy_node:contains('Marta Quintana Lozano'):contains('days')",
        },
        {
            content: "The cards grouped by buying role are the next view",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "Cards are grouped by buying role",
            trigger: ".o_kanban_group:contains('Decision Maker') .o_kanban_record:contains('Ignacio Robles Ferrer')",
        },
    ],
});

registry.category("web_tour.tours").add("kam_key_accounts_kam_user_tour", {
    url: "/odoo/action-kam_management.res_partner_action_key_account",
    steps: () => [
        {
            content: "Keep only my key accounts",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .dropdown-item:contains('My Key Accounts')",
            run: "click",
        },
        {
            content: "Accounts of other KAMs are gone",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Transportes Cantábrico')))",
        },
        {
            content: "Open one of my accounts",
            trigger: ".o_kanban_record:contains('Grupo Alimentario Iberia')",
            run: "click",
        },
        {
            trigger: ".o_notebook .nav-link[name='kam_key_account']",
            run: "click",
        },
        {
            content: "A KAM cannot reassign the account: the field is read-only",
            trigger: ".o_field_widget[name='kam_user_id'].o_readonly_modifier:contains('Marco Ruiz')",
        },
        {
            content: "and the tab says who can change it",
            trigger: ".o_notebook:contains('Only Key Account Managers can change')",
        },
    ],
});

registry.category("web_tour.tours").add("kam_concentration_tour", {
    url: "/odoo",
    steps: () => [
        ...openCrmMenu(
            "crm.crm_menu_report",
            "kam_management.kam_concentration_run_menu",
            "Open the concentration history"
        ),
        {
            content: "The computation made at install is listed",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row .o_data_cell[name='key_account_count']",
            run: "click",
        },
        {
            content: "Its concentration figures are shown",
            trigger: ".o_form_view .o_field_widget[name='hhi']",
        },
        {
            content: "Accounts that entered the key set at the first computation",
            trigger: ".o_field_widget[name='entered_partner_ids'] .o_tag:contains('Grupo Alimentario Iberia')",
        },
        {
            content: "Open the Pareto chart",
            trigger: ".o_form_view button[name='action_open_pareto']",
            run: "click",
        },
        {
            content: "The Pareto chart of the key accounts is drawn",
            trigger: ".o_graph_view canvas",
        },
    ],
});

registry.category("web_tour.tours").add("kam_opportunity_tour", {
    url: "/odoo/action-crm.crm_lead_action_pipeline?view_type=list",
    steps: () => [
        {
            content: "Open the renewal of a key account",
            trigger: ".o_list_view .o_data_row:contains('Renovación del contrato marco 2027') .o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "Open its Stakeholders page",
            trigger: ".o_notebook .nav-link[name='kam_stakeholders']",
            run: "click",
        },
        {
            content: "The roles people play in this deal",
            trigger: ".o_field_widget[name='kam_opportunity_contact_ids'] .o_data_row:contains('Economic Buyer')",
        },
        {
            content: "The relationship map of the account",
            trigger: ".o_field_widget[name='kam_stakeholder_ids'] .o_data_row:contains('Ignacio Robles Ferrer')",
        },
    ],
});

registry.category("web_tour.tours").add("kam_account_plan_tour", {
    url: "/odoo",
    steps: () => [
        ...openCrmMenu(
            "kam_management.kam_menu_root",
            "kam_management.kam_account_plan_menu",
            "Open the account plans"
        ),
        {
            content: "This year's plan of the heaviest account is in the Active column",
            trigger:
                ".o_kanban_group:contains('Active') .o_kanban_record:contains('Grupo Alimentario Iberia plan'):contains('Objectives')",
        },
        {
            content: "The stale plan is flagged on its card",
            trigger: ".o_kanban_record:contains('Transportes Cantábrico'):contains('Stale')",
        },
        {
            content: "Open the plan",
            trigger:
                ".o_kanban_group:contains('Active') .o_kanban_record:contains('Grupo Alimentario Iberia plan')",
            run: "click",
        },
        {
            content: "The growth objective measured itself from the invoices",
            trigger:
                ".o_field_widget[name='objective_ids'] .o_data_row:contains('Grow revenue against last year'):contains('Done')",
        },
        {
            content: "The objective with a planned action shows it",
            trigger:
                ".o_field_widget[name='objective_ids'] .o_data_row:contains('Sell after-sales services') td[name='activity_count']:contains('1')",
        },
        {
            content: "Update the figures",
            trigger: "button[name='action_refresh_measures']",
            run: "click",
        },
        {
            content: "The revenue of the period is measured",
            trigger: ".o_field_widget[name='measured_date'] span:not(:empty)",
        },
        {
            content: "Open the value proposition",
            trigger: ".o_notebook .nav-link[name='value_proposition']",
            run: "click",
        },
        {
            content: "The factor X is there",
            trigger: ".o_field_widget[name='value_proposition']:contains('Factor X')",
        },
        {
            content: "Open the SWOT",
            trigger: ".o_notebook .nav-link[name='swot']",
            run: "click",
        },
        {
            content: "The threats are there",
            trigger: ".o_field_widget[name='swot_threats']:contains('second supplier')",
        },
    ],
});

registry.category("web_tour.tours").add("kam_plans_to_watch_tour", {
    url: "/odoo",
    steps: () => [
        ...openCrmMenu(
            "kam_management.kam_menu_root",
            "kam_management.kam_account_plan_menu_watch",
            "Open the plans to watch"
        ),
        {
            content: "The stale plan of Transportes Cantábrico is listed with its owner",
            trigger: ".o_data_row:contains('Transportes Cantábrico'):contains('Ana Torres')",
        },
        {
            content: "The at-risk plan of Grupo Alimentario Iberia is listed too",
            trigger: ".o_data_row:contains('Grupo Alimentario Iberia plan')",
        },
        {
            content: "A draft plan is not",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Hospital Universitario')))",
        },
    ],
});
