import { ConflictError, NotFoundError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { aFragment, aTodo, DeciderSpecification, DREAM_ID, dreamCreated, dreamDeleted, fragmentCaptured, metadataOf, OTHER_USER_ID, todoAdded } from '../testing/index.js';
import type { CommandMetadata, DreamCommand, DreamCommandType } from './commands.js';
import { dreamDecider } from './decider.js';
import type { DreamEvent } from './events.js';

const spec = DeciderSpecification.for(dreamDecider);
const dreamId = DREAM_ID;
const newId = 'b0000000-0000-4000-8000-000000000001';
const requested: DreamEvent = { type: 'ImplementationRequested', data: { dreamId } };
const history: DreamEvent[] = [dreamCreated(), fragmentCaptured(), todoAdded(), requested];
// A second request while one is open is refused on its own merits, so it gets a history without one.
const historyFor = (command: DreamCommand): DreamEvent[] =>
  command.type === 'RequestImplementation' ? history.filter((e) => e !== requested) : history;
const stateFor = (command: DreamCommand) => historyFor(command).reduce(dreamDecider.evolve, dreamDecider.initialState());

/** One valid command of every kind that acts on an existing dream. */
const commandsOnADream = (metadata: CommandMetadata): DreamCommand[] => [
  { type: 'CaptureFragment', data: { dreamId, newDream: false, fragment: { fragmentId: newId, title: 'T', content: 'c', source: 'claude' } }, metadata },
  { type: 'AddFragment', data: { dreamId, fragmentId: newId, title: 'T', content: 'c', source: 'claude' }, metadata },
  { type: 'EditFragment', data: { dreamId, fragmentId: aFragment().fragmentId, title: 'New title' }, metadata },
  { type: 'RemoveFragment', data: { dreamId, fragmentId: aFragment().fragmentId }, metadata },
  { type: 'ChangeDreamDetails', data: { dreamId, title: 'Another title' }, metadata },
  { type: 'ChangeDreamStatus', data: { dreamId, status: 'in_progress' }, metadata },
  { type: 'SetDreamTags', data: { dreamId, tags: ['x'] }, metadata },
  { type: 'ArchiveDream', data: { dreamId }, metadata },
  { type: 'DeleteDream', data: { dreamId }, metadata },
  { type: 'AddTodo', data: { dreamId, todoId: newId, title: 'Another' }, metadata },
  { type: 'ChangeTodo', data: { dreamId, todoId: aTodo().todoId, priority: 'high' }, metadata },
  { type: 'CompleteTodo', data: { dreamId, todoId: aTodo().todoId }, metadata },
  { type: 'RemoveTodo', data: { dreamId, todoId: aTodo().todoId }, metadata },
  { type: 'ReplaceTodos', data: { dreamId, todos: [] }, metadata },
  { type: 'AttachDocument', data: { dreamId, documentId: newId, title: 'Spec', fileName: 'spec.pdf', fileType: 'application/pdf', size: 10 }, metadata },
  { type: 'RequestImplementation', data: { dreamId }, metadata },
  { type: 'CompleteImplementation', data: { dreamId, pipelineosProjectId: 'p-1' }, metadata },
  { type: 'ReportSync', data: { dreamId, status: 'synced', pipelineosProjectId: 'p-1' }, metadata },
];

// A record over the union, so a new command type fails to compile until it is listed here.
const KINDS: Record<DreamCommandType, 'acts on a dream' | 'creates a dream'> = {
  CaptureFragment: 'acts on a dream', // with newDream false; creating is specified with the fragments
  AddFragment: 'acts on a dream',
  EditFragment: 'acts on a dream',
  RemoveFragment: 'acts on a dream',
  CreateDream: 'creates a dream',
  ImportDream: 'creates a dream',
  ChangeDreamDetails: 'acts on a dream',
  ChangeDreamStatus: 'acts on a dream',
  SetDreamTags: 'acts on a dream',
  ArchiveDream: 'acts on a dream',
  DeleteDream: 'acts on a dream',
  AddTodo: 'acts on a dream',
  ChangeTodo: 'acts on a dream',
  CompleteTodo: 'acts on a dream',
  RemoveTodo: 'acts on a dream',
  ReplaceTodos: 'acts on a dream',
  AttachDocument: 'acts on a dream',
  RequestImplementation: 'acts on a dream',
  CompleteImplementation: 'acts on a dream',
  ReportSync: 'acts on a dream',
};

const INTEGRATION_COMMANDS = ['CompleteImplementation', 'ReportSync'];

describe('who may act on a dream', () => {
  it('covers every command that acts on an existing dream', () => {
    const actingOnADream = Object.entries(KINDS).filter(([, kind]) => kind === 'acts on a dream').map(([type]) => type);
    expect(commandsOnADream(metadataOf()).map((c) => c.type)).to.have.members(actingOnADream);
  });

  it('is a 404 for every command on an absent dream', () => {
    for (const command of commandsOnADream(metadataOf())) spec.given([]).when(command).thenThrows(NotFoundError);
  });

  it('is a 404 for every command on a deleted dream', () => {
    for (const command of commandsOnADream(metadataOf())) {
      spec.given([...history, dreamDeleted()]).when(command).thenThrows(NotFoundError);
    }
  });

  it('is a 404, not a 403, for every command on a dream someone else owns', () => {
    for (const command of commandsOnADream(metadataOf(OTHER_USER_ID))) {
      spec.given(history).when(command).thenThrows(NotFoundError, (error) => expect(error.status).to.equal(404));
    }
  });

  it('lets the owner send every command, each deciding into events', () => {
    for (const command of commandsOnADream(metadataOf())) {
      expect(dreamDecider.decide(command, stateFor(command)), command.type).not.to.be.empty;
    }
  });

  it('lets an admin act on any dream', () => {
    for (const command of commandsOnADream(metadataOf(OTHER_USER_ID, ['user', 'admin']))) {
      expect(dreamDecider.decide(command, stateFor(command)), command.type).not.to.be.empty;
    }
  });

  it('lets an integration report implementations and syncs on any dream, and nothing else', () => {
    for (const command of commandsOnADream(metadataOf('pipelineos', ['integration']))) {
      if (INTEGRATION_COMMANDS.includes(command.type)) {
        expect(dreamDecider.decide(command, stateFor(command)), command.type).to.have.lengthOf(1);
      } else {
        spec.given(historyFor(command)).when(command).thenThrows(NotFoundError);
      }
    }
  });

  it('does not let an integration report on a deleted dream', () => {
    const reports = commandsOnADream(metadataOf('pipelineos', ['integration'])).filter((c) => INTEGRATION_COMMANDS.includes(c.type));
    expect(reports).to.have.lengthOf(2);
    for (const command of reports) spec.given([...history, dreamDeleted()]).when(command).thenThrows(NotFoundError);
  });

  it('answers ownership before the command\'s own faults: invalid data about another\'s dream is a 404, not a 400', () => {
    const invalid: DreamCommand = { type: 'ChangeDreamDetails', data: { dreamId, title: 'x' }, metadata: metadataOf(OTHER_USER_ID) };
    spec.given(history).when(invalid).thenThrows(NotFoundError);
  });

  describe('a new dream on a taken id', () => {
    const creating = (metadata: CommandMetadata): DreamCommand[] => [
      { type: 'ImportDream', data: { dreamId, dream: { title: 'Imported', fragments: [], todos: [] } }, metadata },
      { type: 'CreateDream', data: { dreamId, title: 'Created' }, metadata },
      { type: 'CaptureFragment', data: { dreamId, newDream: true, fragment: { fragmentId: newId, title: 'T', content: 'c', source: 'claude' } }, metadata },
    ];

    it('is the 404 of an unknown id for anyone but the owner, deleted dreams included', () => {
      for (const command of creating(metadataOf(OTHER_USER_ID))) {
        spec.given(history).when(command).thenThrows(NotFoundError);
        spec.given([...history, dreamDeleted()]).when(command).thenThrows(NotFoundError);
      }
    });

    it('tells the owner that the id is taken (409)', () => {
      for (const command of creating(metadataOf())) spec.given(history).when(command).thenThrows(ConflictError, (error) => expect(error.code).to.equal('dream_exists'));
    });
  });
});
