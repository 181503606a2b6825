import type { DreamCommand } from './commands.js';
import { decide } from './decide.js';
import type { DreamEvent, RecordedDreamEvent } from './events.js';
import { evolve, initialState, type Dream } from './state.js';

/** A pure decider: fold events with `evolve` from `initialState()`, then `decide`. */
export interface Decider<State, Command, Event, FoldedEvent = Event> {
  initialState(): State;
  evolve(state: State, event: FoldedEvent): State;
  decide(command: Command, state: State): Event[];
}

export type DreamDecider = Decider<Dream, DreamCommand, DreamEvent, RecordedDreamEvent>;

export const dreamDecider: DreamDecider = { initialState, evolve, decide };

/** The state after `events`, folded from the initial state. */
export const foldDream = (events: Iterable<RecordedDreamEvent>): Dream => {
  let state = initialState();
  for (const event of events) state = evolve(state, event);
  return state;
};
