import { registry } from "@web/core/registry";
import { openKeyAccountsMenu } from "@kam_management/../tests/tours/kam_tour_utils";

registry.category("web_tour.tours").add("kam_workload_tour", {
    url: "/odoo",
    steps: () => [
        ...openKeyAccountsMenu("kam_management.kam_workload_menu", "Open the Workload board"),
        {
            content: "Marco carries more than he can: his card says so",
            trigger: ".o_kanban_record:contains('Marco Ruiz'):contains('Overloaded')",
        },
        {
            content: "Ana is away this week, her backup covers",
            trigger: ".o_kanban_record:contains('Ana Torres'):contains('Away')",
        },
        {
            content: "Javier has room left",
            trigger: ".o_kanban_record:contains('Javier'):not(:contains('Overloaded'))",
        },
        {
            content: "Hand one of Marco's accounts over",
            trigger: ".o_kanban_record:contains('Marco Ruiz') button[name='action_hand_over']",
            run: "click",
        },
        {
            content: "The wizard starts from Marco",
            trigger: ".modal .o_field_widget[name='from_user_id'] input:value(Marco Ruiz)",
        },
        {
            content: "Choose the new KAM",
            trigger: ".modal .o_field_widget[name='to_user_id'] input",
            run: "edit Javier",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Javier')",
            run: "click",
        },
        {
            content: "Choose the account",
            trigger: ".modal .o_field_widget[name='account_ids'] input",
            run: "edit Startup Hidr",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Startup Hidrógeno Verde')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='account_ids'] .o_tag:contains('Startup Hidrógeno Verde')",
        },
        {
            content: "Hand it over",
            trigger: ".modal-footer button[name='action_hand_over']",
            run: "click",
        },
        {
            content: "The handover is recorded, from Marco to Javier",
            trigger:
                ".o_form_view:not(:has(.modal)) .o_field_widget[name='to_user_id']:contains('Javier')",
        },
        {
            content: "with the account handed over",
            trigger: ".o_field_widget[name='account_ids'] .o_tag:contains('Startup Hidrógeno Verde')",
        },
    ],
});
