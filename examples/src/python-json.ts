// JSON read as Python's `json` module reads it: a number written with a fraction or an exponent
// (`10.0`, `1e3`) is a float, one written without is an int. BFCL's checker decides on Python
// types (an int where a float is expected passes, a float where an int is expected does not), and
// JSON.parse forgets how a number was written, so both the ground truth and the model's answer
// are read with this instead.

import { parse } from 'lossless-json';

/** A JSON number written as a float. Ints stay plain numbers. */
export class PyFloat {
  constructor(readonly value: number) {}

  /** JSON.stringify writes it as the number it is. */
  toJSON(): number {
    return this.value;
  }
}

const FLOAT_LITERAL = /[.eE]/;

/** Parses JSON text, keeping floats as PyFloat; throws SyntaxError on text that is not JSON. */
export function parsePythonJson(text: string): unknown {
  return parse(text, null, (literal) =>
    FLOAT_LITERAL.test(literal) ? new PyFloat(Number(literal)) : Number(literal),
  );
}
