import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { scoreClass } from "@kam_management/views/score_field/score_field";

/**
 * The manager's cockpit: revenue concentration, health, the four-function
 * scorecard, workload, tensions, plans, information and the movements of the
 * key set, on one screen. Every figure opens the records behind it. The data
 * (kam.cockpit) is read as the user: a KAM sees what they may read.
 */
export class KamCockpit extends Component {
    static template = "kam_management.Cockpit";
    static components = { Layout };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("kam.cockpit", "kam_cockpit_data", []);
    }

    open(model, domain, name) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            name: name || _t("Records"),
            res_model: model,
            domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }

    openFigure(figure) {
        this.open(figure.model, figure.domain, figure.label);
    }

    openTrend() {
        const concentration = this.state.data.concentration;
        this.open("kam.concentration.run", concentration.trend_domain, _t("Concentration History"));
    }

    scoreClass(value) {
        return scoreClass(value);
    }

    bandClass(band) {
        return { healthy: "text-success", watch: "text-warning", at_risk: "text-danger" }[band];
    }

    /** Points of an SVG polyline for the top-10 share over the computations. */
    get trendPoints() {
        const trend = (this.state.data.concentration || {}).trend || [];
        if (trend.length < 2) {
            return "";
        }
        const values = trend.map((run) => run.top10);
        const low = Math.min(...values);
        const high = Math.max(...values);
        const span = high - low || 1;
        return trend
            .map((run, index) => {
                const x = (index * 300) / (trend.length - 1);
                const y = 70 - ((run.top10 - low) * 60) / span;
                return `${x.toFixed(1)},${y.toFixed(1)}`;
            })
            .join(" ");
    }
}

registry.category("actions").add("kam_cockpit", KamCockpit);
