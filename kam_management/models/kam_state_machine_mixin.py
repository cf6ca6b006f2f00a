from odoo import api, models
from odoo.exceptions import UserError


class KamStateMachineMixin(models.AbstractModel):
    """Records whose ``state`` moves only along allowed transitions, whatever the
    path (buttons, imports, the API). Each model says which moves it allows and
    how it words a refusal."""

    _name = "kam.state.machine.mixin"
    _description = "State moved along allowed transitions"
    # {state: the states it may move to}
    _kam_transitions = {}

    @api.model
    def _state_labels(self):
        return dict(self._fields["state"]._description_selection(self.env))

    @api.model
    def _kam_unknown_state_message(self, state, labels):
        raise NotImplementedError

    def _kam_refused_transition_message(self, current, target):
        """The refusal for this record, ``current`` and ``target`` being labels."""
        raise NotImplementedError

    @api.model
    def _check_known_state(self, state):
        labels = self._state_labels()
        if state not in labels:
            raise UserError(self._kam_unknown_state_message(state, labels))

    def _check_transition(self, state):
        """Refuse a state that a record cannot reach from its current one."""
        self._check_known_state(state)
        labels = self._state_labels()
        for record in self:
            if state not in self._kam_transitions[record.state]:
                raise UserError(
                    record._kam_refused_transition_message(labels[record.state], labels[state])
                )
