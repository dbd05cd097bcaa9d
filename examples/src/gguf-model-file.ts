// Checks that a file can be a GGUF model before node-llama-cpp maps it: a wrong path or a
// truncated download should fail with a sentence, not a native loader error.

import { open, stat } from 'node:fs/promises';

/** The smallest size a GGUF holding a usable language model could have (SmolLM2-135M Q4_1 is ~94 MiB). */
export const MIN_MODEL_BYTES = 1024 * 1024;

/** Exit code of the demo when the model file it was given cannot be used. */
export const EXIT_INVALID_MODEL_FILE = 4;

export class InvalidModelFileError extends Error {
  override readonly name = 'InvalidModelFileError';
  readonly exitCode = EXIT_INVALID_MODEL_FILE;
  readonly path: string;

  constructor(path: string, reason: string) {
    super(`${path} is not a usable GGUF model: ${reason}`);
    this.path = path;
  }
}

/**
 * Resolves when `path` is a regular file of plausible size that starts with the GGUF magic and a
 * format version node-llama-cpp reads (2 or 3); throws InvalidModelFileError otherwise.
 */
export async function validateModelFile(path: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InvalidModelFileError(path, 'not a regular file');
    size = info.size;
  } catch (error) {
    if (error instanceof InvalidModelFileError) throw error;
    throw new InvalidModelFileError(path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  if (size < MIN_MODEL_BYTES) {
    throw new InvalidModelFileError(
      path,
      `${size} bytes is too small for a model (at least ${MIN_MODEL_BYTES})`,
    );
  }
  const header = Buffer.alloc(8);
  const file = await open(path, 'r');
  try {
    await file.read(header, 0, 8, 0);
  } finally {
    await file.close();
  }
  if (header.toString('latin1', 0, 4) !== 'GGUF') {
    throw new InvalidModelFileError(path, 'it does not start with the GGUF magic');
  }
  const version = header.readUInt32LE(4);
  if (version !== 2 && version !== 3)
    throw new InvalidModelFileError(path, `unsupported GGUF version ${version}`);
}
