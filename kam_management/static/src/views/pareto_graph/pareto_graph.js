import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { GraphModel } from "@web/views/graph/graph_model";
import { GraphRenderer } from "@web/views/graph/graph_renderer";
import { graphView } from "@web/views/graph/graph_view";

const CUMULATIVE_AXIS = "kamCumulativeShare";

/**
 * Bars of the accounts by revenue, and over them the cumulative share of the
 * company's revenue that the accounts up to each bar make (right axis, 0-100 %).
 * The share is the one stored by the computation: it is relative to the revenue
 * of every customer, not only of the accounts shown.
 */
export class ParetoGraphModel extends GraphModel {
    async _loadDataPoints(metaData) {
        const dataPoints = await super._loadDataPoints(metaData);
        const { domains, groupBy, mode, resModel } = metaData;
        if (mode !== "bar" || domains.length !== 1 || groupBy.length !== 1) {
            return dataPoints;
        }
        const spec = groupBy[0].spec;
        const { groups } = await this.orm.webReadGroup(
            resModel,
            domains[0].arrayRepr,
            ["cumulative_share:max"],
            [spec],
            { lazy: false, context: this.searchParams.context }
        );
        const shares = new Map(
            groups.map((group) => [JSON.stringify([{ [spec]: group[spec] }]), group.cumulative_share])
        );
        for (const dataPoint of dataPoints) {
            dataPoint.cumulativeShare = shares.get(dataPoint.identifier);
        }
        return dataPoints;
    }

    _getLineOverlayDataset() {
        const shareByLabel = new Map(
            this.dataPoints
                .filter((dataPoint) => dataPoint.cumulativeShare !== undefined)
                .map((dataPoint) => [dataPoint.labels[0], dataPoint.cumulativeShare])
        );
        if (!shareByLabel.size) {
            return super._getLineOverlayDataset();
        }
        const { labels } = this.data;
        const suffix = _t("cumulative share of revenue (%)");
        return {
            label: _t("Cumulative Share (%)"),
            data: labels.map((label) => shareByLabel.get(label)),
            trueLabels: labels.map((label) => `${label}: ${suffix}`),
            yAxisID: CUMULATIVE_AXIS,
        };
    }
}

export class ParetoGraphRenderer extends GraphRenderer {
    getScaleOptions() {
        const scales = super.getScaleOptions();
        if (this.model.lineOverlayDataset?.yAxisID === CUMULATIVE_AXIS) {
            scales[CUMULATIVE_AXIS] = {
                type: "linear",
                position: "right",
                min: 0,
                max: 100,
                title: { display: true, text: _t("Cumulative Share (%)") },
                ticks: { callback: (value) => `${value} %` },
                grid: { display: false },
                border: { display: false },
            };
        }
        return scales;
    }
}

export const paretoGraphView = {
    ...graphView,
    Model: ParetoGraphModel,
    Renderer: ParetoGraphRenderer,
};

registry.category("views").add("kam_pareto_graph", paretoGraphView);
