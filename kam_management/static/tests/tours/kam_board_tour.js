import { registry } from "@web/core/registry";
import { openKeyAccountsMenu } from "@kam_management/../tests/tours/kam_tour_utils";

// A KAM starts the day on their board: their accounts only, each card with what
// matters, and the four functions of the account one click away.
registry.category("web_tour.tours").add("kam_board_tour", {
    url: "/odoo",
    steps: () => [
        ...openKeyAccountsMenu(
            "kam_management.res_partner_menu_key_account",
            "Open the key accounts"
        ),
        {
            content: "The board opens on my key accounts",
            trigger: ".o_searchview_facet:contains('My Key Accounts')",
        },
        {
            content: "Accounts of other KAMs are not on it",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Transportes Cantábrico')))",
        },
        {
            content: "The card shows the revenue in the company currency",
            trigger: ".o_kanban_record:contains('Grupo Alimentario Iberia') [name='kam_revenue']:contains('$')",
        },
        {
            content: "and the health of the account",
            trigger: ".o_kanban_record:contains('Grupo Alimentario Iberia') [name='kam_health']",
        },
        {
            content: "and the progress of its current plan",
            trigger: ".o_kanban_record:contains('Grupo Alimentario Iberia') [name='kam_plan'] .o_progressbar",
        },
        {
            content: "and its relationship gaps",
            trigger: ".o_kanban_record:contains('Grupo Alimentario Iberia') [name='kam_problems']:contains('gaps')",
        },
        {
            content: "Open the account",
            trigger: ".o_kanban_record:contains('Grupo Alimentario Iberia')",
            run: "click",
        },
        {
            content: "Open its scorecard",
            trigger: ".o_notebook .nav-link[name='kam_scorecard']",
            run: "click",
        },
        {
            content: "Four gauges, one per function of the KAM",
            trigger: ".o_kam_scorecard_function[name='score_team'] .o_field_gauge",
        },
        {
            content: "each with its reasons",
            trigger: ".o_field_widget[name='kam_scorecard_reasons_relationships']:contains('cadence')",
        },
    ],
});

// A manager reads the accounts x functions matrix, sorts it and keeps one KAM.
registry.category("web_tour.tours").add("kam_scorecard_matrix_tour", {
    url: "/odoo",
    steps: () => [
        ...openKeyAccountsMenu(
            "kam_management.kam_account_scorecard_menu_matrix",
            "Open the scorecard matrix"
        ),
        {
            content: "Scores are coloured cells",
            trigger: ".o_list_view .o_data_row .o_kam_score",
        },
        {
            content: "Sort by relationships",
            trigger: ".o_list_view th[data-name='score_relationships']",
            run: "click",
        },
        {
            content: "Sorted",
            trigger: ".o_list_view th[data-name='score_relationships'] .fa-angle-up, .o_list_view th[data-name='score_relationships'] .fa-angle-down",
        },
        {
            content: "Keep the accounts of Marco",
            trigger: ".o_searchview_input",
            run: "edit Marco",
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:contains('Key Account Manager')",
            run: "click",
        },
        {
            content: "Only Marco's accounts remain",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Transportes Cantábrico'))) .o_data_row:contains('Grupo Alimentario Iberia')",
        },
        {
            content: "Open an account's scorecard",
            trigger: ".o_data_row:contains('Grupo Alimentario Iberia') .o_data_cell[name='account_id']",
            run: "click",
        },
        {
            content: "It explains every rule",
            trigger: ".o_kam_scorecard_explanation:contains('Value proposition written')",
        },
    ],
});

// The manager's cockpit, in Spanish: every figure opens its records.
registry.category("web_tour.tours").add("kam_cockpit_tour_es", {
    url: "/odoo",
    steps: () => [
        ...openKeyAccountsMenu("kam_management.kam_cockpit_menu", "Abrir el cuadro de mando"),
        {
            content: "The cockpit speaks Spanish",
            trigger: ".o_kam_cockpit_concentration .card-header:contains('Concentración de ingresos')",
        },
        {
            content: "The concentration has a trend from the first day (back-filled history)",
            trigger: ".o_kam_cockpit_trend polyline",
        },
        {
            content: "Tensions by severity and age",
            trigger: ".o_kam_cockpit_tensions td a",
        },
        {
            content: "Open the accounts to watch",
            trigger: ".o_kam_cockpit_health .o_kam_cockpit_figure:contains('Vigilar')",
            run: "click",
        },
        {
            content: "The accounts behind the figure are listed",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Back to the cockpit",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first-child a",
            run: "click",
        },
        {
            content: "Open the scorecard of the weak business function",
            trigger: ".o_kam_cockpit_scorecard a.text-danger",
            run: "click",
        },
        {
            content: "The weak scorecards are listed",
            trigger: ".o_list_view .o_data_row .o_kam_score",
        },
    ],
});
