import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("kam_tension_tour", {
    url: "/odoo/action-kam_management.kam_tension_action",
    steps: () => [
        {
            content: "The critical tension went straight to Escalated",
            trigger:
                ".o_kanban_group:contains('Escalated') .o_kanban_record:contains('Invoices withheld')",
        },
        {
            content: "Open the contested price list, still open",
            trigger: ".o_kanban_group:contains('Open') .o_kanban_record:contains('New price list contested')",
            run: "click",
        },
        {
            content: "Start handling it",
            trigger: ".o_form_view button[name='action_start']",
            run: "click",
        },
        {
            content: "It is in progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Open the Resolution page",
            trigger: ".o_notebook .nav-link[name='resolution']",
            run: "click",
        },
        {
            content: "Write how it was settled",
            trigger: ".o_field_widget[name='resolution'] .odoo-editor-editable",
            run: "editor Old prices kept until the renewal, in exchange for a two-year contract.",
        },
        {
            content: "Resolve it",
            trigger: ".o_form_view button[name='action_resolve'].btn-primary",
            run: "click",
        },
        {
            content: "It is resolved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Resolved')",
        },
        {
            content: "Point at its account",
            trigger: ".o_field_widget[name='account_id'] input",
            run: "click",
        },
        {
            content: "Open its account",
            trigger: ".o_field_widget[name='account_id'] .o_external_button",
            run: "click",
        },
        {
            content: "Open the account's Tensions tab",
            trigger: ".o_notebook .nav-link[name='kam_tensions']",
            run: "click",
        },
        {
            content: "The tension still being handled is listed",
            trigger: ".o_field_widget[name='kam_tension_ids'] .o_data_row:contains('Late deliveries')",
        },
        {
            content: "The resolved one too",
            trigger:
                ".o_field_widget[name='kam_tension_ids'] .o_data_row:contains('New price list contested'):contains('Resolved')",
        },
        {
            content: "Open the account's Health tab",
            trigger: ".o_notebook .nav-link[name='kam_health']",
            run: "click",
        },
        {
            content: "The health explains itself, component by component",
            trigger:
                ".o_field_widget[name='kam_health_explanation'] table:contains('Revenue trend'):contains('Order rhythm'):contains('Open tensions')",
        },
        {
            content: "The category it stopped buying is among its open signals",
            trigger: ".o_field_widget[name='kam_signal_ids'] .o_data_row:contains('Equipment')",
        },
        {
            content: "What if we lose it?",
            trigger: "button[name='action_kam_what_if']",
            run: "click",
        },
        {
            content: "The revenue at stake and the concentration without it",
            trigger: ".modal:contains('Revenue at Stake'):contains('HHI Without It') .o_field_widget[name='dependent_products']",
        },
        {
            content: "Close",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Back on the account",
            trigger: "body:not(:has(.modal)) .o_form_view .nav-link[name='kam_health']",
        },
    ],
});
