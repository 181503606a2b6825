/** The `conversations.json` inside an export zip, as a stream (the zip is never unpacked to disk). */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { NotAnExportError } from './conversation.js';

export function openZippedConversations(path: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return reject(new NotAnExportError(`The zip could not be read (${error?.message ?? 'unknown error'})`));
      let found = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName.split('/').pop();
        if (name !== 'conversations.json' || /\/$/.test(entry.fileName)) return void zip.readEntry();
        found = true;
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(new NotAnExportError(`conversations.json in the zip could not be read (${streamError?.message})`));
          resolve(stream);
        });
      });
      zip.on('end', () => {
        if (!found) reject(new NotAnExportError('The zip holds no conversations.json; expected the export .zip as downloaded from ChatGPT or Claude'));
      });
      zip.on('error', (zipError: Error) => reject(new NotAnExportError(`The zip could not be read (${zipError.message})`)));
      zip.readEntry();
    });
  });
}
