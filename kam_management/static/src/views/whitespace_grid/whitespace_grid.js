import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { formatMonetary } from "@web/views/fields/formatters";

/**
 * Key accounts × product categories: what each account buys from us, where its
 * peers buy and it does not (whitespace, with the revenue it could bring) and
 * where a competitor holds it. A whitespace cell becomes an opportunity in one
 * click. The cells are computed every night (kam.whitespace).
 */
export class WhitespaceGrid extends Component {
    static template = "kam_management.WhitespaceGrid";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.notification = useService("notification");
        this.state = useState({ data: null, onlyMine: true, offset: 0, busyCell: null });
        onWillStart(async () => {
            // a KAM starts on their own accounts, a manager on all of them
            this.state.onlyMine = !(await user.hasGroup("kam_management.group_kam_manager"));
            await this.load();
        });
    }

    get domain() {
        return this.state.onlyMine ? [["kam_team_user_ids", "in", [user.userId]]] : [];
    }

    async load() {
        const data = await this.orm.call("kam.whitespace", "kam_grid_data", [], {
            domain: this.domain,
            offset: this.state.offset,
        });
        const cells = new Map();
        for (const cell of data.cells) {
            cells.set(`${cell.account_id}-${cell.categ_id}`, cell);
        }
        this.cells = cells;
        this.state.data = data;
    }

    cellOf(account, category) {
        return this.cells.get(`${account.id}-${category.id}`);
    }

    money(amount) {
        return formatMonetary(amount, {
            currencyId: this.state.data.currency_id,
            digits: [16, 0],
        });
    }

    get pagerText() {
        const { offset, limit, account_count } = this.state.data;
        if (!account_count) {
            return "";
        }
        return `${offset + 1}-${Math.min(offset + limit, account_count)} / ${account_count}`;
    }

    async toggleMine() {
        this.state.onlyMine = !this.state.onlyMine;
        this.state.offset = 0;
        await this.load();
    }

    async page(step) {
        const { limit, account_count } = this.state.data;
        const offset = this.state.offset + step * limit;
        if (offset < 0 || offset >= account_count) {
            return;
        }
        this.state.offset = offset;
        await this.load();
    }

    async createOpportunity(cell) {
        this.state.busyCell = cell.id;
        try {
            const lead = await this.orm.call("kam.whitespace", "kam_grid_create_opportunity", [
                cell.id,
            ]);
            cell.lead_id = lead.lead_id;
            cell.lead_name = lead.lead_name;
            this.notification.add(_t("Opportunity “%s” created.", lead.lead_name), {
                type: "success",
            });
        } finally {
            this.state.busyCell = null;
        }
    }

    openOpportunity(cell) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "crm.lead",
            res_id: cell.lead_id,
            views: [[false, "form"]],
        });
    }

    openCell(cell) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "kam.whitespace",
            res_id: cell.id,
            views: [[false, "form"]],
        });
    }

    openAccount(account) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: account.id,
            views: [[false, "form"]],
        });
    }

    async refresh() {
        await this.orm.call("kam.whitespace", "action_refresh_information", []);
        await this.load();
    }
}

registry.category("actions").add("kam_whitespace_grid", WhitespaceGrid);
