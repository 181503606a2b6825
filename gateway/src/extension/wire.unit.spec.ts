import { expect } from 'chai';
import { importFromExtension, snippetFromText } from './wire.js';

// Written exactly as the extension sends it.
const extensionDream = {
  id: 'dream_1732000000000',
  title: 'Recipe app',
  description: 'Plan meals from the fridge',
  status: 'in_progress' as const,
  tags: ['food', 'mobile'],
  created: '2024-11-19T07:06:40.000Z',
  updated: '2024-11-20T10:00:00.000Z',
  fragments: [
    {
      id: 'fragment_1732000000001',
      title: 'Data model',
      content: 'User: how do I model recipes?\nAssistant: ...',
      source: 'chatgpt',
      url: 'https://chatgpt.com/c/abc',
      date: '2024-11-19T07:07:00.000Z',
      features: ['Ingredient search'],
      codeSnippets: ['```ts\ninterface Recipe { name: string }\n```', 'SELECT 1;'],
    },
  ],
  pipelineOSOptions: { createProject: true, createTickets: false, assignAgents: false },
  syncedWithPipelineOS: false,
};

describe('gateway: the extension\'s wire format', () => {
  it('becomes our import, with the local id as origin and the options kept', () => {
    const ours = importFromExtension(extensionDream);
    expect(ours.origin).to.deep.equal({ client: 'extension', localId: 'dream_1732000000000' });
    expect(ours.localFragmentIds).to.deep.equal(['fragment_1732000000001']);
    expect(ours.pipelineOSOptions).to.deep.equal(extensionDream.pipelineOSOptions);
    expect(ours.dream).to.include({ title: 'Recipe app', description: 'Plan meals from the fridge', status: 'in_progress' });
    expect(ours.dream.fragments).to.deep.equal([
      {
        title: 'Data model',
        content: 'User: how do I model recipes?\nAssistant: ...',
        source: 'chatgpt',
        url: 'https://chatgpt.com/c/abc',
        capturedAt: '2024-11-19T07:07:00.000Z',
        features: ['Ingredient search'],
        codeSnippets: [
          { language: 'ts', code: 'interface Recipe { name: string }' },
          { language: '', code: 'SELECT 1;' },
        ],
      },
    ]);
  });

  it('reads a snippet\'s language from its fence only', () => {
    expect(snippetFromText('```Python\nprint(1)\n```')).to.deep.equal({ language: 'python', code: 'print(1)' });
    expect(snippetFromText('```\nplain\n```')).to.deep.equal({ language: '', code: 'plain' });
    expect(snippetFromText('const a = "```js"')).to.deep.equal({ language: '', code: 'const a = "```js"' });
  });
});
