import { onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { hierarchyView } from "@web_hierarchy/hierarchy_view";
import { HierarchyRenderer } from "@web_hierarchy/hierarchy_renderer";

/**
 * The relationship map of an account as an org chart (who reports to whom),
 * with the gaps of the map (no decision maker, single-threaded, ...) in a
 * banner above it. The account is the one the map was opened from
 * (``default_account_id`` in the action's context); opened on several
 * accounts, the chart shows no banner.
 */
export class RelationshipMapRenderer extends HierarchyRenderer {
    static template = "kam_management.RelationshipMapRenderer";

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.gapState = useState({ gaps: [] });
        onWillStart(() => this.loadGaps());
        // a change on the map (drag and drop, edited card) may close or open a gap
        useBus(this.props.model.bus, "update", () => this.loadGaps());
    }

    get accountId() {
        return this.props.model.context.default_account_id;
    }

    async loadGaps() {
        if (!this.accountId) {
            return;
        }
        const gaps = await this.orm.searchRead(
            "kam.relationship.gap",
            [["account_id", "=", this.accountId]],
            ["display_name", "gap"]
        );
        // one line per gap, even when the account is key in several companies
        const seen = new Set();
        this.gapState.gaps = gaps.filter(
            (gap) => !seen.has(gap.display_name) && seen.add(gap.display_name)
        );
    }

    gapClass(gap) {
        return ["no_decision_maker", "unbalanced_opponent"].includes(gap.gap)
            ? "text-bg-danger"
            : "text-bg-warning";
    }
}

export const relationshipMapView = {
    ...hierarchyView,
    Renderer: RelationshipMapRenderer,
};

registry.category("views").add("kam_relationship_map", relationshipMapView);
