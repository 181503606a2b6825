import { expect } from 'chai';
import { EVENT_TYPES } from '@dreamcatcher/contracts';
import { textFields } from '../testing/event-schemas.js';
import { KEPT_IN_CLEAR, personalFieldsOf } from './personal-fields.js';

describe('free-text fields of events', () => {
  const keptInClear = (type: string): Readonly<Record<string, string>> => (KEPT_IN_CLEAR as Record<string, Record<string, string> | undefined>)[type] ?? {};

  for (const type of EVENT_TYPES) {
    it(`${type}: each is encrypted as personal data or kept in clear for a stated reason`, () => {
      const personal = personalFieldsOf(type);
      const clear = keptInClear(type);
      const unaccounted = textFields(type, (pattern) => personal.includes(pattern)).filter((pattern) => !(pattern in clear));
      expect(unaccounted, `${type}: free-text fields neither in PERSONAL_FIELDS nor in KEPT_IN_CLEAR`).to.deep.equal([]);
    });
  }

  it('names in KEPT_IN_CLEAR only text fields that exist, are not also personal, and says why', () => {
    for (const [type, fields] of Object.entries(KEPT_IN_CLEAR)) {
      const text = textFields(type, () => false);
      for (const [pattern, reason] of Object.entries(fields ?? {})) {
        expect(text, `${type} ${pattern}`).to.include(pattern);
        expect(personalFieldsOf(type), `${type} ${pattern}`).to.not.include(pattern);
        expect(reason.length, `${type} ${pattern}`).to.be.greaterThan(10);
      }
    }
  });

  it('counts the agents of a completed implementation as personal (they held a canary after erasure)', () => {
    expect(personalFieldsOf('ImplementationCompleted')).to.include('/agentsAssigned');
  });
});
