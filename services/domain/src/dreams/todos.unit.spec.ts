import { ConflictError, NotFoundError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { aTodo, DeciderSpecification, DREAM_ID, dreamCreated, metadataOf, todoAdded } from '../testing/index.js';
import { dreamDecider } from './decider.js';
import type { DreamEvent } from './events.js';

const spec = DeciderSpecification.for(dreamDecider);
const metadata = metadataOf();
const dreamId = DREAM_ID;
const id = (n: number) => `d0000000-0000-4000-8000-00000000000${n}`;
const todo1 = aTodo({ todoId: id(1), title: 'Sketch', description: 'On paper' });
const todo2 = aTodo({ todoId: id(2), title: 'Build', priority: 'high' });
const todo3 = aTodo({ todoId: id(3), title: 'Ship' });
const history: DreamEvent[] = [dreamCreated(), todoAdded(todo1), todoAdded(todo2), todoAdded(todo3)];
const completed = (todoId: string): DreamEvent => ({ type: 'TodoCompleted', data: { dreamId, todoId } });

describe('AddTodo', () => {
  const add = (fields: Record<string, unknown>) => ({ type: 'AddTodo' as const, data: { dreamId, todoId: id(4), title: 'Test', ...fields } as never, metadata });

  it('adds a pending, medium, manual todo by default, with a trimmed title', () => {
    spec
      .given(history)
      .when(add({ title: ' Test ' }))
      .then([{ type: 'TodoAdded', data: { dreamId, todo: { todoId: id(4), title: 'Test', priority: 'medium', status: 'pending', source: 'manual' } } }]);
  });

  it('keeps the optional fields given', () => {
    const fields = { description: 'd', category: 'dev', priority: 'urgent', deadline: '2025-05-01', source: 'ai_generated', assignedTo: 'sam' } as const;
    spec
      .given(history)
      .when(add(fields))
      .then([{ type: 'TodoAdded', data: { dreamId, todo: { todoId: id(4), title: 'Test', status: 'pending', ...fields } } }]);
  });

  it('refuses an unknown priority, an unknown source and a blank title', () => {
    spec
      .given(history)
      .when(add({ title: '  ', priority: 'asap', source: 'email' }))
      .thenThrows(ValidationError, (error) => expect(error.violations.map((v) => v.path)).to.have.members(['/title', '/priority', '/source']));
  });

  it('refuses an id the dream already holds', () => {
    spec.given(history).when(add({ todoId: id(1) })).thenThrows(ConflictError, (error) => expect(error.code).to.equal('todo_exists'));
  });
});

describe('ChangeTodo, CompleteTodo and RemoveTodo', () => {
  const change = (todoId: string, fields: Record<string, unknown>) => ({ type: 'ChangeTodo' as const, data: { dreamId, todoId, ...fields } as never, metadata });
  const complete = (todoId: string) => ({ type: 'CompleteTodo' as const, data: { dreamId, todoId }, metadata });
  const remove = (todoId: string) => ({ type: 'RemoveTodo' as const, data: { dreamId, todoId }, metadata });

  it('records only the fields that change', () => {
    spec
      .given(history)
      .when(change(id(1), { title: 'Sketch', description: 'On a whiteboard', priority: 'medium', status: 'in_progress' }))
      .then([{ type: 'TodoChanged', data: { dreamId, todoId: id(1), changes: { description: 'On a whiteboard', status: 'in_progress' } } }]);
  });

  it('records completion as TodoCompleted, after the other changes', () => {
    spec
      .given(history)
      .when(change(id(2), { status: 'completed', assignedTo: 'ana' }))
      .then([{ type: 'TodoChanged', data: { dreamId, todoId: id(2), changes: { assignedTo: 'ana' } } }, completed(id(2))]);
    spec.given(history).when(change(id(2), { status: 'completed' })).then([completed(id(2))]);
  });

  it('reopens a completed todo through its status', () => {
    spec
      .given([...history, completed(id(2))])
      .when(change(id(2), { status: 'pending' }))
      .then([{ type: 'TodoChanged', data: { dreamId, todoId: id(2), changes: { status: 'pending' } } }]);
  });

  it('does nothing when nothing differs, a completed todo completed again included', () => {
    spec.given(history).when(change(id(2), { title: 'Build', priority: 'high' })).thenNothingHappens();
    spec.given([...history, completed(id(2))]).when(change(id(2), { status: 'completed' })).thenNothingHappens();
    spec.given([...history, completed(id(2))]).when(complete(id(2))).thenNothingHappens();
  });

  it('refuses an unknown status or priority', () => {
    spec.given(history).when(change(id(1), { status: 'blocked' })).thenThrows(ValidationError);
    spec.given(history).when(change(id(1), { priority: 'critical' })).thenThrows(ValidationError);
  });

  it('completes and removes todos', () => {
    spec.given(history).when(complete(id(3))).then([completed(id(3))]);
    spec.given(history).when(remove(id(3))).then([{ type: 'TodoRemoved', data: { dreamId, todoId: id(3) } }]);
  });

  it('is a 404 for a todo the dream does not hold', () => {
    const removed: DreamEvent = { type: 'TodoRemoved', data: { dreamId, todoId: id(1) } };
    spec.given(history).when(change(id(9), { title: 'x' })).thenThrows(NotFoundError);
    spec.given(history).when(complete(id(9))).thenThrows(NotFoundError);
    spec.given([...history, removed]).when(remove(id(1))).thenThrows(NotFoundError);
  });
});

describe('ReplaceTodos', () => {
  const replace = (todos: Record<string, unknown>[]) => ({ type: 'ReplaceTodos' as const, data: { dreamId, todos } as never, metadata });

  it('records the difference: removed, changed, completed, then added', () => {
    spec
      .given(history)
      .when(
        replace([
          { todoId: id(5), title: 'Market', priority: 'low' },
          { todoId: id(3), title: 'Ship it', status: 'completed' },
          { todoId: id(2), title: 'Build', status: 'completed' },
          { todoId: id(6), title: 'Celebrate', status: 'completed' },
        ]),
      )
      .then([
        { type: 'TodoRemoved', data: { dreamId, todoId: id(1) } },
        { type: 'TodoChanged', data: { dreamId, todoId: id(3), changes: { title: 'Ship it' } } },
        completed(id(3)),
        completed(id(2)),
        { type: 'TodoAdded', data: { dreamId, todo: aTodo({ todoId: id(5), title: 'Market', priority: 'low' }) } },
        { type: 'TodoAdded', data: { dreamId, todo: aTodo({ todoId: id(6), title: 'Celebrate', status: 'completed' }) } },
      ]);
  });

  it('keeps what a known item leaves out, and its source', () => {
    spec
      .given(history)
      .when(replace([{ todoId: id(1), title: 'Sketch', source: 'ai_generated' }, { todoId: id(2), title: 'Build' }, { todoId: id(3), title: 'Ship' }]))
      .thenNothingHappens();
  });

  it('empties the list', () => {
    spec
      .given(history)
      .when(replace([]))
      .then([1, 2, 3].map((n) => ({ type: 'TodoRemoved', data: { dreamId, todoId: id(n) } })));
  });

  it('is a 404 for an id the client named that the dream does not hold', () => {
    spec
      .given(history)
      .when(replace([{ todoId: id(1), title: 'Sketch', newTodo: false }, { todoId: id(8), title: 'Gone elsewhere', newTodo: false }]))
      .thenThrows(NotFoundError);
  });

  it('adds items with a freshly made id, and refuses a fresh id the dream already holds', () => {
    spec
      .given(history)
      .when(replace([{ todoId: id(1), title: 'Sketch', newTodo: false }, { todoId: id(8), title: 'New', newTodo: true }]))
      .then([
        { type: 'TodoRemoved', data: { dreamId, todoId: id(2) } },
        { type: 'TodoRemoved', data: { dreamId, todoId: id(3) } },
        { type: 'TodoAdded', data: { dreamId, todo: aTodo({ todoId: id(8), title: 'New' }) } },
      ]);
    spec
      .given(history)
      .when(replace([{ todoId: id(1), title: 'Sketch', newTodo: true }]))
      .thenThrows(ConflictError, (error) => expect(error.code).to.equal('todo_exists'));
  });

  it('refuses a list with a repeated id or an unknown priority, pointing at the items', () => {
    spec
      .given(history)
      .when(replace([{ todoId: id(7), title: 'a' }, { todoId: id(7), title: 'b', priority: 'meh' }]))
      .thenThrows(ValidationError, (error) =>
        expect(error.violations.map((v) => v.path)).to.have.members(['/todos/1/todoId', '/todos/1/priority']),
      );
  });
});
