/**
 * Imports of data exports: every malformed upload is a 4xx, never a 5xx; a job is its
 * owner's alone (another user's is the 404 of one that does not exist); an import cannot
 * reach into another user's dreams, whatever conversation ids it carries; and no token
 * reaches a log line on the way.
 */
import { randomUUID } from 'node:crypto';
import * as fx from '@dreamcatcher/imports/testing';
import { send, type RawAnswer } from '../fuzz/raw-http.js';
import type { SecurityContext } from './context.js';

const AREA = 'imports';

export async function importCases(ctx: SecurityContext): Promise<void> {
  const { report, alice, bob, system } = ctx;
  const upload = (token: string, body: string | Buffer, contentType?: string): Promise<RawAnswer> =>
    send({ method: 'POST', url: `${system.api}/imports`, headers: { authorization: `Bearer ${token}`, ...(contentType && { 'content-type': contentType }) }, body });
  const job = (token: string, id: string) => ctx.call('GET', `/imports/${id}`, { token });
  const finished = async (token: string, id: string): Promise<RawAnswer> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await job(token, id);
      if (answer.json?.status === 'completed' || answer.json?.status === 'failed' || Date.now() > deadline) return answer;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const malformed: [string, string | Buffer, string | undefined][] = [
    ['no content type', '[]', undefined],
    ['text/plain', 'conversations', 'text/plain'],
    ['a JSON object', '{"conversations":[]}', 'application/json'],
    ['a JSON string', '"[]"', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['NUL bytes as JSON', Buffer.alloc(64), 'application/json'],
    ['text sent as a zip', 'not a zip at all', 'application/zip'],
    ['multipart without a boundary', 'file', 'multipart/form-data'],
    ['multipart with no file field', '--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--b--\r\n', 'multipart/form-data; boundary=b'],
    ['multipart cut short', '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\n[', 'multipart/form-data; boundary=b'],
    ['multipart file that is no export', '--b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\nhello\r\n--b--\r\n', 'multipart/form-data; boundary=b'],
  ];
  for (const [name, body, type] of malformed) {
    await report.check(AREA, `upload: ${name}`, '4xx with an error body', async () => {
      const answer = await upload(alice.token, body, type);
      return { passed: answer.status >= 400 && answer.status < 500 && typeof answer.json?.error?.code === 'string', actual: `${answer.status} ${answer.json?.error?.code ?? ''}` };
    });
  }

  await report.check(AREA, 'a zip that breaks after its first bytes', '202, then a failed job saying why', async () => {
    const accepted = await upload(alice.token, Buffer.from('PK\x03\x04broken'), 'application/zip');
    const done = await finished(alice.token, String(accepted.json?.id));
    return { passed: accepted.status === 202 && done.json?.status === 'failed' && /zip/.test(String(done.json?.errors?.at(-1))), actual: `${accepted.status} ${done.json?.status}` };
  });

  const conversation = fx.chatGptBranched(`sec-${randomUUID()}`);
  const own = await upload(alice.token, JSON.stringify([conversation]), 'application/json');
  const aliceJob = String(own.json?.id);

  await report.check(AREA, "bob reads alice's import job", 'the 404 of a job that does not exist, nothing of hers', async () => {
    const his = await job(bob.token, aliceJob);
    const none = await job(bob.token, randomUUID());
    const passed = his.status === 404 && none.status === 404 && JSON.stringify(his.json?.error) === JSON.stringify(none.json?.error) && !his.text.includes(aliceJob);
    return { passed, actual: `${his.status} / ${none.status}` };
  });

  await report.check(AREA, "bob imports the same conversation id as alice", 'a dream of his own; her dream and job untouched', async () => {
    const hers = await finished(alice.token, aliceJob);
    const accepted = await upload(bob.token, JSON.stringify([{ ...conversation, title: 'Taken over' }]), 'application/json');
    const his = await finished(bob.token, String(accepted.json?.id));
    const again = await job(alice.token, aliceJob);
    const passed = hers.json?.conversations?.imported === 1 && his.json?.conversations?.imported === 1 && JSON.stringify(again.json) === JSON.stringify(hers.json);
    return { passed, actual: `alice imported ${hers.json?.conversations?.imported}, bob imported ${his.json?.conversations?.imported}` };
  });

  await report.check(AREA, 'tokens in the logs of imports', 'no line holds a token that uploaded', async () => {
    const lines = [...system.logs.values()].flat();
    const leaked = lines.filter((line) => line.includes(alice.token) || line.includes(bob.token)).length;
    return { passed: leaked === 0, actual: `${leaked} lines` };
  });
}
