// Reads members out of a zip file (a Python wheel is one). yauzl reads the central directory
// and checks each member's declared size while streaming it, so a truncated download fails here
// instead of leaving a short file behind.

import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

export interface ZipMember {
  name: string;
  /** Uncompressed size as the central directory declares it. */
  size: number;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    );
  });
}

/** Visits every entry in order; `visit` returning true stops the walk. */
async function walk(path: string, visit: (zip: yauzl.ZipFile, entry: yauzl.Entry) => Promise<boolean>) {
  const zip = await openZip(path);
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        visit(zip, entry).then((stop) => (stop ? resolve() : zip.readEntry()), reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

export async function listZipMembers(path: string): Promise<ZipMember[]> {
  const members: ZipMember[] = [];
  await walk(path, async (_zip, entry) => {
    if (!entry.fileName.endsWith('/')) members.push({ name: entry.fileName, size: entry.uncompressedSize });
    return false;
  });
  return members;
}

/**
 * Writes one member to `destination`, through a temporary file renamed into place, so the
 * destination either does not exist or holds the whole member.
 */
export async function extractZipMember(path: string, member: string, destination: string): Promise<void> {
  const partial = `${destination}.partial-${process.pid}`;
  let found = false;
  try {
    await walk(path, async (zip, entry) => {
      if (entry.fileName !== member) return false;
      found = true;
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
        zip.openReadStream(entry, (error, readable) => (error ? reject(error) : resolve(readable)));
      });
      await pipeline(stream, createWriteStream(partial));
      return true;
    });
    if (!found) throw new Error(`${path} has no member ${member}`);
    await rename(partial, destination);
  } finally {
    await rm(partial, { force: true });
  }
}
