import { registry } from "@web/core/registry";

const CELL =
    ".o_kam_ws_cell[data-account='Lácteos de Asturias'][data-category='After-sales Services']";

registry.category("web_tour.tours").add("kam_whitespace_tour", {
    url: "/odoo/action-kam_management.kam_whitespace_action_grid",
    steps: () => [
        {
            content: "A KAM starts on their own accounts",
            trigger: ".o_kam_grid_mine.btn-primary",
        },
        {
            content: "Iberia's spare parts are held by a competitor",
            trigger:
                ".o_kam_ws_competitor[data-account='Grupo Alimentario Iberia'][data-category='Spare Parts']:contains('Recambios Atlántico')",
        },
        {
            content: "Lácteos de Asturias buys no after-sales services, unlike its peers",
            trigger: `${CELL}.o_kam_ws_whitespace:contains('+')`,
        },
        {
            content: "Turn the whitespace into an opportunity",
            trigger: `${CELL} .o_kam_ws_create`,
            run: "click",
        },
        {
            content: "The cell shows the opportunity",
            trigger: `${CELL} .o_kam_ws_lead:contains('After-sales Services for Lácteos de Asturias')`,
            run: "click",
        },
        {
            content: "The opportunity is on the account, with the expected revenue",
            trigger:
                ".o_form_view .o_field_widget[name='partner_id'] input:value(Lácteos de Asturias)",
        },
        {
            content: "Its expected revenue comes from the peers",
            trigger: ".o_form_view .o_field_widget[name='expected_revenue'] input:value(15,846.02)",
        },
    ],
});
