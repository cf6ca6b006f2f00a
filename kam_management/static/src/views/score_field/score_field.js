import { registry } from "@web/core/registry";
import { IntegerField, integerField } from "@web/views/fields/integer/integer_field";

/** The colour of a score from 0 to 100: green from 70, amber from 40, red below. */
export function scoreClass(value) {
    if (value >= 70) {
        return "text-bg-success";
    }
    return value >= 40 ? "text-bg-warning" : "text-bg-danger";
}

/** A score as a coloured cell: the matrix of the scorecards reads as a heat map. */
export class KamScoreField extends IntegerField {
    static template = "kam_management.KamScoreField";

    get scoreClass() {
        return scoreClass(this.props.record.data[this.props.name] || 0);
    }
}

export const kamScoreField = {
    ...integerField,
    component: KamScoreField,
};

registry.category("fields").add("kam_score", kamScoreField);
