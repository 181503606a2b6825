/**
 * A mixed workload using all 21 event types across two users, with what the read models
 * must show afterwards. Dream a1 goes through almost every change, a2 is imported and
 * archived, a3 is created and deleted, b1 belongs to another user.
 */
import { Clock, DreamScript } from './dream-script.js';

export const USER_A = 'user-a';
export const USER_B = 'user-b';

export function mixedWorkload() {
  const clock = new Clock();
  const a1 = new DreamScript(USER_A, clock);
  a1.created({ title: 'Build a rocket', description: 'Reusable rockets for hobbyists', brand: 'bc-studio', tags: ['ai', 'space'] })
    .captured('Rocket chat', 'We discussed liquid fuel engines')
    .captured('Second chat', 'Parachutes and recovery');
  const [f1, f2] = a1.fragmentIds as [string, string];
  a1.fragmentEdited(f1, { title: 'Rocket engines', content: 'Liquid oxygen and kerosene engines' })
    .fragmentRemoved(f2)
    .detailsChanged({ description: 'Reusable rockets for makers', summary: 'An AI summary' })
    .statusChanged('idea', 'in_progress')
    .brandChanged('bc-studio', 'bc-innovations')
    .tagged('coding', 'design')
    .untagged('space')
    .todoAdded('Design nozzle')
    .todoAdded('Order fuel')
    .todoAdded('Write docs');
  const [t1, t2, t3] = a1.todoIds as [string, string, string];
  a1.todoChanged(t1, { priority: 'high', status: 'in_progress', assignedTo: 'ana' })
    .todoCompleted(t1)
    .todoCompleted(t2)
    .todoChanged(t2, { status: 'pending' })
    .todoRemoved(t3)
    .documentAttached('Blueprint', 2048)
    .implementationRequested('go fast')
    .syncFailed('PipelineOS timeout');
  const a1FailedAt = a1.events.at(-1)!.metadata.occurredAt;
  a1.synced('proj-1');
  const a1SyncedAt = a1.events.at(-1)!.metadata.occurredAt;
  a1.implementationCompleted('proj-1');

  const a2 = new DreamScript(USER_A, clock);
  a2.imported(
    [a2.fragment('Recipe chat', 'A banana bread recipe with walnuts'), a2.fragment('Oven chat', 'Baking at 180 degrees')],
    [a2.todo('Buy bananas', 'completed'), a2.todo('Preheat oven')],
    { title: 'Bakery idea', description: 'Bread for everyone', tags: ['content'], brand: 'personal' },
  )
    .archived('idea')
    .syncFailed('No project template');

  const a3 = new DreamScript(USER_A, clock);
  a3.created({ title: 'Short-lived', tags: ['ai', 'temporary'] }).captured('Brief', 'Soon gone');
  const lastCapture = a3.events.at(-1)!.metadata.occurredAt;
  a3.todoAdded('Never done').deleted();
  const userALastUpdate = a3.events.at(-1)!.metadata.occurredAt;

  const b1 = new DreamScript(USER_B, clock);
  b1.created({ title: 'Secret garden', description: 'Tomatoes on the balcony', brand: 'accordingto', tags: ['gardening', 'ai'] })
    .captured('Garden talk', 'Tomatoes and basil grow well together')
    .synced('proj-b');

  return {
    scripts: [a1, a2, a3, b1],
    a1,
    a2,
    a3,
    b1,
    ids: { f1, f2, t1, t2, t3 },
    times: { a1FailedAt, a1SyncedAt, lastCapture, userALastUpdate },
  };
}

export type MixedWorkload = ReturnType<typeof mixedWorkload>;
