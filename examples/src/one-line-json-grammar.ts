// The layout of constrained JSON. node-llama-cpp's JSON grammar lets the model choose its spacing,
// and a small model, after `"key":` with no space, continues the compact JSON of the function
// schemas in its prompt: it starts a `{"type": ...}` the grammar refuses and then takes whatever
// digit is left (measured with SmolLM2-135M: `"purchase_price":100` for a stock "bought at $20").
// After `"key": ` it writes the question's values. So the grammar is made to lay JSON out on one
// line as Python's json.dumps does, as `{"name": "f", "arguments": {"a": 1, "b": [2, 3]}}`.

/** node-llama-cpp's GBNF for a JSON schema (3.21), with its free spacing fixed to one line, `": "` and `", "`. */
export function oneLineJsonGrammar(gbnf: string): string {
  return gbnf
    .replaceAll(' ":" [ ]? ', ' ": " ')
    .replace(/^(comma-whitespace-[\w-]+ ::= ).*$/gm, '$1", "')
    .replace(/^(whitespace-[\w-]+ ::= ).*$/gm, '$1""');
}
