import { expect } from 'chai';
import type { Decider } from '../dreams/decider.js';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** What a specification checks once the command is known. */
export interface DeciderThen<Event> {
  /** The command is decided into exactly these events, in this order. */
  then(expected: Event[]): void;
  /** The command is accepted and changes nothing (an empty list of events). */
  thenNothingHappens(): void;
  /** The command is refused with an instance of `errorClass`; `check` may look closer. */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, check?: (error: E) => void): void;
}

/**
 * Given/when/then for a pure decider:
 * `DeciderSpecification.for(dreamDecider).given(events).when(command).then(expectedEvents)`.
 * The given events are folded with the decider's own `evolve`, so a spec states history,
 * never a hand-built state.
 */
export const DeciderSpecification = {
  for<State, Command, Event, FoldedEvent = Event>(decider: Decider<State, Command, Event, FoldedEvent>) {
    return {
      given(events: FoldedEvent[] = []) {
        return {
          when(command: Command): DeciderThen<Event> {
            const run = (): Event[] => {
              const state = events.reduce((current, event) => decider.evolve(current, event), decider.initialState());
              return decider.decide(command, state);
            };
            return {
              then(expected) {
                expect(run()).to.deep.equal(expected);
              },
              thenNothingHappens() {
                expect(run()).to.deep.equal([]);
              },
              thenThrows(errorClass, check) {
                let decided: Event[];
                try {
                  decided = run();
                } catch (error) {
                  expect(error).to.be.instanceOf(errorClass);
                  check?.(error as Parameters<NonNullable<typeof check>>[0]);
                  return;
                }
                expect.fail(`expected ${errorClass.name}, but the command was decided into ${JSON.stringify(decided)}`);
              },
            };
          },
        };
      },
    };
  },
};
